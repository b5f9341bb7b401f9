import Foundation

/// A request for one page of a list: `pageSize` (default 50, at most 500) and an opaque `pageToken`.
public struct PageQuery: Sendable, Equatable {
    public static let defaultSize = 50
    public static let maxSize = 500

    public let size: Int
    /// The position after which this page starts, decoded from the token; nil for the first page.
    public let after: String?

    public init(size: Int? = nil, token: String? = nil) throws {
        let s = size ?? Self.defaultSize
        guard (1...Self.maxSize).contains(s) else {
            throw AppError.validation("pageSize must be between 1 and \(Self.maxSize)", field: "pageSize")
        }
        self.size = s
        if let token, !token.isEmpty {
            guard let position = Self.decode(token) else {
                throw AppError.validation("pageToken is not a token this server issued", field: "pageToken")
            }
            after = position
        } else {
            after = nil
        }
    }

    /// Makes the token that continues after `position`.
    public static func token(after position: String) -> String {
        "p1." + Data(position.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> String? {
        guard token.hasPrefix("p1."), token.count < 1024 else { return nil }
        var b64 = String(token.dropFirst(3)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let s = String(data: data, encoding: .utf8) else { return nil }
        return s
    }
}

/// One page of a list and the token for the next (nil at the end).
public struct ListPage<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextPageToken: String?

    public init(items: [Item], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}

/// A position in a list ordered by creation time then id, newest first: the token of a keyset page.
public struct TimeCursor: Sendable, Equatable {
    public let date: Date
    public let id: UUID

    public init(date: Date, id: UUID) {
        self.date = date
        self.id = id
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let ms = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        date = Date(timeIntervalSince1970: Double(ms) / 1000)
        self.id = id
    }

    public var token: String { PageQuery.token(after: "\(Int64((date.timeIntervalSince1970 * 1000).rounded()))/\(id.uuidString)") }
}

extension Date {
    /// The instant cut to whole milliseconds, so that a cursor made from it finds it again in
    /// every database (SQLite and PostgreSQL keep different precisions).
    public var wholeMilliseconds: Date { Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
}
