import Foundation
import QianxueCore

/// The query parameters of the OneRoster 1.2 REST binding: `limit`, `offset`, `sort`, `orderBy`,
/// `filter` (e.g. `status='active' AND familyName~'Wa'`) and `fields`.
public struct OneRosterQuery: Sendable {
    public struct Predicate: Sendable {
        let field: String
        let op: String
        let value: String

        func matches(_ v: String?) -> Bool {
            let s = v ?? ""
            switch op {
            case "=": return s == value
            case "!=": return s != value
            case ">": return s > value
            case ">=": return s >= value
            case "<": return s < value
            case "<=": return s <= value
            case "~": return s.localizedCaseInsensitiveContains(value)
            default: return false
            }
        }
    }

    public var limit = 100
    public var offset = 0
    public var sort: String?
    public var descending = false
    public var predicates: [Predicate] = []
    public var matchAll = true
    public var fields: Set<String>?

    /// Parses and checks the parameters against the fields the collection has.
    public init(limit: Int?, offset: Int?, sort: String?, orderBy: String?, filter: String?, fields: String?, known: Set<String>) throws {
        if let limit {
            guard (1...1000).contains(limit) else { throw AppError.validation("limit must be between 1 and 1000", field: "limit") }
            self.limit = limit
        }
        if let offset {
            guard offset >= 0 else { throw AppError.validation("offset must not be negative", field: "offset") }
            self.offset = offset
        }
        if let sort {
            guard known.contains(sort) else { throw AppError.validation("sort: '\(sort)' is not a field of this collection", field: "sort") }
            self.sort = sort
        }
        if let orderBy {
            guard orderBy == "asc" || orderBy == "desc" else { throw AppError.validation("orderBy must be asc or desc", field: "orderBy") }
            descending = orderBy == "desc"
        }
        if let fields {
            let list = Set(fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            if let bad = list.first(where: { !known.contains($0) }) {
                throw AppError.validation("fields: '\(bad)' is not a field of this collection", field: "fields")
            }
            self.fields = list
        }
        if let filter, !filter.isEmpty {
            let hasAnd = filter.contains(" AND "), hasOr = filter.contains(" OR ")
            guard !(hasAnd && hasOr) else { throw AppError.validation("filter may join its parts with AND or with OR, not both", field: "filter") }
            matchAll = !hasOr
            for part in filter.components(separatedBy: hasOr ? " OR " : " AND ") {
                guard let m = part.trimmingCharacters(in: .whitespaces)
                    .wholeMatch(of: /([A-Za-z.]+)\s*(!=|>=|<=|=|>|<|~)\s*'((?:[^']|'')*)'/) else {
                    throw AppError.validation("filter: '\(part)' is not of the form field<op>'value' (op one of = != > >= < <= ~)", field: "filter")
                }
                let field = String(m.1)
                guard known.contains(field) else { throw AppError.validation("filter: '\(field)' is not a field of this collection", field: "filter") }
                predicates.append(Predicate(field: field, op: String(m.2), value: String(m.3).replacingOccurrences(of: "''", with: "'")))
            }
        }
    }

    /// Filters, sorts and pages items given as flat field maps; returns the page's indices and the total.
    public func apply(_ flat: [[String: String]]) -> (indices: [Int], total: Int) {
        var idx = flat.indices.filter { i in
            guard !predicates.isEmpty else { return true }
            return matchAll ? predicates.allSatisfy { $0.matches(flat[i][$0.field]) } : predicates.contains { $0.matches(flat[i][$0.field]) }
        }
        let key = sort ?? "sourcedId"
        idx.sort { a, b in
            let x = flat[a][key] ?? "", y = flat[b][key] ?? ""
            return descending ? x > y : x < y
        }
        let total = idx.count
        return (Array(idx.dropFirst(offset).prefix(limit)), total)
    }

    /// Whether a field is in the response (all without `fields`).
    public func includes(_ field: String) -> Bool { fields?.contains(field) ?? true }
}
