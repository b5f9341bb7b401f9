import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct PilotProgrammeTests {
    @Test(arguments: TestDatabase.engines)
    func theProgrammeShows100PilotSchoolsInAllNinePrefectures(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                try await client.execute(uri: "/v1/pilot-programme", method: .get, headers: bearer(admin)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json["pilotSchools"] as? Int == 100)
                    #expect(r.json["goal"] as? Int == 100)
                    let byRegion = r.json["byRegion"] as? [[String: Any]] ?? []
                    #expect(byRegion.count == 9)
                    #expect(byRegion.allSatisfy { ($0["pilot"] as? Int ?? 0) > 0 })
                    let indicators = r.json["indicators"] as? [[String: Any]] ?? []
                    #expect(indicators.count == 6)
                    #expect(indicators.allSatisfy { $0["schoolsReporting"] as? Int == 100 })
                    let ms = r.json["milestones"] as? [String: Int] ?? [:]
                    #expect((ms["onTrack"] ?? 0) + (ms["atRisk"] ?? 0) + (ms["behind"] ?? 0) == 600)
                    #expect((ms["behind"] ?? 0) > 0)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aPrefectureAnalystSeesTheirPrefectureOnly(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            _ = try await f.platform.registry.createUser(NewUser(username: "zunyi.analyst", role: .bureau, regionCode: "5203",
                                                                 password: GatewayFixture.password), actor: nil)
            try await f.app().test(.router) { client in
                let body = try JSONEncoder().encode(["username": "zunyi.analyst", "password": GatewayFixture.password])
                let token: String = try await client.execute(uri: "/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                             body: ByteBuffer(bytes: body)) { $0.json["token"] as? String ?? "" }
                try await client.execute(uri: "/v1/pilot-programme", method: .get, headers: bearer(token)) { r in
                    #expect(r.json["regionCode"] as? String == "5203")
                    let counties = (r.json["byRegion"] as? [[String: Any]] ?? []).compactMap { $0["regionCode"] as? String }
                    #expect(counties.count == 14)
                    #expect(counties.allSatisfy { $0.hasPrefix("5203") })
                    #expect((r.json["pilotSchools"] as? Int ?? 0) == 17)
                }
                try await client.execute(uri: "/v1/pilot-programme?region=5201", method: .get, headers: bearer(token)) { r in
                    #expect(r.status == .notFound)
                }
                let teacher = try await f.token(client, f.teacherA)
                try await client.execute(uri: "/v1/pilot-programme", method: .get, headers: bearer(teacher)) { r in
                    #expect(r.status == .forbidden)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func schoolAdminsAppendMeasurementsAndNothingIsOverwritten(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().test(.router) { client in
                let admin = try await f.token(client, f.admin)
                var h = bearer(admin)
                h[.contentType] = "application/json"
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot", method: .put, headers: h,
                                         body: ByteBuffer(string: #"{"cohort": 2026, "status": "candidate"}"#)) { r in
                    #expect(r.status == .ok)
                    #expect((r.json["milestones"] as? [Any])?.count == 6)
                }
                let sa = try await f.token(client, f.schoolAdminA)
                var hs = bearer(sa)
                hs[.contentType] = "application/json"
                for value in [12, 14] {
                    try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot/indicators", method: .post, headers: hs,
                                             body: ByteBuffer(string: #"{"indicator": "ai_course_hours_per_term", "measuredOn": "2026-11-20", "value": \#(value)}"#)) { r in
                        #expect(r.status == .created)
                    }
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot/indicators?indicator=ai_course_hours_per_term",
                                         method: .get, headers: bearer(sa)) { r in
                    let series = (r.json["items"] as? [[String: Any]])?.first
                    let values = (series?["measurements"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? Double }
                    #expect(values == [12, 14])
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot", method: .get, headers: bearer(sa)) { r in
                    let latest = (r.json["indicators"] as? [[String: Any]])?.first { (($0["indicator"] as? [String: Any])?["code"] as? String) == "ai_course_hours_per_term" }
                    #expect((latest?["latest"] as? [String: Any])?["value"] as? Double == 14)
                    #expect(latest?["meetsTarget"] as? Bool == false)
                }
                let bad = [
                    (#"{"indicator": "happiness", "measuredOn": "2026-11-20", "value": 1}"#, "indicator"),
                    (#"{"indicator": "smart_classroom_coverage", "measuredOn": "2026-11-20", "value": 140}"#, "value"),
                    (#"{"indicator": "smart_classroom_coverage", "measuredOn": "2099-01-01", "value": 40}"#, "measuredOn"),
                    (#"{"indicator": "compute_platform_connected", "measuredOn": "2026-11-20", "value": 0.5}"#, "value"),
                ]
                for (body, field) in bad {
                    try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot/indicators", method: .post, headers: hs,
                                             body: ByteBuffer(string: body)) { r in
                        #expect(r.status == .badRequest, "\(body)")
                        #expect((r.json["fields"] as? [String] ?? r.json["detail"].map { [String(describing: $0)] } ?? []).joined().contains(field), "\(body): \(r.text)")
                    }
                }
                // Another school's admin cannot record for this school, and a teacher may not either.
                let teacher = try await f.token(client, f.teacherA)
                var ht = bearer(teacher)
                ht[.contentType] = "application/json"
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot/indicators", method: .post, headers: ht,
                                         body: ByteBuffer(string: #"{"indicator": "smart_classroom_coverage", "measuredOn": "2026-11-20", "value": 40}"#)) { r in
                    #expect(r.status == .forbidden)
                }
                try await client.execute(uri: "/v1/schools/\(f.schoolA.id)/pilot/milestones/plan", method: .patch, headers: hs,
                                         body: ByteBuffer(string: #"{"status": "done"}"#)) { r in
                    #expect(r.json["status"] as? String == "done")
                    #expect(r.json["track"] as? String == "on_track")
                }
            }
        }
    }
}
