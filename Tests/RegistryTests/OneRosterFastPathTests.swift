import Foundation
import NIOCore
@testable import Persistence
import QianxueCore
@testable import Registry
import Testing

/// The import's fast paths give what the general ones (Foundation, JSONEncoder, the regular
/// expression, the calendar) give, on plain rows and on the awkward ones.
@Suite struct OneRosterFastPathTests {
    static let awkward = ["", "plain", "a/b", "say \"hi\"", "back\\slash", "tab\there", "line\nbreak", "\r", "\u{0}\u{1F}\u{7F}",
                          "王小明", "😀 emoji", "\u{2028}\u{2029}", " padded ", "\u{3000}全角空格\u{3000}", "https://example.org/x?y=1"]

    @Test func aRowIsKeptAsJSONEncoderWouldKeepIt() throws {
        for file in OneRosterSpec.files {
            let columns = RosterColumns.of(file)
            for (k, value) in Self.awkward.enumerated() {
                let fields = columns.names.indices.map { Self.awkward[($0 + k) % Self.awkward.count] + ($0 == 0 ? value : "") }
                let row = RosterValues(columns: columns, fields: fields)
                #expect(row.json == RosterRecordModel.encode(row.dictionary), "\(file) \(k)")
            }
        }
    }

    @Test func dateTimesDaysUsernamesAndTrimmingAgreeWithTheGeneralChecks() {
        let pattern = #"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$"#
        for s in ["2026-09-01", "2026-09-01T08:00:00Z", "2026-09-01T08:00:00.000Z", "2026-09-01T08:00:00+08:00", "2026-09-01T08:00:00-0800",
                  "2026-09-01T08:00:00.Z", "2026-09-01T08:00Z", "2026-9-01", "2026-09-01T08:00:00", "2026-09-01T08:00:00+8", "2026-09-01Z",
                  "2026-09-01\n", "２０２６-09-01", "", "T", "2026-09-01T08:00:00.123456789+08:00", "2026-09-01T08:00:00+08:000"] {
            #expect(RosterText.isDateTime(s) == (s.range(of: pattern, options: .regularExpression) != nil), "\(s)")
        }
        for s in ["2010-04-17", "2012-02-29", "2011-02-29", "1900-02-29", "2000-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-04-00",
                  "0000-01-01", "1582-10-10", "1500-02-29", "17/04/2010", "2010-4-17", "+201-04-17", "2010-04-17T00:00:00Z", ""] {
            #expect(RosterText.isDay(s) == (PlatformCalendar.parseDay(s) != nil), "\(s)")
        }
        for s in ["brucewayne", "t.zunyi", "a_b-c.9", "ab", String(repeating: "a", count: 64), String(repeating: "a", count: 65), "Bruce", "王小明", "a b c", "ünï"] {
            #expect(RosterText.isUsername(s) == ((try? UsernameRule.check(s)) != nil), "\(s)")
        }
        for s in Self.awkward + ["\t x \t", " ", "x\u{A0}"] {
            #expect(RosterText.trimmed(s) == s.trimmingCharacters(in: .whitespaces), "\(s)")
        }
        #expect(RosterText.list(" A , ,B,") == ["A", "B"])
        #expect(RosterText.list(" A ") == ["A"])
        #expect(RosterText.list("  ") == [])
    }

    @Test func csvRowsKeepTheirLinesQuotesAndBreaks() throws {
        let text = "h1,h2,h3\r\nA,\"x, \"\"y\"\"\",z\r\n\r\nB,\"two\nlines\",\"\"\rC,,\"a\"b\nD,\"\"\"\",e"
        let t = try CSVTable.parse(Data(text.utf8), file: "t.csv")
        #expect(t.header == ["h1", "h2", "h3"])
        #expect(t.rows.map(\.line) == [2, 4, 6, 7])
        #expect(t.rows.map(\.fields) == [["A", "x, \"y\"", "z"], ["B", "two\nlines", ""], ["C", "", "ab"], ["D", "\"", "e"]])
        #expect(throws: ImportRefused.self) { try CSVTable.parse(Data("a,b\n\"open,x\n".utf8), file: "t.csv") }
    }

    @Test func idsAndTimesAreWrittenAsTheDriversWriteThem() {
        var ids = RandomIDs()
        var seen = Set<UUID>()
        for _ in 0..<1000 {
            let u = ids.next()
            seen.insert(u)
            #expect(BulkInsert.uuidText(u) == u.uuidString)
            #expect(TextRows.uuid(u.uuidString) == u)
            #expect(TextRows.uuid(u.uuidString.lowercased()) == u)
            #expect(u.uuidString.dropFirst(14).first == "4")
        }
        #expect(seen.count == 1000)
        #expect(TextRows.uuid("not-a-uuid") == nil)
        func timestamp(_ d: Date) -> String {
            var buffer = ByteBufferAllocator().buffer(capacity: 40)
            BulkInsert.writeTimestamp(d, into: &buffer)
            return buffer.readString(length: buffer.readableBytes) ?? ""
        }
        #expect(timestamp(Date(timeIntervalSince1970: 1_764_432_000.5)) == "2025-11-29 16:00:00.500000+00")
        #expect(timestamp(Date(timeIntervalSince1970: 946_684_800)) == "2000-01-01 00:00:00.000000+00")
        #expect(timestamp(Date(timeIntervalSince1970: 951_782_400.25)) == "2000-02-29 00:00:00.250000+00")
        #expect(timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
    }
}
