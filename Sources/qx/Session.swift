import ArgumentParser
import Foundation
import QianxueAPI

/// The signed-in context of a command: the client and what was remembered.
struct Session {
    let config: ClientConfig
    let server: String
    let client: Client

    /// - Parameter requireToken: false for signing in, which sends no token at all (a stale
    ///   one from an earlier sign-in would be refused before the password is looked at).
    ///   `timeout`: how long a request may take; a streamed chat reply from a busy model takes minutes.
    init(_ options: GlobalOptions, requireToken: Bool = true, timeout: Duration = .seconds(60)) throws {
        config = ClientConfig.load()
        server = config.serverURL(options.server)
        if requireToken, config.token == nil { throw QXError("not signed in: run qx login") }
        client = try APIClient.make(server: server, token: requireToken ? config.token : nil, timeout: timeout)
    }

    /// Runs a call, turning transport failures into one readable line.
    func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as QXError {
            throw e
        } catch {
            throw QXError.transport(error, server: server)
        }
    }
}

/// Prints a value as pretty JSON (for --output json).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Prints rows as an aligned table; widths count CJK characters as two columns.
/// `highlight` marks rows printed in red (at-risk students) on a colour terminal.
func printTable(_ header: [String], _ rows: [[String]], highlight: [Bool] = []) {
    func width(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.properties.isIdeographic || (0xFF00...0xFFEF).contains($1.value) ? 2 : 1) } }
    var widths = header.map(width)
    for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], width(c)) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - width(c))) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    print(line(header))
    for (i, r) in rows.enumerated() { print(i < highlight.count && highlight[i] ? Terminal.red(line(r)) : line(r)) }
}
