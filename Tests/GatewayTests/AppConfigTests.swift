import Assistant
import Foundation
import Gateway
import Testing

@Suite struct AppConfigTests {
    @Test func noConfigurationMeansSQLiteOfflineAndLocalhost8080() async throws {
        let c = try await AppConfig.load(environment: [:], envFile: nil)
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 8080)
        #expect(c.database.description == "sqlite \(FileManager.default.currentDirectoryPath)/data/qianxue.sqlite"
                || c.database.description.hasSuffix("data/qianxue.sqlite"))
        #expect(c.inference == nil)
        #expect(c.inferenceDescription.hasPrefix("offline"))
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheEnvFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let envFile = dir.appendingPathComponent(".env").path
        try "QIANXUE_PORT=9000\nQIANXUE_HOST=0.0.0.0\nQIANXUE_INFERENCE_URL=http://127.0.0.1:8081/v1\n".write(toFile: envFile, atomically: true, encoding: .utf8)
        let c = try await AppConfig.load(flags: ["qianxue.port": "9100"], environment: ["QIANXUE_HOST": "127.0.0.2"], envFile: envFile)
        #expect(c.port == 9100)
        #expect(c.host == "127.0.0.2")
        #expect(c.inference?.baseURL.absoluteString == "http://127.0.0.1:8081/v1")
        #expect(c.moderation == nil)
    }

    @Test func theModerationEndpointTakesTheInferenceKeyUnlessItHasItsOwn() async throws {
        let shared = try await AppConfig.load(environment: ["QIANXUE_INFERENCE_API_KEY": "k1", "QIANXUE_MODERATION_URL": "http://127.0.0.1:8090/v1",
                                                             "QIANXUE_MODERATION_MODEL": "omni-moderation-latest"], envFile: nil)
        #expect(shared.moderation?.apiKey == "k1" && shared.moderation?.model == "omni-moderation-latest")
        let own = try await AppConfig.load(environment: ["QIANXUE_INFERENCE_API_KEY": "k1", "QIANXUE_MODERATION_URL": "http://127.0.0.1:8090/v1",
                                                          "QIANXUE_MODERATION_API_KEY": "k2"], envFile: nil)
        #expect(own.moderation?.apiKey == "k2")
    }

    @Test(arguments: [
        (["QIANXUE_PORT": "eighty"], "QIANXUE_PORT"),
        (["QIANXUE_PORT": "70000"], "QIANXUE_PORT"),
        (["DATABASE_URL": "mysql://x@y/z"], "DATABASE_URL"),
        (["QIANXUE_INFERENCE_URL": "http://169.254.169.254/v1"], "QIANXUE_INFERENCE_URL"),
        (["QIANXUE_MODERATION_URL": "http://metadata.google.internal/v1"], "QIANXUE_MODERATION_URL"),
        (["QIANXUE_MODERATION_TIMEOUT": "-2"], "QIANXUE_MODERATION_TIMEOUT"),
        (["QIANXUE_ENV": "staging"], "QIANXUE_ENV"),
        (["QIANXUE_RATE_LIMIT_USER_RPM": "-1"], "QIANXUE_RATE_LIMIT_USER_RPM"),
        (["QIANXUE_ENV": "production", "QIANXUE_BENCH_ROUTES": "true"], "QIANXUE_BENCH_ROUTES"),
        (["QIANXUE_INFERENCE_FIRST_TOKEN_TIMEOUT": "soon"], "QIANXUE_INFERENCE_FIRST_TOKEN_TIMEOUT"),
        (["QIANXUE_INFERENCE_IDLE_TIMEOUT": "0"], "QIANXUE_INFERENCE_IDLE_TIMEOUT"),
        (["QIANXUE_INFERENCE_BREAKER_FAILURES": "0"], "QIANXUE_INFERENCE_BREAKER_FAILURES"),
        (["QIANXUE_ASSISTANT_LESSON_CHARACTERS": "100"], "QIANXUE_ASSISTANT_LESSON_CHARACTERS"),
        (["QIANXUE_RETENTION_AUDIT_DAYS": "730"], "QIANXUE_RETENTION_AUDIT_DAYS"),
        (["QIANXUE_RETENTION_CHAT_DAYS": "0"], "QIANXUE_RETENTION_CHAT_DAYS"),
        (["QIANXUE_RETENTION_IDEMPOTENCY_DAYS": "a week"], "QIANXUE_RETENTION_IDEMPOTENCY_DAYS"),
        (["QIANXUE_RETENTION_PURGE_HOUR": "24"], "QIANXUE_RETENTION_PURGE_HOUR"),
        (["QIANXUE_RETENTION_STARTUP_DELAY": "-1"], "QIANXUE_RETENTION_STARTUP_DELAY"),
    ])
    func aBadValueNamesItsKey(_ env: [String: String], _ key: String) async {
        do {
            _ = try await AppConfig.load(environment: env, envFile: nil)
            Issue.record("\(env) must be refused")
        } catch let e as ConfigError {
            #expect(e.key == key)
            #expect(e.description.hasPrefix("\(key): "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func inferenceTimeoutsAndTheBreakerAreConfigurable() async throws {
        let c = try await AppConfig.load(environment: [
            "QIANXUE_INFERENCE_FIRST_TOKEN_TIMEOUT": "1.5", "QIANXUE_INFERENCE_IDLE_TIMEOUT": "10",
            "QIANXUE_INFERENCE_BREAKER_FAILURES": "3", "QIANXUE_INFERENCE_BREAKER_COOLDOWN": "60",
        ], envFile: nil)
        #expect(c.inferenceSettings.firstToken == .milliseconds(1500))
        #expect(c.inferenceSettings.idle == .seconds(10))
        #expect(c.breakerThreshold == 3 && c.breakerCoolDown == .seconds(60))
    }

    @Test func theAssistantsLessonBudgetFollowsTheEndpoint() async throws {
        #expect(try await AppConfig.load(environment: [:], envFile: nil).assistantLessonCharacters == DraftPrompt.defaultLessonCharacters)
        let c = try await AppConfig.load(environment: ["QIANXUE_ASSISTANT_LESSON_CHARACTERS": "6000"], envFile: nil)
        #expect(c.assistantLessonCharacters == 6000)
        #expect(DraftPrompt.lessonCharacterRange.contains(c.assistantLessonCharacters))
    }

    @Test func theDatabaseURLNeverShowsItsPassword() async throws {
        let c = try await AppConfig.load(environment: ["DATABASE_URL": "postgres://app:s3cret@db.example:5432/qianxue"], envFile: nil)
        #expect(c.database.engine == "postgres")
        #expect(!c.database.description.contains("s3cret"))
    }

    @Test func retentionWindowsHaveDefaultsAndTakeTheirVariables() async throws {
        let defaults = try await AppConfig.load(environment: [:], envFile: nil).retention
        #expect(defaults.chatDays == 180 && defaults.auditDays == 1095 && defaults.idempotencyDays == 7)
        #expect(defaults.purgeHour == 3 && defaults.startupDelay == .seconds(60))
        let set = try await AppConfig.load(environment: [
            "QIANXUE_RETENTION_CHAT_DAYS": "90", "QIANXUE_RETENTION_AUDIT_DAYS": "1825", "QIANXUE_RETENTION_IDEMPOTENCY_DAYS": "2",
            "QIANXUE_RETENTION_PURGE_HOUR": "off", "QIANXUE_RETENTION_STARTUP_DELAY": "5",
        ], envFile: nil).retention
        #expect(set.chatDays == 90 && set.auditDays == 1825 && set.idempotencyDays == 2)
        #expect(set.purgeHour == nil && set.startupDelay == .seconds(5))
        #expect(AppConfig.settings.contains { $0.env == "QIANXUE_RETENTION_AUDIT_DAYS" && $0.defaultValue == "1095" })
    }
}
