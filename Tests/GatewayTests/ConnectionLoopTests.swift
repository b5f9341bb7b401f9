import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOPosix
import QianxueCore
import Synchronization
import Testing

/// Notes, for each piece of an answer, whether it was handed over on `loop`.
private final class LoopWitness: OutboundReceiver, @unchecked Sendable {
    let loop: any EventLoop
    var pieces: [Bool] = []
    var text = ""

    init(_ loop: any EventLoop) { self.loop = loop }

    func head(status: Int, contentType: String) throws { pieces.append(loop.inEventLoop) }
    func body(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool {
        pieces.append(loop.inEventLoop)
        text += String(decoding: bytes, as: UTF8.self)
        return true
    }
    func end() throws { pieces.append(loop.inEventLoop) }
}

/// Collects what a response body writes and notes whether each write came on `loop`.
private final class Collected: @unchecked Sendable {
    var bytes = ByteBuffer()
    var onLoop: [Bool] = []
}

private struct WitnessWriter: ResponseBodyWriter {
    let loop: any EventLoop
    let into: Collected

    mutating func write(_ buffer: ByteBuffer) async throws {
        into.onLoop.append(loop.inEventLoop)
        var b = buffer
        into.bytes.writeBuffer(&b)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

@Suite struct ConnectionLoopTests {
    @Test func duringARequestTheEndpointIsReadOnTheClientsConnectionLoop() async throws {
        // given an endpoint on loopback and, as the gateway has for a request, the client's loop
        let app = Application(router: RecordingEndpoint().router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.testLive { upstream in
            let transport = HTTPOutboundTransport()
            let request = OutboundRequest(.post, url: "http://127.0.0.1:\(upstream.port!)/v1/chat/completions",
                                          headers: [(name: "content-type", value: "application/json")], body: Array("{}".utf8))
            for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                let witness = LoopWitness(loop)

                // when an answer is asked for within that request
                try await ConnectionLoop.$current.withValue(loop) {
                    try await transport.send(request, timeout: .seconds(10), to: witness)
                }

                // then every piece of it was handed over on the client's loop, and all of it came
                #expect(!witness.pieces.isEmpty && witness.pieces.allSatisfy { $0 }, "\(witness.pieces)")
                #expect(witness.text.contains("我收到了") && witness.text.hasSuffix("data: [DONE]\n\n"))
            }
            await transport.shutdown()
        }
    }

    @Test func onlyThePlatformsOwnLoopsAreUsed() {
        // a test channel's loop runs its tasks only when told to: no executor for it
        let testLoop = EmbeddedEventLoop()
        #expect(ConnectionLoop.executor(for: testLoop) == nil)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        #expect(ConnectionLoop.executor(for: loop)?.loop === loop)
    }

    @Test func aStreamedBodyIsWrittenOnTheConnectionLoopAndOthersAreLeftAlone() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = try #require(ConnectionLoop.executor(for: loop))
        func response(_ type: String) -> Response {
            Response(status: .ok, headers: [.contentType: type], body: ResponseBody { writer in
                // the frames come one by one, with waits between them, as an answer's do
                for frame in ["event: delta\ndata: {\"text\":\"你好\"}\n\n", "event: done\ndata: {}\n\n"] {
                    try await Task.sleep(for: .milliseconds(5))
                    try await writer.write(ByteBuffer(string: frame))
                }
                try await writer.finish(nil)
            })
        }

        // given an event stream and a JSON answer of unknown length
        var stream = response("text/event-stream")
        var json = response("application/json")

        // when both are prepared for the client's loop and written
        StreamedBodyOnLoop.apply(to: &stream, on: executor)
        StreamedBodyOnLoop.apply(to: &json, on: executor)
        let streamed = Collected(), other = Collected()
        try await stream.body.write(WitnessWriter(loop: loop, into: streamed))
        try await json.body.write(WitnessWriter(loop: loop, into: other))

        // then the stream's every write happened on the loop, unchanged; the JSON body's did not
        #expect(streamed.onLoop == [true, true])
        #expect(String(buffer: streamed.bytes) == "event: delta\ndata: {\"text\":\"你好\"}\n\nevent: done\ndata: {}\n\n")
        #expect(other.onLoop == [false, false])
    }
}
