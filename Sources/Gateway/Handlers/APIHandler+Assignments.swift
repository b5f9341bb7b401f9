import Companion
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func createAssignment(_ input: Operations.CreateAssignment.Input) async throws -> Operations.CreateAssignment.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the assignment as JSON") }
        let caller = try RequestScope.caller()
        // A quiz goes with an assignment only once its teacher has published it.
        let quiz = try await b.quizId.asyncFlatMap {
            try await assistant.quizForAssignment(try parseUUID($0, field: "quizId"), lessonSlug: b.lessonSlug, by: caller)
        }
        let a = try await companion.createAssignment(NewAssignment(
            classID: try parseUUID(b.classId, field: "classId"), lessonSlug: b.lessonSlug, companionMode: CompanionMode(b.companionMode),
            opensAt: b.opensAt, dueAt: b.dueAt, note: b.note, quizID: quiz), by: caller)
        return .created(.init(body: .json(.init(a, lessonTitle: companion.lessonTitle(a.lessonSlug)))))
    }

    func listAssignments(_ input: Operations.ListAssignments.Input) async throws -> Operations.ListAssignments.Output {
        let page = try PageQuery(size: input.query.pageSize, token: input.query.pageToken)
        let result = try await companion.assignments(classID: try parseUUID(input.query.classId, field: "classId"), for: RequestScope.caller(), page: page)
        return .ok(.init(body: .json(.init(items: result.items.map { .init($0, lessonTitle: companion.lessonTitle($0.lessonSlug)) },
                                           nextPageToken: result.nextPageToken))))
    }

    func listMyAssignments(_ input: Operations.ListMyAssignments.Input) async throws -> Operations.ListMyAssignments.Output {
        let items = try await companion.myAssignments(RequestScope.caller())
        return .ok(.init(body: .json(.init(items: items.map { .init($0, lessonTitle: companion.lessonTitle($0.lessonSlug)) }))))
    }

    func openClassMode(_ input: Operations.OpenClassMode.Input) async throws -> Operations.OpenClassMode.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the minutes as JSON") }
        let id = try parseUUID(input.path.id, field: "id")
        let opened = try await companion.openClassMode(classID: id, minutes: b.minutes, by: RequestScope.caller())
        return .ok(.init(body: .json(.init(classId: id.uuidString.lowercased(), until: opened.until, openedBy: opened.openedBy.uuidString.lowercased()))))
    }

    func closeClassMode(_ input: Operations.CloseClassMode.Input) async throws -> Operations.CloseClassMode.Output {
        try await companion.closeClassMode(classID: try parseUUID(input.path.id, field: "id"), by: RequestScope.caller())
        return .noContent(.init())
    }

    func setClassExamMode(_ input: Operations.SetClassExamMode.Input) async throws -> Operations.SetClassExamMode.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the window as JSON") }
        let w = try await companion.addExamWindow(.class, target: try parseUUID(input.path.id, field: "id"), from: b.from, until: b.until,
                                                  by: RequestScope.caller())
        return .created(.init(body: .json(.init(w))))
    }

    func setSchoolExamMode(_ input: Operations.SetSchoolExamMode.Input) async throws -> Operations.SetSchoolExamMode.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the window as JSON") }
        let w = try await companion.addExamWindow(.school, target: try parseUUID(input.path.id, field: "id"), from: b.from, until: b.until,
                                                  by: RequestScope.caller())
        return .created(.init(body: .json(.init(w))))
    }

    func getSchoolCompanionRules(_ input: Operations.GetSchoolCompanionRules.Input) async throws -> Operations.GetSchoolCompanionRules.Output {
        let rules = try await companion.schoolRules(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller())
        return .ok(.init(body: .json(.init(rules))))
    }

    func setSchoolCompanionRules(_ input: Operations.SetSchoolCompanionRules.Input) async throws -> Operations.SetSchoolCompanionRules.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the rules as JSON") }
        let rules = try await companion.setSchoolRules(try parseUUID(input.path.id, field: "id"), SchoolCompanionRules(b), by: RequestScope.caller())
        return .ok(.init(body: .json(.init(rules))))
    }

    func recordConsent(_ input: Operations.RecordConsent.Input) async throws -> Operations.RecordConsent.Output {
        var note: String?
        if case .json(let b)? = input.body { note = b.note }
        let c = try await companion.recordConsent(student: try parseUUID(input.path.id, field: "id"), note: note, by: RequestScope.caller(),
                                                  requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(studentId: c.studentID.uuidString.lowercased(), recordedAt: c.recordedAt,
                                           recordedBy: c.recordedBy.uuidString.lowercased(), note: c.note))))
    }

    func withdrawConsent(_ input: Operations.WithdrawConsent.Input) async throws -> Operations.WithdrawConsent.Output {
        try await companion.withdrawConsent(student: try parseUUID(input.path.id, field: "id"), by: RequestScope.caller(),
                                            requestID: RequestScope.requestID)
        return .noContent(.init())
    }
}

extension CompanionMode {
    init(_ m: Components.Schemas.CompanionMode) {
        self = CompanionMode(rawValue: m.rawValue) ?? .guided
    }
}

extension Components.Schemas.Assignment {
    init(_ a: AssignmentRecord, lessonTitle: String, className: String? = nil) {
        self.init(id: a.id.uuidString.lowercased(), classId: a.classID.uuidString.lowercased(), className: className, lessonSlug: a.lessonSlug, lessonTitle: lessonTitle,
                  companionMode: .init(rawValue: a.companionMode.rawValue) ?? .guided, opensAt: a.opensAt, dueAt: a.dueAt, note: a.note,
                  createdBy: a.createdBy.uuidString.lowercased(), createdAt: a.createdAt, quizId: a.quizID?.uuidString.lowercased(),
                  withdrawnAt: a.withdrawnAt)
    }
}

extension Components.Schemas.ExamWindow {
    init(_ w: ExamWindowRecord) {
        self.init(id: w.id.uuidString.lowercased(), scope: .init(rawValue: w.scope.rawValue) ?? .school, targetId: w.targetID.uuidString.lowercased(),
                  from: w.from, until: w.until, createdBy: w.createdBy.uuidString.lowercased())
    }
}

extension APIHandler {
    /// The largest consent file accepted (the default body limit; a school of a few thousand pupils is well under it).
    static let consentUploadLimit = 1 << 20

    func importConsents(_ input: Operations.ImportConsents.Input) async throws -> Operations.ImportConsents.Output {
        guard case .csv(let body) = input.body else { throw AppError(.unsupportedMediaType, "send the consents as text/csv") }
        let data = try await Data(collecting: body, upTo: Self.consentUploadLimit)
        let r = try await companion.importConsents(school: try parseUUID(input.path.id, field: "id"), csv: data, by: RequestScope.caller(),
                                                   requestID: RequestScope.requestID)
        return .ok(.init(body: .json(.init(rows: r.rows, recorded: r.recorded, alreadyRecorded: r.alreadyRecorded))))
    }
}
