import Foundation
import QianxueAPI
import Yams

/// The contract as served: the YAML itself at `/openapi.yaml` and a self-contained HTML rendering
/// of it at `/docs` (no scripts, no CDN: it works on a school network with no internet).
struct ContractDocuments: Sendable {
    let yaml: Data
    let html: String
    /// Every `METHOD /path` the contract declares, with `{param}` path segments.
    let operations: Set<String>
    /// The operationIds that the contract lets anyone call (`security: []`); every other needs a caller.
    let publicOperations: Set<String>

    init() throws {
        yaml = try APIContract.document()
        guard let root = try Yams.load(yaml: String(decoding: yaml, as: UTF8.self)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var ops = Set<String>(), open = Set<String>()
        let security = root["security"] as? [Any] ?? []
        for (path, item) in (root["paths"] as? [String: Any]) ?? [:] {
            for (method, op) in (item as? [String: Any]) ?? [:] where DocsPage.methods.contains(method) {
                ops.insert("\(method.uppercased()) \(path)")
                let op = op as? [String: Any] ?? [:]
                if ((op["security"] as? [Any]) ?? security).isEmpty, let id = op["operationId"] as? String { open.insert(id) }
            }
        }
        operations = ops
        publicOperations = open
        html = DocsPage.render(root)
    }
}

/// Renders an OpenAPI document into one HTML page.
enum DocsPage {
    static let methods = ["get", "post", "put", "patch", "delete"]

