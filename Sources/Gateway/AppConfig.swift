import Assistant
import Configuration
import Foundation
import Inference
import Persistence
import SystemPackage

/// Everything `qianxue serve` can be told, with its defaults; tests build one in memory.
public struct AppConfig: Sendable {
    public enum Environment: String, Sendable, CaseIterable { case development, production }

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDir = "./data"
    public var databaseURL: String?
    /// The shared inference endpoint; nil means the embedded offline provider.
    public var inference: InferenceEndpoint?
    /// Timeouts and limits of the inference client.
    public var inferenceSettings = OpenAISettings()
    /// Consecutive failures that open the endpoint's breaker, and how long it stays open.
    public var breakerThreshold = 5
    public var breakerCoolDown: Duration = .seconds(30)
    /// An external OpenAI-compatible moderation endpoint asked about input the shipped screen passed.
    public var moderation: InferenceEndpoint?
    public var moderationTimeout: Duration = .seconds(2)
    /// Where severe safety flags are posted (retried; never with the student's words).
    public var alertWebhook: URL?
    /// This instance's share of the endpoint's concurrent slots, the queue's deadline.
    public var scheduler = SchedulerSettings()
    public var environment: Environment = .development
    /// Request bodies above this answer 413 (routes may declare larger limits).
    public var bodyLimit = 1 << 20
    /// Sustained requests per minute per signed-in user, and per client address.
    public var userRequestsPerMinute = 600
    public var addressRequestsPerMinute = 1200
    /// Requests worked on at once (inference streams aside); past it a request waits up to
    /// `admissionWait`, then answers 503 with Retry-After. 0 turns the bound off.
    public var maxConcurrentRequests = 64
    public var admissionWait: Duration = .milliseconds(500)
    /// Serves the bare `/bench/plain` JSON route used by the gateway benchmark.
    public var benchmarkRoutes = false
    /// How often `serve` measures the wait for a pooled database connection (`probePoolWaits`); nil: never.
    public var poolWaitProbe: Duration?
    public var tokenLifetime: TimeInterval = 12 * 3600
    /// The curriculum folder the server loads and checks at start-up.
    public var curriculumPath = "./Curriculum"
    /// Retention windows and the purge's schedule.
    public var retention = RetentionSettings()
    /// Characters of a lesson's text a teacher-assistant prompt carries (`DraftPrompt.defaultLessonCharacters`):
    /// more for an endpoint with a larger context.
    public var assistantLessonCharacters = DraftPrompt.defaultLessonCharacters

    public init() {}

    /// The database this configuration points at.
    public var database: DatabaseLocation {
        if let url = databaseURL { return .postgres(url: url) }
        return .sqlite(path: URL(fileURLWithPath: dataDir).appendingPathComponent("qianxue.sqlite").path)
    }

    /// A one-line description of the inference provider (never the key).
    public var inferenceDescription: String {
        inference?.description ?? "offline (embedded provider)"
    }
}

/// A configuration value that cannot be used: it names the key and says what is wrong.
public struct ConfigError: Error, CustomStringConvertible {
    public let key: String
    public let problem: String
    public var description: String { "\(key): \(problem)" }
}

/// One documented setting: its environment variable, flag, default and meaning (for `--help` and the README).
public struct ConfigSetting: Sendable {
    public let env: String
    public let flag: String?
    public let defaultValue: String
    public let meaning: String
}

