import FluentPostgresDriver
import Foundation
import NIOCore
import NIOPosix
import QianxueCore

/// Tells a database that cannot be reached (stopped, restarting, the network gone, the pool unable
/// to hand out a connection in time) from a query the database refused, and names it as a 503 with
/// Retry-After: a client should come back shortly, not report a server bug.
public enum DatabaseOutage {
    /// SQLSTATEs of a server that is shutting down, starting up or out of connections, and of the
    /// connection exception class (08).
    static let unavailableStates: Set<String> = ["57P01", "57P02", "57P03", "53300", "53400"]

    /// Whether the error says the database was out of reach rather than that a query failed.
    public static func isUnreachable(_ error: any Error) -> Bool {
        switch error {
        case is ConnectionPoolTimeoutError, is NIOConnectionError:
            return true
        case let e as ConnectionPoolError:
            return e == .shutdown
        case let e as PSQLError:
            switch e.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                guard let state = e.serverInfo?[.sqlState] else { return false }
                return state.hasPrefix("08") || unavailableStates.contains(state)
            default:
                return false
            }
        case let e as ChannelError:
            switch e {
            case .connectTimeout, .ioOnClosedChannel, .alreadyClosed, .eof: return true
            default: return false
            }
        case let e as IOError:
            return [ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EPIPE].contains(e.errnoCode)
        default:
            return false
        }
    }

    /// Whether the error says the database itself is gone (not merely that the pool was busy).
    public static func isConnectionLost(_ error: any Error) -> Bool {
        isUnreachable(error) && !(error is ConnectionPoolTimeoutError)
    }

    /// The problem to answer with, or nil for errors that are not about reaching the database.
    public static func appError(_ error: any Error) -> AppError? {
        guard isUnreachable(error) else { return nil }
        if error is ConnectionPoolTimeoutError {
            return AppError(.overloaded, "no database connection came free in time; retry shortly", retryAfter: 1)
        }
        return AppError(.databaseUnavailable, "the database cannot be reached just now; retry shortly", retryAfter: 2)
    }
}
