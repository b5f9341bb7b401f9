import Foundation
import SQLKit

/// Usage counted from raw rows by school and day, as a module's share of a rollup rebuild; written
/// with `Rollups.addUsage`, so that the shares of several modules add up in the same rows.
public struct UsageTally: Sendable {
    struct Key: Hashable, Sendable {
        let school: UUID
        let day: String
    }

    private var counts: [Key: UsageCounts] = [:]

    public init() {}

    /// Adds `counts` to the school's day.
    public mutating func add(school: UUID, day: String, _ more: UsageCounts) {
        let key = Key(school: school, day: day)
        let sum = zip(counts[key]?.values ?? Array(repeating: 0, count: UsageCounts.columns.count), more.values).map { $0 + $1 }
        counts[key] = UsageCounts(values: sum)
    }

    /// Adds every school's days to the usage rollup.
    public func write(on db: any SQLDatabase) async throws {
        for (key, c) in counts { try await Rollups().addUsage(school: key.school, day: key.day, c, on: db) }
    }
}
