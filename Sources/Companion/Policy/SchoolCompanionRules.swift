import Foundation
import QianxueCore

/// A school's overrides of the province's companion rules. Every field is optional: nil keeps the
/// province default. A school may only tighten the rules (MOE 2025 guideline), so ``validate(against:)``
/// refuses a value that would loosen one, and ``CompanionPolicy/decide(_:)`` takes the stricter of
/// the two values even for rules that were never validated.
///
/// Stored and sent as JSON: `{"companionEnabled": true, "openChatAlone": {"junior": false},
/// "dailyMinutesUnder16": 30, "dailyMinutesFrom16": 60, "breakReminderMinutes": 15}`.
public struct SchoolCompanionRules: Sendable, Codable, Equatable {
    /// `false` turns the companion off for the whole school.
    public var companionEnabled: Bool?
    /// Per band, `false` turns open-ended chat alone off (guided only outside class mode); `true`
    /// is allowed only where the province already allows it.
    public var openChatAlone: [GradeBand: Bool]?
    /// Daily active minutes for students under the age threshold (16); at most the province's.
    public var dailyMinutesUnder16: Int?
    /// Daily active minutes from the age threshold (16); at most the province's.
    public var dailyMinutesFrom16: Int?
    /// Continuous minutes before the break reminder; at most the province's (earlier is stricter).
    public var breakReminderMinutes: Int?

    /// Overrides; all nil is the province default.
    public init(companionEnabled: Bool? = nil, openChatAlone: [GradeBand: Bool]? = nil,
                dailyMinutesUnder16: Int? = nil, dailyMinutesFrom16: Int? = nil,
                breakReminderMinutes: Int? = nil) {
        self.companionEnabled = companionEnabled
        self.openChatAlone = openChatAlone
        self.dailyMinutesUnder16 = dailyMinutesUnder16
        self.dailyMinutesFrom16 = dailyMinutesFrom16
        self.breakReminderMinutes = breakReminderMinutes
    }

    /// The earliest break reminder a school may set: a reminder every few minutes would interrupt
    /// every exchange rather than mark a long one (the contract's minimum for `breakReminderMinutes`).
    public static let minimumBreakReminderMinutes = 5

    /// No override: the province's rules as they are.
    public static let none = SchoolCompanionRules()

    /// Checks the overrides against the shipped province rules (``validate(against:)``).
    public func validate() throws {
        try validate(against: .shipped)
    }

    /// Throws a `validation` error naming every field that would loosen a rule of `policy` or is
    /// out of range (`openChatAlone.primary-lower`, `dailyMinutesUnder16`, …).
    public func validate(against policy: CompanionPolicy) throws {
        var problems: [(field: String, reason: String)] = []
        for band in GradeBand.allCases {
            if openChatAlone?[band] == true, !policy.rules(for: band).openChatAlone {
                problems.append(("openChatAlone.\(band.rawValue)",
                                 "openChatAlone.\(band.rawValue): the province allows no open chat alone here; a school may only turn it off"))
            }
        }
        func check(_ value: Int?, _ field: String, min: Int = 1, max: Int, what: String) {
            guard let value, value < min || value > max else { return }
            problems.append((field, "\(field) is \(value); it must be \(min)…\(max) (the province's \(what)): a school may only lower it"))
        }
        check(dailyMinutesUnder16, "dailyMinutesUnder16", max: policy.dailyMinutesUnder, what: "daily limit")
        check(dailyMinutesFrom16, "dailyMinutesFrom16", max: policy.dailyMinutesFrom, what: "daily limit")
        check(breakReminderMinutes, "breakReminderMinutes", min: Self.minimumBreakReminderMinutes,
              max: policy.breakReminderMinutes, what: "break reminder")
        guard !problems.isEmpty else { return }
        var error = AppError.validation(problems.map(\.reason).joined(separator: "; "))
        error.fields = problems.map(\.field)
        throw error
    }

    // Band keys are the bands' raw values (`primary-lower`), not Swift's array of pairs.
    enum CodingKeys: String, CodingKey {
        case companionEnabled, openChatAlone, dailyMinutesUnder16, dailyMinutesFrom16, breakReminderMinutes
    }

    /// Decodes the JSON shape above; an unknown band key is a decoding error.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        companionEnabled = try c.decodeIfPresent(Bool.self, forKey: .companionEnabled)
        if let raw = try c.decodeIfPresent([String: Bool].self, forKey: .openChatAlone) {
            var bands: [GradeBand: Bool] = [:]
            for (key, value) in raw {
                guard let band = GradeBand(rawValue: key) else {
                    throw DecodingError.dataCorruptedError(forKey: .openChatAlone, in: c,
                        debugDescription: "'\(key)' is not a band (\(GradeBand.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                bands[band] = value
            }
            openChatAlone = bands
        }
        dailyMinutesUnder16 = try c.decodeIfPresent(Int.self, forKey: .dailyMinutesUnder16)
        dailyMinutesFrom16 = try c.decodeIfPresent(Int.self, forKey: .dailyMinutesFrom16)
        breakReminderMinutes = try c.decodeIfPresent(Int.self, forKey: .breakReminderMinutes)
    }

    /// Encodes the JSON shape above, leaving out nil fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(companionEnabled, forKey: .companionEnabled)
        if let openChatAlone {
            let raw = Dictionary(uniqueKeysWithValues: openChatAlone.map { ($0.key.rawValue, $0.value) })
            try c.encode(raw, forKey: .openChatAlone)
        }
        try c.encodeIfPresent(dailyMinutesUnder16, forKey: .dailyMinutesUnder16)
        try c.encodeIfPresent(dailyMinutesFrom16, forKey: .dailyMinutesFrom16)
        try c.encodeIfPresent(breakReminderMinutes, forKey: .breakReminderMinutes)
    }
}
