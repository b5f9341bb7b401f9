import Curriculum
import Foundation
import QianxueCore

// Curriculum search benchmark (issue: search p99 < 5 ms over the shipped curriculum, < 20 ms with
// 1,000 lessons; the index builds at start-up in < 1 s for 1,000 lessons).
//
//   swift run -c release curriculum-bench [--root Curriculum] [--lessons 1000] [--repeats 300]
//
// It times, in one run and side by side: our path (the BM25 bigram index) and the direct path (a
// linear scan that tests every lesson's text for the query, as a search without an index would).

struct Options {
    var root = "Curriculum"
    var lessons = 1000
    var repeats = 300

    init() {
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--root": root = args.next() ?? root
            case "--lessons": lessons = Int(args.next() ?? "") ?? lessons
            case "--repeats": repeats = Int(args.next() ?? "") ?? repeats
            default: FileHandle.standardError.write(Data("unknown option \(a)\n".utf8)); exit(2)
            }
        }
    }
}

let queries = ["侗族大歌", "遵义", "遵义会议", "图像分类", "水书", "四渡赤水", "数据", "隐私保护", "人工智能伦理", "苗族银饰",
               "推荐算法", "大模型", "数据中心", "语音识别", "公平", "route planning", "data", "AI", "classification", "贵安"]

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

func ms(_ ns: UInt64) -> Double { Double(ns) / 1_000_000 }

/// Times `repeats` rounds of every query through `search`; answers per-call latencies in ms.
func latencies(repeats: Int, _ search: (String) -> Int) -> (all: [Double], found: Int) {
    var out: [Double] = []
    out.reserveCapacity(repeats * queries.count)
    var found = 0
    for _ in 0..<repeats {
        for q in queries {
            let t0 = now()
            found &+= search(q)
            out.append(ms(now() - t0))
        }
    }
    return (out, found)
}

/// The direct path: every lesson's text lower-cased once, then a substring test per lesson per query
/// and a sort by the number of occurrences.
struct LinearScan {
    let texts: [(slug: String, text: String)]
    init(_ lessons: [Lesson]) {
        texts = lessons.map { ($0.slug, ($0.title + " " + $0.titleEn + " " + $0.markdown).lowercased()) }
    }
    func search(_ q: String, limit: Int) -> [String] {
        let needle = q.lowercased()
        var hits: [(String, Int)] = []
        for (slug, text) in texts {
            let n = text.components(separatedBy: needle).count - 1
            if n > 0 { hits.append((slug, n)) }
        }
        hits.sort { $0.1 > $1.1 }
        return hits.prefix(limit).map(\.0)
    }
}

func report(_ label: String, lessons: [Lesson], repeats: Int) {
    let index = SearchIndex(lessons: lessons)
    let scan = LinearScan(lessons)
    let filter = SearchIndex.Filter(statuses: Set(LessonStatus.allCases))
    // Interleave the two paths in rounds so that the machine's noise falls on both alike.
    var ours: [Double] = [], direct: [Double] = []
    var foundOurs = 0, foundDirect = 0
    for _ in 0..<5 {
        let a = latencies(repeats: repeats / 5) { index.search($0, filter: filter, limit: 20).count }
        let b = latencies(repeats: max(1, repeats / 25)) { scan.search($0, limit: 20).count }
        ours += a.all; direct += b.all
        foundOurs &+= a.found; foundDirect &+= b.found
    }
    let p50 = percentile(ours, 0.5), p99 = percentile(ours, 0.99)
    let d50 = percentile(direct, 0.5), d99 = percentile(direct, 0.99)
    print(String(format: "%@: %d lessons · index p50 %.3f ms, p99 %.3f ms (%d calls) · linear scan p50 %.3f ms, p99 %.3f ms (%d calls) · p50 ratio %.1f×",
                 label, lessons.count, p50, p99, ours.count, d50, d99, direct.count, d50 / max(p50, 0.0001)))
}

