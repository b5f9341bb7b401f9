import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import QianxueCore

/// Reads a QTI 3.0 package written by `QTIPackage` back into items: the interaction, prompt, choices
/// and correct response (or rubric) from each item file, the rest from the manifest's
/// `qx:item` metadata. Every problem names the file it is in.
public enum QTIImport {
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let file: String
        public let message: String
        public var description: String { "\(file): \(message)" }
    }

    /// The items of the package in `folder`, in the manifest's order, and the problems found.
    public static func items(in folder: URL) -> (items: [AssessmentItem], problems: [Problem]) {
        var problems: [Problem] = []
        let manifestURL = folder.appendingPathComponent("imsmanifest.xml")
        guard let manifest = try? XMLDocument(contentsOf: manifestURL, options: []) else {
            return ([], [Problem(file: "imsmanifest.xml", message: "missing or not well-formed XML")])
        }
        var items: [AssessmentItem] = []
        for resource in elements(manifest.rootElement(), "resource") where attribute(resource, "type") == "imsqti_item_xmlv3p0" {
            let href = attribute(resource, "href") ?? ""
            do {
                guard let meta = elements(resource, "item").first else {
                    throw Problem(file: href, message: "no qx:item metadata: competency, bands and difficulty are needed for the bank")
                }
                guard let doc = try? XMLDocument(contentsOf: folder.appendingPathComponent(href), options: []), let root = doc.rootElement() else {
                    throw Problem(file: href, message: "missing or not well-formed XML")
                }
                items.append(try item(root, meta: meta, file: href))
            } catch let p as Problem {
                problems.append(p)
            } catch {
                problems.append(Problem(file: href, message: "\(error)"))
            }
        }
        return (items, problems)
    }

    static func item(_ root: XMLElement, meta: XMLElement, file: String) throws -> AssessmentItem {
        let attr = attribute
        func need(_ name: String) throws -> String {
            guard let v = attr(meta, name), !v.isEmpty else { throw Problem(file: file, message: "qx:item has no \(name)") }
            return v
        }
        guard let id = attr(root, "identifier") else { throw Problem(file: file, message: "qti-assessment-item has no identifier") }
        guard let competency = Competency(code: try need("competency")) else { throw Problem(file: file, message: "qx:item competency is not a code such as TA-A") }
        let bands = try need("bands").split(separator: " ").map { code -> GradeBand in
            guard let b = GradeBand(rawValue: String(code)) else { throw Problem(file: file, message: "qx:item bands has \(code), which is not a band") }
            return b
        }
        guard let difficulty = Double(try need("difficulty")) else { throw Problem(file: file, message: "qx:item difficulty is not a number") }
        guard let status = ItemStatus(rawValue: try need("status")) else { throw Problem(file: file, message: "qx:item status is not draft, reviewed or published") }
        let prompt = elements(root, "qti-prompt").first?.stringValue ?? ""
        let options = elements(root, "qti-simple-choice").map { ItemOption(id: attr($0, "identifier") ?? "", text: $0.stringValue ?? "") }
        let correct = elements(root, "qti-value").compactMap(\.stringValue)
        let key: AnswerKey
        if let choice = elements(root, "qti-choice-interaction").first {
            key = attr(choice, "max-choices") == "1" ? .choice(correct.first ?? "") : .choices(Set(correct))
        } else if !elements(root, "qti-order-interaction").isEmpty {
            key = .order(correct)
        } else if let block = elements(root, "qti-rubric-block").first, !elements(root, "qti-extended-text-interaction").isEmpty {
            let paragraphs = elements(block, "p")
            let levels = paragraphs.compactMap { p in attr(p, "data-points").flatMap(Int.init).map { Rubric.Level(points: $0, descriptor: p.stringValue ?? "") } }
            guard let max = attr(block, "data-max-points").flatMap(Int.init), let cut = attr(block, "data-correct-at").flatMap(Int.init) else {
                throw Problem(file: file, message: "the scorer's rubric block needs data-max-points and data-correct-at")
            }
            key = .rubric(Rubric(maxPoints: max, correctAt: cut, levels: levels,
                                 exemplar: paragraphs.first { attr($0, "data-exemplar") == "true" }?.stringValue))
        } else {
            throw Problem(file: file, message: "the item has none of the interactions the bank uses (choice, order, extended text with a scorer's rubric)")
        }
        let irt = elements(meta, "irt").first.flatMap { e -> IRTParameters? in
            guard let a = attr(e, "a").flatMap(Double.init), let b = attr(e, "b").flatMap(Double.init), let on = attr(e, "calibrated-on"),
                  let n = attr(e, "n").flatMap(Int.init) else { return nil }
            return IRTParameters(a: a, b: b, calibratedOn: on, n: n)
        }
        let list: (String) -> [String] = { name in attr(meta, name)?.split(separator: " ").map(String.init) ?? [] }
        return AssessmentItem(id: id, competency: competency, bands: bands, stem: prompt, options: options, key: key, difficulty: difficulty,
                              context: list("context"), sources: list("sources"), status: status, reviewer: attr(meta, "reviewer"),
                              reviewedOn: attr(meta, "reviewed-on"), rationale: elements(meta, "rationale").first?.stringValue, irt: irt, file: file)
    }

    /// An attribute by local name (FoundationXML on Linux does not find attributes of namespaced elements by name).
    static func attribute(_ e: XMLElement, _ name: String) -> String? {
        e.attributes?.first { ($0.localName ?? $0.name) == name }?.stringValue
    }

    /// Descendants of `node` with this local name, in document order, whatever their namespace prefix.
    static func elements(_ node: XMLNode?, _ localName: String) -> [XMLElement] {
        guard let node else { return [] }
        var out: [XMLElement] = []
        for child in node.children ?? [] {
            if let e = child as? XMLElement {
                if (e.localName ?? e.name) == localName { out.append(e) }
                out += elements(e, localName)
            }
        }
        return out
    }
}
