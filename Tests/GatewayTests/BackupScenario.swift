import Foundation
import NIOHTTP1
import TestSupport

/// What the backup tests write through a running server's API, and the reads that must answer the
/// same JSON on a server running on the restored copy.
struct BackupScenario: Sendable {
    static let adminPassword = "Backup-admin-2026x"

    /// Reads by user and path.
    let reads: [Read]
    let passwords: [String: String]

    struct Read: Sendable {
        let user: String
        let path: String
    }

    /// Seeds the source as an operator does, before serving: an admin, then the demo people.
    static func seed(_ qx: QianxueBinary) async throws -> [String: String] {
        try await qx.createAdmin("backup.admin", password: adminPassword)
        let run = try await qx.run(["seed", "demo"])
        guard run.status == 0 else { throw TestSetupError("seed demo: \(run.status) \(run.out) \(run.err)") }
        let logins = try String(contentsOf: qx.dataDir.appendingPathComponent("demo-logins.tsv"), encoding: .utf8)
        var passwords = ["backup.admin": adminPassword]
        for line in logins.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t")
            passwords[String(fields[0])] = String(fields[1])
        }
        return passwords
    }

    static func login(_ api: LiveAPI, _ username: String, _ passwords: [String: String]) async throws -> String {
        let r = try await api.request(.POST, "/v1/auth/login", token: nil, json: ["username": username, "password": passwords[username] ?? ""])
        guard r.status == 200, let token = json(r.text)["token"] as? String else {
            throw TestSetupError("login \(username): \(r.status) \(r.text)")
        }
        return token
    }

    /// Writes one of each through the API: a school; an adaptive-test window, a student's attempt
    /// and their answer to its first item; another student's companion session and message.
    static func write(_ api: LiveAPI, passwords: [String: String]) async throws -> BackupScenario {
        let admin = try await login(api, "backup.admin", passwords)
        let school = try await api.post("/v1/schools", token: admin,
                                        ["name": "备份演练中学", "countyCode": "520302", "stages": ["senior"], "locale": "urban"])
        let schoolID = try field(school, "id")

        let teacher = try await login(api, "demo.s3.t1", passwords)
        let classes = json(try await api.get("/v1/me/classes", token: teacher).text)["items"] as? [[String: Any]] ?? []
        guard let cls = classes.first(where: { $0["grade"] as? String == "10" })?["id"] as? String else {
            throw TestSetupError("demo.s3.t1 teaches no grade-10 class: \(classes)")
        }
        let iso = ISO8601DateFormatter()
        let now = Date()
        _ = try await api.post("/v1/classes/\(cls)/assessment-windows", token: teacher,
                               ["kind": "adaptive", "from": iso.string(from: now.addingTimeInterval(-60)),
                                "until": iso.string(from: now.addingTimeInterval(86_400))])

        let sitter = try await login(api, "demo.s3.c1.2", passwords)
        let attempt = try await api.post("/v1/assessment/attempts", token: sitter, ["kind": "adaptive"])
        let attemptID = try field(attempt, "id")
        _ = try await api.post("/v1/assessment/attempts/\(attemptID)/responses", token: sitter,
                               answer(to: attempt["item"] as? [String: Any] ?? [:]))

        let chatter = try await login(api, "demo.s3.c1.1", passwords)
        let session = try await api.post("/v1/companion/sessions", token: chatter, ["lessonSlug": "sr-neurons-and-training"])
        let sessionID = try field(session, "id")
        _ = try await api.post("/v1/companion/sessions/\(sessionID)/messages", token: chatter, ["content": "神经网络是怎么从数据里学习的？"])

        return BackupScenario(reads: [
            Read(user: "backup.admin", path: "/v1/schools/\(schoolID)"),
            Read(user: "demo.s3.t1", path: "/v1/me/classes"),
            Read(user: "demo.s3.t1", path: "/v1/classes/\(cls)/assessment-windows"),
            Read(user: "demo.s3.c1.2", path: "/v1/assessment/attempts/\(attemptID)"),
            Read(user: "demo.s3.c1.1", path: "/v1/companion/sessions"),
            Read(user: "demo.s3.c1.1", path: "/v1/companion/sessions/\(sessionID)"),
            Read(user: "demo.s3.c1.1", path: "/v1/companion/sessions/\(sessionID)/messages"),
        ], passwords: passwords)
    }

    /// Each read's status and JSON (keys sorted), signed in afresh on `api` with the same passwords.
    func answers(on api: LiveAPI) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        var out: [String: String] = [:]
        for read in reads {
            if tokens[read.user] == nil { tokens[read.user] = try await Self.login(api, read.user, passwords) }
            let r = try await api.get(read.path, token: tokens[read.user])
            out["\(read.user) GET \(read.path)"] = "\(r.status) \(Self.canonical(r.text))"
        }
        return out
    }

    /// Every school the admin lists, by id, as JSON with sorted keys.
    func schools(on api: LiveAPI) async throws -> [String: String] {
        let token = try await Self.login(api, "backup.admin", passwords)
        var out: [String: String] = [:]
        var pageToken: String?
        repeat {
            let query = pageToken.map { "&pageToken=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? ""
            let doc = Self.json(try await api.get("/v1/schools?pageSize=500" + query, token: token).text)
            for item in doc["items"] as? [[String: Any]] ?? [] {
                if let id = item["id"] as? String { out[id] = Self.canonical(item) }
            }
            pageToken = doc["nextPageToken"] as? String
        } while pageToken != nil
        return out
    }

    /// An answer of the item's type (right or wrong does not matter here).
    static func answer(to item: [String: Any]) -> [String: Any] {
        let id = item["id"] as? String ?? ""
        let options = (item["options"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        switch item["type"] as? String {
        case "single": return ["itemId": id, "choice": options.first ?? "A"]
        case "multiple": return ["itemId": id, "choices": Array(options.prefix(1))]
        case "ordering": return ["itemId": id, "order": options]
        default: return ["itemId": id, "text": "数据越多，模型不一定越好。"]
        }
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func canonical(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return text }
        return canonical(object)
    }

    static func canonical(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "\(object)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func field(_ doc: [String: Any], _ name: String) throws -> String {
        guard let value = doc[name] as? String else { throw TestSetupError("no \(name) in \(doc)") }
        return value
    }
}
