import Foundation
import Yams

/// Reads `sources.yaml`: the culture tags and the sources lessons may cite.
enum SourcesFile {
    static let qualities: Set<String> = ["official", "secondary"]

    static func read(_ url: URL, label: String, sink: DiagnosticSink) -> SourceCatalogue {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            sink.add(label, 1, "missing sources.yaml (tags and sources lessons cite)")
            return SourceCatalogue(tags: [:], sources: [])
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text), node.mapping != nil else {
                sink.add(label, 1, "sources.yaml must be a mapping with `tags` and `sources`")
                return SourceCatalogue(tags: [:], sources: [])
            }
            root = node
        } catch {
            sink.add(label, YAMLError.line(of: error), "not valid YAML: \(YAMLError.text(of: error))")
            return SourceCatalogue(tags: [:], sources: [])
        }
        let f = YAMLFields(root, file: label, lineOffset: 0, sink: sink)
        f.refuseUnknown(["tags", "sources"])
        var tags: [String: String] = [:]
        if let mapping = f.value("tags")?.mapping {
            for (k, v) in mapping {
                guard let key = k.string, let value = v.string, !value.isEmpty else {
                    sink.add(label, k.mark?.line ?? 1, "each tag needs a label")
                    continue
                }
                tags[key] = value
            }
        } else {
            f.problem("tags", "must map each culture tag to its label")
        }

        var sources: [SourceCatalogue.Source] = []
        var seen = Set<String>()
        for r in f.records("sources") ?? [] {
            r.refuseUnknown(["id", "title", "publisher", "url", "note", "quality", "tags", "facts"])
            guard let id = r.text("id"), let title = r.text("title"), let publisher = r.text("publisher"),
                  let quality = r.text("quality") else { continue }
            if !seen.insert(id).inserted { r.problem("id", "\(id) is listed twice") }
            if !qualities.contains(quality) { r.problem("quality", "must be official or secondary, not \(quality)") }
            let url = r.text("url", required: false)
            let note = r.text("note", required: false)
            if url == nil && note == nil { r.problem("url", "is missing; give the address, or a `note` saying why there is none") }
            let sourceTags = r.texts("tags", required: true)
            for t in sourceTags where tags[t] == nil { r.problem("tags", "names \(t), which is not a tag in `tags`") }
            let facts = r.texts("facts", required: true)
            if facts.isEmpty { r.problem("facts", "lists no facts") }
            sources.append(.init(id: id, title: title, publisher: publisher, url: url, note: note, quality: quality,
                                 tags: sourceTags, facts: facts))
        }
        return SourceCatalogue(tags: tags, sources: sources)
    }
}
