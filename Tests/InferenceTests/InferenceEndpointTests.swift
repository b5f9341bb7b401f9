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
        "http://100.100.100.200/v1", "http://[::ffff:169.254.169.254]/v1", "http://2852039166/v1", "http://metadata.google.internal./v1", "http://[febf::2]/v1", "http://[fd00:ec2::254]/v1",
        "ftp://127.0.0.1/v1", "127.0.0.1:8081", "not a url",
    ])
    func metadataLinkLocalAndNonHTTPAddressesAreRefused(_ url: String) {
        #expect(throws: InferenceEndpointError.self) { try InferenceEndpoint(baseURL: url, model: nil, apiKey: nil) }
    }

    /// The same test on the address a connection reached (PlainHTTP1Client checks it after connecting).
    @Test func reachedAddressesAreClassifiedAsTheConfiguredOnesAre() {
        for forbidden in ["169.254.169.254", "169.254.0.1", "::ffff:169.254.1.1", "fe80::1", "FE80::abcd", "fe9a::1", "febf::1",
                          "[fe80::1]", "fd00:ec2::254", "100.100.100.200", "metadata.google.internal",
                          // the same addresses as the resolver also reads them
                          "2852039166", "0251.0376.0251.0376", "0xa9fea9fe", "169.254.43518", "[::ffff:a9fe:a9fe]",
                          "0:0:0:0:0:ffff:169.254.169.254", "fe80::1%lo", "metadata.google.internal.", "FD00:EC2:0::254"] {
            #expect(ForbiddenDestinations.contains(host: forbidden), "\(forbidden)")
        }
        for allowed in ["127.0.0.1", "::1", "10.0.0.5", "192.168.1.20", "fec0::1", "fe8", "fe80", "2001:db8::1", "::ffff:127.0.0.1",
                        "169.25.4.1", "llm.internal", "100.100.100.201", "2130706433", "deadbeef", "fd00:ec2::255", "::"] {
            #expect(!ForbiddenDestinations.contains(host: allowed), "\(allowed)")
        }
    }
}
