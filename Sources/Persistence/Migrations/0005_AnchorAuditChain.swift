import FluentKit
import Foundation
import SQLKit

/// Lets the retention purge remove audit events older than the minimum window (1095 days) without
/// breaking `qianxue audit verify`: the chain's recorded start (`audit_chain_start`: the first event
/// kept and the hash it links to) moves forward as the oldest events go, and `verify` walks from it.
///
/// On PostgreSQL the DELETE privilege on `audit_events` comes back to the role that migrates — it
/// owns the table and could grant it to itself anyway (0004's test shows it) — and the trigger is
/// the guard, for every role: an event may be deleted only when it is older than 1095 days by the
/// server's clock and lies before the recorded start. The start only moves forward, over events
/// that all exist, are that old, and end with the hash it records; it is never deleted. UPDATE and
/// TRUNCATE of events stay refused. On SQLite (no roles, no triggers in 0004) `verify` is the guard.
struct AnchorAuditChain: AsyncMigration {
    var name: String { "0005_AnchorAuditChain" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditChainStart.schema)
            .field("id", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .create()
        let start = AuditChainStart()
        start.id = AuditChainStart.singletonID
        start.seq = 1
        start.hash = AuditLog.genesisHash
        try await start.create(on: database)
        guard let sql = database as? any SQLDatabase else { return }
        // The purge of old idempotency keys finds them by age.
        try await sql.raw("CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)").run()
        guard sql.dialect.name == "postgresql" else { return }
        for statement in Self.prepareStatements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            if sql.dialect.name == "postgresql" {
                for statement in Self.revertStatements { try await sql.raw(SQLQueryString(statement)).run() }
            }
            try await sql.raw("DROP INDEX IF EXISTS idempotency_keys_created_at").run()
        }
        try await database.schema(AuditChainStart.schema).delete()
    }

    static let minimumAge = "interval '\(AuditRetention.minimumDays) days'"

    static let prepareStatements = [
        """
        CREATE OR REPLACE FUNCTION qx_audit_events_purge_old_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.at < now() - \(minimumAge)
               AND OLD.seq < (SELECT s.seq FROM audit_chain_start s WHERE s.id = 'start') THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'audit events are append-only: only events older than \(AuditRetention.minimumDays) days, before the chain''s recorded start, are purged'
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION qx_audit_start_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' THEN
                RAISE EXCEPTION 'the audit chain''s start is never deleted: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq
               OR NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.seq = NEW.seq - 1 AND e.hash = NEW.hash)
               OR (SELECT count(*) FROM audit_events e WHERE e.seq >= OLD.seq AND e.seq < NEW.seq) <> NEW.seq - OLD.seq
               OR EXISTS (SELECT 1 FROM audit_events e WHERE e.seq >= OLD.seq AND e.seq < NEW.seq AND e.at >= now() - \(minimumAge)) THEN
                RAISE EXCEPTION 'the audit chain''s start only moves forward over events older than \(AuditRetention.minimumDays) days'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """,
        "DROP TRIGGER audit_events_append_only ON audit_events",
        """
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION qx_audit_events_append_only()
        """,
        """
        CREATE TRIGGER audit_events_purge_old_only BEFORE DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION qx_audit_events_purge_old_only()
        """,
        """
        CREATE TRIGGER audit_chain_start_forward_only BEFORE UPDATE OR DELETE ON audit_chain_start
            FOR EACH ROW EXECUTE FUNCTION qx_audit_start_forward_only()
        """,
        """
        CREATE TRIGGER audit_chain_start_no_truncate BEFORE TRUNCATE ON audit_chain_start
            FOR EACH STATEMENT EXECUTE FUNCTION qx_audit_start_forward_only()
        """,
        "REVOKE DELETE, TRUNCATE ON audit_chain_start FROM PUBLIC",
        "REVOKE DELETE, TRUNCATE ON audit_chain_start FROM CURRENT_USER",
        "GRANT DELETE ON audit_events TO CURRENT_USER",
    ]

    static let revertStatements = [
        "REVOKE DELETE ON audit_events FROM CURRENT_USER",
        "GRANT DELETE, TRUNCATE ON audit_chain_start TO CURRENT_USER",
        "DROP TRIGGER IF EXISTS audit_chain_start_no_truncate ON audit_chain_start",
        "DROP TRIGGER IF EXISTS audit_chain_start_forward_only ON audit_chain_start",
        "DROP TRIGGER IF EXISTS audit_events_purge_old_only ON audit_events",
        "DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events",
        """
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION qx_audit_events_append_only()
        """,
        "DROP FUNCTION IF EXISTS qx_audit_start_forward_only()",
        "DROP FUNCTION IF EXISTS qx_audit_events_purge_old_only()",
    ]
}

/// Where the kept part of the audit chain starts: the first event's number and the hash it links to
/// (event 1 and the genesis hash until the first audit events are purged).
final class AuditChainStart: Model, @unchecked Sendable {
    static let schema = "audit_chain_start"
    static let singletonID = "start"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "seq") var seq: Int
    @Field(key: "hash") var hash: String

    init() {}
}