    static func render(_ root: [String: Any]) -> String {
        let info = root["info"] as? [String: Any] ?? [:]
        var out = """
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(info["title"] as? String ?? "API"))</title>
        <style>
        body{font:15px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d2430}
        h1{margin-bottom:.2rem} .op{border:1px solid #d8dee8;border-radius:6px;margin:.8rem 0;padding:.6rem .9rem}
        .m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
        .get{color:#0a6b3d}.post{color:#1f4fb8}.put,.patch{color:#8a5a00}.delete{color:#a12121}
        code,.path{font-family:ui-monospace,monospace} table{border-collapse:collapse;margin:.4rem 0}
        td,th{border:1px solid #e3e7ee;padding:.15rem .5rem;text-align:left;vertical-align:top} .muted{color:#5b6577}
        </style></head><body>
        <h1>\(esc(info["title"] as? String ?? "API"))</h1>
        <p class="muted">version \(esc(info["version"] as? String ?? "")) · <a href="/openapi.yaml">openapi.yaml</a></p>
        <div>\(paragraphs(info["description"] as? String ?? ""))</div>
        <h2>Operations</h2>
        """
        // Operations grouped by tag, in the order the document lists its tags, with a contents list.
        let tags = (root["tags"] as? [[String: Any]] ?? []).compactMap { t -> (String, String)? in
            guard let n = t["name"] as? String else { return nil }
            return (n, t["description"] as? String ?? "")
        }
        var byTag: [String: [(path: String, method: String, op: [String: Any])]] = [:]
        for (path, value) in (root["paths"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let item = value as? [String: Any] ?? [:]
            for method in methods {
                guard let op = item[method] as? [String: Any] else { continue }
                byTag[(op["tags"] as? [String])?.first ?? "Other", default: []].append((path, method, op))
            }
        }
        out += "<ul>" + tags.map { "<li><a href=\"#tag-\(esc($0.0))\">\(esc($0.0))</a> — \(inline($0.1))</li>" }.joined() + "</ul>"
        for (tag, description) in tags {
            out += "<h3 id=\"tag-\(esc(tag))\">\(esc(tag))</h3><p class=\"muted\">\(inline(description))</p>"
            for (path, method, op) in byTag[tag] ?? [] {
                out += "<div class=\"op\" id=\"\(esc(op["operationId"] as? String ?? ""))\">"
                out += "<span class=\"m \(method)\">\(method.uppercased())</span> <span class=\"path\">\(esc(path))</span>"
                out += " <span class=\"muted\">\(esc(op["operationId"] as? String ?? ""))</span>"
                out += "<p>\(inline(op["summary"] as? String ?? ""))</p>"
                if let d = op["description"] as? String { out += paragraphs(d) }
                let params = ((item(root, path)["parameters"] as? [Any]) ?? []) + ((op["parameters"] as? [Any]) ?? [])
                if !params.isEmpty {
                    out += "<table><tr><th>parameter</th><th>in</th><th>description</th></tr>"
                    for p in params.compactMap({ resolve($0, root) }) {
                        out += "<tr><td><code>\(esc(p["name"] as? String ?? ""))</code></td><td>\(esc(p["in"] as? String ?? ""))</td>"
                        out += "<td>\(inline(p["description"] as? String ?? ""))</td></tr>"
                    }
                    out += "</table>"
                }
                if let responses = op["responses"] as? [String: Any] {
                    out += "<table><tr><th>status</th><th>meaning</th></tr>"
                    for (status, r) in responses.sorted(by: { $0.key < $1.key }) {
                        out += "<tr><td>\(esc(status))</td><td>\(inline(resolve(r, root)?["description"] as? String ?? ""))</td></tr>"
                    }
                    out += "</table>"
                }
                out += "</div>\n"
            }
        }
        out += "<h2>Schemas</h2>"
        let schemas = ((root["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
        for (name, value) in schemas {
            let s = value as? [String: Any] ?? [:]
            out += "<div class=\"op\" id=\"schema-\(esc(name))\"><b>\(esc(name))</b> "
            if let d = s["description"] as? String { out += "<span class=\"muted\">\(esc(d))</span>" }
            if let e = s["enum"] as? [Any] { out += "<p>one of: " + e.map { "<code>\(esc("\($0)"))</code>" }.joined(separator: ", ") + "</p>" }
            if let props = s["properties"] as? [String: Any] {
                let required = Set(s["required"] as? [String] ?? [])
                out += "<table><tr><th>field</th><th>type</th><th>description</th></tr>"
                for (field, pv) in props.sorted(by: { $0.key < $1.key }) {
                    let p = pv as? [String: Any] ?? [:]
                    out += "<tr><td><code>\(esc(field))</code>\(required.contains(field) ? " *" : "")</td><td>\(esc(typeText(p)))</td>"
                    out += "<td>\(esc(p["description"] as? String ?? ""))</td></tr>"
                }
                out += "</table>"
            }
            out += "</div>\n"
        }
        return out + "</body></html>"
    }

    static func resolve(_ value: Any, _ root: [String: Any]) -> [String: Any]? {
        guard let dict = value as? [String: Any] else { return nil }
        guard let ref = dict["$ref"] as? String, ref.hasPrefix("#/") else { return dict }
        var node: Any? = root
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return node as? [String: Any]
    }

    static func typeText(_ p: [String: Any]) -> String {
        if let ref = p["$ref"] as? String { return String(ref.split(separator: "/").last ?? "") }
        if let t = p["type"] as? String, t == "array", let items = p["items"] as? [String: Any] { return "[\(typeText(items))]" }
        let t = p["type"] as? String ?? "object"
        return (p["format"] as? String).map { "\(t) (\($0))" } ?? t
    }

    static func paragraphs(_ s: String) -> String {
        s.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { "<p>\(inline($0))</p>" }.joined()
    }

    /// Escapes text and shows `code spans` as code.
    static func inline(_ s: String) -> String {
        let parts = esc(s).split(separator: "`", omittingEmptySubsequences: false)
        return parts.enumerated().map { $0.offset % 2 == 1 && $0.offset < parts.count - 1 ? "<code>\($0.element)</code>" : String($0.element) }
            .joined()
    }

    /// The path item of a path (for parameters declared on the path).
    static func item(_ root: [String: Any], _ path: String) -> [String: Any] {
        ((root["paths"] as? [String: Any])?[path] as? [String: Any]) ?? [:]
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
