import FluentKit
import Foundation
import QianxueCore

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

    private let database: DatabaseStack
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
