import FluentKit
import Foundation
import Persistence
import QianxueCore

/// Filters of the school list.
public struct SchoolFilter: Sendable {
    public var region: String?
    public var pilot: Bool?
    public var stage: SchoolStage?
    public var query: String?

    public init(region: String? = nil, pilot: Bool? = nil, stage: SchoolStage? = nil, query: String? = nil) {
        self.region = region
        self.pilot = pilot
        self.stage = stage
        self.query = query
    }
}

extension RegistryService {
    public func createSchool(_ profile: SchoolProfile) async throws -> SchoolRecord {
        let m = SchoolModel()
        m.name = try SchoolRules.name(profile.name)
        m.countyCode = try regions.resolveCounty(profile.county, field: "countyCode").code.rawValue
        m.functionalArea = try SchoolRules.functionalArea(profile.functionalArea)
        m.stages = try SchoolRules.stages(profile.stages)
        m.locale = profile.locale.rawValue
        m.enrolment = try SchoolRules.enrolment(profile.enrolment)
        let contact = try SchoolRules.contact(profile.contact)
        m.contactName = contact.name
        m.contactPhone = contact.phone
        m.contactEmail = contact.email
        m.synthetic = profile.synthetic
        m.version = 1
        m.createdAt = Date()
        m.updatedAt = m.createdAt
        try await m.create(on: database.db)
        return SchoolRecord(m)
    }

    /// A school with its pilot standing, in no scope (for services and the command line).
    public func school(_ id: UUID) async throws -> SchoolRecord? {
        guard let m = try await SchoolModel.find(id, on: database.db) else { return nil }
        let pilot = try await PilotEnrolmentModel.query(on: database.db).filter(\.$schoolID == id).first()
        return SchoolRecord(m, pilot: pilot)
    }

    /// The county of the caller's school: read with the caller's token, else looked up (one query).
    public func county(of p: Principal) async throws -> RegionCode? {
        if let county = p.schoolCounty { return county }
        return try await p.schoolID.asyncFlatMap { try await county(ofSchool: $0) }
    }

    /// A school's county (one query).
    public func county(ofSchool id: UUID) async throws -> RegionCode? {
        let row = try await database.sql.select().column("county_code").from(SchoolModel.schema).where("id", .equal, id).first()
        return try row.flatMap { RegionCode(try $0.decode(column: "county_code", as: String.self)) }
    }

    /// A school the caller may see, or 404 as if absent.
    public func visibleSchool(_ id: UUID, to p: Principal) async throws -> SchoolRecord {
        guard let s = try await school(id), canSee(school: s, scope: try await scope(of: p)) else {
            throw AppError.notFound("school \(id)")
        }
        return s
    }

    func canSee(school s: SchoolRecord, scope: AccessScope) -> Bool {
        switch scope {
        case .everything: return true
        case .region(let code): return code.contains(s.countyCode)
        case .area(let area): return s.functionalArea == area
        case .school(let id), .teacher(let id, _): return s.id == id
        case .student: return false
        }
    }

    /// Changes a school under `If-Match`. Admins change anything; a school admin only their contact.
    public func updateSchool(_ id: UUID, _ changes: SchoolChanges, ifMatch: String?, by p: Principal) async throws -> SchoolRecord {
        let current = try await visibleSchool(id, to: p)
        switch p.role {
        case .admin: break
        case .schoolAdmin where changes.isContactOnly: break
        case .schoolAdmin: throw AppError.forbidden("a school admin may change only the school's contact")
        default: throw AppError.forbidden("a \(p.role.rawValue) may not change a school")
        }
        guard let ifMatch else {
            throw AppError(.preconditionRequired, "send If-Match with the school's ETag (\(current.etag)) to change it", fields: ["If-Match"])
        }
        guard ifMatch == current.etag || ifMatch == "W/\(current.etag)" else {
            throw AppError(.preconditionFailed, "the school changed since you read it (now \(current.etag)); read it again", fields: ["If-Match"])
        }
        guard let m = try await SchoolModel.find(id, on: database.db) else { throw AppError.notFound("school \(id)") }
        if let v = changes.name { m.name = try SchoolRules.name(v) }
        if let v = changes.county { m.countyCode = try regions.resolveCounty(v, field: "countyCode").code.rawValue }
        if let v = changes.stages { m.stages = try SchoolRules.stages(v) }
        if let v = changes.functionalArea { m.functionalArea = try SchoolRules.functionalArea(v) }
        if let v = changes.locale { m.locale = v.rawValue }
        if let v = changes.enrolment { m.enrolment = try SchoolRules.enrolment(v) }
        if let v = changes.contact {
            let c = try SchoolRules.contact(v)
            m.contactName = c.name
            m.contactPhone = c.phone
            m.contactEmail = c.email
        }
        // Optimistic concurrency: the update only applies to the version that was read.
        let next = current.version + 1
        let updatedAt = Date()
        let applied = try await database.db.transaction { db -> Bool in
            guard let fresh = try await SchoolModel.find(id, on: db), (fresh.version ?? 1) == current.version else { return false }
            m.version = next
            m.updatedAt = updatedAt
            try await m.update(on: db)
            return true
        }
        guard applied else { throw AppError(.preconditionFailed, "the school changed while you were changing it; read it again", fields: ["If-Match"]) }
        return try await school(id)!
    }

