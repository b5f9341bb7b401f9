import Inference
import Testing

@Suite struct InferenceEndpointTests {
    @Test func aLoopbackBaseURLIsAcceptedWithoutItsTrailingSlash() throws {
        let e = try InferenceEndpoint(baseURL: "http://127.0.0.1:8081/v1/", model: "qwen", apiKey: "k")
        #expect(e.baseURL.absoluteString == "http://127.0.0.1:8081/v1")
        #expect(!e.description.contains("k\""))
        #expect(e.description.contains("qwen"))
    }

    @Test(arguments: [
        "http://169.254.169.254/v1", "http://metadata.google.internal/v1", "http://[fe80::1]/v1",
        "http://100.100.100.200/v1", "ftp://127.0.0.1/v1", "127.0.0.1:8081", "not a url",
    ])
    func metadataLinkLocalAndNonHTTPAddressesAreRefused(_ url: String) {
        #expect(throws: InferenceEndpointError.self) { try InferenceEndpoint(baseURL: url, model: nil, apiKey: nil) }
    }
}
