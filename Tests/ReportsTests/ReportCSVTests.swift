import Foundation
import Reports
import Testing

@Suite struct ReportCSVTests {
    @Test func csvStartsWithAByteOrderMarkAndEndsEveryLineWithCRLF() {
        // when
        let csv = ReportCSV.render(ReportFixtures.literacy())
        // then
        #expect(csv.unicodeScalars.first == "\u{FEFF}")
        #expect(Array(csv.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(csv.hasSuffix("\r\n"))
        let bareLineFeeds = csv.utf8.indices.filter { i in csv.utf8[i] == 0x0A && (i == csv.utf8.startIndex || csv.utf8[csv.utf8.index(before: i)] != 0x0D) }
        #expect(bareLineFeeds.isEmpty)
    }

    @Test(arguments: [ReportKind.literacy, .usage])
    func csvParsesBackToExactlyTheReportsCells(kind: ReportKind) throws {
        // given
        let report = try #require(ReportFixtures.all.first { $0.kind == kind })
        // when
        let records = try RFC4180.parse(ReportCSV.render(report))
        // then
        #expect(records.first == ReportCSV.header)
        var expected: [[String]] = []
        for section in report.sections {
            for row in section.rows {
                for column in section.columns {
                    expected.append([section.id, section.title, row.key, row.label, row.role.rawValue, column.key, column.label, row[column.key].display])
                }
            }
        }
        #expect(Array(records.dropFirst()) == expected)
        #expect(expected.contains { $0[7] == "<10" }, "the fixture must have suppressed cells for this test to mean something")
        #expect(expected.contains { $0[7] == "*" })
        #expect(expected.contains { $0[7] == "" })
    }

    @Test func csvNeutralisesFormulasButLeavesNegativeNumbersAlone() throws {
        // given
        let section = ReportSection(
            id: "change", title: "@变化",
            columns: [.init("delta", "=变化量", .number), .init("comment", "说明", .text)],
            rows: [
                ReportRow(key: "a", label: "=HYPERLINK(\"x\",\"点我\")", role: .group, cells: ["delta": .number(-3.5), "comment": .text("+SUM(A1:A9)")]),
                ReportRow(key: "b", label: "-2+3", role: .group, cells: ["delta": .number(12), "comment": .text("-3.5")]),
            ])
        let report = Report(kind: .usage, unit: .init(code: "52", name: "贵州省", level: .province),
                            period: .init(from: "2026-09-01", to: "2026-09-30", term: nil), groupBy: .region,
                            generatedAt: ReportFixtures.generatedAt, sections: [section])
        // when
        let records = try RFC4180.parse(ReportCSV.render(report)).dropFirst()
        // then
        let first = try #require(records.first), second = try #require(records.dropFirst().first)
        #expect(first[1] == "'@变化")
        #expect(first[3] == "'=HYPERLINK(\"x\",\"点我\")")
        #expect(first[6] == "'=变化量")
        #expect(first[7] == "-3.5")
        #expect(second[7] == "'+SUM(A1:A9)")
        #expect(records.dropFirst(2).first?[3] == "'-2+3")
        #expect(records.last?[7] == "-3.5", "a text that is a plain number runs nothing and stays as it is")
        for record in records {
            for field in record where !field.hasPrefix("'") {
                #expect(!field.hasPrefix("=") && !field.hasPrefix("+") && !field.hasPrefix("@"))
                #expect(!field.hasPrefix("-") || Double(field) != nil)
            }
        }
    }

    @Test func csvKeepsQuotesCommasAndLineBreaksInsideFields() throws {
        // given
        let label = "他说\"好\"，然后, 又说\r\n第二行\n第三行"
        let section = ReportSection(
            id: "q", title: "标题, 带逗号",
            columns: [.init("note", "说\"明\"", .text)],
            rows: [ReportRow(key: "r,1", label: label, role: .total, cells: ["note": .text("a,\"b\"\nc")])])
        let report = Report(kind: .teachers, unit: .init(code: "5201", name: "贵阳市", level: .prefecture),
                            period: .init(from: "2026-09-01", to: "2026-09-30", term: nil), groupBy: .school,
                            generatedAt: ReportFixtures.generatedAt, sections: [section])
        // when
        let csv = ReportCSV.render(report)
        let records = try RFC4180.parse(csv)
        // then
        #expect(records.count == 2)
        #expect(records[1] == ["q", "标题, 带逗号", "r,1", label, "total", "note", "说\"明\"", "a,\"b\"\nc"])
        #expect(csv.contains("\"说\"\"明\"\"\""))
    }
}

/// A strict RFC 4180 reader: CRLF between records, fields quoted when they hold `, " CR LF`,
/// quotes inside doubled. Anything else is an error, so a sloppy writer fails the tests.
enum RFC4180 {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        var scalars = Array(text.unicodeScalars)
        guard scalars.first == "\u{FEFF}" else { throw Malformed(description: "no byte-order mark") }
        scalars.removeFirst()
        var records: [[String]] = [], record: [String] = [], field = String.UnicodeScalarView()
        var i = 0
        func endField() { record.append(String(field)); field = .init() }
        while i < scalars.count {
            let c = scalars[i]
            if c == "\"" {
                guard field.isEmpty else { throw Malformed(description: "quote inside an unquoted field at \(i)") }
                i += 1
                while true {
                    guard i < scalars.count else { throw Malformed(description: "unterminated quoted field") }
                    if scalars[i] == "\"" {
                        if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                        i += 1
                        break
                    }
                    field.append(scalars[i]); i += 1
                }
                guard i == scalars.count || scalars[i] == "," || scalars[i] == "\r" else { throw Malformed(description: "text after a closing quote at \(i)") }
            } else if c == "," {
                endField(); i += 1
            } else if c == "\r" {
                guard i + 1 < scalars.count, scalars[i + 1] == "\n" else { throw Malformed(description: "CR without LF at \(i)") }
                endField(); records.append(record); record = []; i += 2
            } else if c == "\n" {
                throw Malformed(description: "bare LF at \(i)")
            } else {
                field.append(c); i += 1
            }
        }
        guard record.isEmpty, field.isEmpty else { throw Malformed(description: "last record not ended by CRLF") }
        return records
    }
}
