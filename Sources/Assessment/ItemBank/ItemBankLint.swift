import QianxueCore

/// The rules that need the whole bank: ids unique across files, no stem asked twice, and the
/// coverage of competency cells and bands by published items.
enum ItemBankLint {
    static func check(_ bank: ItemBank, coverage: ItemBankCoverage, label: String, sink: ItemDiagnostics) {
        var firstByID: [String: AssessmentItem] = [:]
        var firstByStem: [String: AssessmentItem] = [:]
        for item in bank.items {
            if let other = firstByID[item.id] {
                sink.add(item.file, item.line, "id \(item.id) is also used at \(other.file):\(other.line)")
            } else {
                firstByID[item.id] = item
            }
            let stem = normalised(item.stem)
            if let other = firstByStem[stem] {
                sink.add(item.file, item.line, "\(item.id) asks the same question as \(other.id)")
            } else {
                firstByStem[stem] = item
            }
        }

        let byCompetency = bank.countsByCompetency
        for cell in Competency.grid {
            let n = byCompetency[cell] ?? 0
            if n < coverage.minimumPerCompetency {
                sink.add(label, 1, "coverage: \(cell.code) has \(n) published item\(n == 1 ? "" : "s"); it needs at least \(coverage.minimumPerCompetency)")
            }
        }
        let byBand = bank.countsByBand
        for band in coverage.bands {
            let n = byBand[band] ?? 0
            if n < coverage.minimumPerBand {
                sink.add(label, 1, "coverage: \(band.rawValue) has \(n) published item\(n == 1 ? "" : "s") it can use; it needs at least \(coverage.minimumPerBand)")
            }
        }
    }

    /// A stem without spaces and punctuation, so a copy with a changed comma still counts as a copy.
    static func normalised(_ s: String) -> String {
        String(s.unicodeScalars.filter { !$0.properties.isWhitespace && !$0.properties.generalCategory.isPunctuation }.map(Character.init))
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