extension AppConfig {
    public static let settings: [ConfigSetting] = [
        .init(env: "QIANXUE_HOST", flag: "--host", defaultValue: "127.0.0.1", meaning: "address to listen on"),
        .init(env: "QIANXUE_PORT", flag: "--port", defaultValue: "8080", meaning: "port to listen on"),
        .init(env: "QIANXUE_DATA_DIR", flag: "--data-dir", defaultValue: "./data", meaning: "folder of the SQLite file"),
        .init(env: "QIANXUE_CURRICULUM", flag: "--curriculum", defaultValue: "./Curriculum", meaning: "curriculum folder (checked at start-up)"),
        .init(env: "DATABASE_URL", flag: nil, defaultValue: "(SQLite)", meaning: "postgres://user:pass@host:5432/db switches to PostgreSQL"),
        .init(env: "QIANXUE_INFERENCE_URL", flag: nil, defaultValue: "(offline)", meaning: "OpenAI-compatible base URL including /v1"),
        .init(env: "QIANXUE_INFERENCE_MODEL", flag: nil, defaultValue: "(server default)", meaning: "model name at the endpoint"),
        .init(env: "QIANXUE_INFERENCE_API_KEY", flag: nil, defaultValue: "(none)", meaning: "bearer key for the endpoint"),
        .init(env: "QIANXUE_INFERENCE_CONNECT_TIMEOUT", flag: nil, defaultValue: "5", meaning: "seconds to connect to the endpoint"),
        .init(env: "QIANXUE_INFERENCE_FIRST_TOKEN_TIMEOUT", flag: nil, defaultValue: "60", meaning: "seconds from request to the first text of an answer"),
        .init(env: "QIANXUE_INFERENCE_IDLE_TIMEOUT", flag: nil, defaultValue: "30", meaning: "seconds allowed between two pieces of a stream"),
        .init(env: "QIANXUE_INFERENCE_TOTAL_TIMEOUT", flag: nil, defaultValue: "300", meaning: "seconds for a whole answer"),
        .init(env: "QIANXUE_INFERENCE_SLOTS", flag: nil, defaultValue: "8", meaning: "concurrent requests this instance sends to the endpoint (its share of the endpoint's slots)"),
        .init(env: "QIANXUE_INFERENCE_QUEUE_TIMEOUT", flag: nil, defaultValue: "15", meaning: "seconds a request may wait for a slot before 503 with Retry-After"),
        .init(env: "QIANXUE_INFERENCE_BREAKER_FAILURES", flag: nil, defaultValue: "5", meaning: "consecutive endpoint failures that open the breaker (offline provider answers)"),
        .init(env: "QIANXUE_INFERENCE_BREAKER_COOLDOWN", flag: nil, defaultValue: "30", meaning: "seconds before a probe request tries the endpoint again"),
        .init(env: "QIANXUE_MODERATION_URL", flag: nil, defaultValue: "(none)", meaning: "OpenAI-compatible base URL for POST /moderations (input the shipped screen passed)"),
        .init(env: "QIANXUE_MODERATION_MODEL", flag: nil, defaultValue: "(server default)", meaning: "moderation model, e.g. omni-moderation-latest"),
        .init(env: "QIANXUE_MODERATION_API_KEY", flag: nil, defaultValue: "(inference key)", meaning: "bearer key for the moderation endpoint"),
        .init(env: "QIANXUE_MODERATION_TIMEOUT", flag: nil, defaultValue: "2", meaning: "seconds for a moderation answer (past it the shipped screen's verdict stands)"),
        .init(env: "QIANXUE_ALERT_WEBHOOK_URL", flag: nil, defaultValue: "(none)", meaning: "URL that severe safety flags are POSTed to (retried; never the student's words)"),
        .init(env: "QIANXUE_ENV", flag: nil, defaultValue: "development", meaning: "development | production"),
        .init(env: "QIANXUE_RATE_LIMIT_USER_RPM", flag: nil, defaultValue: "600", meaning: "requests per minute per signed-in user (0: off)"),
        .init(env: "QIANXUE_RATE_LIMIT_ADDRESS_RPM", flag: nil, defaultValue: "1200", meaning: "requests per minute per client address (0: off)"),
        .init(env: "QIANXUE_MAX_CONCURRENT_REQUESTS", flag: nil, defaultValue: "64", meaning: "requests worked on at once (inference streams aside); past it a request waits, then answers 503 with Retry-After (0: off)"),
        .init(env: "QIANXUE_ADMISSION_WAIT", flag: nil, defaultValue: "0.5", meaning: "seconds a request may wait for one of those places"),
        .init(env: "QIANXUE_ASSISTANT_LESSON_CHARACTERS", flag: nil, defaultValue: "400", meaning: "characters of lesson text in a teacher-assistant prompt (200–50000; about one token each: raise it for an endpoint with a larger context)"),
        .init(env: "QIANXUE_BENCH_ROUTES", flag: nil, defaultValue: "false", meaning: "serve the bare /bench/plain route (benchmarks only; refused in production)"),
        .init(env: "QIANXUE_DB_POOL_PROBE_MS", flag: nil, defaultValue: "0", meaning: "every so many ms, time a borrow from each database pool; log the waits once a second (diagnosis; 0: off)"),
    ] + retentionSettings

    /// Values never printed or logged.
    static let secrets: Set<String> = ["QIANXUE_INFERENCE_API_KEY", "QIANXUE_MODERATION_API_KEY", "DATABASE_URL"]

