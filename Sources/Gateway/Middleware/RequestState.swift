import Foundation
import Synchronization

/// Facts that inner middleware learn and outer middleware log (the request context is passed by
/// value down the chain, so a shared box carries them back up).
final class RequestState: Sendable {
    private let userIDBox = Mutex<UUID?>(nil)

    var userID: UUID? {
        get { userIDBox.withLock { $0 } }
        set { userIDBox.withLock { $0 = newValue } }
    }
}
