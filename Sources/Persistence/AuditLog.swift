import FluentKit
import Foundation
import QianxueCore
import SQLKit

/// One thing that happened that someone may have to answer for later.
public struct AuditEvent: Sendable, Equatable {
    public var actorID: UUID?
    public var actorRole: Role?
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var purpose: String?
    public var requestID: String?
    public var detail: String?

    public init(actorID: UUID?, actorRole: Role?, action: String, targetType: String? = nil, targetID: String? = nil,
                purpose: String? = nil, requestID: String? = nil, detail: String? = nil) {
        self.actorID = actorID
        self.actorRole = actorRole
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.purpose = purpose
        self.requestID = requestID
        self.detail = detail
    }
}

/// A stored audit event with its place in the chain.
public struct AuditRecord: Sendable {
    public let seq: Int
    public let at: Date
    public let event: AuditEvent
    public let prevHash: String
    public let hash: String
}

/// What a walk of the chain found: how many events link up, the last hash, and the first problem.
public struct AuditCheck: Sendable, Equatable {
    public let events: Int
    public let tip: String
    public let problem: String?
    /// The first event kept: 1 until the retention purge removed older ones.
    public let firstSeq: Int

    public init(events: Int, tip: String, problem: String?, firstSeq: Int = 1) {
        self.events = events
        self.tip = tip
        self.problem = problem
        self.firstSeq = firstSeq
    }
}

/// The platform's one append-only, hash-chained audit log. Every row holds the hash of the previous
/// one; the chain's tip is kept in its own row so a deleted last event is detectable too.
public struct AuditLog: Sendable {
    static let genesisHash = String(repeating: "0", count: 64)
    private let database: DatabaseStack

    public init(database: DatabaseStack) { self.database = database }

    /// Appends an event. Pass the transaction's database to make the event part of a larger change.
    @discardableResult
    public func append(_ event: AuditEvent, on db: (any Database)? = nil) async throws -> AuditRecord {
        if let db {
            return try await append(event, in: db, at: Date())
        }
        return try await database.db.transaction { try await append(event, in: $0, at: Date()) }
    }

    /// Appends an event stamped with another time than now (tests of the retention purge).
    func append(_ event: AuditEvent, at time: Date) async throws -> AuditRecord {
        try await database.db.transaction { try await append(event, in: $0, at: time) }
    }

    private func append(_ event: AuditEvent, in db: any Database, at time: Date) async throws -> AuditRecord {
        // Taking the tip's row lock first (an UPDATE) serialises writers across processes and
        // gateway instances on both engines; only then is the tip read.
        let sql = db as! any SQLDatabase
        let now = Self.millisecondDate(time)
        try await sql.update(AuditChainTip.schema)
            .set("updated_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(AuditChainTip.singletonID))
            .run()
        guard let tip = try await AuditChainTip.find(AuditChainTip.singletonID, on: db) else {
            throw AppError(.internal, "the audit chain has no tip row")
        }
        let seq = tip.seq + 1
        let hash = Self.hash(seq: seq, at: now, event: event, prevHash: tip.hash)
        let row = AuditEventModel()
        row.seq = seq
        row.at = now
        row.actorID = event.actorID
        row.actorRole = event.actorRole?.rawValue
        row.action = event.action
        row.targetType = event.targetType
        row.targetID = event.targetID
        row.purpose = event.purpose
        row.requestID = event.requestID
        row.detail = event.detail
        row.prevHash = tip.hash
        row.hash = hash
        try await row.create(on: db)
        tip.seq = seq
        tip.hash = hash
        tip.updatedAt = now
        try await tip.update(on: db)
        return AuditRecord(seq: seq, at: now, event: event, prevHash: row.prevHash, hash: hash)
    }

    /// Events in order, for reading the trail (oldest first, from `afterSeq`).
    public func records(afterSeq: Int = 0, limit: Int = 500) async throws -> [AuditRecord] {
        try await AuditEventModel.query(on: database.db)
            .filter(\.$seq > afterSeq)
            .sort(\.$seq)
            .limit(limit)
            .all()
            .map(Self.record)
    }

    /// Walks the whole chain and the tip; returns the first problem found, or nil when intact.
    public func verify() async throws -> String? {
        try await check().problem
    }

    /// Walks the chain from its recorded start (event 1 until old events are purged, see
    /// `AuditRetention`) and compares its end with the tip row: an altered event no longer hashes to
    /// its stored hash, an inserted or deleted one breaks the links or the numbering, and a deleted
    /// last event leaves the tip pointing past the end. A tip rewound by its seq and hash alone still
    /// carries the time of the append it recorded.
    public func check() async throws -> AuditCheck {
        let start = try await Self.chainStart(on: database.db)
        var prev = start.hash
        var expectedSeq = start.seq
        var after = start.seq - 1
        var lastAt: Date?
        func checked(_ problem: String?) -> AuditCheck {
            AuditCheck(events: expectedSeq - start.seq, tip: prev, problem: problem, firstSeq: start.seq)
        }
        while true {
            let batch = try await records(afterSeq: after, limit: 1000)
            if batch.isEmpty { break }
            for r in batch {
                if r.seq != expectedSeq {
                    return checked(r.seq > expectedSeq
                        ? "event \(expectedSeq) is missing (found \(r.seq) next)" : "event \(r.seq) is out of order")
                }
                if r.prevHash != prev { return checked("event \(r.seq) does not link to the event before it") }
                if Self.hash(seq: r.seq, at: r.at, event: r.event, prevHash: r.prevHash) != r.hash {
                    return checked("event \(r.seq) was altered")
                }
                prev = r.hash
                lastAt = r.at
                expectedSeq += 1
                after = r.seq
            }
        }
        let last = expectedSeq - 1
        guard let tip = try await AuditChainTip.find(AuditChainTip.singletonID, on: database.db) else {
            return checked("the chain's tip row is missing")
        }
        if tip.seq != last || tip.hash != prev {
            return checked("the chain ends at event \(last) but its tip says \(tip.seq): events were deleted or added")
        }
        if let lastAt, Self.millisecondDate(tip.updatedAt) != Self.millisecondDate(lastAt) {
            return checked("the tip names event \(last) but was written at another time: it was rewound (events after \(last) were deleted)")
        }
        return checked(nil)
    }

    static func record(_ m: AuditEventModel) -> AuditRecord {
        AuditRecord(
            seq: m.seq, at: m.at,
            event: AuditEvent(actorID: m.actorID, actorRole: m.actorRole.flatMap(Role.init(rawValue:)), action: m.action,
                              targetType: m.targetType, targetID: m.targetID, purpose: m.purpose,
                              requestID: m.requestID, detail: m.detail),
            prevHash: m.prevHash, hash: m.hash)
    }

    static func millisecondDate(_ d: Date) -> Date {
        Date(timeIntervalSince1970: (d.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func hash(seq: Int, at: Date, event: AuditEvent, prevHash: String) -> String {
        let ms = Int64((at.timeIntervalSince1970 * 1000).rounded())
        let fields: [String] = [
            String(seq), String(ms), event.actorID?.uuidString ?? "", event.actorRole?.rawValue ?? "", event.action,
            event.targetType ?? "", event.targetID ?? "", event.purpose ?? "", event.requestID ?? "",
            event.detail ?? "", prevHash,
        ]
        return Digest.sha256Hex(fields.joined(separator: "\u{1F}"))
    }
}
