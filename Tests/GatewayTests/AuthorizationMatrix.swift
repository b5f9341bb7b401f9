import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import TestSupport

/// One request of the matrix and what the gateway answered.
struct AccessObservation: Sendable {
    let operation: String
    let caller: MatrixCaller
    let tenant: MatrixTenant
    let request: String
    let status: Int
    let outcome: AccessOutcome?
    let detail: String
}

/// Every operation of the contract × every caller × own and foreign tenant, issued against the
/// application, and the answers compared with `AccessPolicy`.
struct AuthorizationMatrix {
    /// Operations whose success takes away what others read (the assignment, the session, the
    /// token, the pupil: logout signs the pupil in again, so their erasure comes after it): they
    /// run after all the others.
    static let runLast = ["withdrawAssignment", "closeCompanionSession", "logout", "eraseStudentData"]

    let contract: Contract
    let world: AuthorizationWorld

    /// The contract's operations in its order, those of `runLast` at the end.
    var operations: [ContractOperation] {
        contract.operations.filter { !Self.runLast.contains($0.id) }
            + Self.runLast.compactMap { id in contract.operations.first { $0.id == id } }
    }

    /// Issues every request of the given operations and records the answers.
    func observe(_ client: some TestClientProtocol, only: Set<String>? = nil, rules: [String: AccessRule]) async throws -> [AccessObservation] {
        var out: [AccessObservation] = []
        for op in operations where only?.contains(op.id) ?? true {
            let rule = rules[op.id] ?? AccessRule()
            for caller in MatrixCaller.allCases {
                for tenant in MatrixTenant.allCases {
                    out.append(try await observe(client, op, rule, caller, tenant))
                }
            }
        }
        return out
    }

    private func observe(_ client: some TestClientProtocol, _ op: ContractOperation, _ rule: AccessRule, _ caller: MatrixCaller,
                         _ tenant: MatrixTenant) async throws -> AccessObservation {
        let t = world.tenant(tenant)
        var path = op.path, query: [String] = []
        var headers: HTTPFields = [.accept: "*/*"]
        for p in op.parameters {
            switch p.location {
            case "path":
                guard let v = pathValue(op.path, p.name, t) else {
                    return AccessObservation(operation: op.id, caller: caller, tenant: tenant, request: op.path, status: 0, outcome: nil,
                                             detail: "the matrix has no value for path parameter {\(p.name)}: add one to AuthorizationMatrix.pathValue")
                }
                path = path.replacingOccurrences(of: "{\(p.name)}", with: v)
            case "query" where p.required || rule.carriers.contains(p.name):
                if let v = named(p.name, op, caller, t) as? String {
                    query.append("\(p.name)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)")
                }
            case "header" where p.name == "If-Match":
                headers[.ifMatch] = "\"stale\""
            default: break
            }
        }
        var body: ByteBuffer?
        if let type = op.bodyType {
            headers[.contentType] = type
            switch type {
            case "application/json":
                let value = contract.example(op.bodySchema ?? [:], carriers: rule.carriers) { named($0, op, caller, t) }
                body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
            case "application/zip": body = ByteBuffer(bytes: [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18))
            case "text/csv": body = ByteBuffer(string: "username,note\n\(t.student.username),matrix\n")
            default: body = ByteBuffer(string: "x")
            }
        }
        if caller != .anonymous {
            // Signing out revokes the token, so that request gets a token of its own.
            let token = op.id == "logout" ? try await world.fixture.token(client, world.users[caller]!) : world.tokens[caller]!
            headers[.authorization] = "Bearer \(token)"
        }
        let uri = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let method = HTTPRequest.Method(op.method)!
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { r in
            let type = (r.json["type"] as? String).map { String($0.split(separator: "/").last ?? "") } ?? ""
            let detail = "\(type) \(r.json["detail"] as? String ?? "")".trimmingCharacters(in: .whitespaces)
            return AccessObservation(operation: op.id, caller: caller, tenant: tenant, request: "\(op.method) \(uri)",
                                     status: Int(r.status.code), outcome: Self.outcome(Int(r.status.code), type: type),
                                     detail: String(detail.prefix(160)))
        }
    }

