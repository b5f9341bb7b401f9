import Foundation
import QianxueCore
import Yams

/// Turns one entry of an item file into an `AssessmentItem`, reporting every problem with its line.
/// Rules across items (unique ids, repeated stems, coverage) are in `ItemBankLint`.
enum ItemParser {
    static let fields: Set<String> = [
        "id", "type", "competency", "bands", "stem", "options", "key", "rubric", "difficulty", "context",
        "sources", "status", "reviewer", "reviewedOn", "rationale", "irt",
    ]
    static let difficultyRange = -3.0...3.0
    static let maximumBands = 3

    static func parse(_ f: ItemFields, sources: SourceIndex) -> AssessmentItem? {
        f.refuseUnknown(fields)
        let before = f.sink.items.count

        let id = f.text("id")
        let competency = parseCompetency(f)
        if let id {
            if !isSlug(id) {
                f.problem("id", "must be lower-case letters, digits and single hyphens, not \(id)")
            } else if let competency, !id.hasPrefix(competency.code.lowercased() + "-") {
                f.problem("id", "\(id) must start with its competency code, \(competency.code.lowercased())-")
            }
        }
        let typeText = f.text("type")
        let type = typeText.flatMap(ItemType.init(rawValue:))
        if let typeText, type == nil { f.problem("type", "must be single, multiple, ordering or constructed, not \(typeText)") }
        let bands = parseBands(f)
        let stem = f.text("stem")
        if let stem, !stem.unicodeScalars.contains(where: isHan) { f.problem("stem", "must be written in Chinese") }
        let options = parseOptions(f, type: type)
        let key = type.flatMap { parseKey(f, type: $0, options: options) }
        let difficulty = f.number("difficulty")
        if let difficulty, !difficultyRange.contains(difficulty) {
            f.problem("difficulty", "must be between −3 and 3 logits, not \(difficulty)")
        }
        let (context, cited) = parseContext(f, sources: sources)
        let review = parseReview(f)
        let rationale = f.text("rationale", required: false)
        let irt = parseIRT(f)

        guard f.sink.items.count == before, let id, let competency, let bands, let stem, let key, let difficulty,
              let review else { return nil }
        return AssessmentItem(
            id: id, competency: competency, bands: bands, stem: stem, options: options ?? [], key: key,
            difficulty: difficulty, context: context, sources: cited, status: review.status, reviewer: review.reviewer,
            reviewedOn: review.reviewedOn, rationale: rationale, irt: irt, file: f.file, line: f.line)
    }

    private static func parseCompetency(_ f: ItemFields) -> Competency? {
        guard let code = f.text("competency") else { return nil }
        guard let c = Competency(code: code) else {
            f.problem("competency", "\(code) is not a student code such as TA-A (HM|ET|TA|SD - U|A|C)")
            return nil
        }
        return c
    }

    /// Bands, youngest first: known, not repeated, at most three, and adjacent to one another.
    private static func parseBands(_ f: ItemFields) -> [GradeBand]? {
        guard let names = f.texts("bands") else { return nil }
        guard !names.isEmpty else { f.sink.add(f.file, f.line(of: "bands"), "missing field `bands`"); return nil }
        var bands: [GradeBand] = []
        for name in names {
            guard let band = GradeBand(rawValue: name) else {
                let all = GradeBand.allCases.map(\.rawValue).joined(separator: ", ")
                f.problem("bands", "names \(name), which is not a band (\(all))")
                return nil
            }
            if bands.contains(band) { f.problem("bands", "names \(name) twice"); return nil }
            bands.append(band)
        }
        if bands.count > maximumBands { f.problem("bands", "names \(bands.count) bands; an item suits at most \(maximumBands) adjacent bands") }
        if !GradeBand.areAdjacent(bands) {
            f.problem("bands", "\(names.joined(separator: ", ")) are not adjacent; an item may only serve neighbouring bands")
        }
        return GradeBand.allCases.filter(bands.contains)
    }

    private static func parseReview(_ f: ItemFields) -> (status: ItemStatus, reviewer: String?, reviewedOn: String?)? {
        let statusText = f.text("status")
        let status = statusText.flatMap(ItemStatus.init(rawValue:))
        if let statusText, status == nil { f.problem("status", "must be draft, reviewed or published, not \(statusText)") }
        let reviewer = f.text("reviewer", required: false)
        let reviewedOn = f.text("reviewedOn", required: false)
        if let reviewedOn, !ItemFields.isDate(reviewedOn) { f.problem("reviewedOn", "must be a date YYYY-MM-DD, not \(reviewedOn)") }
        guard let status else { return nil }
        if status != .draft {
            if reviewer == nil { f.problem("status", "\(status.rawValue) needs `reviewer`") }
            if reviewedOn == nil { f.problem("status", "\(status.rawValue) needs `reviewedOn`") }
        }
        return (status, reviewer, reviewedOn)
    }

    private static func parseIRT(_ f: ItemFields) -> IRTParameters? {
        guard let r = f.nested("irt") else { return nil }
        r.refuseUnknown(["a", "b", "calibratedOn", "n"])
        let a = r.number("a"), b = r.number("b"), n = r.integer("n"), on = r.text("calibratedOn")
        if let a, !(a > 0 && a <= 4) { r.problem("a", "must be a discrimination above 0 and at most 4, not \(a)") }
        if let b, !(-5...5).contains(b) { r.problem("b", "must be between −5 and 5 logits, not \(b)") }
        if let n, n < 1 { r.problem("n", "must count at least one response") }
        if let on, !ItemFields.isDate(on) { r.problem("calibratedOn", "must be a date YYYY-MM-DD, not \(on)") }
        guard let a, let b, let n, let on else { return nil }
        return IRTParameters(a: a, b: b, calibratedOn: on, n: n)
    }

    static func isSlug(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("-") && !s.hasSuffix("-") && !s.contains("--")
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func isHan(_ u: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(u.value) || (0x3400...0x4DBF).contains(u.value)
    }
}

extension GradeBand {
    /// Bands whose students sit next to each other in age: the primary and junior stages in turn,
    /// senior and vocational side by side after junior, higher education after either.
    static let neighbours: [GradeBand: Set<GradeBand>] = [
        .primaryLower: [.primaryUpper],
        .primaryUpper: [.primaryLower, .junior],
        .junior: [.primaryUpper, .senior, .vocational],
        .senior: [.junior, .vocational, .higher],
        .vocational: [.junior, .senior, .higher],
        .higher: [.senior, .vocational],
    ]

    /// Whether the bands form one connected run of neighbours.
    static func areAdjacent(_ bands: [GradeBand]) -> Bool {
        guard let first = bands.first else { return true }
        let wanted = Set(bands)
        var reached: Set<GradeBand> = [first]
        var frontier = [first]
        while let b = frontier.popLast() {
            for n in neighbours[b] ?? [] where wanted.contains(n) && !reached.contains(n) {
                reached.insert(n)
                frontier.append(n)
            }
        }
        return reached == wanted
    }
}
