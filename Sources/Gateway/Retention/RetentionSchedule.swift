import Foundation
import Logging
import Persistence
import QianxueCore
import ServiceLifecycle

/// Runs the retention purge inside `qianxue serve`: once shortly after start-up, then every day at
/// the configured hour (Asia/Shanghai), logging one line with its counts. Several instances on one
/// PostgreSQL may all run it: the purge's advisory lock lets one work and the others skip.
struct RetentionSchedule: Service {
    let purge: RetentionPurge
    let hour: Int
    let startupDelay: Duration
    let logger: Logger

    func run() async throws {
        // Stops at graceful shutdown: the sleep ends at once and a purge under way stops between batches.
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: startupDelay)
            while true {
                await runOnce()
                try await Task.sleep(for: .seconds(Self.secondsUntil(hour: hour, after: Date())))
            }
        }
    }

    func runOnce() async {
        let started = ContinuousClock.now
        do {
            let report = try await purge.run()
            logger.info("\(report.summary) in \(ContinuousClock.now - started)")
        } catch is CancellationError {
            logger.info("retention purge stopped at shutdown; it goes on where it stopped next time")
        } catch {
            logger.error("retention purge failed: \(error)")
        }
    }

    /// Seconds from `date` to the next `hour`:00 in Asia/Shanghai (a day ahead when it is that hour now).
    static func secondsUntil(hour: Int, after date: Date) -> Int {
        let calendar = PlatformCalendar.calendar
        let today = calendar.date(bySettingHour: hour, minute: 0, second: 0, of: calendar.startOfDay(for: date))!
        let next = today > date ? today : calendar.date(byAdding: .day, value: 1, to: today)!
        return max(1, Int(next.timeIntervalSince(date).rounded(.up)))
    }
}
