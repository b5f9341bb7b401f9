import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import TestSupport

/// A streamed `POST /v1/inference/chat` (`body`: the request's JSON) to a gateway listening on loopback.
func streamedInferenceChat(port: Int, token: String, _ body: [String: Any]) throws -> HTTPClientRequest {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/inference/chat")
    request.method = .POST
    request.headers.add(name: "authorization", value: "Bearer \(token)")
    request.headers.add(name: "content-type", value: "application/json")
    request.headers.add(name: "accept", value: "text/event-stream")
    request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    return request
}

/// How one companion chat over a live socket ended.
struct ChatOutcome: Sendable, CustomStringConvertible {
    let status: Int
    let elapsed: Duration
    let text: String
    /// The `provider` of the `done` event, if one came.
    let provider: String?
    var done: Bool { text.contains("event: done") }
    var error: Bool { text.contains("event: error") }
    var description: String { "\(status) after \(elapsed), provider \(provider ?? "-"): \(text.prefix(300))" }
}

/// A client of a gateway listening on loopback, through AsyncHTTPClient (whose connection pool
/// lets a probe run beside streams, which HummingbirdTesting's one connection would queue behind).
struct LiveAPI: Sendable {
    let base: String

    func request(_ method: HTTPMethod, _ path: String, token: String?, json: [String: Any]? = nil,
                 accept: String = "application/json") async throws -> (status: Int, text: String) {
        var r = HTTPClientRequest(url: base + path)
        r.method = method
        if let token { r.headers.add(name: "authorization", value: "Bearer \(token)") }
        r.headers.add(name: "accept", value: accept)
        if let json {
            r.headers.add(name: "content-type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(r, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    func get(_ path: String, token: String?) async throws -> (status: Int, text: String) {
        try await request(.GET, path, token: token)
    }

    func post(_ path: String, token: String, _ json: [String: Any]) async throws -> [String: Any] {
        let r = try await request(.POST, path, token: token, json: json)
        guard (200..<300).contains(r.status) else { throw TestSetupError("POST \(path) answered \(r.status): \(r.text)") }
        return (try JSONSerialization.jsonObject(with: Data(r.text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Times `count` reads of a lesson, one after another with a short pause between them.
    func probe(_ token: String, count: Int) async throws -> [Duration] {
        var out: [Duration] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            let r = try await get("/v1/curriculum/lessons/jr-ai-and-jobs", token: token)
            guard r.status == 200 else { throw TestSetupError("the probe read answered \(r.status): \(r.text.prefix(200))") }
            out.append(.now - start)
            try await Task.sleep(for: .milliseconds(10))
        }
        return out
    }

    /// Sends a companion message asking for the stream, and reads it to its end.
    func chat(_ session: ChatWorld.Session, _ content: String) async throws -> ChatOutcome {
        let start = ContinuousClock.now
        let r = try await request(.POST, "/v1/companion/sessions/\(session.id)/messages", token: session.token,
                                  json: ["content": content], accept: "text/event-stream")
        var provider: String?
        if let done = r.text.components(separatedBy: "event: done\n").last, r.text.contains("event: done"),
           let line = done.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
           let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any] {
            provider = json["provider"] as? String
        }
        return ChatOutcome(status: r.status, elapsed: .now - start, text: r.text, provider: provider)
    }
}

/// A grade-8 class of teacher A's with an open assignment, and students of 16 (no consent needed)
/// each with a companion session in it.
struct ChatWorld: Sendable {
    struct Session: Sendable {
        let id: String
        let token: String
    }

    let teacher: String
    let sessions: [Session]

    static func make(_ f: GatewayFixture, _ api: LiveAPI, students: Int) async throws -> ChatWorld {
        let r = f.platform.registry
        let c = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-1")
        try await r.addMember(classID: c.id, userID: f.teacherA.id, role: .teacher)
        var users: [UserRecord] = []
        for n in 1...students {
            let s = try await r.createUser(NewUser(username: "student.fault\(n)", role: .student, schoolID: f.schoolA.id,
                                                   birthDate: "2010-03-01", password: GatewayFixture.password), actor: nil)
            try await r.addMember(classID: c.id, userID: s.id, role: .student)
            users.append(s)
        }
        let teacher = try await api.login(f.teacherA.username)
        let assignment = try await api.post("/v1/assignments", token: teacher,
                                            ["classId": c.id.uuidString, "lessonSlug": "jr-ai-and-jobs", "companionMode": "open"])
        var sessions: [Session] = []
        for u in users {
            let token = try await api.login(u.username)
            let s = try await api.post("/v1/companion/sessions", token: token, ["assignmentId": assignment["id"] as? String ?? ""])
            sessions.append(Session(id: s["id"] as? String ?? "", token: token))
        }
        return ChatWorld(teacher: teacher, sessions: sessions)
    }
}

extension LiveAPI {
    func login(_ username: String) async throws -> String {
        let r = try await request(.POST, "/v1/auth/login", token: nil, json: ["username": username, "password": GatewayFixture.password])
        let json = try JSONSerialization.jsonObject(with: Data(r.text.utf8)) as? [String: Any]
        guard r.status == 200, let token = json?["token"] as? String else { throw TestSetupError("login of \(username) answered \(r.status)") }
        return token
    }
}
