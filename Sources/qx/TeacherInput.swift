import ArgumentParser
import Foundation
import QianxueAPI

/// What teachers type: classes by their short code (`7-2`) or id, days as `2026-12-05`, `today`,
/// `tomorrow` or `+3d`.
enum TeacherInput {
    /// A class's id from its id or its short code among the caller's classes.
    static func classID(_ text: String, _ s: Session) async throws -> String {
        if UUID(uuidString: text) != nil { return text }
        let classes: [Components.Schemas.SchoolClass]
        switch try await s.call({ try await s.client.listMyClasses(query: .init(pageSize: 500)) }) {
        case .ok(let ok): classes = try ok.body.json.items
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
        let matches = classes.filter { $0.name == text }
        guard let first = matches.first else {
            let names = classes.map(\.name).sorted().joined(separator: ", ")
            throw QXError("you have no class '\(text)'" + (names.isEmpty ? "" : " (yours: \(names))"))
        }
        guard matches.count == 1 else {
            throw QXError("'\(text)' names \(matches.count) classes (\(matches.map { "\($0.academicYear) \($0.id)" }.joined(separator: ", "))); give the id")
        }
        return first.id
    }

    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// The end (23:59:59, Asia/Shanghai) of the day written as `2026-12-05`, `today`, `tomorrow` or `+3d`.
    static func endOfDay(_ text: String, now: Date = Date()) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        let today = calendar.startOfDay(for: now)
        let day: Date?
        switch text.lowercased() {
        case "today": day = today
        case "tomorrow": day = calendar.date(byAdding: .day, value: 1, to: today)
        case let t where t.hasPrefix("+") && t.hasSuffix("d"):
            guard let n = Int(t.dropFirst().dropLast()), (0...366).contains(n) else {
                throw ValidationError("'\(text)' is not a day: write 2026-12-05, today, tomorrow or +3d")
            }
            day = calendar.date(byAdding: .day, value: n, to: today)
        default:
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "yyyy-MM-dd"
            f.timeZone = shanghai
            f.isLenient = false
            day = f.date(from: text)
        }
        guard let start = day else { throw ValidationError("'\(text)' is not a day: write 2026-12-05, today, tomorrow or +3d") }
        return start.addingTimeInterval(86_399)
    }

    /// A day as the teacher reads it, in Asia/Shanghai.
    static func day(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        f.timeZone = shanghai
        return f.string(from: date)
    }
}

/// A spinner on standard error while the first token is awaited (only on a terminal).
final class Spinner: @unchecked Sendable {
    private var task: Task<Void, Never>?

    init(_ label: String) {
        guard isatty(STDERR_FILENO) != 0 else { return }
        task = Task {
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            var i = 0
            while !Task.isCancelled {
                FileHandle.standardError.write(Data("\r\(frames[i % frames.count]) \(label)".utf8))
                i += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Stops and clears the spinner's line.
    func stop() {
        guard let task else { return }
        task.cancel()
        self.task = nil
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

extension Terminal {
    static func red(_ s: String) -> String { styled ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    static func yellow(_ s: String) -> String { styled ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { styled ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
}
