import Foundation

/// The real OpenAI-compatible server (llama.cpp's, with a small model) that `ops/test` starts on
/// loopback: `QIANXUE_TEST_INFERENCE_URL` (base URL with /v1) and `QIANXUE_TEST_INFERENCE_MODEL`.
/// Without them the tests that need it are skipped, saying so; ops/test fails when none ran.
public enum RealInference {
    public static var baseURL: String? {
        ProcessInfo.processInfo.environment["QIANXUE_TEST_INFERENCE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var model: String {
        ProcessInfo.processInfo.environment["QIANXUE_TEST_INFERENCE_MODEL"] ?? "smollm2-135m"
    }

    public static var available: Bool { baseURL != nil }
}
