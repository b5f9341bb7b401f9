import FluentKit
import QianxueCore
import Seeds

/// Loads the province, its 9 prefectures and 88 counties from `Seeds/regions.csv`.
struct SeedGuizhouRegions: AsyncMigration {
    var name: String { "Registry.0004_SeedGuizhouRegions" }

    func prepare(on database: any Database) async throws {
        let rows = try RegionSeed.load()
        try await database.transaction { db in
            for row in rows {
                let m = RegionModel()
                m.id = row.code.rawValue
                m.name = row.name
                m.nameEn = row.nameEn
                m.level = row.code.level.rawValue
                m.parentCode = row.code.parent?.rawValue
                try await m.create(on: db)
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await RegionModel.query(on: database).delete()
    }
}

/// One row of the region seed file.
struct RegionSeed: Sendable {
    let code: RegionCode
    let name: String
    let nameEn: String

    static func load() throws -> [RegionSeed] {
        let text = try SeedFiles.text("regions.csv")
        var out: [RegionSeed] = []
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() where i > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, let code = RegionCode(f[0]), code.level.rawValue == f[3] else {
                throw AppError(.internal, "Seeds/regions.csv line \(i + 1) is malformed")
            }
            out.append(RegionSeed(code: code, name: f[1], nameEn: f[2]))
        }
        return out
    }

    /// Retired county codes and the codes that replaced them.
    static func formerCodes() throws -> [String: RegionCode] {
        let text = try SeedFiles.text("region_former_codes.csv")
        var out: [String: RegionCode] = [:]
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() where i > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f.count >= 3, let code = RegionCode(String(f[2])) { out[String(f[0])] = code }
        }
        return out
    }
}

/// The migrations of the registry, in order.
public enum RegistryMigrations {
    public static let all: [any Migration] = [
        CreateRegions(), CreateSchoolsAndClasses(), CreateUsers(), SeedGuizhouRegions(),
        ExtendSchoolsAndClasses(), CreatePilotProgramme(), SeedPilotSchools(), CreateRosterRecords(), CreateActivationCodes(), CreateSeedProgress(),
        IndexUsersBySchool(),
        AddUserFunctionalArea(),
        IndexTeachersBySchool(),
        AddUserErasedAt(),
    ]
}
