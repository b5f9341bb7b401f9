import FluentKit
import Foundation
import QianxueCore
@testable import Registry
import Testing
import TestSupport

@Suite(.enabled(if: SharedData.available, "needs ../shared/data/oneroster-1.2 beside the checkout"))
struct OneRosterImportTests {
    static let clean = SharedData.url("oneroster-1.2/catalyst-oneroster_test_data")
    static let defective = SharedData.url("oneroster-1.2/catalyst-v1p2_full_dataset_DEFECTIVE")

    /// A copy of a fixture folder that a test may change.
    static func copy(_ folder: URL, edit: [String: (String) -> String] = [:]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneroster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".csv") {
            var text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            if let f = edit[name] { text = f(text) }
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test(arguments: TestDatabase.engines)
    func aPackageFromAnotherSystemImportsAndAgainChangesNothing(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            // when
            let report = try await f.registry.importOneRoster(folder: Self.clean, county: "520302", by: nil)
            // then
            let schoolID = try #require(report.schoolIDs.first)
            let school = try #require(try await f.registry.school(schoolID))
            #expect(school.name == "Gotham High School")
            #expect(school.countyCode.rawValue == "520302")
            let bruce = try #require(try await f.registry.user(username: "brucewayne"))
            #expect(bruce.role == .student)
            #expect(bruce.birthDate == "2010-04-17")
            #expect(!bruce.hasPassword)
            #expect(bruce.displayName == "Wayne Bruce")
            let classes = try await ClassModel.query(on: f.db.db).filter(\.$schoolID == schoolID).all()
            #expect(classes.map(\.name) == ["Basic Detection"])
            #expect(classes.first?.academicYear == "2022-2023")
            #expect(try await f.registry.classIDs(of: bruce.id) == Set(classes.compactMap(\.id)))
            // The password column is never stored, not even in the kept rows.
            let kept = try await RosterRecordModel.query(on: f.db.db).all()
            #expect(!kept.contains { $0.fields.contains("Batman") })
            // A second import of the same files changes nothing.
            let again = try await f.registry.importOneRoster(folder: Self.clean, county: "520302", by: nil)
            #expect(again.changedNothing)
            #expect(try await UserModel.query(on: f.db.db).filter(\.$username == "brucewayne").count() == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func importThenExportRoundTrips(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            let report = try await f.registry.importOneRoster(folder: Self.clean, county: "520302", by: nil)
            let exported = try await f.registry.exportOneRoster(schoolID: try #require(report.schoolIDs.first))
            for file in OneRosterSpec.files {
                let original = try CSVTable.parse(try Data(contentsOf: Self.clean.appendingPathComponent("\(file).csv")), file: file)
                let back = try CSVTable.parse(Data(try #require(exported["\(file).csv"]).utf8), file: file)
                #expect(back.header == original.header, "\(file)")
                let blank = { (row: [String]) in zip(original.header, row).map { $0 == "password" ? "" : $1 } }
                #expect(Set(back.rows.map { blank($0.fields) }) == Set(original.rows.map { blank($0.fields) }), "\(file)")
            }
            // And the export imports again without a change.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, text) in exported { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            #expect(try await f.registry.importOneRoster(folder: dir, county: "520302", by: nil).changedNothing)
            // The zip form carries the same files.
            let archive = try await f.registry.exportOneRosterZip(schoolID: report.schoolIDs[0])
            #expect(try await f.registry.importOneRoster(zip: archive, county: "520302", by: nil).changedNothing)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aBrokenPackageIsRefusedWholeWithLineNumbers(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            let schoolsBefore = try await SchoolModel.query(on: f.db.db).count()
            do {
                _ = try await f.registry.importOneRoster(folder: Self.defective, county: "520302", by: nil)
                Issue.record("the defective package must be refused")
            } catch let e as ImportRefused {
                let text = e.issues.map(\.description)
                #expect(text.contains { $0.hasPrefix("users.csv:1 [preferredGivenName]") && $0.contains("prefferedGivenName") })
                #expect(text.contains { $0.hasPrefix("roles.csv:1 [dateLastModified]") })
                #expect(text.contains { $0.hasPrefix("manifest.csv [file.userProfiles]") })
                print("defective package refused with:\n" + text.joined(separator: "\n"))
            }
            #expect(try await SchoolModel.query(on: f.db.db).count() == schoolsBefore)
            #expect(try await RosterRecordModel.query(on: f.db.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func rowProblemsAreNamedByFileLineAndColumnAndNothingIsWritten(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            let broken = try Self.copy(Self.clean, edit: [
                "enrollments.csv": { $0 + "ENROLLMENT_002,active,2023-10-02T00:00:00.000Z,CLASS_404,ORG_1,USER_0,student,,,\r\n" },
                "classes.csv": { $0.replacingOccurrences(of: ",scheduled,", with: ",Scheduled,") },
                "demographics.csv": { $0.replacingOccurrences(of: "2010-04-17", with: "17/04/2010") },
                "users.csv": { $0 + "USER_0,active,2023-10-02T00:00:00.000Z,TRUE,robin,,Dick,Grayson,,,,,,,,,,,,,,\r\n" },
            ])
            do {
                _ = try await f.registry.importOneRoster(folder: broken, county: "520302", by: nil)
                Issue.record("must be refused")
            } catch let e as ImportRefused {
                let text = e.issues.map(\.description)
                #expect(text.contains("enrollments.csv:3 [classSourcedId]: classSourcedId 'CLASS_404' names no row of classes.csv"))
                #expect(text.contains { $0.hasPrefix("classes.csv:2 [classType]: 'Scheduled' is not one of") })
                #expect(text.contains { $0.hasPrefix("demographics.csv:2 [birthDate]") })
                #expect(text.contains("users.csv:3 [sourcedId]: sourcedId 'USER_0' appears again (first on line 2)"))
            }
            #expect(try await UserModel.query(on: f.db.db).filter(\.$username == "brucewayne").count() == 0)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func countiesComeFromTheOrgOrTheImportAndOldCodesAreMapped(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            do {
                _ = try await f.registry.importOneRoster(folder: Self.clean, county: nil, by: nil)
                Issue.record("a school with no county must be refused")
            } catch let e as ImportRefused {
                #expect(e.issues.map(\.description).contains { $0.contains("orgs.csv:2 [identifier]") && $0.contains("Gotham High School") })
            }
            let old = try Self.copy(Self.clean, edit: ["orgs.csv": { $0.replacingOccurrences(of: "school,,", with: "school,520221,") }])
            let report = try await f.registry.importOneRoster(folder: old, county: nil, by: nil)
            #expect(try await f.registry.school(report.schoolIDs[0])?.countyCode.rawValue == "520204")
            let unknown = try Self.copy(Self.clean, edit: ["orgs.csv": { $0.replacingOccurrences(of: "school,,", with: "school,529999,") }])
            await #expect(throws: ImportRefused.self) { try await f.registry.importOneRoster(folder: unknown, county: nil, by: nil) }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aSchoolAdminsPackageLandsInTheirOwnSchool(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            let schoolAdmin = try await f.principal(f.zunyiAdmin)
            // No county given: the school admin's own school is the place.
            let report = try await f.registry.importOneRoster(folder: Self.clean, county: nil, by: schoolAdmin)
            #expect(report.schoolIDs == [f.zunyiSchool.id])
            let bruce = try #require(try await f.registry.user(username: "brucewayne"))
            #expect(bruce.schoolID == f.zunyiSchool.id)
            #expect(try await f.registry.school(f.zunyiSchool.id)?.name == "遵义测试中学")
            #expect(try await SchoolModel.query(on: f.db.db).filter(\.$name == "Gotham High School").count() == 0)
            // Another school admin cannot take over the same org.
            let other = try await f.registry.createUser(NewUser(username: "a.guiyang", role: .schoolAdmin, schoolID: f.guiyangSchool.id,
                                                                password: RegistryFixture.password), actor: nil)
            await #expect(throws: ImportRefused.self) {
                try await f.registry.importOneRoster(folder: Self.clean, county: nil, by: try await f.principal(other))
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aUsernameHeldBySomeoneElseIsRefused(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            let clash = try Self.copy(Self.clean, edit: ["users.csv": { $0.replacingOccurrences(of: ",brucewayne,", with: ",t.zunyi,") }])
            do {
                _ = try await f.registry.importOneRoster(folder: clash, county: "520302", by: nil)
                Issue.record("must be refused")
            } catch let e as ImportRefused {
                #expect(e.issues.map(\.description).contains("users.csv:2 [username]: username 't.zunyi' belongs to someone else in Qianxue"))
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func tobedeletedRemovesWhatItNames(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { (f: RegistryFixture) async throws -> Void in
            _ = try await f.registry.importOneRoster(folder: Self.clean, county: "520302", by: nil)
            let gone = try Self.copy(Self.clean, edit: ["users.csv": { $0.replacingOccurrences(of: "USER_0,active", with: "USER_0,tobedeleted") },
                                                         "enrollments.csv": { $0.replacingOccurrences(of: ",active,", with: ",tobedeleted,") }])
            let report = try await f.registry.importOneRoster(folder: gone, county: "520302", by: nil)
            #expect(report.files["users"]?.deleted == 1)
            #expect(try await f.registry.user(username: "brucewayne") == nil)
        }
    }

    @Test func encodingsAreNamed() throws {
        let gbk = Data([0x73, 0x6F, 0x75, 0x72, 0x63, 0x65, 0x64, 0x49, 0x64, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A])   // "张三" in GBK
        do {
            _ = try CSVTable.parse(gbk, file: "users.csv")
            Issue.record("GBK must be refused")
        } catch {
            #expect(error.issues.first?.description.contains("GBK") == true)
            #expect(error.issues.first?.line == 2)
        }
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data("sourcedId,name\r\nA,\"张三, 李四\"\r\n".utf8)
        let t = try CSVTable.parse(bom, file: "orgs.csv")
        #expect(t.header == ["sourcedId", "name"])
        #expect(t.rows.first?.fields == ["A", "张三, 李四"])
    }
}