    /// Throws 404 unless the caller can see the school, then 403 unless they administer it.
    public func requireSchoolAdmin(_ schoolID: UUID, _ p: Principal, to action: String) async throws {
        _ = try await visibleSchool(schoolID, to: p)
        guard p.role == .admin || (p.role == .schoolAdmin && p.schoolID == schoolID) else {
            throw AppError.forbidden("only the school's admins may \(action)")
        }
    }

    public func listSchools(for p: Principal, filter: SchoolFilter, page: PageQuery) async throws -> ListPage<SchoolRecord> {
        var q = SchoolModel.query(on: database.db)
        switch try await scope(of: p) {
        case .everything: break
        case .region(let code): q = q.filter(\.$countyCode =~ code.rawValue)
        case .area(let area): q = q.filter(\.$functionalArea == area)
        case .school(let id), .teacher(let id, _): q = q.filter(\.$id == id)
        case .student: throw AppError.forbidden("students do not browse schools")
        }
        if let r = filter.region {
            let region = try regions.resolve(r, field: "region")
            q = q.filter(\.$countyCode =~ region.code.rawValue)
        }
        if let stage = filter.stage { q = q.filter(\.$stages ~~ ",\(stage.rawValue),") }
        if let text = filter.query?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard text.count <= 100 else { throw AppError.validation("q is longer than 100 characters", field: "q") }
            q = q.filter(\.$name ~~ text)
        }
        if let pilot = filter.pilot {
            let named = try await PilotEnrolmentModel.query(on: database.db)
                .filter(\.$status ~~ [PilotStatus.pilot.rawValue, PilotStatus.graduated.rawValue]).all().map(\.schoolID)
            if pilot {
                guard !named.isEmpty else { return ListPage(items: [], nextPageToken: nil) }
                q = q.filter(\.$id ~~ named)
            } else if !named.isEmpty {
                q = q.filter(\.$id !~ named)
            }
        }
        if let after = page.after {
            let parts = after.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
            guard parts.count == 2, let lastID = UUID(uuidString: parts[1]) else {
                throw AppError.validation("pageToken is not a token this server issued", field: "pageToken")
            }
            q = q.group(.or) { or in
                or.filter(\.$name > parts[0])
                or.group(.and) { and in and.filter(\.$name == parts[0]).filter(\.$id > lastID) }
            }
        }
        let rows = try await q.sort(\.$name).sort(\.$id).limit(page.size + 1).all()
        let pageRows = Array(rows.prefix(page.size))
        let ids = pageRows.compactMap(\.id)
        let pilots = Dictionary(
            try await PilotEnrolmentModel.query(on: database.db).filter(\.$schoolID ~~ ids).all().map { ($0.schoolID, $0) },
            uniquingKeysWith: { a, _ in a })
        let items = pageRows.map { SchoolRecord($0, pilot: pilots[$0.id!]) }
        let next = rows.count > page.size ? items.last.map { PageQuery.token(after: "\($0.name)\u{1F}\($0.id.uuidString)") } : nil
        return ListPage(items: items, nextPageToken: next)
    }
}
