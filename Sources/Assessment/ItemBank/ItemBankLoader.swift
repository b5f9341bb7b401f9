import Curriculum
import Foundation
import Yams

/// Reads the item bank folder (`Curriculum/assessment/`, see its README) and checks it. The
/// diagnostics are empty exactly when the bank is valid and reaches its coverage; they print as
/// `file:line: message` like the curriculum lint's.
public enum ItemBankLoader {
    /// Loads every `.yaml` file of `folder`, each a list of items.
    /// - Parameters:
    ///   - folder: the item bank folder, normally `Curriculum/assessment`.
    ///   - sources: the curriculum's source catalogue; when nil, `sources.yaml` beside the folder is read.
    ///   - coverage: the counts the published items must reach; `.none` checks items only.
    public static func load(from folder: URL, sources: SourceCatalogue? = nil,
                            coverage: ItemBankCoverage = .standard) -> (bank: ItemBank, diagnostics: [CurriculumDiagnostic]) {
        let sink = ItemDiagnostics()
        let folder = folder.standardizedFileURL
        let parent = folder.deletingLastPathComponent()
        let label = "\(parent.lastPathComponent)/\(folder.lastPathComponent)"
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            sink.add(label, 1, "no item bank folder at \(folder.path)")
            return (ItemBank(items: []), sink.items)
        }
        let index = sources.map(SourceIndex.init)
            ?? SourceIndex.read(parent.appendingPathComponent("sources.yaml"), label: "\(parent.lastPathComponent)/sources.yaml", sink: sink)

        var items: [AssessmentItem] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        for name in names where !name.hasPrefix(".") && name != "README.md" && name != "forms" {
            let path = "\(label)/\(name)"
            guard name.hasSuffix(".yaml") else {
                sink.add(path, 1, "unexpected file; the item bank holds README.md, .yaml item files and forms/")
                continue
            }
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  let text = String(data: data, encoding: .utf8) else {
                sink.add(path, 1, "not readable as UTF-8 text")
                continue
            }
            items.append(contentsOf: readFile(text, path: path, sources: index, sink: sink))
        }
        if names.allSatisfy({ !$0.hasSuffix(".yaml") }) { sink.add(label, 1, "the item bank has no item files") }
        let bank = ItemBank(items: items)
        ItemBankLint.check(bank, coverage: coverage, label: label, sink: sink)
        return (bank, sink.items.sorted())
    }

    /// The items of one file; faulty items are reported and left out.
    static func readFile(_ text: String, path: String, sources: SourceIndex, sink: ItemDiagnostics) -> [AssessmentItem] {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                sink.add(path, 1, "the file is empty; an item file is a list of items")
                return []
            }
            root = node
        } catch {
            sink.add(path, YAMLError.line(of: error), "not valid YAML: \(YAMLError.text(of: error))")
            return []
        }
        guard case .sequence(let entries) = root else {
            sink.add(path, root.mark?.line ?? 1, "an item file is a YAML list of items (`- id: …`)")
            return []
        }
        var out: [AssessmentItem] = []
        for entry in entries {
            guard entry.mapping != nil else {
                sink.add(path, entry.mark?.line ?? 1, "each item is a mapping of fields")
                continue
            }
            let fields = ItemFields(entry, file: path, sink: sink)
            if let item = ItemParser.parse(fields, sources: sources) { out.append(item) }
        }
        return out
    }
}
