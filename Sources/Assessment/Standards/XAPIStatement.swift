import Crypto
import Foundation
import QianxueCore

/// One xAPI 1.0.3 statement of the assessment: a student attempted a test, answered an item, had a
/// written answer scored (and with it, once the test was finished, the test rescored), or completed the test. The actor is the student's account id, never a
/// name; an item activity carries no key and a written answer's text is left out.
public struct XAPIStatement: Sendable, Hashable {
    public enum Verb: String, Sendable, Hashable {
        case attempted, answered, scored, completed

        public var iri: String { "http://adlnet.gov/expapi/verbs/\(rawValue)" }
    }

    /// What the statement is about: the test (adaptive, or a form) or one item of it.
    public struct Activity: Sendable, Hashable {
        public let id: String
        /// `http://adlnet.gov/expapi/activities/assessment` or `…/cmi.interaction`.
        public let type: String
        public let name: String
        /// For items: `choice`, `sequencing` or `long-fill-in`.
        public let interactionType: String?
    }

    public let id: UUID
    public let studentID: UUID
    public let verb: Verb
    public let object: Activity
    /// The test an item belongs to.
    public let parent: Activity?
    /// The attempt, as the xAPI registration that ties its statements together.
    public let registration: UUID
    public let timestamp: Date
    /// When the platform recorded it; `since` and the order go by this.
    public let stored: Date
    public let success: Bool?
    public let completion: Bool?
    /// The answer in xAPI's response pattern (`A`, `A[,]C`); nil for written answers.
    public let response: String?
    public let score: (raw: Double, min: Double, max: Double)?
    /// Ability and its standard error for a completed test, keyed by extension IRI.
    public let extensions: [String: Double]

    public static func == (a: Self, b: Self) -> Bool { a.id == b.id && a.stored == b.stored }
    public func hash(into h: inout Hasher) { h.combine(id) }

    /// The platform's IRIs: accounts, activities and extensions live under it.
    public static let homePage = "https://qianxue.dev"
    public static let thetaExtension = "https://qianxue.dev/xapi/extensions/theta"
    public static let standardErrorExtension = "https://qianxue.dev/xapi/extensions/theta-se"

    static func testActivity(kind: AttemptKind, form: TestForm?) -> Activity {
        switch kind {
        case .adaptive:
            return Activity(id: "\(homePage)/xapi/activities/ai-literacy/adaptive", type: "http://adlnet.gov/expapi/activities/assessment",
                            name: "人工智能素养自适应测评", interactionType: nil)
        case .form:
            return Activity(id: "\(homePage)/xapi/activities/ai-literacy/forms/\(form?.id ?? "unknown")",
                            type: "http://adlnet.gov/expapi/activities/assessment", name: form?.title ?? "人工智能素养测评", interactionType: nil)
        }
    }

    static func itemActivity(_ item: AssessmentItem) -> Activity {
        let interaction: String
        switch item.type {
        case .single, .multiple: interaction = "choice"
        case .ordering: interaction = "sequencing"
        case .constructed: interaction = "long-fill-in"
        }
        return Activity(id: "\(homePage)/xapi/activities/ai-literacy/items/\(item.id)",
                        type: "http://adlnet.gov/expapi/activities/cmi.interaction", name: item.id, interactionType: interaction)
    }

    /// An answer in the response pattern of its interaction type; nil for written answers.
    static func responsePattern(_ answer: ItemAnswer) -> String? {
        switch answer {
        case .choice(let a): return a
        case .choices(let a): return a.sorted().joined(separator: "[,]")
        case .order(let a): return a.joined(separator: "[,]")
        case .text: return nil
        }
    }

    /// The id of a statement about an event that may happen again to the same row — a teacher's
    /// score, a rescore — from the row, the verb and the instant: every rescore is a statement of
    /// its own, and no id ever stands for two contents (statements are immutable). Name-based:
    /// the first 16 bytes of SHA-256, marked as a version-8 (custom) RFC 9562 UUID.
    static func derivedID(_ base: UUID, _ verb: Verb, at instant: Date) -> UUID {
        let micros = Int64((instant.timeIntervalSince1970 * 1_000_000).rounded())
        var bytes = Array(SHA256.hash(data: Data("\(base.uuidString)|\(verb.rawValue)|\(micros)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A statement id derived from a row's id, one per verb, so that reading again gives the same ids.
    static func derivedID(_ base: UUID, _ verb: Verb) -> UUID {
        var bytes = base.uuid
        let salt: UInt8 = verb == .completed ? 0x5A : verb == .scored ? 0xA5 : 0
        // Bytes 6 and 8 hold the version and variant; the salt goes elsewhere.
        bytes.0 ^= salt; bytes.15 ^= salt; bytes.11 ^= salt
        return UUID(uuid: bytes)
    }
}
