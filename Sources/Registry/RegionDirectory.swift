import FluentKit
import Foundation
import FluentKit
import Persistence
import QianxueCore

/// A region of the GB/T 2260 tree, as callers see it.
public struct Region: Sendable, Hashable {
    public let code: RegionCode
    public let name: String
    public let nameEn: String
    public let parent: RegionCode?

    public var level: RegionLevel { code.level }
}

/// The province's region tree. Regions change only with a new seed, so the tree is read once
/// into memory and every lookup after that is a dictionary access.
public final class RegionDirectory: Sendable {
    private let byCode: [RegionCode: Region]
    private let childrenByCode: [RegionCode: [Region]]
    private let formerCodes: [String: RegionCode]

    init(regions: [Region], formerCodes: [String: RegionCode]) {
        var byCode: [RegionCode: Region] = [:]
        var children: [RegionCode: [Region]] = [:]
        for r in regions {
            byCode[r.code] = r
            if let p = r.parent { children[p, default: []].append(r) }
        }
        self.byCode = byCode
        self.childrenByCode = children.mapValues { $0.sorted { $0.code < $1.code } }
        self.formerCodes = formerCodes
    }

    public static func load(from database: DatabaseStack) async throws -> RegionDirectory {
        try await load(on: database.db)
    }

    static func load(on db: any Database) async throws -> RegionDirectory {
        let rows = try await RegionModel.query(on: db).all()
        let regions = rows.compactMap { m -> Region? in
            guard let code = m.id.flatMap(RegionCode.init) else { return nil }
            return Region(code: code, name: m.name, nameEn: m.nameEn, parent: m.parentCode.flatMap(RegionCode.init))
        }
        return RegionDirectory(regions: regions, formerCodes: try RegionSeed.formerCodes())
    }

    /// The top of the tree (the province).
    public var roots: [Region] { byCode.values.filter { $0.parent == nil }.sorted { $0.code < $1.code } }

    public var all: [Region] { byCode.values.sorted { $0.code < $1.code } }

    public func region(_ code: RegionCode) -> Region? { byCode[code] }

    public func children(of code: RegionCode) -> [Region] { childrenByCode[code] ?? [] }

    /// Every county at or below `code`.
    public func counties(within code: RegionCode) -> [Region] {
        byCode.values.filter { $0.level == .county && code.contains($0.code) }.sorted { $0.code < $1.code }
    }

    /// Parses and checks a code: unknown codes are a validation error naming the field; a retired
    /// county code (e.g. 520221 水城县) is mapped to its successor.
    public func resolve(_ text: String, field: String) throws -> Region {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let successor = formerCodes[trimmed], let r = byCode[successor] { return r }
        guard let code = RegionCode(trimmed) else {
            throw AppError.validation("\(field) '\(text)' is not a GB/T 2260 code (2, 4 or 6 digits)", field: field)
        }
        guard let r = byCode[code] else {
            throw AppError.validation("\(field) '\(text)' is not a region of Guizhou", field: field)
        }
        return r
    }

    /// Like `resolve`, but the region must be a county (schools sit in counties).
    public func resolveCounty(_ text: String, field: String) throws -> Region {
        let r = try resolve(text, field: field)
        guard r.level == .county else {
            throw AppError.validation("\(field) '\(text)' is a \(r.level.rawValue), not a county (区县)", field: field)
        }
        return r
    }
}
