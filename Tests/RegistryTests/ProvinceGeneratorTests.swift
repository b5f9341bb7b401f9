import FluentKit
import Foundation
import QianxueCore
@testable import Registry
import Testing
import TestSupport

@Suite struct ProvinceGeneratorTests {
    @Test(arguments: TestDatabase.engines)
    func aRunStopsAndResumesToTheSameProvince(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            var settings = ProvinceGenerator.Settings()
            settings.schools = 24
            settings.students = 4000
            settings.seed = 7
            settings.stopAfter = 10
            let first = try await ProvinceGenerator(registry: f.registry, settings: settings).run { _ in }
            #expect(first.schoolsDone == 10)
            settings.stopAfter = nil
            let rest = try await ProvinceGenerator(registry: f.registry, settings: settings).run { _ in }
            #expect(rest.schoolsDone == 24)
            let again = try await ProvinceGenerator(registry: f.registry, settings: settings).run { _ in }
            #expect(again.studentsWritten == 0)

            let generated = try await SchoolModel.query(on: f.db.db).filter(\.$name =~ "生成·").all()
            #expect(generated.count == 24)
            let students = try await UserModel.query(on: f.db.db).filter(\.$username =~ "g7.").filter(\.$role == "student").count()
            #expect(students == first.studentsWritten + rest.studentsWritten)
            #expect(abs(students - 4000) < 2000, "about the requested number: \(students)")
            // Deterministic: school 0's first student has the id the seed gives it, and is enrolled.
            let gen = ProvinceGenerator(registry: f.registry, settings: settings)
            let firstStudent = try #require(try await UserModel.find(gen.uuid(5, 0, 0), on: f.db.db))
            #expect(firstStudent.username == "g7.s0.0")
            #expect(firstStudent.passwordHash == nil)
            #expect(try await f.registry.classIDs(of: firstStudent.id!).count == 1)
            // Schools sit in real counties and the levels follow the yearbook's mix.
            #expect(generated.allSatisfy { f.registry.regions.region(RegionCode($0.countyCode)!)?.level == .county })
        }
    }
}