    /// A status as an access outcome; nil for a server error.
    static func outcome(_ status: Int, type: String) -> AccessOutcome? {
        switch status {
        case 401: return .unauthenticated
        case 403 where type == "forbidden": return .forbidden
        case 404: return .hidden
        case 503 where type == "inference-unavailable": return .through
        case 500...: return nil
        default: return .through
        }
    }

    /// The differences between what the rules promise and what was observed, one line each.
    static func mismatches(_ observations: [AccessObservation], rules: [String: AccessRule], contract: Contract) -> [String] {
        var out: [String] = []
        let ids = Set(contract.operations.map(\.id))
        for op in contract.operations {
            guard let rule = rules[op.id] else { out.append("\(op.name): no rule in AccessPolicy"); continue }
            if rule.isPublic != op.isPublic { out.append("\(op.name): the contract says public \(op.isPublic), the policy \(rule.isPublic)") }
        }
        for id in rules.keys.sorted() where !ids.contains(id) { out.append("\(id): a rule for an operation the contract does not have") }
        for o in observations {
            guard let rule = rules[o.operation] else { continue }
            let expected = rule.expected(o.caller, o.tenant)
            if !(o.outcome.map(expected.contains) ?? false) {
                let names = expected.map(\.rawValue).sorted().joined(separator: " or ")
                out.append("\(o.operation) · \(o.caller.rawValue) · \(o.tenant.rawValue): expected \(names), "
                           + "got \(o.status) \(o.detail) — \(o.request)")
            }
        }
        return out
    }

    /// The value of a path parameter, by the collection it follows (`/schools/{id}` → a school).
    func pathValue(_ path: String, _ name: String, _ t: AuthorizationWorld.Tenant) -> String? {
        let segments = path.split(separator: "/").map(String.init)
        guard let i = segments.firstIndex(of: "{\(name)}"), i > 0 else { return nil }
        switch segments[i - 1] {
        case "schools", "orgs": return t.school.lowercasedString
        case "classes": return t.classID.lowercasedString
        case "users", "students": return t.student.id.lowercasedString
        case "assignments": return t.assignment
        case "sessions": return t.session
        case "flags": return t.flag
        case "drafts": return t.draft
        case "items": return "q1"
        case "attempts": return t.attempt
        case "responses": return t.writtenResponse
        case "enrollments": return t.enrollment
        case "milestones": return "plan"
        case "regions": return t.prefecture
        case "counties": return t.county
        case "lessons": return AuthorizationWorld.lesson
        case "pd": return world.pdUnit
        default: return nil
        }
    }

    /// The value of a query parameter or body property the world knows by name.
    func named(_ name: String, _ op: ContractOperation, _ caller: MatrixCaller, _ t: AuthorizationWorld.Tenant) -> Any? {
        let regional = caller == .bureau || caller == .admin
        let has = { (n: String) in op.parameters.contains { $0.name == n && $0.location == "query" } }
        switch name {
        // A regional caller names a region, school staff their school (a report's region may be a school's id).
        case "school": return regional && has("region") ? nil : t.school.lowercasedString
        case "region": return regional ? t.prefecture : has("school") ? nil : t.school.lowercasedString
        case "classId": return t.classID.lowercasedString
        case "userId", "studentId": return t.student.id.lowercasedString
        case "assignmentId": return t.assignment
        case "sessionId": return t.session
        case "lessonSlug": return AuthorizationWorld.lesson
        case "username": return t.student.username
        case "password", "currentPassword": return GatewayFixture.password
        case "newPassword": return "short"
        case "reason": return "核查安全提醒"
        case "requestReference": return "监护人申请 2026-001"
        default: return nil
        }
    }
}
