import Foundation
import QianxueCore

/// One request to the inference path as the ledger keeps it: who, for what, served by whom, how
/// many tokens, how fast, how it ended. Never the text.
public struct LedgerEntry: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// Answered to the end.
        case completed
        /// Stopped by the output screen.
        case stopped
        /// The input was refused by the safety screen (the endpoint never saw it).
        case refused
        /// The stream broke or no provider could answer.
        case failed
        /// The client went away.
        case cancelled
    }

    public let id: UUID
    public let userID: UUID
    public let schoolID: UUID?
    /// The school's county (GB/T 2260), for the county's daily rollup and budget.
    public let county: String?
    public let purpose: String
    public let provider: String
    public let model: String
    public let promptTokens: Int
    public let completionTokens: Int
    public let firstTokenMilliseconds: Int?
    public let durationMilliseconds: Int
    public let outcome: Outcome
    public let at: Date
    /// The safety decisions taken on this request (category, severity, rule, stage; never text).
    public var decisions: [SafetyDecision] = []

    public init(id: UUID = UUID.random(), userID: UUID, schoolID: UUID?, county: String? = nil, purpose: String, provider: String, model: String,
                promptTokens: Int, completionTokens: Int, firstTokenMilliseconds: Int?, durationMilliseconds: Int,
                outcome: Outcome, at: Date = Date()) {
        self.id = id; self.userID = userID; self.schoolID = schoolID; self.county = county; self.purpose = purpose; self.provider = provider
        self.model = model; self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.firstTokenMilliseconds = firstTokenMilliseconds; self.durationMilliseconds = durationMilliseconds
        self.outcome = outcome; self.at = at
    }

    /// The calendar day in Asia/Shanghai the request counts for (budgets, rollups).
    public var day: String { PlatformCalendar.day(of: at) }
}

/// Where the inference path records what it did. Writing is all or nothing: the request and its
/// school's daily rollup together.
public protocol InferenceLedger: Sendable {
    func record(_ entry: LedgerEntry) async throws
}
