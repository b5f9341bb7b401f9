import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

/// Signs people in and out and keeps their credentials: bcrypt password hashes, opaque bearer
/// tokens stored only as SHA-256 hashes, and per-username throttling of failed sign-ins.
public struct AccountService: Sendable {
    public struct Settings: Sendable {
        public var tokenLifetime: TimeInterval = 12 * 3600
        /// Failed sign-ins within `throttleWindow` before the username is locked for the rest of it.
        public var maxFailures = 5
        public var throttleWindow: TimeInterval = 15 * 60
        /// How long an authenticated token is trusted without asking the database again (0: always ask).
        public var tokenCacheSeconds: TimeInterval = 5
        public init() {}
    }

    /// A fresh sign-in.
    public struct Session: Sendable {
        public let token: String
        public let expiresAt: Date
        public let user: UserRecord
    }

    let database: DatabaseStack
    let hasher: any PasswordHasher
    let audit: AuditLog
    let settings: Settings
    let now: @Sendable () -> Date
    /// A hash to verify against when the username is unknown, so that timing does not tell.
    let decoyHash: String
    let cache: TokenCache

    public init(database: DatabaseStack, hasher: any PasswordHasher, audit: AuditLog, settings: Settings = Settings(),
                now: @escaping @Sendable () -> Date = Date.init) async throws {
        self.database = database
        self.hasher = hasher
        self.audit = audit
        self.settings = settings
        self.now = now
        self.decoyHash = try await hasher.hash(Digest.randomToken(bytes: 12))
        self.cache = TokenCache(ttl: settings.tokenCacheSeconds)
    }

    public func login(username rawUsername: String, password: String, requestID: String?) async throws -> Session {
        let username = UsernameRule.normalise(rawUsername)
        guard !username.isEmpty, !password.isEmpty else {
            throw AppError.validation("username and password are both required", field: username.isEmpty ? "username" : "password")
        }
        do {
            try await checkThrottle(username)
        } catch let refused as AppError {
            // A refused attempt is a failed login too, and the one an attacker makes most.
            try await audit.append(AuditEvent(actorID: nil, actorRole: nil, action: "auth.login_throttled",
                                              targetType: Self.typedUsername, targetID: Self.auditID(ofTyped: username), requestID: requestID))
            throw refused
        }
        let user = try await UserModel.query(on: database.db).filter(\.$username == username).first()
        let ok = try await hasher.verify(password, hash: user?.passwordHash ?? decoyHash) && user?.passwordHash != nil
        guard ok, let user, let userID = user.id else {
            try await recordFailure(username)
            try await audit.append(AuditEvent(actorID: user?.id, actorRole: user.flatMap { Role(rawValue: $0.role) },
                                              action: "auth.login_failed", targetType: Self.typedUsername,
                                              targetID: Self.auditID(ofTyped: username), requestID: requestID))
            throw AppError.unauthenticated("the username or password is wrong")
        }
        try await LoginThrottleModel.query(on: database.db).filter(\.$id == username).delete()
        let (token, row) = newToken(for: userID)
        try await database.db.transaction { db in
            try await row.create(on: db)
            try await audit.append(AuditEvent(actorID: userID, actorRole: Role(rawValue: user.role), action: "auth.login",
                                              targetType: "user", targetID: userID.uuidString, requestID: requestID), on: db)
        }
        return Session(token: token, expiresAt: row.expiresAt, user: UserRecord(user))
    }

    /// The audit target of a failed or throttled sign-in: what was typed as the username, as a
    /// digest. The append-only trail must not keep it as typed: people type their password into the
    /// username field, and an erased student's username must not outlive the erasure there. A
    /// known user is named by `actorID`; to find the attempts on a username, compute its digest.
    static let typedUsername = "username-digest"
    static func auditID(ofTyped username: String) -> String { "sha256:" + Digest.sha256Hex(username).prefix(16) }

    /// A fresh bearer token and its row (only the token's hash is stored), not yet written.
    func newToken(for userID: UUID) -> (String, AuthTokenModel) {
        let token = Digest.randomToken()
        let row = AuthTokenModel()
        row.userID = userID
        row.tokenHash = Digest.sha256Hex(token)
        row.createdAt = now()
        row.expiresAt = now().addingTimeInterval(settings.tokenLifetime)
        return (token, row)
    }

