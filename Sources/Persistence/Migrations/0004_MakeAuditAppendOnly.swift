import FluentKit
import SQLKit

/// On PostgreSQL, audit events become append-only for the application: the role the gateway
/// connects as (the one that migrates) and PUBLIC lose UPDATE, DELETE and TRUNCATE on them, and a
/// trigger refuses those statements for every role, the table's owner included. The chain's tip
/// stays updatable, but only forward, one event at a time, to an event that exists with that hash,
/// and never deleted. SQLite has no roles: there `qianxue audit verify` is the guard.
struct MakeAuditAppendOnly: AsyncMigration {
    var name: String { "0004_MakeAuditAppendOnly" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        for statement in Self.prepareStatements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        for statement in Self.revertStatements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    static let prepareStatements = [
        """
        CREATE OR REPLACE FUNCTION qx_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION qx_audit_tip_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' THEN
                RAISE EXCEPTION 'the audit chain''s tip is never deleted: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF NEW.id <> OLD.id
               OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
               OR (NEW.seq <> OLD.seq AND (NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
                   SELECT 1 FROM audit_events e WHERE e.seq = NEW.seq AND e.hash = NEW.hash AND e.prev_hash = OLD.hash))) THEN
                RAISE EXCEPTION 'the audit chain''s tip only moves forward to the event just appended' USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION qx_audit_events_append_only()
        """,
        """
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION qx_audit_events_append_only()
        """,
        """
        CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_chain
            FOR EACH ROW EXECUTE FUNCTION qx_audit_tip_forward_only()
        """,
        """
        CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
            FOR EACH STATEMENT EXECUTE FUNCTION qx_audit_tip_forward_only()
        """,
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC",
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM CURRENT_USER",
        "REVOKE DELETE, TRUNCATE ON audit_chain FROM PUBLIC",
        "REVOKE DELETE, TRUNCATE ON audit_chain FROM CURRENT_USER",
    ]

    static let revertStatements = [
        "GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO CURRENT_USER",
        "GRANT DELETE, TRUNCATE ON audit_chain TO CURRENT_USER",
        "DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_chain",
        "DROP TRIGGER IF EXISTS audit_chain_forward_only ON audit_chain",
        "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
        "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
        "DROP FUNCTION IF EXISTS qx_audit_tip_forward_only()",
        "DROP FUNCTION IF EXISTS qx_audit_events_append_only()",
    ]
}
