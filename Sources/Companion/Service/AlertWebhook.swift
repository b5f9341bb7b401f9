import FluentKit
import Foundation
import Logging
import Persistence
import QianxueCore
import Synchronization

/// Tells an outside system (the school's duty phone, the bureau's safeguarding desk) about a
/// severe safety flag: a JSON POST with the flag's id, school, student id, category, severity and
/// rule — never the student's words or name — retried with backoff until it is taken (2xx) or
/// the attempts run out. Each attempt is counted on the flag.
public struct AlertWebhook: Sendable {
    public let url: URL
    let transport: any OutboundTransport
    let database: DatabaseStack
    let logger: Logger
    /// Waits before the second, third … attempt.
    let backoff: [Duration]
    /// Deliveries under way, so that shutting down can stop them before the database closes.
    let running = RunningTasks()

    public init(url: URL, transport: any OutboundTransport, database: DatabaseStack, backoff: [Duration] = [.seconds(2), .seconds(10), .seconds(60)],
                logger: Logger = Logger(label: "qianxue.alerts")) {
        self.url = url
        self.transport = transport
        self.database = database
        self.backoff = backoff
        self.logger = logger
    }

    struct Payload: Encodable {
        let event = "safety-flag"
        let flagId: String
        let schoolId: String
        let studentId: String
        let category: String
        let severity: String
        let ruleId: String
        let createdAt: String
    }

    /// Delivers in the background; the reply to the student never waits for it.
    func enqueue(_ flag: StudentFlagRecord) {
        running.start { await deliver(flag) }
    }

    /// Stops the deliveries under way (each records the attempt it is in) and waits for them.
    public func shutdown() async {
        await running.cancelAndWait()
    }

    func deliver(_ flag: StudentFlagRecord) async {
        let body = Payload(flagId: flag.id.uuidString.lowercased(), schoolId: flag.schoolID.uuidString.lowercased(),
                           studentId: flag.studentID.uuidString.lowercased(), category: flag.category.rawValue,
                           severity: flag.severity.rawValue, ruleId: flag.ruleID, createdAt: ISO8601DateFormatter().string(from: flag.createdAt))
        guard let data = try? JSONEncoder().encode(body) else { return }
        for attempt in 0...backoff.count {
            if attempt > 0 {
                try? await Task.sleep(for: backoff[attempt - 1])
                if Task.isCancelled {
                    logger.error("shutting down before the alert webhook took a severe safety flag; the school's admins see it in the app",
                                 metadata: ["flag": "\(flag.id)"])
                    return
                }
            }
            let request = OutboundRequest(.post, url: url.absoluteString, headers: [(name: "content-type", value: "application/json")],
                                          body: Array(data))
            var delivered = false
            do {
                let response = try await transport.send(request, timeout: .seconds(10), limit: 1 << 16)
                delivered = (200..<300).contains(response.status)
                if !delivered { logger.warning("the alert webhook answered \(response.status)", metadata: ["flag": "\(flag.id)"]) }
            } catch {
                logger.warning("the alert webhook could not be reached", metadata: ["flag": "\(flag.id)", "error": "\(error)"])
            }
            await record(flag.id, delivered: delivered)
            if delivered { return }
        }
        logger.error("the alert webhook never took a severe safety flag; the school's admins see it in the app", metadata: ["flag": "\(flag.id)"])
    }

    private func record(_ id: UUID, delivered: Bool) async {
        guard let m = try? await FlagModel.find(id, on: database.db) else { return }
        m.alertAttempts += 1
        if delivered { m.alertDeliveredAt = Date() }
        try? await m.update(on: database.db)
    }
}

/// Tasks started in the background and kept track of until they end.
final class RunningTasks: Sendable {
    private let tasks = Mutex<[UUID: Task<Void, Never>]>([:])

    func start(_ body: @escaping @Sendable () async -> Void) {
        let id = UUID.random()
        tasks.withLock { all in
            all[id] = Task { [weak self] in
                await body()
                self?.tasks.withLock { _ = $0.removeValue(forKey: id) }
            }
        }
    }

    func cancelAndWait() async {
        let all = tasks.withLock { Array($0.values) }
        for t in all { t.cancel() }
        for t in all { await t.value }
    }

    var count: Int { tasks.withLock { $0.count } }
}
