import Foundation
import QianxueAPI
import QianxueCore
import Registry

extension APIHandler {
    func listSchools(_ input: Operations.ListSchools.Input) async throws -> Operations.ListSchools.Output {
        let caller = try RequestScope.caller()
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let filter = SchoolFilter(region: input.query.region, pilot: input.query.pilot,
                                  stage: input.query.stage.flatMap { SchoolStage(rawValue: $0.rawValue) }, query: input.query.q)
        let result = try await registry.listSchools(for: caller, filter: filter, page: page)
        return .ok(.init(body: .json(.init(items: result.items.map(Components.Schemas.School.init), nextPageToken: result.nextPageToken))))
    }

    func createSchool(_ input: Operations.CreateSchool.Input) async throws -> Operations.CreateSchool.Output {
        let caller = try RequestScope.caller()
        try caller.require(.admin, to: "create schools")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the school as JSON") }
        let school = try await registry.createSchool(SchoolProfile(
            name: b.name, county: b.countyCode, stages: b.stages.compactMap { SchoolStage(rawValue: $0.rawValue) },
            functionalArea: b.functionalArea, locale: SchoolLocale(rawValue: b.locale.rawValue) ?? .urban,
            enrolment: b.enrolment, contact: SchoolContact(b.contact)))
        RequestScope.setETag(school.etag)
        return .created(.init(body: .json(.init(school))))
    }

    func getSchool(_ input: Operations.GetSchool.Input) async throws -> Operations.GetSchool.Output {
        let school = try await registry.visibleSchool(try parseUUID(input.path.id, field: "id"), to: RequestScope.caller())
        RequestScope.setETag(school.etag)
        return .ok(.init(body: .json(.init(school))))
    }

    func updateSchool(_ input: Operations.UpdateSchool.Input) async throws -> Operations.UpdateSchool.Output {
        let caller = try RequestScope.caller()
        let id = try parseUUID(input.path.id, field: "id")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the changes as JSON") }
        let changes = SchoolChanges(
            name: b.name, county: b.countyCode, stages: b.stages?.compactMap { SchoolStage(rawValue: $0.rawValue) },
            functionalArea: b.functionalArea, locale: b.locale.flatMap { SchoolLocale(rawValue: $0.rawValue) },
            enrolment: b.enrolment, contact: b.contact.map(SchoolContact.init))
        let school = try await registry.updateSchool(id, changes, ifMatch: input.headers.ifMatch, by: caller)
        RequestScope.setETag(school.etag)
        return .ok(.init(body: .json(.init(school))))
    }
}

extension SchoolContact {
    init(_ c: Components.Schemas.Contact?) {
        self.init(name: c?.name, phone: c?.phone, email: c?.email)
    }
}

extension Components.Schemas.School {
    init(_ s: SchoolRecord) {
        let contact = s.contact
        self.init(
            id: s.id.uuidString.lowercased(), name: s.name, countyCode: s.countyCode.rawValue, prefectureCode: s.prefectureCode.rawValue,
            stages: s.stages.compactMap { .init(rawValue: $0.rawValue) }, functionalArea: s.functionalArea,
            locale: .init(rawValue: s.locale.rawValue)!, enrolment: s.enrolment,
            contact: contact.name == nil && contact.phone == nil && contact.email == nil
                ? nil : .init(name: contact.name, phone: contact.phone, email: contact.email),
            synthetic: s.synthetic, pilotCohort: s.pilotCohort, pilotStatus: s.pilotStatus.flatMap { .init(rawValue: $0.rawValue) },
            version: s.version, createdAt: s.createdAt, updatedAt: s.updatedAt)
    }
}
