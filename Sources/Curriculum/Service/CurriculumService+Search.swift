import QianxueCore

extension CurriculumService {
    public static let maxQueryLength = 200

    /// Ranked search with highlighted snippets. `culture` must be a known tag and `competency` a
    /// code (`TA-A`) or dimension (`TA`) of either framework; paging as everywhere else.
    public func search(_ query: String, band: ContentBand?, culture: String?, competency: String?,
                       for role: Role, page: PageQuery) throws -> ListPage<SearchIndex.Hit> {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else { throw AppError.validation("q must name what to search for", field: "q") }
        guard q.count <= Self.maxQueryLength else {
            throw AppError.validation("q is longer than \(Self.maxQueryLength) characters", field: "q")
        }
        guard !TextTerms.terms(q).isEmpty else {
            throw AppError.validation("q holds no letters or characters to search for", field: "q")
        }
        if let culture, content.sources.tags[culture] == nil {
            let known = content.sources.tags.keys.sorted().joined(separator: ", ")
            throw AppError.validation("culture \(culture) is not a culture tag (\(known))", field: "culture")
        }
        if let competency, !Self.isCompetencyFilter(competency) {
            throw AppError.validation("competency \(competency) is not a code such as TA-A or PE-DE, or a dimension such as TA",
                                      field: "competency")
        }
        let offset = try page.after.map { a -> Int in
            guard let n = Int(a), n >= 0 else { throw AppError.validation("pageToken is not a token this server issued", field: "pageToken") }
            return n
        } ?? 0
        let filter = SearchIndex.Filter(bands: band.map { [$0] }, culture: culture, competency: competency,
                                        statuses: Self.statuses(for: role))
        let hits = index.search(q, filter: filter, limit: offset + page.size + 1)
        let items = Array(hits.dropFirst(offset).prefix(page.size))
        let more = hits.count > offset + page.size
        return ListPage(items: items, nextPageToken: more ? PageQuery.token(after: String(offset + page.size)) : nil)
    }

    static func isCompetencyFilter(_ s: String) -> Bool {
        if s.contains("-") { return Competency(code: s) != nil || TeacherCompetency(code: s) != nil }
        return Competency.Dimension(rawValue: s) != nil || TeacherCompetency.Dimension(rawValue: s) != nil
    }
}
