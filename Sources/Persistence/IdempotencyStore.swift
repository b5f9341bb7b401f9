import FluentKit
import Foundation
import QianxueCore
import SQLKit

/// A response kept for replay under an `Idempotency-Key`.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let contentType: String?
    public let body: Data

    public init(status: Int, contentType: String?, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Keeps `Idempotency-Key`s in the database, so a retry that reaches another gateway instance
/// behind the load balancer gets the same answer.
public struct IdempotencyStore: Sendable {
    public enum Claim: Sendable, Equatable {
        /// The key is new: run the request, then `complete` or `release` the claim.
        case claimed(UUID)
        /// The same request was answered before: replay this.
        case replay(StoredResponse)
        /// The first request with this key is still running.
        case inProgress
        /// The key was used for a different request.
        case mismatch
    }

    public let database: DatabaseStack
    /// A claim older than this whose request never completed (its instance died) may be taken over.
    private let staleAfter: TimeInterval

    public init(database: DatabaseStack, staleAfter: TimeInterval = 120) {
        self.database = database
        self.staleAfter = staleAfter
    }

    public func claim(scope: String, key: String, requestHash: String, now: Date = Date()) async throws -> Claim {
        let row = IdempotencyRecord()
        row.scope = scope
        row.key = key
        row.requestHash = requestHash
        row.state = "pending"
        row.createdAt = now
        do {
            try await row.create(on: database.db)
            return .claimed(row.id!)
        } catch {
            // A unique-constraint violation: the key exists. Anything else is a real failure.
            guard let existing = try await find(scope: scope, key: key) else { throw error }
            if existing.requestHash != requestHash { return .mismatch }
            if existing.state == "done", let status = existing.status {
                return .replay(StoredResponse(status: status, contentType: existing.contentType, body: existing.body ?? Data()))
            }
            if now.timeIntervalSince(existing.createdAt) > staleAfter {
                existing.createdAt = now
                try await existing.update(on: database.db)
                return .claimed(existing.id!)
            }
            return .inProgress
        }
    }

    /// Claims the key inside the caller's transaction (`DatabaseStack.withAmbientTransaction`): the
    /// claim is seen by others only with the writes it guards, and a crash before the commit leaves
    /// neither, so a retry simply runs again. A concurrent request with the same key waits on the
    /// key's unique index (PostgreSQL) or the file's write lock (SQLite) until this one commits.
    public func claim(scope: String, key: String, requestHash: String, on db: any Database, now: Date = Date()) async throws -> Claim {
        let id = UUID()
        try await (db as! any SQLDatabase).insert(into: IdempotencyRecord.schema)
            .columns("id", "scope", "key", "request_hash", "state", "created_at")
            .values(SQLBind(id), SQLBind(scope), SQLBind(key), SQLBind(requestHash), SQLBind("pending"), SQLBind(now))
            .ignoringConflicts(with: ["scope", "key"])
            .run()
        guard let existing = try await IdempotencyRecord.query(on: db).filter(\.$scope == scope).filter(\.$key == key).first() else {
            throw AppError(.internal, "the idempotency key vanished while it was claimed")
        }
        if existing.id == id { return .claimed(id) }
        if existing.requestHash != requestHash { return .mismatch }
        if existing.state == "done", let status = existing.status {
            return .replay(StoredResponse(status: status, contentType: existing.contentType, body: existing.body ?? Data()))
        }
        return .inProgress
    }

    public func complete(_ id: UUID, with response: StoredResponse) async throws {
        guard let row = try await IdempotencyRecord.find(id, on: database.db) else { return }
        row.state = "done"
        row.status = response.status
        row.contentType = response.contentType
        row.body = response.body
        try await row.update(on: database.db)
    }

    /// Forgets a claim whose request failed on the server's side, so that a retry runs again.
    public func release(_ id: UUID) async throws {
        try await IdempotencyRecord.query(on: database.db).filter(\.$id == id).delete()
    }

    private func find(scope: String, key: String) async throws -> IdempotencyRecord? {
        try await IdempotencyRecord.query(on: database.db)
            .filter(\.$scope == scope).filter(\.$key == key).first()
    }
}
