import Hummingbird
import NIOCore
import QianxueCore

/// The request context of the gateway: Hummingbird's core storage plus the client's address.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The client's connection: a streamed answer writes its events straight to it.
    let channel: any Channel
    /// Set by the request-id middleware.
    var requestID = "-"
    /// Shared with the outer middleware: what inner ones learned (the user, for the access log).
    let state = RequestState()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// Bodies are collected by the gateway's own body-limit middleware; this is only the ceiling.
    public var maxUploadSize: Int { 50 << 20 }

    var clientAddress: String {
        switch remoteAddress {
        case .v4(let a): return a.host
        case .v6(let a): return a.host
        case .unixDomainSocket: return "unix"
        case nil: return "unknown"
        }
    }
}
