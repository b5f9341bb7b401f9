import Foundation
import QianxueCore
import Synchronization

extension AdaptiveTest {
    /// The test as JSON in the layout its `Codable` conformance gives (the same keys and values, so
    /// `JSONDecoder` reads it back as this test), written straight into a string: the service stores
    /// the state on every answer, and `JSONEncoder` took about a tenth of the gateway's CPU per
    /// answer for it. The configuration, the same for every attempt, is encoded once per process.
    public func stateJSON() throws -> String {
        var out = "{\"band\":"
        out.reserveCapacity(1_600 + 64 * responses.count)
        Self.appendString(band.rawValue, to: &out)
        out += ",\"configuration\":"
        out += try Self.configurationJSON(configuration)
        out += ",\"responses\":["
        for (i, r) in responses.enumerated() {
            if i > 0 { out += "," }
            out += "{\"itemID\":"
            Self.appendString(r.itemID, to: &out)
            out += ",\"dimension\":"
            Self.appendString(r.dimension.rawValue, to: &out)
            out += r.correct ? ",\"correct\":true}" : ",\"correct\":false}"
        }
        out += "]"
        if let pending {
            out += ",\"pending\":"
            Self.appendString(pending, to: &out)
        }
        out += ",\"estimate\":{\"theta\":"
        try Self.appendNumber(estimate.theta, to: &out)
        out += ",\"se\":"
        try Self.appendNumber(estimate.se, to: &out)
        out += "},\"posterior\":["
        for (i, w) in posterior.enumerated() {
            if i > 0 { out += "," }
            try Self.appendNumber(w, to: &out)
        }
        out += "],\"setAside\":["
        for (i, id) in setAside.enumerated() {
            if i > 0 { out += "," }
            Self.appendString(id, to: &out)
        }
        out += exhausted ? "],\"exhausted\":true}" : "],\"exhausted\":false}"
        return out
    }

    private static let configurations = Mutex<[Configuration: String]>([:])

    private static func configurationJSON(_ c: Configuration) throws -> String {
        if let known = configurations.withLock({ $0[c] }) { return known }
        let text = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        configurations.withLock { all in
            if all.count > 16 { all = [:] }
            all[c] = text
        }
        return text
    }

    /// A finite number as JSON: Swift's shortest representation that reads back as the same value.
    private static func appendNumber(_ x: Double, to out: inout String) throws {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: [], debugDescription: "the test's state holds a number that is not finite"))
        }
        out += x.description
    }

    /// A string as JSON, quoted, with the characters JSON requires escaped.
    private static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
