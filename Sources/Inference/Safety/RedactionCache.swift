import Synchronization

/// Redactions of recent texts by (names, text): a conversation sends its earlier messages again on
/// every turn, and redacting them (ten detectors and every classmate's name) was most of a turn's
/// cost; and the name lists made ready (placeholders sorted once per class's list). Bounded: when
/// full it starts again empty. The redacted texts hold no personal data; the
/// keys do, in memory only, as the conversation itself does.
public final class RedactionCache: Sendable {
    private let capacity: Int
    private let entries = Mutex<[String: Redaction]>([:])

    public init(capacity: Int = 4_096) {
        self.capacity = capacity
    }

    func get(_ key: String) -> Redaction? {
        entries.withLock { $0[key] }
    }

    func put(_ key: String, _ redaction: Redaction) {
        entries.withLock { all in
            if all.count >= capacity { all.removeAll(keepingCapacity: true) }
            all[key] = redaction
        }
    }

    public var count: Int { entries.withLock { $0.count } }

    /// Name lists made ready, by their exact key (a list per class, a few hundred at most).
    private let preparedNames = Mutex<[String: PIIRedactor.PreparedNames]>([:])

    func prepared(_ key: String) -> PIIRedactor.PreparedNames? {
        preparedNames.withLock { $0[key] }
    }

    func putPrepared(_ names: PIIRedactor.PreparedNames) {
        preparedNames.withLock { all in
            if all.count >= 512 { all.removeAll(keepingCapacity: true) }
            all[names.key] = names
        }
    }
}
