import HTTPTypes
import AsyncHTTPClient
import Foundation
import Gateway
import HummingbirdTesting
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import QianxueAPI
import Testing
import TestSupport

/// The real application on an ephemeral loopback port, driven with the generated client as `qx` does.
@Suite struct LiveClientTests {
    @Test(arguments: TestDatabase.engines)
    func signInAndReadMeOverTheWire(engine: DatabaseEngine) async throws {
        try await GatewayFixture.with(engine) { f in
            try await f.app().testLive { client in
                let port = try #require(client.port)
                let api = Client(serverURL: URL(string: "http://127.0.0.1:\(port)")!, transport: AsyncHTTPClientTransport())
                let login = try await api.login(body: .json(.init(username: "teacher.a", password: GatewayFixture.password)))
                let token = try login.ok.body.json.token
                let signedIn = Client(serverURL: URL(string: "http://127.0.0.1:\(port)")!, transport: AsyncHTTPClientTransport(),
                                      middlewares: [BearerTokenMiddleware(token: token)])
                let me = try await signedIn.getMe().ok.body.json
                #expect(me.username == "teacher.a")
                #expect(me.role == .teacher)
                // A problem document arrives typed, too.
                let wrong = try await api.login(body: .json(.init(username: "teacher.a", password: "wrong-password-1")))
                guard case .default(let status, let problem) = wrong, case .applicationProblemJson(let p) = problem.body else {
                    Issue.record("expected a problem, got \(wrong)")
                    return
                }
                #expect(status == 401)
                #expect(p._type.hasSuffix("/unauthenticated"))
            }
        }
    }
}
