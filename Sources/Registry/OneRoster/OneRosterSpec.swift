/// The OneRoster 1.2.1 CSV binding as far as rostering goes: file names, normative headers and vocabularies.
enum OneRosterSpec {
    static let headers: [String: [String]] = [
        "academicSessions": ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
        "orgs": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
        "courses": ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"],
        "classes": ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
                    "termSourcedIds", "subjects", "subjectCodes", "periods"],
        "users": ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier",
                  "email", "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "preferredGivenName", "preferredMiddleName",
                  "preferredFamilyName", "primaryOrgSourcedId", "pronouns"],
        "roles": ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"],
        "enrollments": ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"],
        "demographics": ["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                         "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode",
                         "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus"],
        "userProfiles": ["sourcedId", "status", "dateLastModified", "userSourcedId", "profileType", "vendorId", "applicationId", "description",
                         "credentialType", "username", "password"],
    ]

    /// The files in the order they are read (references point backwards).
    static let files = ["orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments", "demographics", "userProfiles"]

    /// Files of the full 1.2 manifest that rostering does not import; listing them as bulk/delta is refused.
    static let otherFiles = ["categories", "classResources", "courseResources", "lineItemLearningObjectiveIds", "lineItemScoreScales", "lineItems",
                             "resources", "resultLearningObjectiveIds", "resultScoreScales", "results", "scoreScales", "userResources"]

    static let vocabularies: [String: [String: Set<String>]] = [
        "orgs": ["type": ["department", "school", "district", "local", "state", "national"]],
        "academicSessions": ["type": ["gradingPeriod", "semester", "schoolYear", "term"]],
        "classes": ["classType": ["homeroom", "scheduled"]],
        "roles": ["roleType": ["primary", "secondary"],
                  "role": ["aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor", "relative",
                           "siteAdministrator", "student", "systemAdministrator", "teacher"]],
        "enrollments": ["role": ["administrator", "proctor", "student", "teacher"]],
        "demographics": ["sex": ["male", "female", "unspecified", "other"]],
    ]

    /// Columns holding references: file → column → the file the sourcedId must be in.
    static let references: [String: [String: String]] = [
        "orgs": ["parentSourcedId": "orgs"],
        "academicSessions": ["parentSourcedId": "academicSessions"],
        "courses": ["orgSourcedId": "orgs", "schoolYearSourcedId": "academicSessions"],
        "classes": ["schoolSourcedId": "orgs", "courseSourcedId": "courses", "termSourcedIds": "academicSessions"],
        "users": ["primaryOrgSourcedId": "orgs", "agentSourcedIds": "users"],
        "roles": ["userSourcedId": "users", "orgSourcedId": "orgs", "userProfileSourcedId": "userProfiles"],
        "enrollments": ["classSourcedId": "classes", "schoolSourcedId": "orgs", "userSourcedId": "users"],
        "demographics": ["sourcedId": "users"],
        "userProfiles": ["userSourcedId": "users"],
    ]

    /// Qianxue's role for a OneRoster role; nil for roles that are not imported (parents, aides …).
    static func role(_ r: String) -> String? {
        switch r {
        case "student": return "student"
        case "teacher": return "teacher"
        case "principal", "siteAdministrator": return "school_admin"
        default: return nil
        }
    }

    /// A OneRoster grade code (`01`…`12`, or Qianxue's own `V1`…, `H1`…) as a Qianxue grade.
    static func grade(_ code: String) -> String? {
        let c = RosterText.trimmed(code)
        if let n = Int(c), (1...12).contains(n) { return String(n) }
        let u = c.uppercased()
        return otherGrades.contains(u) ? u : nil
    }

    static let otherGrades: Set<String> = ["V1", "V2", "V3", "H1", "H2", "H3", "H4"]
}

import Foundation
