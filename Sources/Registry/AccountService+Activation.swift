import FluentKit
import Foundation
import Persistence
import QianxueCore

/// A code handed to one person.
public struct IssuedCode: Sendable {
    public let user: UserRecord
    public let code: String
    public let expiresAt: Date
}

extension AccountService {
    /// Codes are 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L), shown in two groups of five.
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    static let codeLifetime: TimeInterval = 14 * 86400

    /// Issues codes to every student, teacher and school admin of a school who has no password yet;
    /// their earlier unused codes stop working.
    public func issueActivationCodes(schoolID: UUID, by p: Principal) async throws -> [IssuedCode] {
        let users = try await UserModel.query(on: database.db).filter(\.$schoolID == schoolID).filter(\.$passwordHash == nil)
            .filter(\.$erasedAt == nil)   // an erased student's account has no password, and must never get one
            .sort(\.$username).all()
        let expires = now().addingTimeInterval(Self.codeLifetime)
        return try await database.db.transaction { db in
            var issued: [IssuedCode] = []
            let ids = users.compactMap(\.id)
            if !ids.isEmpty {
                try await ActivationCodeModel.query(on: db).filter(\.$userID ~~ ids).filter(\.$usedAt == nil).delete()
            }
            var rng = SystemRandomNumberGenerator()
            for u in users {
                let raw = String((0..<10).map { _ in Self.codeAlphabet[Int.random(in: 0..<Self.codeAlphabet.count, using: &rng)] })
                let code = raw.prefix(5) + "-" + raw.suffix(5)
                let m = ActivationCodeModel()
                m.userID = u.id!
                m.codeHash = Digest.sha256Hex(raw)
                m.expiresAt = expires
                m.createdAt = now()
                try await m.create(on: db)
                issued.append(IssuedCode(user: UserRecord(u), code: String(code), expiresAt: expires))
            }
            try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "auth.activation_codes_issued", targetType: "school",
                                              targetID: schoolID.uuidString, detail: "codes=\(issued.count)"), on: db)
            return issued
        }
    }

    /// Sets a first password with a code; the code works once, for the username it was issued to.
    public func activate(code rawCode: String, username rawUsername: String, newPassword: String, requestID: String?) async throws {
        let normalized = rawCode.uppercased().filter { $0 != "-" && $0 != " " }
        let username = UsernameRule.normalise(rawUsername)
        let refused = AppError(.validation, "the activation code is not valid for this username, was used, or has expired", fields: ["code"])
        guard normalized.count == 10, let row = try await ActivationCodeModel.query(on: database.db)
            .filter(\.$codeHash == Digest.sha256Hex(normalized)).first(),
              row.usedAt == nil, row.expiresAt > now(),
              let user = try await UserModel.find(row.userID, on: database.db), user.username == username
        else {
            try await checkThrottle("activate:" + username)
            try await recordFailure("activate:" + username)
            try await audit.append(AuditEvent(actorID: nil, actorRole: nil, action: "auth.activate_failed",
                                              targetType: Self.typedUsername, targetID: Self.auditID(ofTyped: username), requestID: requestID))
            throw refused
        }
        let usedAt = now()
        try await storePassword(user, newPassword, field: "newPassword",
                                event: AuditEvent(actorID: user.id, actorRole: Role(rawValue: user.role), action: "auth.activate",
                                                  targetType: "user", targetID: user.id!.uuidString, requestID: requestID)) { db in
            row.usedAt = usedAt
            try await row.update(on: db)
        }
    }
}
