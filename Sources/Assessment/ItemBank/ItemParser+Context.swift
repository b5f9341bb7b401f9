import Curriculum
import Foundation
import Yams

/// The sources an item may cite: the ids of `Curriculum/sources.yaml` and the culture tags each backs.
struct SourceIndex: Sendable {
    let tags: Set<String>
    let tagsBySource: [String: Set<String>]

    init(tags: Set<String>, tagsBySource: [String: Set<String>]) {
        self.tags = tags
        self.tagsBySource = tagsBySource
    }

    init(_ catalogue: SourceCatalogue) {
        self.init(tags: Set(catalogue.tags.keys),
                  tagsBySource: catalogue.sources.mapValues { Set($0.tags) })
    }

    /// Reads ids and tags from `sources.yaml`; the curriculum lint checks the rest of that file.
    static func read(_ url: URL, label: String, sink: ItemDiagnostics) -> SourceIndex {
        let empty = SourceIndex(tags: [], tagsBySource: [:])
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            sink.add(label, 1, "missing sources.yaml, which item sources cite")
            return empty
        }
        guard let root = try? Yams.compose(yaml: text), let tagMap = root["tags"]?.mapping else {
            sink.add(label, 1, "sources.yaml must map `tags` and list `sources`")
            return empty
        }
        let tags = Set(tagMap.keys.compactMap(\.string))
        var bySource: [String: Set<String>] = [:]
        for entry in root["sources"]?.sequence ?? [] {
            guard let id = entry["id"]?.string else { continue }
            bySource[id] = Set((entry["tags"]?.sequence ?? []).compactMap(\.string))
        }
        return SourceIndex(tags: tags, tagsBySource: bySource)
    }
}

extension ItemParser {
    /// The tag that marks an item set in Guizhou without a more specific culture tag.
    static let guizhouTag = "guizhou"

    /// Context tags and cited sources: tags are `guizhou` or culture tags of sources.yaml; an item
    /// with any context cites a source, and each culture tag is backed by one of its sources.
    static func parseContext(_ f: ItemFields, sources: SourceIndex) -> (context: [String], sources: [String]) {
        let context = f.texts("context") ?? []
        let cited = f.texts("sources") ?? []
        for tag in context where tag != guizhouTag && !sources.tags.contains(tag) {
            f.problem("context", "names \(tag), which is neither `guizhou` nor a culture tag of sources.yaml")
        }
        for id in cited where sources.tagsBySource[id] == nil {
            f.problem("sources", "names \(id), which is not an entry of sources.yaml")
        }
        if !context.isEmpty && cited.isEmpty {
            f.problem("context", "sets the item in Guizhou; cite the `sources` its facts come from")
        }
        // Backing is judged only once every cited source resolves, so one typo gives one message.
        if !cited.isEmpty && cited.allSatisfy({ sources.tagsBySource[$0] != nil }) {
            for tag in context where tag != guizhouTag && sources.tags.contains(tag) {
                let backed = cited.contains { sources.tagsBySource[$0]?.contains(tag) == true }
                if !backed { f.problem("context", "names \(tag), but none of the item's sources covers \(tag)") }
            }
        }
        return (context, cited)
    }
}
