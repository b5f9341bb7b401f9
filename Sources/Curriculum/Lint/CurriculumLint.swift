/// The rules that need the whole curriculum: unique slugs, sources that resolve, culture tags that
/// a cited source backs, review state, and links between lessons.
enum CurriculumLint {
    static func check(units: [CurriculumUnit], lessons: [LessonParser.Parsed], sources: SourceCatalogue) -> [CurriculumDiagnostic] {
        let sink = DiagnosticSink()

        var unitSlugs: [String: String] = [:]
        for u in units {
            if let other = unitSlugs[u.slug] {
                sink.add(u.folder, 1, "unit slug \(u.slug) is also used by \(other)")
            } else {
                unitSlugs[u.slug] = u.folder
            }
        }

        var lessonFiles: [String: String] = [:]
        for p in lessons {
            if let other = lessonFiles[p.lesson.slug] {
                sink.add(p.lesson.file, p.lines["slug"] ?? 1, "slug \(p.lesson.slug) is also used by \(other)")
            } else {
                lessonFiles[p.lesson.slug] = p.lesson.file
            }
        }

        for p in lessons {
            let l = p.lesson
            func line(_ key: String) -> Int { p.lines[key] ?? 1 }

            for id in l.sources where sources.sources[id] == nil {
                sink.add(l.file, line("sources"), "source \(id) does not resolve to an entry of sources.yaml")
            }
            if !l.culture.isEmpty && l.sources.isEmpty {
                sink.add(l.file, line("culture"), "culture tags need `sources` for their facts")
            }
            for tag in l.culture {
                guard sources.tags[tag] != nil else {
                    sink.add(l.file, line("culture"), "culture tag \(tag) is not in sources.yaml's tags")
                    continue
                }
                let backed = l.sources.contains { sources.sources[$0]?.tags.contains(tag) == true }
                if !backed && !l.sources.isEmpty {
                    sink.add(l.file, line("culture"), "culture tag \(tag) has no source: none of this lesson's sources covers \(tag)")
                }
            }

            if l.status != .draft {
                if l.reviewer == nil { sink.add(l.file, line("status"), "\(l.status.rawValue) needs `reviewer`") }
                if l.reviewedOn == nil { sink.add(l.file, line("status"), "\(l.status.rawValue) needs `reviewedOn`") }
            }
            if l.status == .published && !l.checks.isEmpty {
                sink.add(l.file, line("checks"), "a lesson with open checks cannot be published; confirm them and clear `checks`")
            }

            for slug in l.related where lessonFiles[slug] == nil {
                sink.add(l.file, line("related"), "related lesson \(slug) does not exist")
            }
            if l.related.contains(l.slug) { sink.add(l.file, line("related"), "a lesson cannot be related to itself") }
            for link in p.links where lessonFiles[link.slug] == nil {
                sink.add(l.file, link.line, "link to lesson \(link.slug) does not resolve")
            }
        }
        return sink.items
    }
}
