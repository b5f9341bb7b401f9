import Foundation
import TestSupport
import Yams

/// One operation of the contract as the authorization matrix sees it: read from
/// `Sources/QianxueAPI/openapi.yaml` at test time, so that a route added to the contract is in the
/// matrix the day it is added.
struct ContractOperation: @unchecked Sendable {  // immutable; its schema is plain YAML values
    struct Parameter {
        let name: String
        /// `path`, `query` or `header`.
        let location: String
        let required: Bool
    }

    let id: String
    /// Upper case: `GET`, `POST`, …
    let method: String
    /// With `{param}` segments, as the contract writes it.
    let path: String
    /// `security: []`: the contract lets anyone call it.
    let isPublic: Bool
    let parameters: [Parameter]
    /// The request body's media type and schema (references resolved on use), if it takes one.
    let bodyType: String?
    let bodySchema: [String: Any]?

    var name: String { "\(id) (\(method) \(path))" }
}

/// The contract document and a minimal valid value for any of its schemas.
struct Contract: @unchecked Sendable {  // immutable after init
    static let file = Repository.root.appendingPathComponent("Sources/QianxueAPI/openapi.yaml")
    static let methods = ["get", "post", "put", "patch", "delete"]

    let root: [String: Any]
    let operations: [ContractOperation]

    init() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else { throw TestSetupError("openapi.yaml is not a mapping") }
        self.root = root
        let globalSecurity = root["security"] as? [Any] ?? []
        var ops: [ContractOperation] = []
        // In the document's own order of paths, so that a run reads like the contract.
        for (path, methods) in Self.orderedPaths(text) {
            guard let item = (root["paths"] as? [String: Any])?[path] as? [String: Any] else { continue }
            let shared = item["parameters"] as? [Any] ?? []
            for method in methods {
                guard let op = item[method] as? [String: Any], let id = op["operationId"] as? String else {
                    throw TestSetupError("\(method.uppercased()) \(path) has no operationId")
                }
                let params = (shared + (op["parameters"] as? [Any] ?? [])).map { Self.resolve($0 as? [String: Any] ?? [:], in: root) }.map {
                    ContractOperation.Parameter(name: $0["name"] as? String ?? "", location: $0["in"] as? String ?? "",
                                                required: $0["required"] as? Bool ?? false)
                }
                let content = ((op["requestBody"] as? [String: Any])?["content"] as? [String: Any]) ?? [:]
                let bodyType = content.keys.sorted().first
                ops.append(ContractOperation(
                    id: id, method: method.uppercased(), path: path,
                    isPublic: ((op["security"] as? [Any]) ?? globalSecurity).isEmpty, parameters: params,
                    bodyType: bodyType, bodySchema: bodyType.flatMap { (content[$0] as? [String: Any])?["schema"] as? [String: Any] }))
            }
        }
        operations = ops
    }

    /// The paths and their methods in the order the file lists them (a YAML mapping has none).
    static func orderedPaths(_ text: String) -> [(String, [String])] {
        var out: [(String, [String])] = []
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            guard inPaths else { continue }
            if let c = line.first, c != " " { break }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                out.append((String(line.dropFirst(2).dropLast()), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let key = line.split(separator: ":").first,
                      methods.contains(key.trimmingCharacters(in: .whitespaces)), !out.isEmpty {
                out[out.count - 1].1.append(key.trimmingCharacters(in: .whitespaces))
            }
        }
        return out
    }

    /// Follows `$ref` within the document.
    func resolve(_ node: [String: Any]) -> [String: Any] { Self.resolve(node, in: root) }

    static func resolve(_ node: [String: Any], in root: [String: Any]) -> [String: Any] {
        var node = node
        while let ref = node["$ref"] as? String {
            var target: Any? = root
            for part in ref.dropFirst(2).split(separator: "/") { target = (target as? [String: Any])?[String(part)] }
            node = target as? [String: Any] ?? [:]
        }
        return node
    }

    /// A minimal value that the schema accepts: required properties only, each the first enum
    /// case, the minimum, the shortest array allowed, or what `named` gives for a property name
    /// the matrix fills from its world (ids, slugs, passwords). Optional properties are sent only
    /// when `named` gives them and `carriers` lists them.
    func example(_ schema: [String: Any], carriers: Set<String> = [], named: (String) -> Any?) -> Any {
        let s = resolve(schema)
        if let all = s["allOf"] as? [[String: Any]] {
            var merged: [String: Any] = [:]
            for part in all { merged.merge(example(part, carriers: carriers, named: named) as? [String: Any] ?? [:]) { a, _ in a } }
            return merged
        }
        if let first = ((s["oneOf"] ?? s["anyOf"]) as? [[String: Any]])?.first { return example(first, carriers: carriers, named: named) }
        if let e = (s["enum"] as? [Any])?.first { return e }
        let type = (s["type"] as? String) ?? ((s["type"] as? [String])?.first { $0 != "null" }) ?? (s["properties"] != nil ? "object" : "string")
        switch type {
        case "object":
            let props = s["properties"] as? [String: Any] ?? [:]
            let required = Set(s["required"] as? [String] ?? [])
            var out: [String: Any] = [:]
            for (name, prop) in props {
                if let v = named(name), required.contains(name) || carriers.contains(name) {
                    out[name] = v
                } else if required.contains(name) {
                    out[name] = example(prop as? [String: Any] ?? [:], carriers: carriers, named: named)
                }
            }
            return out
        case "array":
            let count = s["minItems"] as? Int ?? 0
            return (0..<count).map { _ in example(s["items"] as? [String: Any] ?? [:], carriers: carriers, named: named) }
        case "integer", "number":
            return s["minimum"] as? Int ?? 1
        case "boolean":
            return false
        default:
            switch s["format"] as? String {
            case "uuid": return UUID().uuidString.lowercased()
            case "date-time": return ISO8601DateFormatter().string(from: Date())
            case "date": return String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            default: return String(repeating: "x", count: max(1, s["minLength"] as? Int ?? 1))
            }
        }
    }
}
