import Foundation
import NIOHTTP1
import TestSupport

/// One backup round trip with the real binary: serve the source, write through the API, take a
/// backup while a writer keeps creating schools, restore it, serve the restored copy and read both.
struct BackupRoundTrip: Sendable {
    /// The scenario's reads on the source before the backup, and on the restored server.
    var before: [String: String] = [:]
    var restored: [String: String] = [:]
    /// Schools acknowledged before the backup started.
    var acknowledgedBeforeBackup: Set<String> = []
    var acknowledgedDuringBackup = 0
    /// Schools whose request was sent after the backup command had ended.
    var sentAfterBackup: Set<String> = []
    /// Every school listed by the source after the writer stopped, and by the restored server.
    var schoolsOnSource: [String: String] = [:]
    var schoolsRestored: [String: String] = [:]
    var writeFailures: [String] = []
    var auditVerify: Shell.Run?

    static func run(source: QianxueBinary, restoredTo target: QianxueBinary, passwords: [String: String],
                    backup: (ServedProcess) async throws -> Void, restore: () async throws -> Void) async throws -> BackupRoundTrip {
        var trip = BackupRoundTrip()
        let served = try await source.serve()
        let scenario: BackupScenario
        do {
            scenario = try await BackupScenario.write(served.api, passwords: passwords)
            trip.before = try await scenario.answers(on: served.api)
            let writer = SchoolWriter()
            let token = try await BackupScenario.login(served.api, "backup.admin", passwords)
            let writing = Task { await writer.keepWriting(served.api, token: token) }
            try await writer.waitFor(3)
            trip.acknowledgedBeforeBackup = await writer.acknowledgedIDs
            try await backup(served)
            let backupEnded = ContinuousClock.now
            let afterBackup = await writer.count
            trip.acknowledgedDuringBackup = afterBackup - trip.acknowledgedBeforeBackup.count
            try await writer.waitFor(afterBackup + 3)
            writing.cancel()
            await writing.value
            trip.writeFailures = await writer.failures
            trip.sentAfterBackup = await writer.sent(after: backupEnded)
            trip.schoolsOnSource = try await scenario.schools(on: served.api)
            await served.stop()
        } catch {
            await served.stop()
            throw error
        }
        try await restore()
        let second = try await target.serve()
        do {
            trip.restored = try await scenario.answers(on: second.api)
            trip.schoolsRestored = try await scenario.schools(on: second.api)
            await second.stop()
        } catch {
            await second.stop()
            throw error
        }
        trip.auditVerify = try await target.run(["audit", "verify"])
        return trip
    }
}

/// Creates schools one after another until cancelled, as a busy admin's client would.
actor SchoolWriter {
    private(set) var acknowledged: [String] = []
    private var sentAt: [String: ContinuousClock.Instant] = [:]
    private(set) var failures: [String] = []

    var count: Int { acknowledged.count }
    var acknowledgedIDs: Set<String> { Set(acknowledged) }

    func sent(after instant: ContinuousClock.Instant) -> Set<String> {
        Set(sentAt.filter { $0.value > instant }.keys)
    }

    func keepWriting(_ api: LiveAPI, token: String) async {
        var n = 0
        while !Task.isCancelled {
            n += 1
            let sent = ContinuousClock.now
            do {
                let r = try await api.request(.POST, "/v1/schools", token: token,
                                              json: ["name": "备份期间写入 \(n)", "countyCode": "520302", "stages": ["primary"], "locale": "rural"])
                if r.status == 201, let id = BackupScenario.json(r.text)["id"] as? String {
                    acknowledged.append(id)
                    sentAt[id] = sent
                } else if r.status == 429 || r.status == 503 {
                    // the account's rate limit, or a busy machine: a client waits as told and goes on
                    let wait = BackupScenario.json(r.text)["retryAfter"] as? Int ?? 1
                    try? await Task.sleep(for: .seconds(wait))
                } else {
                    failures.append("\(r.status) \(r.text.prefix(300))")
                }
            } catch {
                if !Task.isCancelled { failures.append("\(error)") }
            }
        }
    }

    /// Waits until `n` writes were acknowledged (at most a minute).
    func waitFor(_ n: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while acknowledged.count < n {
            guard ContinuousClock.now < deadline, failures.isEmpty else {
                throw TestSetupError("\(acknowledged.count) of \(n) writes acknowledged; failures: \(failures.prefix(3))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
