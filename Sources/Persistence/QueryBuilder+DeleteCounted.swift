import FluentKit

extension QueryBuilder {
    /// Deletes the matching rows and says how many there were (Fluent's `delete()` does not).
    /// Inside a transaction the count and the delete see the same rows.
    public func deleteCounted() async throws -> Int {
        let n = try await copy().count()
        if n > 0 { try await delete() }
        return n
    }
}
