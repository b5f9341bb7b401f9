import Curriculum
import Foundation
import QianxueCore
import Yams

/// Reads the fixed forms (`Curriculum/assessment/forms/`, one YAML mapping per file) and checks them
/// against the item bank; the diagnostics print as `file:line: message` like the bank's.
public enum FormLoader {
    static let fields: Set<String> = ["id", "title", "term", "band", "purpose", "items", "status", "reviewer", "reviewedOn"]
    /// Shortest and longest form.
    static let length = 8...40

    /// Loads every `.yaml` file of `folder`; a bank folder without `forms/` has no forms and no problem.
    public static func load(from folder: URL, bank: ItemBank) -> (forms: [TestForm], diagnostics: [CurriculumDiagnostic]) {
        let sink = ItemDiagnostics()
        let folder = folder.standardizedFileURL
        let parts = folder.pathComponents.suffix(3)
        let label = parts.joined(separator: "/")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else { return ([], []) }
        var forms: [TestForm] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() where !name.hasPrefix(".") {
            let path = "\(label)/\(name)"
            guard name.hasSuffix(".yaml") else {
                sink.add(path, 1, "unexpected file; the forms folder holds one .yaml file per form")
                continue
            }
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  let text = String(data: data, encoding: .utf8) else {
                sink.add(path, 1, "not readable as UTF-8 text")
                continue
            }
            let node: Node
            do {
                guard let n = try Yams.compose(yaml: text), n.mapping != nil else {
                    sink.add(path, 1, "a form file is a mapping of fields (`id: …`)")
                    continue
                }
                node = n
            } catch {
                sink.add(path, YAMLError.line(of: error), "not valid YAML: \(YAMLError.text(of: error))")
                continue
            }
            if let form = parse(ItemFields(node, file: path, sink: sink), fileSlug: String(name.dropLast(5)), bank: bank) {
                forms.append(form)
            }
        }
        checkPairs(forms, sink: sink)
        return (forms, sink.items.sorted())
    }

    static func parse(_ f: ItemFields, fileSlug: String, bank: ItemBank) -> TestForm? {
        f.refuseUnknown(fields)
        let before = f.sink.items.count
        let id = f.text("id")
        if let id, id != fileSlug { f.problem("id", "must be the file's name, \(fileSlug), not \(id)") }
        let title = f.text("title")
        let term = f.text("term")
        if let term, AcademicTerm(term) == nil { f.problem("term", "must be a term such as 2026-2027-1 (autumn) or 2026-2027-2 (spring), not \(term)") }
        let bandText = f.text("band")
        let band = bandText.flatMap(GradeBand.init(rawValue:))
        if let bandText, band == nil {
            f.problem("band", "must be one of \(GradeBand.allCases.map(\.rawValue).joined(separator: ", ")), not \(bandText)")
        }
        let purposeText = f.text("purpose")
        let purpose = purposeText.flatMap(TestForm.Purpose.init(rawValue:))
        if let purposeText, purpose == nil { f.problem("purpose", "must be pre or post, not \(purposeText)") }
        let items = f.texts("items") ?? []
        if !length.contains(items.count) { f.problem("items", "lists \(items.count) items; a form has \(length.lowerBound)…\(length.upperBound)") }
        var seen = Set<String>()
        for itemID in items {
            if !seen.insert(itemID).inserted { f.problem("items", "lists \(itemID) twice"); continue }
            guard let item = bank.item(id: itemID) else { f.problem("items", "lists \(itemID), which the item bank does not have"); continue }
            if !item.isUsable { f.problem("items", "lists \(itemID), which is \(item.status.rawValue), not published") }
            if let band, !item.bands.contains(band) { f.problem("items", "lists \(itemID), which does not suit the \(band.rawValue) band") }
        }
        let covered = Set(items.compactMap { bank.item(id: $0)?.competency.dimension })
        let missing = Competency.Dimension.allCases.filter { !covered.contains($0) }
        if !items.isEmpty && !missing.isEmpty {
            f.problem("items", "must cover all four dimensions; none assesses \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        let statusText = f.text("status")
        let status = statusText.flatMap(ItemStatus.init(rawValue:))
        if let statusText, status == nil { f.problem("status", "must be draft, reviewed or published, not \(statusText)") }
        let reviewer = f.text("reviewer", required: false), reviewedOn = f.text("reviewedOn", required: false)
        if let reviewedOn, !ItemFields.isDate(reviewedOn) { f.problem("reviewedOn", "must be a date YYYY-MM-DD, not \(reviewedOn)") }
        if let status, status != .draft {
            if reviewer == nil { f.problem("status", "\(status.rawValue) needs `reviewer`") }
            if reviewedOn == nil { f.problem("status", "\(status.rawValue) needs `reviewedOn`") }
        }
        guard f.sink.items.count == before, let id, let title, let term, let band, let purpose, let status else { return nil }
        return TestForm(id: id, title: title, term: term, band: band, purpose: purpose, itemIDs: items, status: status,
                        reviewer: reviewer, reviewedOn: reviewedOn, file: f.file)
    }

    /// One pre-test and one post-test per term and band, sharing no item (a student would otherwise
    /// meet the same question twice and the gain would be inflated).
    static func checkPairs(_ forms: [TestForm], sink: ItemDiagnostics) {
        var byKey: [String: TestForm] = [:]
        for form in forms {
            let key = "\(form.term)/\(form.band.rawValue)/\(form.purpose.rawValue)"
            if let other = byKey[key] {
                sink.add(form.file, 1, "\(form.id) is a second \(form.purpose.rawValue)-test for \(form.band.rawValue) in \(form.term), after \(other.id)")
            } else {
                byKey[key] = form
            }
        }
        for pre in forms where pre.purpose == .pre {
            guard let post = byKey["\(pre.term)/\(pre.band.rawValue)/post"] else { continue }
            let shared = Set(pre.itemIDs).intersection(post.itemIDs).sorted()
            if !shared.isEmpty {
                sink.add(post.file, 1, "\(post.id) shares \(shared.joined(separator: ", ")) with its pre-test \(pre.id)")
            }
        }
    }
}
