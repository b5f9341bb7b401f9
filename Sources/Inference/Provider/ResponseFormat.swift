import Foundation

/// Constrains an answer to JSON that matches a schema: the OpenAI `response_format`
/// `{type: json_schema, json_schema: {name, strict, schema}}`, which vLLM and llama.cpp's server
/// honour by constraining decoding. The offline provider ignores it; callers validate what comes back.
public struct ResponseFormat: Sendable, Hashable, Encodable {
    public let name: String
    public let schema: JSONValue

    public init(name: String, schema: JSONValue) {
        self.name = name
        self.schema = schema
    }

    enum Keys: String, CodingKey { case type, json_schema }
    enum SchemaKeys: String, CodingKey { case name, strict, schema }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode("json_schema", forKey: .type)
        var inner = c.nestedContainer(keyedBy: SchemaKeys.self, forKey: .json_schema)
        try inner.encode(name, forKey: .name)
        try inner.encode(true, forKey: .strict)
        try inner.encode(schema, forKey: .schema)
    }
}

/// A JSON document as a value (a schema, or a structured answer read back).
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
