/// Who calls in the authorization matrix: nobody, or someone of each role.
enum MatrixCaller: String, CaseIterable, Sendable, Comparable {
    case anonymous, student, teacher, schoolAdmin = "school_admin", bureau, admin

    static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// Whose object the request names: the caller's own school (or region, class, record), or another
/// school in another prefecture.
enum MatrixTenant: String, CaseIterable, Sendable {
    case own, foreign
}

/// What became of a request, as far as access goes.
enum AccessOutcome: String, Sendable {
    /// 401: sign in first.
    case unauthenticated
    /// 403 `forbidden`: the caller's role may not do this.
    case forbidden
    /// 404: the object is outside the caller's scope, answered as if it did not exist.
    case hidden
    /// Let through to the operation: a 2xx, or a 4xx about the request itself (validation,
    /// conflict, precondition, consent, exam lock, limits), or 503 with no model to ask.
    case through
}

/// One operation's access rule, written from the contract's words (and, where those are terse,
/// from the domain's stated rule, e.g. `require(.teacher, .schoolAdmin, .admin)`).
struct AccessRule: Sendable {
    /// Anyone, signed in or not (`security: []` in the contract).
    var isPublic = false
    /// The signed-in roles let through on their own tenant's object (admins: on every tenant's).
    var roles: Set<MatrixCaller> = []
    /// Roles to whom the operation's object does not exist even in their own tenant: 404, not 403
    /// (a student sees no school record; a bureau analyst no pupil's session or draft).
    var unseen: Set<MatrixCaller> = []
    /// The request names a tenant's object (a path id, or one of `carriers`): on a foreign tenant's
    /// it answers 404 to every role it lets through, admins excepted.
    var scoped = false
    /// Optional query parameters or body properties the matrix fills from its world: those that name
    /// the tenant, and any the operation needs to get past its own checks (a staff read's reason).
    var carriers: Set<String> = []

    static let everyone: Set<MatrixCaller> = [.student, .teacher, .schoolAdmin, .bureau, .admin]

    static let open = AccessRule(isPublic: true)
    /// Every signed-in role; nothing of a tenant's is named.
    static let signedIn = AccessRule(roles: everyone)

    static func only(_ roles: MatrixCaller..., unseen: Set<MatrixCaller> = [], scoped: Bool = false, by carriers: Set<String> = []) -> AccessRule {
        AccessRule(roles: Set(roles), unseen: unseen, scoped: scoped || !carriers.isEmpty, carriers: carriers)
    }

