import Foundation
import HummingbirdTesting
import QianxueCore
import Registry
import Testing
import TestSupport

/// A prefecture analyst's pull of the four reports through `qx`, in all three formats, against the
/// running server — and the refusal of another prefecture.
@Suite struct AnalystDayTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: TeacherDayTests.qxBinary.path), "needs the qx binary (swift build)"))
    func aPrefectureAnalystPullsEveryReportInEveryFormatThroughQx() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            // given
            _ = try await RegionalReportTests.seedLiteracy(f)
            _ = try await f.platform.registry.createUser(NewUser(username: "zunyi.analyst", role: .bureau, regionCode: "5203",
                                                                 password: GatewayFixture.password), actor: nil)
            try await f.app().testLive { client in
                let server = "http://127.0.0.1:\(client.port!)"
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-analyst-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: dir) }
                func qx(_ args: [String], _ input: String = "") async throws -> TeacherDayTests.Run {
                    try await TeacherDayTests.qx(args, home: dir.appendingPathComponent("home"), input: input)
                }
                #expect(try await qx(["login", "--username", "zunyi.analyst", "--password-stdin", "--server", server], GatewayFixture.password + "\n").status == 0)

                for kind in ["literacy", "pilot", "usage", "teachers"] {
                    // when: a table in the terminal
                    let table = try await qx(["report", kind, "--region", "5203", "--period", "2026-2027-1"])
                    // then
                    #expect(table.status == 0, "\(kind): \(table.err)")
                    #expect(table.out.contains("遵义市"), "\(kind) table names the prefecture: \(table.out.prefix(300))")
                    #expect(table.out.contains("红花岗区"), "\(kind) table has the county rows")

                    // when: CSV and HTML files
                    let csv = dir.appendingPathComponent("\(kind).csv"), html = dir.appendingPathComponent("\(kind).html")
                    let c = try await qx(["report", kind, "--region", "5203", "--period", "2026-2027-1", "--format", "csv", "--out", csv.path])
                    let h = try await qx(["report", kind, "--region", "5203", "--period", "2026-2027-1", "--format", "html", "--out", html.path])
                    // then
                    #expect(c.status == 0 && h.status == 0, "\(kind): \(c.err) \(h.err)")
                    let csvText = (try? String(contentsOf: csv, encoding: .utf8)) ?? ""
                    #expect(csvText.contains("section,sectionTitle,rowKey"), "\(kind) csv")
                    let page = (try? String(contentsOf: html, encoding: .utf8)) ?? ""
                    #expect(page.contains("<svg") && page.contains("<table"), "\(kind) html")
                }
                // the county view shows the small cell suppressed, in the terminal too
                let county = try await qx(["report", "literacy", "--region", "520302", "--period", "2026-2027-1"])
                #expect(county.out.contains("<10"), "\(county.out)")

                // another prefecture is not there
                let guiyang = try await qx(["report", "usage", "--region", "5201"])
                #expect(guiyang.status != 0)
                #expect(guiyang.err.contains("404"), "\(guiyang.err)")
                // a bad period is named
                let bad = try await qx(["report", "usage", "--period", "2026-2027-3"])
                #expect(bad.status != 0 && bad.err.contains("period"), "\(bad.err)")
            }
        }
    }
}
