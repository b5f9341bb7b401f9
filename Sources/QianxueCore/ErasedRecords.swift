/// What a student's erasure did to one kind of record (DELETE /v1/students/{id}/data): each
/// module that keeps a student's data reports its own kinds, and the admin tells the guardian.
public struct ErasedRecords: Sendable, Hashable {
    public enum Action: String, Sendable {
        /// The rows are gone.
        case removed
        /// The row stays, for what refers to it and for the counts reports make, with nothing left
        /// that names the person.
        case anonymised
    }

    /// The kind of record, as the API names it (`companionMessages`, `account`, …).
    public let kind: String
    public let action: Action
    public let count: Int

    public init(_ kind: String, _ action: Action = .removed, count: Int) {
        self.kind = kind
        self.action = action
        self.count = count
    }

    /// One line for the audit event: `companionMessages=4 account~1` (`~` for anonymised).
    public static func summary(_ records: [ErasedRecords]) -> String {
        records.map { "\($0.kind)\($0.action == .removed ? "=" : "~")\($0.count)" }.joined(separator: " ")
    }
}
