extension Lesson.Exercise {
    /// Whether `text` gives the answer key away: it holds the answer, or for a choice answer
    /// (`B. 训练数据`) the chosen option's text, ignoring case, spaces and punctuation. The lint
    /// holds every hint to this; a screen on the companion's replies can use it too.
    public func answerIsRevealed(by text: String) -> Bool {
        let haystack = Self.folded(text)
        return answerForms.contains { haystack.contains($0) }
    }

    /// The answer as written and, for a choice, the option text after its letter; folded, and
    /// only forms of two characters or more (a lone `对` would match half of any hint).
    var answerForms: [String] {
        var forms = [Self.folded(answer)]
        let scalars = Array(answer.unicodeScalars)
        if scalars.count > 2, ("A"..."Z").contains(scalars[0]), Self.choiceMarks.contains(scalars[1]) {
            forms.append(Self.folded(String(String.UnicodeScalarView(scalars.dropFirst(2)))))
        }
        return forms.filter { $0.count >= 2 }
    }

    /// For a choice answer (`B. 训练数据`), the letter and the option's text.
    public var choice: (letter: String, text: String)? {
        let scalars = Array(answer.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars)
        guard scalars.count > 2, ("A"..."Z").contains(scalars[0]), Self.choiceMarks.contains(scalars[1]) else { return nil }
        let text = String(String.UnicodeScalarView(scalars.dropFirst(2))).trimmingCharacters(in: .whitespaces)
        return (String(scalars[0]), text)
    }

    private static let choiceMarks: Set<Unicode.Scalar> = [".", "．", "、", ":", "：", ")", "）", " "]

    /// Lower-cased letters and digits only (Han characters are letters).
    public static func folded(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter {
            $0.properties.isAlphabetic || $0.properties.numericType != nil
        }))
    }
}

/// Printing an exercise (a log line, a dump, a test failure) leaves the key out.
extension Lesson.Exercise: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Exercise(id: \(id), prompt: \(prompt), hints: \(hints.count), answer: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "prompt": prompt, "hints": hints], displayStyle: .struct)
    }
}
