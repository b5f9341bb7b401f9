import Inference
import QianxueCore
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
        "http://100.100.100.200/v1", "http://[::ffff:169.254.169.254]/v1", "http://[febf::2]/v1", "http://[fd00:ec2::254]/v1",
        "ftp://127.0.0.1/v1", "127.0.0.1:8081", "not a url",
    ])
    func metadataLinkLocalAndNonHTTPAddressesAreRefused(_ url: String) {
        #expect(throws: InferenceEndpointError.self) { try InferenceEndpoint(baseURL: url, model: nil, apiKey: nil) }
    }

    /// The same test on the address a connection reached (PlainHTTP1Client checks it after connecting).
    @Test func reachedAddressesAreClassifiedAsTheConfiguredOnesAre() {
        for forbidden in ["169.254.169.254", "169.254.0.1", "::ffff:169.254.1.1", "fe80::1", "FE80::abcd", "fe9a::1", "febf::1",
                          "[fe80::1]", "fd00:ec2::254", "100.100.100.200", "metadata.google.internal"] {
            #expect(ForbiddenDestinations.contains(host: forbidden), "\(forbidden)")
        }
        for allowed in ["127.0.0.1", "::1", "10.0.0.5", "192.168.1.20", "fec0::1", "fe8", "fe80", "2001:db8::1", "::ffff:127.0.0.1",
                        "169.25.4.1", "llm.internal", "100.100.100.201"] {
            #expect(!ForbiddenDestinations.contains(host: allowed), "\(allowed)")
        }
    }
}