    /// Resolves a bearer token to its caller; a missing, expired or revoked token is 401. One query
    /// (token joined with its user), or none while the token is in the short-lived cache.
    public func authenticate(token: String) async throws -> Caller {
        guard !token.isEmpty, token.count <= 256 else { throw AppError.unauthenticated("the bearer token is malformed") }
        let hash = Digest.sha256Hex(token)
        let now = now()
        if let cached = cache.get(hash, now: now) { return cached }
        let generation = cache.generation
        guard let row = try await database.sql.raw("""
            SELECT t.id AS token_id, t.expires_at, t.revoked_at, s.county_code AS school_county, \(unsafeRaw: UserRecord.columns(prefix: "u"))
            FROM auth_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN schools s ON s.id = u.school_id
            WHERE t.token_hash = \(bind: hash)
            """).first()
        else { throw AppError.unauthenticated("the bearer token is not valid; sign in again") }
        if try row.decodeNil(column: "revoked_at") == false {
            throw AppError.unauthenticated("the bearer token was revoked; sign in again")
        }
        let expiresAt = try row.decode(column: "expires_at", as: Date.self)
        if expiresAt <= now { throw AppError.unauthenticated("the bearer token has expired; sign in again") }
        let user = try UserRecord(row: row)
        let caller = Caller(
            principal: Principal(userID: user.id, username: user.username, role: user.role, schoolID: user.schoolID,
                                 regionCode: user.regionCode, tokenID: try row.decode(column: "token_id", as: UUID.self),
                                 schoolCounty: try row.decode(column: "school_county", as: String?.self).flatMap { RegionCode($0) },
                                 area: user.functionalArea),
            user: user)
        cache.put(hash, caller, tokenExpiresAt: expiresAt, now: now, readAt: generation)
        return caller
    }

    public func logout(_ principal: Principal) async throws {
        guard let tokenID = principal.tokenID else { return }
        try await AuthTokenModel.query(on: database.db)
            .filter(\.$id == tokenID).set(\.$revokedAt, to: now()).update()
        cache.forget(userID: principal.userID)
    }

    /// Changes the caller's password, revokes every token of theirs — the one that asked included —
    /// and signs them in afresh: the answer's token is the only one that works afterwards.
    public func changePassword(_ principal: Principal, current: String, new: String, requestID: String?) async throws -> Session {
        guard let user = try await UserModel.find(principal.userID, on: database.db) else { throw AppError.notFound("user") }
        guard let hash = user.passwordHash, try await hasher.verify(current, hash: hash) else {
            throw AppError(.forbidden, "the current password is wrong", fields: ["currentPassword"])
        }
        let (token, row) = newToken(for: principal.userID)
        try await storePassword(user, new, field: "newPassword",
                                event: AuditEvent(actorID: principal.userID, actorRole: principal.role, action: "auth.password_change",
                                                  targetType: "user", targetID: principal.userID.uuidString, requestID: requestID)) { db in
            try await row.create(on: db)
        }
        return Session(token: token, expiresAt: row.expiresAt, user: UserRecord(user))
    }

    /// Sets a user's password as an operator (`qianxue users set-password`) and revokes all their tokens.
    public func setPassword(username rawUsername: String, password: String) async throws {
        let username = UsernameRule.normalise(rawUsername)
        guard let user = try await UserModel.query(on: database.db).filter(\.$username == username).first() else {
            throw AppError.notFound("user '\(username)'")
        }
        try await storePassword(user, password, field: "password",
                                event: AuditEvent(actorID: nil, actorRole: nil, action: "auth.password_reset", targetType: "user",
                                                  targetID: user.id!.uuidString, purpose: "operator reset")) { db in
            try await LoginThrottleModel.query(on: db).filter(\.$id == username).delete()
        }
    }

    /// Checks and stores a new password, revokes every token of the user and records the event, in
    /// one transaction (with `also`, which runs after the revocation); the token cache forgets the user.
    func storePassword(_ user: UserModel, _ password: String, field: String, event: AuditEvent,
                       also: @escaping @Sendable (any Database) async throws -> Void = { _ in }) async throws {
        try PasswordRule.check(password, username: user.username, field: field)
        user.passwordHash = try await hasher.hash(password)
        user.updatedAt = now()
        let revokeAt = now()
        let userID = user.id!
        try await database.db.transaction { db in
            try await user.update(on: db)
            try await AuthTokenModel.query(on: db).filter(\.$userID == userID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: revokeAt).update()
            try await also(db)
            try await audit.append(event, on: db)
        }
        cache.forget(userID: userID)
    }

    func checkThrottle(_ username: String) async throws {
        guard let row = try await LoginThrottleModel.find(username, on: database.db),
              let until = row.lockedUntil, until > now() else { return }
        let wait = Int(until.timeIntervalSince(now()).rounded(.up))
        throw AppError(.rateLimited, "too many failed sign-ins for this username; try again in \(wait) s", retryAfter: max(wait, 1))
    }

    func recordFailure(_ username: String) async throws {
        let t = now()
        let row = try await LoginThrottleModel.find(username, on: database.db) ?? {
            let r = LoginThrottleModel()
            r.id = username
            r.failures = 0
            r.windowStart = t
            return r
        }()
        if t.timeIntervalSince(row.windowStart) > settings.throttleWindow {
            row.failures = 0
            row.windowStart = t
            row.lockedUntil = nil
        }
        row.failures += 1
        if row.failures >= settings.maxFailures {
            row.lockedUntil = row.windowStart.addingTimeInterval(settings.throttleWindow)
        }
        try await row.save(on: database.db)
    }
}