    /// The outcomes the rule allows for this caller on this tenant's object. A role the operation
    /// is not for is refused on another tenant's object with 403 or 404: which check comes first
    /// is not a rule, as neither answer tells whether the object exists.
    func expected(_ caller: MatrixCaller, _ tenant: MatrixTenant) -> Set<AccessOutcome> {
        if isPublic { return [.through] }
        if caller == .anonymous { return [.unauthenticated] }
        if unseen.contains(caller) { return [.hidden] }
        let foreign = scoped && tenant == .foreign && caller != .admin
        if roles.contains(caller) { return foreign ? [.hidden] : [.through] }
        return foreign ? [.forbidden, .hidden] : [.forbidden]
    }
}

/// The access rules of every operation in the contract: the one place the matrix's expectations
/// are written. An operation of the contract missing here fails the matrix.
enum AccessPolicy {
    static let rules: [String: AccessRule] = {
        typealias R = AccessRule
        let s = MatrixCaller.student, t = MatrixCaller.teacher, sa = MatrixCaller.schoolAdmin, b = MatrixCaller.bureau, a = MatrixCaller.admin
        // A class's teachers, the school's admins and admins: the domain's staff of a class.
        let staff: Set<MatrixCaller> = [t, sa, a]
        func staffOf(unseen: Set<MatrixCaller> = [], by carriers: Set<String> = []) -> R {
            R(roles: staff, unseen: unseen, scoped: true, carriers: carriers)
        }
        // Students see no school record: they do not browse schools (listSchools answers them 403).
        let schoolRecord = R(roles: [t, sa, b, a], unseen: [s], scoped: true)
        let schoolAdmins = R(roles: [sa, a], unseen: [s], scoped: true)
        let classView = staffOf(unseen: [s, b])
        let draft = R(roles: staff, unseen: [s, b], scoped: true)
        let reportScope = R.only(sa, b, a, by: ["region"])
        return [
            // Operations and identity
            "getHealth": .open, "getReady": .open, "getMetrics": .open, "getOpenAPIDocument": .open, "getDocs": .open,
            "login": .open, "activateAccount": .open,
            "logout": .signedIn, "getMe": .signedIn, "changePassword": .signedIn,
            // Registry
            "listRegions": .signedIn, "getRegion": .signedIn,
            "listUsers": .only(sa, a, by: ["school"]),
            // A guardian's erasure request: the student's school admins and admins; no other role
            "eraseStudentData": .only(sa, a, scoped: true),
            "getUser": .only(s, t, sa, a, unseen: [b], scoped: true),
            "listSchools": .only(t, sa, b, a),
            "createSchool": .only(a),
            "getSchool": schoolRecord,
            "updateSchool": schoolAdmins,
            "listSchoolClasses": schoolRecord,
            "createClass": schoolAdmins,
            // A bureau analyst reads the classes of the schools in their region (as listSchoolClasses gives them).
            "getClass": .only(s, t, sa, b, a, scoped: true),
            "listClassStudents": .only(t, sa, a, scoped: true),
            "addClassMember": schoolAdmins,
            "listMyClasses": .signedIn,
            // Pilot programme
            "getSchoolPilot": schoolRecord, "listIndicatorSeries": schoolRecord,
            "setSchoolPilot": R(roles: [a], unseen: [s], scoped: true),
            "recordIndicator": schoolAdmins, "updateMilestone": schoolAdmins,
            "getPilotProgramme": .only(b, a, by: ["region"]),
            // Reports: bureau users in their region, school admins their school (its id as the region), admins anywhere
            "getLiteracyReport": reportScope, "getPilotProgrammeReport": reportScope,
            "getUsageReport": reportScope, "getTeachersReport": reportScope,
            // Rostering
            "importOneRoster": .only(sa, a),
            "exportOneRoster": R(roles: [sa, a], unseen: [s], scoped: true, carriers: ["school"]),
            "issueActivationCodes": schoolAdmins,
            // Companion: assignments, modes, rules, consent, sessions, flags
            "createAssignment": staffOf(by: ["classId"]),
            "listAssignments": staffOf(unseen: [s, b], by: ["classId"]),
            "getAssignment": classView, "editAssignment": classView, "getAssignmentProgress": classView,
            "withdrawAssignment": staffOf(),
            "getAssignmentQuiz": .only(s, scoped: true), "submitQuizAnswers": .only(s, scoped: true),
            "listMyAssignments": .only(s),
            "openClassMode": staffOf(), "closeClassMode": staffOf(), "setClassExamMode": staffOf(),
            "setSchoolExamMode": .only(sa, a, scoped: true),
            "getSchoolCompanionRules": staffOf(),
            "setSchoolCompanionRules": .only(sa, a, scoped: true),
            "recordConsent": .only(sa, a, scoped: true), "withdrawConsent": .only(sa, a, scoped: true),
            "importConsents": .only(sa, a, scoped: true),
            "openCompanionSession": .only(s, by: ["assignmentId"]),
            "listCompanionSessions": .only(s),
            // The student's own; staff of the student read it giving a reason, audited (the contract
            // declares no reason on getCompanionSession, so there they get 400 asking for one).
            "getCompanionSession": R(roles: [s, t, sa, a], unseen: [b], scoped: true),
            "listCompanionMessages": R(roles: [s, t, sa, a], unseen: [b], scoped: true, carriers: ["reason"]),
            "closeCompanionSession": .only(s, unseen: [t, sa, b, a], scoped: true),
            "sendCompanionMessage": .only(s, scoped: true),
            "listClassCompanionSessions": classView,
            "listSafetyFlags": .only(t, sa, a),
            "acknowledgeSafetyFlag": staffOf(), "resolveSafetyFlag": staffOf(),
            // Assistant: a class's teachers edit; its author, the school's admin or an admin approve and publish
            "createDraft": staffOf(by: ["classId"]),
            "listDrafts": .only(t, sa, a),
            "getDraft": draft, "listDraftVersions": draft, "approveDraft": draft, "publishDraft": draft,
            "editDraft": R(roles: [t, a], unseen: [s, b], scoped: true), "reviewQuizItem": R(roles: [t, a], unseen: [s, b], scoped: true),
            // Assessment: an attempt is its student's alone
            "startAssessmentAttempt": .only(s),
            "listAssessmentForms": .signedIn,
            "getAssessmentAttempt": .only(s, unseen: [t, sa, b, a], scoped: true),
            "answerAssessmentItem": .only(s, unseen: [t, sa, b, a], scoped: true),
            "getStudentLiteracy": .only(s, t, sa, a, unseen: [b], scoped: true),
            "getLiteracyRecord": .only(s, t, sa, a, unseen: [b], scoped: true),
            "exportItemBankQTI": .only(a),
            "getXAPIStatements": .only(sa, a),
            "getClassLiteracy": classView, "getClassRecommendations": classView,
            "getMyRecommendations": .only(s),
            // Scoring is for the student's teachers and school admins, not admins (who may list the answers).
            "listWrittenResponses": staffOf(),
            "scoreWrittenResponse": .only(t, sa, scoped: true), "suggestWrittenResponseScore": .only(t, sa, scoped: true),
            "openAssessmentWindow": staffOf(), "listAssessmentWindows": classView,
            // Inference
            "inferenceChat": .only(t, sa, a),
            "getInferenceStatus": .only(a),
            "getInferenceUsage": .only(sa, b, a, by: ["region", "school"]),
            "listInferenceQuotas": .only(a),
            "setSchoolInferenceQuota": .only(a), "removeSchoolInferenceQuota": .only(a),
            "setCountyInferenceQuota": .only(a), "removeCountyInferenceQuota": .only(a),
            // Curriculum
            "listCurriculumBands": .signedIn, "listCurriculumUnits": .signedIn, "getCurriculumLesson": .signedIn,
            "searchCurriculum": .signedIn, "getCurriculumCoverage": .signedIn,
            "recordPDCompletion": .only(t, sa),
            "getPDCompletionSummary": .only(sa, b, a, by: ["region", "school"]),
            "getMyPD": .signedIn,
            // OneRoster REST: admins, school admins their school
            "oneRosterListOrgs": .only(sa, a), "oneRosterListSchools": .only(sa, a), "oneRosterListClasses": .only(sa, a),
            "oneRosterListUsers": .only(sa, a), "oneRosterListEnrollments": .only(sa, a),
            "oneRosterGetOrg": .only(sa, a, scoped: true), "oneRosterGetSchool": .only(sa, a, scoped: true),
            "oneRosterGetClass": .only(sa, a, scoped: true), "oneRosterGetUser": .only(sa, a, scoped: true),
            "oneRosterGetEnrollment": .only(sa, a, scoped: true),
        ]
    }()
}
