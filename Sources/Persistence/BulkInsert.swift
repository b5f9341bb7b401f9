import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import SQLKit

/// A value for a bulk write, stored as the drivers store the same Swift value (a UUID as SQLite text
/// and a PostgreSQL uuid, a date as SQLite's seconds since 1970 and a PostgreSQL timestamptz).
public enum BulkValue: Sendable {
    case null
    case text(String)
    case uuid(UUID)
    case date(Date)
    case int(Int)
    case bool(Bool)
}

extension BulkValue {
    public static func text(_ s: String?) -> BulkValue { s.map { .text($0) } ?? .null }
    public static func uuid(_ u: UUID?) -> BulkValue { u.map { .uuid($0) } ?? .null }
}

/// Rows for a bulk write, kept flat: values appended in column order, row after row.
public struct BulkRows: Sendable {
    public let table: String
    public let columns: [String]
    public private(set) var values: [BulkValue] = []

    public init(_ table: String, columns: [String], capacity rows: Int = 0) {
        self.table = table
        self.columns = columns
        values.reserveCapacity(rows * columns.count)
    }

    public var count: Int { values.count / columns.count }
    public var isEmpty: Bool { values.isEmpty }

    public mutating func append(_ v: BulkValue) { values.append(v) }

    /// One row, all its values in column order.
    public mutating func append(row: [BulkValue]) {
        precondition(row.count == columns.count, "a row of \(table) has \(row.count) values for \(columns.count) columns")
        values.append(contentsOf: row)
    }
}

/// Many new rows into one table, the fastest plain way for the engine: `COPY … FROM STDIN` on
/// PostgreSQL, prepared multi-row INSERTs of 500 rows on SQLite (SQLKit inserts elsewhere). Pass a
/// transaction's database to make the rows part of it.
public enum BulkInsert {
    public static func rows(_ rows: BulkRows, on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        precondition(rows.values.count % rows.columns.count == 0, "\(rows.table): the values do not fill whole rows")
        if let lite = db as? any SQLiteDatabase {
            try await sqlite(lite, rows)
        } else if let pg = db as? any PostgresDatabase {
            try await copy(pg, rows, logger: db.logger)
        } else {
            let sql = db as! any SQLDatabase
            let width = rows.columns.count
            for start in stride(from: 0, to: rows.count, by: 500) {
                let builder = sql.insert(into: rows.table).columns(rows.columns)
                for r in start..<min(start + 500, rows.count) { builder.values(rows.values[r * width..<(r + 1) * width].map(bind)) }
                try await builder.run()
            }
        }
    }

    static func bind(_ v: BulkValue) -> any SQLExpression {
        switch v {
        case .null: return SQLLiteral.null
        case .text(let s): return SQLBind(s)
        case .uuid(let u): return SQLBind(u)
        case .date(let d): return SQLBind(d)
        case .int(let i): return SQLBind(i)
        case .bool(let b): return SQLBind(b)
        }
    }

    /// `uuid.uuidString` (upper-case hex with dashes), without the C library's formatter that
    /// Foundation calls on Linux.
    public static func uuidText(_ u: UUID) -> String {
        let hex: StaticString = "0123456789ABCDEF"
        return withUnsafeBytes(of: u.uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, b) in raw.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hex.utf8Start[Int(b >> 4)]
                    out[o + 1] = hex.utf8Start[Int(b & 0xF)]
                    o += 2
                }
                return o
            }
        }
    }

    // MARK: SQLite

    static func sqlite(_ db: any SQLiteDatabase, _ rows: BulkRows) async throws {
        let width = rows.columns.count
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        let head = "INSERT INTO \(rows.table) (\(rows.columns.joined(separator: ","))) VALUES "
        var statement = "", statementRows = 0
        for start in stride(from: 0, to: rows.count, by: 500) {
            let end = min(start + 500, rows.count)
            if end - start != statementRows {
                statement = head + Array(repeating: tuple, count: end - start).joined(separator: ",")
                statementRows = end - start
            }
            _ = try await db.query(statement, rows.values[start * width..<end * width].map(sqliteData))
        }
    }

    /// As SQLiteKit's encoder stores the same values (a UUID is encoded as its string).
    static func sqliteData(_ v: BulkValue) -> SQLiteData {
        switch v {
        case .null: return .null
        case .text(let s): return .text(s)
        case .uuid(let u): return .text(uuidText(u))
        case .date(let d): return .float(d.timeIntervalSince1970)
        case .int(let i): return .integer(i)
        case .bool(let b): return .integer(b ? 1 : 0)
        }
    }

    // MARK: PostgreSQL

    static func copy(_ db: any PostgresDatabase, _ rows: BulkRows, logger: Logger) async throws {
        let chunkBytes = 1 << 18
        let width = rows.columns.count
        try await db.withConnection { conn in
            conn.eventLoop.makeFutureWithTask {
                try await conn.copyFrom(table: rows.table, columns: rows.columns, logger: logger) { writer in
                    var buffer = ByteBufferAllocator().buffer(capacity: chunkBytes + 4096)
                    for (i, v) in rows.values.enumerated() {
                        copyText(v, into: &buffer)
                        if (i + 1) % width != 0 {
                            buffer.writeInteger(UInt8(ascii: "\t"))
                            continue
                        }
                        buffer.writeInteger(UInt8(ascii: "\n"))
                        if buffer.readableBytes >= chunkBytes {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }.get()
    }

    /// A value in COPY's text format (tab-separated, `\N` for NULL, backslash escapes).
    static func copyText(_ v: BulkValue, into buffer: inout ByteBuffer) {
        switch v {
        case .null: buffer.writeStaticString("\\N")
        case .text(var s):
            s.withUTF8 { bytes in
                var plain = true
                for b in bytes where b == UInt8(ascii: "\\") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                    plain = false
                    break
                }
                if plain {
                    buffer.writeBytes(bytes)
                    return
                }
                for b in bytes {
                    switch b {
                    case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                    case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                    case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                    case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                    default: buffer.writeInteger(b)
                    }
                }
            }
        case .uuid(let u): buffer.writeString(uuidText(u))
        case .date(let d): writeTimestamp(d, into: &buffer)
        case .int(let i): buffer.writeString(String(i))
        case .bool(let b): buffer.writeInteger(b ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, with the microseconds PostgresNIO's binary encoding would send.
    static func writeTimestamp(_ d: Date, into buffer: inout ByteBuffer) {
        let micros = Int64(d.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000)
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 { rest += 86_400_000_000; days -= 1 }
        // Days since 2000-01-01 to a civil date (H. Hinnant's algorithm, from 0000-03-01).
        let z = days + 730_425
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ n: Int64, _ width: Int) {
            var s = String(n)
            if s.count < width { s = String(repeating: "0", count: width - s.count) + s }
            buffer.writeString(s)
        }
        digits(year, 4); buffer.writeStaticString("-"); digits(month, 2); buffer.writeStaticString("-"); digits(day, 2)
        buffer.writeStaticString(" ")
        digits(rest / 3_600_000_000, 2); buffer.writeStaticString(":")
        digits(rest / 60_000_000 % 60, 2); buffer.writeStaticString(":")
        digits(rest / 1_000_000 % 60, 2); buffer.writeStaticString(".")
        digits(rest % 1_000_000, 6); buffer.writeStaticString("+00")
    }
}
