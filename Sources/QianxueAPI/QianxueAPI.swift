import Foundation

/// The API contract: the generated types, server protocol and client live beside this file.
public enum APIContract {
    /// The OpenAPI document as shipped in the binary (served at `/openapi.yaml`).
    public static func document() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
