import Foundation
import Yams

/// Everything read from a curriculum folder.
public struct CurriculumContent: Sendable {
    public let sources: SourceCatalogue
    public let units: [CurriculumUnit]
    public let lessons: [Lesson]

    public init(sources: SourceCatalogue, units: [CurriculumUnit], lessons: [Lesson]) {
        self.sources = sources
        self.units = units
        self.lessons = lessons
    }
}

/// Reads a curriculum folder (DESIGN.md §6, Curriculum/README.md) and checks it. The result's
/// diagnostics are empty exactly when the content is valid; the server refuses to start otherwise.
public enum CurriculumLoader {
    public static func load(from root: URL) -> (content: CurriculumContent, diagnostics: [CurriculumDiagnostic]) {
        let sink = DiagnosticSink()
        let fm = FileManager.default
        let label = root.standardizedFileURL.lastPathComponent
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            sink.add(label, 1, "no curriculum folder at \(root.path)")
            return (CurriculumContent(sources: SourceCatalogue(tags: [:], sources: []), units: [], lessons: []), sink.items)
        }
        let sources = SourcesFile.read(root.appendingPathComponent("sources.yaml"), label: "\(label)/sources.yaml", sink: sink)

        var units: [CurriculumUnit] = []
        var parsed: [LessonParser.Parsed] = []
        for entry in listing(root) {
            let path = "\(label)/\(entry)"
            let url = root.appendingPathComponent(entry)
            guard isDirectory(url) else {
                if !["sources.yaml", "README.md"].contains(entry), !entry.hasPrefix(".") {
                    sink.add(path, 1, "unexpected file; the curriculum root holds band folders, assessment/, sources.yaml and README.md")
                }
                continue
            }
            // The item bank has its own loader and lint (Assessment's ItemBankLoader).
            if entry == "assessment" { continue }
            guard let band = ContentBand(rawValue: entry) else {
                let names = ContentBand.allCases.map(\.rawValue).joined(separator: ", ")
                sink.add(path, 1, "unknown band folder \(entry) (bands: \(names))")
                continue
            }
            for unitFolder in listing(url) {
                let unitURL = url.appendingPathComponent(unitFolder)
                let unitPath = "\(path)/\(unitFolder)"
                guard isDirectory(unitURL) else {
                    if !unitFolder.hasPrefix(".") && unitFolder != "README.md" {
                        sink.add(unitPath, 1, "unexpected file; a band folder holds unit folders named NN-slug")
                    }
                    continue
                }
                if let (unit, lessons) = readUnit(unitURL, path: unitPath, band: band, sink: sink) {
                    units.append(unit)
                    parsed.append(contentsOf: lessons)
                }
            }
        }
        sink.append(contentsOf: CurriculumLint.check(units: units, lessons: parsed, sources: sources))
        let content = CurriculumContent(sources: sources, units: units, lessons: parsed.map(\.lesson))
        return (content, sink.items.sorted())
    }

    private static func readUnit(_ url: URL, path: String, band: ContentBand, sink: DiagnosticSink) -> (CurriculumUnit, [LessonParser.Parsed])? {
        let name = url.lastPathComponent
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        let slug = String(name.dropFirst(digits.count + 1))
        guard digits.count == 2, name.dropFirst(2).first == "-", let number = Int(digits), LessonParser.isSlug(slug) else {
            sink.add(path, 1, "a unit folder is named NN-slug (two digits, a hyphen, a lower-case slug), not \(name)")
            return nil
        }
        let meta = "\(path)/unit.yaml"
        var title = "", titleEn = "", summary = ""
        var order: [String] = []
        var orderLine = 1
        if let text = try? String(contentsOf: url.appendingPathComponent("unit.yaml"), encoding: .utf8) {
            do {
                if let node = try Yams.compose(yaml: text), node.mapping != nil {
                    let f = YAMLFields(node, file: meta, lineOffset: 0, sink: sink)
                    f.refuseUnknown(["title", "titleEn", "summary", "lessons"])
                    title = f.text("title") ?? ""
                    titleEn = f.text("titleEn") ?? ""
                    summary = f.text("summary") ?? ""
                    order = f.texts("lessons")
                    orderLine = f.line(of: "lessons")
                } else {
                    sink.add(meta, 1, "unit.yaml must be a mapping with title, titleEn and summary")
                }
            } catch {
                sink.add(meta, YAMLError.line(of: error), "not valid YAML: \(YAMLError.text(of: error))")
            }
        } else {
            sink.add(path, 1, "missing unit.yaml (title, titleEn, summary)")
        }

        var lessons: [LessonParser.Parsed] = []
        for file in listing(url) where file != "unit.yaml" && !file.hasPrefix(".") {
            let filePath = "\(path)/\(file)"
            guard file.hasSuffix(".md") else {
                sink.add(filePath, 1, "unexpected file; a unit holds unit.yaml and lesson .md files")
                continue
            }
            guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(file).path),
                  let text = String(data: data, encoding: .utf8) else {
                sink.add(filePath, 1, "not readable as UTF-8 text")
                continue
            }
            if let p = LessonParser.parse(text: text, file: filePath, band: band, unitSlug: slug, sink: sink) {
                lessons.append(p)
            }
        }
        if lessons.isEmpty, listing(url).allSatisfy({ !$0.hasSuffix(".md") }) {
            sink.add(path, 1, "unit has no lessons")
        }
        // Teaching order: unit.yaml's `lessons` when given (it must name each lesson once), else file names.
        var slugs = lessons.map(\.lesson.slug)
        if !order.isEmpty {
            let present = Set(slugs)
            for s in order where !present.contains(s) { sink.add(meta, orderLine, "`lessons` names \(s), which is not a lesson of this unit") }
            for s in slugs where !order.contains(s) { sink.add(meta, orderLine, "`lessons` leaves out \(s); list every lesson of the unit in teaching order") }
            if Set(order).count != order.count { sink.add(meta, orderLine, "`lessons` names a lesson twice") }
            slugs = order.filter(present.contains) + slugs.filter { !order.contains($0) }
        }
        let unit = CurriculumUnit(slug: slug, order: number, band: band, title: title, titleEn: titleEn, summary: summary,
                                  lessons: slugs, folder: path)
        return (unit, lessons)
    }

    static func listing(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    static func isDirectory(_ url: URL) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &d) && d.boolValue
    }
}
