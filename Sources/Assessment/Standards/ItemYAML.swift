import Foundation
import QianxueCore

/// Items written in the item bank's own file format (`Curriculum/assessment/README.md`), so that an
/// imported package becomes a file reviewed and linted like any other.
public enum ItemYAML {
    public static func yaml(_ items: [AssessmentItem], header: String? = nil) -> String {
        var out = header.map { "# \($0)\n\n" } ?? ""
        for item in items {
            out += "- id: \(item.id)\n  type: \(item.type.rawValue)\n  competency: \(item.competency.code)\n"
            out += "  bands: [\(item.bands.map(\.rawValue).joined(separator: ", "))]\n  difficulty: \(item.difficulty)\n"
            if !item.context.isEmpty { out += "  context: [\(item.context.map(q).joined(separator: ", "))]\n" }
            if !item.sources.isEmpty { out += "  sources: [\(item.sources.map(q).joined(separator: ", "))]\n" }
            out += "  stem: \(q(item.stem))\n"
            if !item.options.isEmpty {
                out += "  options:\n" + item.options.map { "    - {id: \($0.id), text: \(q($0.text))}\n" }.joined()
            }
            switch item.key {
            case .choice(let k): out += "  key: \(k)\n"
            case .choices(let ks): out += "  key: [\(ks.sorted().joined(separator: ", "))]\n"
            case .order(let ks): out += "  key: [\(ks.joined(separator: ", "))]\n"
            case .rubric(let r):
                out += "  rubric:\n    maxPoints: \(r.maxPoints)\n    correctAt: \(r.correctAt)\n    levels:\n"
                out += r.levels.map { "      - {points: \($0.points), descriptor: \(q($0.descriptor))}\n" }.joined()
                if let exemplar = r.exemplar { out += "    exemplar: \(q(exemplar))\n" }
            }
            if let rationale = item.rationale { out += "  rationale: \(q(rationale))\n" }
            out += "  status: \(item.status.rawValue)\n"
            if let reviewer = item.reviewer { out += "  reviewer: \(q(reviewer))\n" }
            if let on = item.reviewedOn { out += "  reviewedOn: \(on)\n" }
            if let irt = item.irt { out += "  irt: {a: \(irt.a), b: \(irt.b), calibratedOn: \(irt.calibratedOn), n: \(irt.n)}\n" }
            out += "\n"
        }
        return out
    }

    /// A double-quoted YAML scalar (JSON's string syntax is valid YAML).
    static func q(_ s: String) -> String {
        let data = try? JSONEncoder().encode(s)
        return data.map { String(decoding: $0, as: UTF8.self) }?.replacingOccurrences(of: "\\/", with: "/") ?? "\"\""
    }
}
