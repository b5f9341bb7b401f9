import Foundation
import QianxueCore

/// A stage of schooling a school offers.
public enum SchoolStage: String, Sendable, CaseIterable, Codable {
    case primary, junior, senior, vocational, higher
}

/// 城镇 urban or 乡村 rural.
public enum SchoolLocale: String, Sendable, CaseIterable, Codable {
    case urban, rural
}

/// Where a school's office can be reached.
public struct SchoolContact: Sendable, Hashable {
    public var name: String?
    public var phone: String?
    public var email: String?

    public init(name: String? = nil, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
    }

    var isEmpty: Bool { name == nil && phone == nil && email == nil }
}

/// What a new school is made of.
public struct SchoolProfile: Sendable {
    public var name: String
    public var county: String
    public var stages: [SchoolStage]
    public var functionalArea: String?
    public var locale: SchoolLocale
    public var enrolment: Int?
    public var contact: SchoolContact
    public var synthetic: Bool

    public init(name: String, county: String, stages: [SchoolStage] = [.primary], functionalArea: String? = nil,
                locale: SchoolLocale = .urban, enrolment: Int? = nil, contact: SchoolContact = SchoolContact(), synthetic: Bool = false) {
        self.name = name
        self.county = county
        self.stages = stages
        self.functionalArea = functionalArea
        self.locale = locale
        self.enrolment = enrolment
        self.contact = contact
        self.synthetic = synthetic
    }
}

/// Changes to a school; nil leaves a field as it is.
public struct SchoolChanges: Sendable {
    public var name: String?
    public var county: String?
    public var stages: [SchoolStage]?
    public var functionalArea: String?
    public var locale: SchoolLocale?
    public var enrolment: Int?
    public var contact: SchoolContact?

    public init(name: String? = nil, county: String? = nil, stages: [SchoolStage]? = nil, functionalArea: String? = nil,
                locale: SchoolLocale? = nil, enrolment: Int? = nil, contact: SchoolContact? = nil) {
        self.name = name
        self.county = county
        self.stages = stages
        self.functionalArea = functionalArea
        self.locale = locale
        self.enrolment = enrolment
        self.contact = contact
    }

    /// Only the contact changes: what a school admin may do to their own school.
    var isContactOnly: Bool {
        name == nil && county == nil && stages == nil && functionalArea == nil && locale == nil && enrolment == nil
    }
}

/// A school's standing in the pilot programme.
public enum PilotStatus: String, Sendable, CaseIterable, Codable {
    case candidate, pilot, graduated, withdrawn

    /// Counted against the goal of 100 pilot schools.
    public var isNamedPilot: Bool { self == .pilot || self == .graduated }
}

enum SchoolRules {
    static func name(_ s: String) throws -> String {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(t.count) else { throw AppError.validation("the school name must have 1–200 characters", field: "name") }
        return t
    }

    static func functionalArea(_ s: String?) throws -> String? {
        guard let s, !s.isEmpty else { return nil }
        guard s.range(of: "^[a-z][a-z0-9-]{1,31}$", options: .regularExpression) != nil else {
            throw AppError.validation("functionalArea '\(s)' must be a lowercase tag such as 'guian'", field: "functionalArea")
        }
        return s
    }

    static func stages(_ s: [SchoolStage]) throws -> String {
        guard !s.isEmpty else { throw AppError.validation("a school offers at least one stage", field: "stages") }
        let ordered = SchoolStage.allCases.filter(s.contains)
        return "," + ordered.map(\.rawValue).joined(separator: ",") + ","
    }

    static func enrolment(_ n: Int?) throws -> Int? {
        guard let n else { return nil }
        guard (0...50_000).contains(n) else { throw AppError.validation("enrolment must be between 0 and 50000", field: "enrolment") }
        return n
    }

    static func contact(_ c: SchoolContact) throws -> SchoolContact {
        if let e = c.email, e.range(of: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", options: .regularExpression) == nil {
            throw AppError.validation("contact.email '\(e)' is not an email address", field: "contact.email")
        }
        if let p = c.phone, p.range(of: "^[0-9+\\- ()]{5,40}$", options: .regularExpression) == nil {
            throw AppError.validation("contact.phone '\(p)' is not a phone number", field: "contact.phone")
        }
        if let n = c.name, n.count > 100 { throw AppError.validation("contact.name is longer than 100 characters", field: "contact.name") }
        return c
    }
}