/// Writes `count` lessons made from the shipped ones (paragraphs recombined with a seeded generator,
/// new slugs, no cross-links) as a curriculum folder, so that start-up can be timed on files.
func generate(from content: CurriculumContent, sourcesFile: URL, count: Int, into root: URL) throws {
    let fm = FileManager.default
    try? fm.removeItem(at: root)
    try fm.createDirectory(at: root, withIntermediateDirectories: true)
    try fm.copyItem(at: sourcesFile, to: root.appendingPathComponent("sources.yaml"))
    let base = content.lessons
    var rng = SeededRandom(seed: 42)
    let paragraphs = base.flatMap { $0.sections }.map(\.text)
    for i in 0..<count {
        let l = base[i % base.count]
        let unit = root.appendingPathComponent("\(l.band.rawValue)/\(String(format: "%02d", i / 10 % 100))-gen-\(l.band.rawValue)-\(i / 10)")
        if !fm.fileExists(atPath: unit.path) {
            try fm.createDirectory(at: unit, withIntermediateDirectories: true)
            try "title: 生成单元 \(i / 10)\ntitleEn: Generated unit \(i / 10)\nsummary: 基准测试用的生成单元。\n"
                .write(to: unit.appendingPathComponent("unit.yaml"), atomically: true, encoding: .utf8)
        }
        let slug = "gen-\(i)-\(l.slug)"
        func pick() -> String {
            paragraphs[Int(rng.next() % UInt64(paragraphs.count))].replacingOccurrences(of: "](lesson:", with: "](https://example.org/")
        }
        let body = ["导入", "核心概念", "课堂活动", "讨论", "教师提示"].map { "## \($0)\n\(pick())\n" }.joined(separator: "\n")
        let q = { (s: String) in "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        let front = """
        ---
        slug: \(slug)
        title: \(q(l.title + " \(i)"))
        titleEn: \(q(l.titleEn + " \(i)"))
        band: \(l.band.rawValue)
        grades: [\(l.grades.map { q($0) }.joined(separator: ", "))]
        hours: \(l.hours)
        objectives:
        \(l.objectives.map { "  - text: \(q($0.text))\n    competency: \($0.competency)" }.joined(separator: "\n"))
        culture: [\(l.culture.map { q($0) }.joined(separator: ", "))]
        status: draft
        sources: [\(l.sources.joined(separator: ", "))]
        activities:
        \(l.activities.map { "  - title: \(q($0.title))\n    device: \($0.needsDevice)\n    ai: \($0.usesAI)\n    teacherLed: \($0.teacherLed)" }.joined(separator: "\n"))
        ---

        """
        try (front + body).write(to: unit.appendingPathComponent("\(slug).md"), atomically: true, encoding: .utf8)
    }
}


let options = Options()
let root = URL(fileURLWithPath: options.root)
let t0 = now()
let (shipped, problems) = CurriculumLoader.load(from: root)
let loadShipped = ms(now() - t0)
guard problems.isEmpty else { print(problems.map(\.description).joined(separator: "\n")); exit(1) }
print(String(format: "shipped curriculum: %d lessons loaded and checked in %.0f ms", shipped.lessons.count, loadShipped))
report("shipped", lessons: shipped.lessons, repeats: options.repeats)

let generated = FileManager.default.temporaryDirectory.appendingPathComponent("qianxue-bench-curriculum/Curriculum")
try generate(from: shipped, sourcesFile: root.appendingPathComponent("sources.yaml"), count: options.lessons, into: generated)
var loads: [Double] = [], builds: [Double] = []
var big: CurriculumContent?
for _ in 0..<5 {
    let a = now()
    let (content, p) = CurriculumLoader.load(from: generated)
    let b = now()
    guard p.isEmpty else { print(p.prefix(5).map(\.description).joined(separator: "\n")); exit(1) }
    _ = SearchIndex(lessons: content.lessons)
    let c = now()
    loads.append(ms(b - a)); builds.append(ms(c - b))
    big = content
}
print(String(format: "generated: %d lessons · start-up load+check median %.0f ms · index build median %.0f ms (5 runs)",
             big!.lessons.count, percentile(loads, 0.5), percentile(builds, 0.5)))
report("generated", lessons: big!.lessons, repeats: options.repeats)
try? FileManager.default.removeItem(at: generated.deletingLastPathComponent())