    /// Reads flags (highest precedence), then the process environment, then an optional `.env` file.
    public static func load(
        flags: [String: String] = [:],
        environment: [String: String]? = nil,
        envFile: String? = ".env"
    ) async throws -> AppConfig {
        var providers: [any ConfigProvider] = []
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (k, v) in flags { flagValues[AbsoluteConfigKey(stringLiteral: k)] = ConfigValue(.string(v), isSecret: false) }
        providers.append(InMemoryProvider(name: "flags", values: flagValues))
        if let environment {
            providers.append(EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(Self.secrets)))
        } else {
            providers.append(EnvironmentVariablesProvider(secretsSpecifier: .specific(Self.secrets)))
        }
        if let envFile {
            do {
                providers.append(try await EnvironmentVariablesProvider(
                    environmentFilePath: FilePath(envFile), allowMissing: true,
                    secretsSpecifier: .specific(Self.secrets)))
            } catch {
                throw ConfigError(key: envFile, problem: "the .env file cannot be read: \(error)")
            }
        }
        return try parse(ConfigReader(providers: providers))
    }

    static func parse(_ reader: ConfigReader) throws -> AppConfig {
        var c = AppConfig()
        func text(_ key: ConfigKey) -> String? {
            reader.string(forKey: key)?.trimmingCharacters(in: .whitespaces).nonEmpty
        }
        if let v = text("qianxue.host") { c.host = v }
        if let v = text("qianxue.port") {
            guard let p = Int(v), (1...65535).contains(p) else {
                throw ConfigError(key: "QIANXUE_PORT", problem: "'\(v)' is not a port number (1–65535)")
            }
            c.port = p
        }
        if let v = text("qianxue.dataDir") { c.dataDir = v }
        if let v = text("qianxue.curriculum") { c.curriculumPath = v }
        if let v = text("database.url") {
            guard v.hasPrefix("postgres://") || v.hasPrefix("postgresql://"),
                  let u = URLComponents(string: v), u.host?.isEmpty == false else {
                throw ConfigError(key: "DATABASE_URL", problem: "must be a postgres://user:password@host:port/database URL")
            }
            c.databaseURL = v
        }
        let model = text("qianxue.inference.model")
        let key = reader.string(forKey: "qianxue.inference.apiKey", isSecret: true)?.nonEmpty
        if let v = text("qianxue.inference.url") {
            do {
                c.inference = try InferenceEndpoint(baseURL: v, model: model, apiKey: key)
            } catch let e as InferenceEndpointError {
                throw ConfigError(key: "QIANXUE_INFERENCE_URL", problem: e.description)
            }
        }
        if let v = text("qianxue.moderation.url") {
            do {
                let moderationKey = reader.string(forKey: "qianxue.moderation.apiKey", isSecret: true)?.nonEmpty ?? key
                c.moderation = try InferenceEndpoint(baseURL: v, model: text("qianxue.moderation.model"), apiKey: moderationKey)
            } catch let e as InferenceEndpointError {
                throw ConfigError(key: "QIANXUE_MODERATION_URL", problem: e.description)
            }
        }
        if let v = text("qianxue.alert.webhookUrl") {
            guard let u = URL(string: v), ["http", "https"].contains(u.scheme ?? ""), let host = u.host, !host.isEmpty else {
                throw ConfigError(key: "QIANXUE_ALERT_WEBHOOK_URL", problem: "'\(v)' is not an http(s) URL")
            }
            guard (try? InferenceEndpoint(baseURL: v, model: nil, apiKey: nil)) != nil else {
                throw ConfigError(key: "QIANXUE_ALERT_WEBHOOK_URL", problem: "'\(host)' is a link-local or cloud-metadata address")
            }
            c.alertWebhook = u
        }
        for (key, env, assign) in [
            ("qianxue.moderation.timeout", "QIANXUE_MODERATION_TIMEOUT", { (c: inout AppConfig, d: Duration) in c.moderationTimeout = d }),
            ("qianxue.inference.connectTimeout", "QIANXUE_INFERENCE_CONNECT_TIMEOUT", { (c: inout AppConfig, d: Duration) in c.inferenceSettings.connect = d }),
            ("qianxue.inference.firstTokenTimeout", "QIANXUE_INFERENCE_FIRST_TOKEN_TIMEOUT", { (c: inout AppConfig, d: Duration) in c.inferenceSettings.firstToken = d }),
            ("qianxue.inference.idleTimeout", "QIANXUE_INFERENCE_IDLE_TIMEOUT", { (c: inout AppConfig, d: Duration) in c.inferenceSettings.idle = d }),
            ("qianxue.inference.totalTimeout", "QIANXUE_INFERENCE_TOTAL_TIMEOUT", { (c: inout AppConfig, d: Duration) in c.inferenceSettings.total = d }),
            ("qianxue.inference.breakerCooldown", "QIANXUE_INFERENCE_BREAKER_COOLDOWN", { (c: inout AppConfig, d: Duration) in c.breakerCoolDown = d }),
            ("qianxue.inference.queueTimeout", "QIANXUE_INFERENCE_QUEUE_TIMEOUT", { (c: inout AppConfig, d: Duration) in c.scheduler.queueDeadline = d }),
            ("qianxue.admissionWait", "QIANXUE_ADMISSION_WAIT", { (c: inout AppConfig, d: Duration) in c.admissionWait = d }),
        ] as [(ConfigKey, String, (inout AppConfig, Duration) -> Void)] {
            guard let v = text(key) else { continue }
            guard let seconds = Double(v), seconds > 0, seconds <= 3600 else {
                throw ConfigError(key: env, problem: "'\(v)' is not a number of seconds between 0 and 3600")
            }
            assign(&c, .milliseconds(Int64(seconds * 1000)))
        }
        if let v = text("qianxue.inference.slots") {
            guard let n = Int(v), (1...10_000).contains(n) else {
                throw ConfigError(key: "QIANXUE_INFERENCE_SLOTS", problem: "'\(v)' is not a whole number from 1 to 10000")
            }
            c.scheduler.slots = n
        }
        if let v = text("qianxue.assistant.lessonCharacters") {
            guard let n = Int(v), DraftPrompt.lessonCharacterRange.contains(n) else {
                throw ConfigError(key: "QIANXUE_ASSISTANT_LESSON_CHARACTERS", problem: "'\(v)' is not a whole number from 200 to 50000")
            }
            c.assistantLessonCharacters = n
        }
        if let v = text("qianxue.inference.breakerFailures") {
            guard let n = Int(v), (1...1000).contains(n) else {
                throw ConfigError(key: "QIANXUE_INFERENCE_BREAKER_FAILURES", problem: "'\(v)' is not a whole number from 1 to 1000")
            }
            c.breakerThreshold = n
        }
        if let v = text("qianxue.env") {
            guard let e = Environment(rawValue: v.lowercased()) else {
                throw ConfigError(key: "QIANXUE_ENV", problem: "'\(v)' is not one of development, production")
            }
            c.environment = e
        }
        for (key, env, assign) in [
            ("qianxue.rateLimit.userRpm", "QIANXUE_RATE_LIMIT_USER_RPM", { (c: inout AppConfig, n: Int) in c.userRequestsPerMinute = n }),
            ("qianxue.rateLimit.addressRpm", "QIANXUE_RATE_LIMIT_ADDRESS_RPM", { (c: inout AppConfig, n: Int) in c.addressRequestsPerMinute = n }),
        ] as [(ConfigKey, String, (inout AppConfig, Int) -> Void)] {
            guard let v = text(key) else { continue }
            guard let n = Int(v), n >= 0 else { throw ConfigError(key: env, problem: "'\(v)' is not a whole number of requests per minute (0 turns the limit off)") }
            assign(&c, n)
        }
        if let v = text("qianxue.maxConcurrentRequests") {
            guard let n = Int(v), (0...100_000).contains(n) else {
                throw ConfigError(key: "QIANXUE_MAX_CONCURRENT_REQUESTS", problem: "'\(v)' is not a whole number from 0 (off) to 100000")
            }
            c.maxConcurrentRequests = n
        }
        if let v = text("qianxue.benchRoutes") {
            guard let b = Bool(v.lowercased()) ?? (v == "1" ? true : v == "0" ? false : nil) else {
                throw ConfigError(key: "QIANXUE_BENCH_ROUTES", problem: "'\(v)' is not true or false")
            }
            if b, c.environment == .production {
                throw ConfigError(key: "QIANXUE_BENCH_ROUTES", problem: "the benchmark route is never served in production")
            }
            c.benchmarkRoutes = b
        }
        if let v = text("qianxue.dbPoolProbeMs") {
            guard let n = Int(v), (0...60_000).contains(n) else {
                throw ConfigError(key: "QIANXUE_DB_POOL_PROBE_MS", problem: "'\(v)' is not a whole number of milliseconds from 0 (off) to 60000")
            }
            c.poolWaitProbe = n > 0 ? .milliseconds(n) : nil
        }
        try parseRetention(reader, into: &c)
        return c
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
