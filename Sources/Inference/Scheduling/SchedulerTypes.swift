import Foundation

/// Who asks, and how urgently: the scheduler's view of a request.
public struct InferenceTicket: Sendable {
    public enum Priority: Int, Sendable, Comparable, CaseIterable {
        /// A teacher waiting at the screen.
        case teacherInteractive = 0
        /// A student chatting with the companion.
        case studentInteractive = 1
        /// Drafts made in the background.
        case batch = 2

        public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
    }

    public let user: UUID
    /// The school whose fair share the tokens count against (nil: the province's own pool).
    public let school: UUID?
    public let priority: Priority
    /// Tokens the request is expected to use (prompt + completion bound), charged up front and
    /// corrected on release.
    public let estimatedTokens: Int
    /// At most one stream at a time for this user (students).
    public let exclusive: Bool

    public init(user: UUID, school: UUID?, priority: Priority, estimatedTokens: Int, exclusive: Bool = false) {
        self.user = user
        self.school = school
        self.priority = priority
        self.estimatedTokens = max(1, estimatedTokens)
        self.exclusive = exclusive
    }
}

public struct SchedulerSettings: Sendable, Equatable {
    /// Concurrent requests this instance sends to the endpoint (its share of the endpoint's slots).
    public var slots = 8
    /// Share of the slots only teachers may use, so that they never wait behind a crowd of students.
    public var teacherReservedShare = 0.25
    /// Longest wait in the queue before the request is refused with 503 and Retry-After.
    public var queueDeadline: Duration = .seconds(15)
    /// Requests waiting at most; beyond, refused at once.
    public var maxQueued = 2_000
    /// Weight of a school in the fair sharing (equal by default).
    public var schoolWeight: @Sendable (UUID?) -> Double = { _ in 1 }

    public init() {}

    /// Slots students and batch work may use.
    var sharedSlots: Int { max(1, slots - reservedSlots) }
    var reservedSlots: Int { min(slots - 1, Int((Double(slots) * teacherReservedShare).rounded(.up))) }

    public static func == (a: Self, b: Self) -> Bool {
        a.slots == b.slots && a.teacherReservedShare == b.teacherReservedShare && a.queueDeadline == b.queueDeadline && a.maxQueued == b.maxQueued
    }
}

public enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The queue is full or the wait passed its deadline: answer 503 with Retry-After.
    case overloaded(retryAfter: Int)
    /// A student already has a stream running: answer 429 with Retry-After.
    case streamInProgress

    public var description: String {
        switch self {
        case .overloaded(let s): return "the AI service is busy; try again in \(s) s"
        case .streamInProgress: return "an answer is still being written; wait for it to finish"
        }
    }
}

/// A granted slot. Give it back with `InferenceScheduler.release`.
public struct SchedulerLease: Sendable, Hashable {
    public let id: UUID
    public let priority: InferenceTicket.Priority
    public let waited: Duration
}

/// What the scheduler holds now, for `/v1/inference/status` and the metrics.
public struct SchedulerSnapshot: Sendable, Equatable {
    public let slots: Int
    public let inFlight: Int
    public let queued: [InferenceTicket.Priority: Int]
    public var queuedTotal: Int { queued.values.reduce(0, +) }
}
