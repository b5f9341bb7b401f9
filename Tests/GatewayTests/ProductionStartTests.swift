import Foundation
import Testing
import TestSupport

/// `qianxue serve` in production refuses a database with demo people in it: their passwords were
/// printed to whoever seeded them.
@Suite struct ProductionStartTests {
    static let binary = Repository.root.appendingPathComponent(".build/debug/qianxue")

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path), "needs the qianxue binary (swift build)"))
    func productionRefusesToStartWithDemoAccounts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-production-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let qx = "'\(Self.binary.path)' --data-dir '\(dir.path)' --curriculum '\(Repository.curriculum.path)'"
        let script = """
            unset DATABASE_URL QIANXUE_ENV
            echo 'Demo-pass-2026x' | \(qx.replacingOccurrences(of: "--data-dir", with: "users create --username demo.admin --role admin --password-stdin --data-dir")) >/dev/null || exit 90
            QIANXUE_ENV=production QIANXUE_PORT=$((20000 + RANDOM % 20000)) timeout 60 \(qx.replacingOccurrences(of: "--data-dir", with: "serve --data-dir"))
            """
        let run = try await Shell.bash(script)

        // then it stops at once (not killed by the timeout) and says why, naming the account
        #expect(run.status != 0 && run.status != 90 && run.status != 124, "status \(run.status): \(run.out) \(run.err)")
        #expect(run.err.contains("demo accounts are present (demo.admin"), "\(run.err)")
    }
}
