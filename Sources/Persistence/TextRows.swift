import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import SQLKit

/// Many rows read straight from the driver, every cell as text: a UUID as its uppercase string,
/// numbers in decimal, NULL as nil. SQLKit decodes each cell through a `Decoder`, which costs a
/// microsecond or more a value — seconds over the few hundred thousand rows of a large roster.
public enum TextRows {
    /// Runs `query`, whose placeholders are `?`, with text binds; pass a transaction's database to
    /// read inside it.
    public static func all(_ query: String, binds: [String] = [], on db: any Database) async throws -> [[String?]] {
        if let lite = db as? any SQLiteDatabase {
            return try await lite.query(query, binds.map { .text($0) }).map { row in row.columns.map { text($0.data) } }
        }
        if let pg = db as? any PostgresDatabase {
            var numbered = "", n = 0
            for c in query {
                if c == "?" {
                    n += 1
                    numbered += "$\(n)"
                } else {
                    numbered.append(c)
                }
            }
            var bindings = PostgresBindings(capacity: binds.count)
            for b in binds { bindings.append(b) }
            let q = PostgresQuery(unsafeSQL: numbered, binds: bindings)
            let logger = db.logger
            return try await pg.withConnection { conn in
                conn.eventLoop.makeFutureWithTask {
                    var out: [[String?]] = []
                    for try await row in try await conn.query(q, logger: logger) {
                        var cells: [String?] = []
                        cells.reserveCapacity(row.count)
                        for cell in row { cells.append(try text(cell)) }
                        out.append(cells)
                    }
                    return out
                }
            }.get()
        }
        var q = SQLQueryString("")
        var rest = Substring(query)
        var binds = binds.makeIterator()
        while let i = rest.firstIndex(of: "?") {
            q.appendLiteral(String(rest[..<i]))
            q.appendInterpolation(bind: binds.next() ?? "")
            rest = rest[rest.index(after: i)...]
        }
        q.appendLiteral(String(rest))
        return try await (db as! any SQLDatabase).raw(q).all().map { row in
            try row.allColumns.map { try row.decodeNil(column: $0) ? nil : row.decode(column: $0, as: String.self) }
        }
    }

    /// `UUID(uuidString:)` for the canonical 36-character form, without the C library's scanner
    /// that Foundation calls on Linux; other text goes to Foundation.
    public static func uuid(_ s: String?) -> UUID? {
        guard let s else { return nil }
        var s2 = s
        let parsed: UUID?? = s2.withUTF8 { b -> UUID?? in
            guard b.count == 36 else { return .none }
            var bytes = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                         UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
            func nibble(_ c: UInt8) -> UInt8? {
                switch c {
                case 0x30...0x39: return c - 0x30
                case 0x41...0x46: return c - 0x41 + 10
                case 0x61...0x66: return c - 0x61 + 10
                default: return nil
                }
            }
            let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var i = 0
                for k in 0..<16 {
                    if i == 8 || i == 13 || i == 18 || i == 23 {
                        guard b[i] == UInt8(ascii: "-") else { return false }
                        i += 1
                    }
                    guard let hi = nibble(b[i]), let lo = nibble(b[i + 1]) else { return false }
                    out[k] = hi << 4 | lo
                    i += 2
                }
                return true
            }
            return ok ? .some(UUID(uuid: bytes)) : .none
        }
        if let parsed { return parsed }
        return UUID(uuidString: s)
    }

    static func text(_ data: SQLiteData) -> String? {
        switch data {
        case .null: return nil
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .float(let f): return String(f)
        case .blob(let b):
            guard b.readableBytes == 16, let bytes = b.getBytes(at: b.readerIndex, length: 16) else {
                return String(decoding: b.readableBytesView, as: UTF8.self)
            }
            return BulkInsert.uuidText(UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                                   bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])))
        }
    }

    static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .uuid: return BulkInsert.uuidText(try cell.decode(UUID.self))
        case .int2, .int4, .int8: return String(try cell.decode(Int.self))
        case .bool: return try cell.decode(Bool.self) ? "true" : "false"
        default: return try cell.decode(String.self)
        }
    }
}
