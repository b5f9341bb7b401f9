import Assessment
import Curriculum
import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inference
import NIOCore
import Persistence
import QianxueCore
import Registry
import TestSupport

/// A platform on a fresh database with a few people in it, and the HTTP application over it.
struct GatewayFixture {
    static let password = "Gateway-test-pass-1"

    let platform: Platform
    let schoolA: SchoolRecord
    let schoolB: SchoolRecord
    let admin: UserRecord
    let teacherA: UserRecord
    let studentA: UserRecord
    let studentB: UserRecord
    let schoolAdminA: UserRecord

    /// The shipped curriculum, read once for all tests.
    static let shippedCurriculum = CurriculumLoader.load(from: Repository.curriculum).content
    /// The shipped item bank, read once for all tests.
    static let shippedItemBank = ItemBankLoader.load(from: Repository.curriculum.appendingPathComponent("assessment"),
                                                     sources: shippedCurriculum.sources).bank
    /// The shipped fixed forms.
    static let shippedForms = FormLoader.load(from: Repository.curriculum.appendingPathComponent("assessment/forms"), bank: shippedItemBank).forms

    static func with<T>(
        _ engine: DatabaseEngine, test: String = #function,
        curriculum: CurriculumContent = shippedCurriculum,
        configure: (inout AppConfig) -> Void = { _ in },
        now: @escaping @Sendable () -> Date = Date.init,
        _ body: (GatewayFixture) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with(engine, migrations: Platform.migrations, key: "platform", test: test) { db in
            var config = AppConfig()
            config.port = 0
            // No scheduled purge unless a test asks for one: hundreds of live apps purging a minute
            // after they start would only compete for the one SQLite connection in the parallel run.
            config.retention.purgeHour = nil
            configure(&config)
            let platform = try await Platform.open(config: config, logger: TestDatabase.logger, hasher: TestHasher(), database: db,
                                                   curriculum: curriculum, itemBank: shippedItemBank,
                                                   forms: shippedForms, now: now)
            let r = platform.registry
            let a = try await r.createSchool(SchoolProfile(name: "测试小学甲", county: "520302", stages: [.primary, .junior]))
            let b = try await r.createSchool(SchoolProfile(name: "测试小学乙", county: "520102", stages: [.primary, .junior]))
            let classA = try await r.createClass(schoolID: a.id, grade: "4", name: "4-1")
            func user(_ name: String, _ role: Role, _ school: UUID? = nil) async throws -> UserRecord {
                try await r.createUser(NewUser(username: name, role: role, schoolID: school, password: password), actor: nil)
            }
            let teacher = try await user("teacher.a", .teacher, a.id)
            let student = try await user("student.a", .student, a.id)
            try await r.addMember(classID: classA.id, userID: teacher.id, role: .teacher)
            try await r.addMember(classID: classA.id, userID: student.id, role: .student)
            let f = GatewayFixture(
                platform: platform, schoolA: a, schoolB: b, admin: try await user("admin", .admin), teacherA: teacher,
                studentA: student, studentB: try await user("student.b", .student, b.id),
                schoolAdminA: try await user("schooladmin.a", .schoolAdmin, a.id))
            return try await body(f)
        }
    }

    /// A fixture whose inference endpoint (asked for `model`) is `endpoint`, served live on
    /// loopback; the platform's HTTP client is shut down after `body`.
    static func over(endpoint: Router<BasicRequestContext>, model: String = "m", _ engine: DatabaseEngine = .sqlite,
                     test: String = #function, configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in },
                     _ body: @escaping @Sendable (GatewayFixture) async throws -> Void) async throws {
        let upstream = Application(router: endpoint, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.testLive { e in
            try await with(engine, test: test, configure: { c in
                c.inference = try? InferenceEndpoint(baseURL: "http://127.0.0.1:\(e.port!)/v1", model: model, apiKey: nil)
                configure(&c)
            }) { f in
                try await body(f)
                await f.platform.outbound?.shutdown()
            }
        }
    }

    func app() throws -> some ApplicationProtocol {
        try buildApplication(platform: platform, logger: TestDatabase.logger)
    }

    /// Signs in over HTTP and returns the bearer token.
    func token(_ client: some TestClientProtocol, _ user: UserRecord) async throws -> String {
        let body = try JSONEncoder().encode(["username": user.username, "password": Self.password])
        return try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                        body: ByteBuffer(bytes: body)) { response in
            guard response.status == .ok else { throw TestSetupError("login of \(user.username) answered \(response.status)") }
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            guard let token = json?["token"] as? String else { throw TestSetupError("no token in the login answer") }
            return token
        }
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    /// True for an RFC 9457 problem document of the given type slug.
    func isProblem(_ type: ProblemType) -> Bool {
        headers[.contentType] == "application/problem+json" && (json["type"] as? String) == type.uri
            && (json["status"] as? Int) == Int(status.code)
    }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
