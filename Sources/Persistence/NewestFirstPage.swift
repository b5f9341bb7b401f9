import FluentKit
import Foundation
import QianxueCore

/// Lists shown newest first (assignments, sessions, safety flags, drafts): ordered by creation time
/// then id, both descending, with a keyset cursor (`TimeCursor`) after the last row of a page —
/// stable while rows are added, and no offset to scan past.
extension QueryBuilder where Model.IDValue == UUID {
    public func newestFirstPage<Record: Sendable>(
        createdAt: KeyPath<Model, FieldProperty<Model, Date>>, page: PageQuery,
        record: (Model) -> Record, position: (Record) -> TimeCursor
    ) async throws -> ListPage<Record> {
        if let token = page.after {
            guard let after = TimeCursor(token) else {
                throw AppError.validation("pageToken is not a token of this list", field: "pageToken")
            }
            group(.or) { g in
                g.filter(createdAt < after.date).group(.and) { $0.filter(createdAt == after.date).filter(\._$id < after.id) }
            }
        }
        let rows = try await sort(createdAt, .descending).sort(\._$id, .descending).limit(page.size + 1).all()
        let items = rows.prefix(page.size).map(record)
        let next = rows.count > page.size ? items.last.map { position($0).token } : nil
        return ListPage(items: Array(items), nextPageToken: next)
    }
}
