import ArgumentParser
import Foundation
import QianxueAPI

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in and remember the token.",
        discussion: "Example: qx login --username teacher01   (asks for the password without echo)")

    @Option(help: "Your username (asked for when missing).") var username: String?
    @Flag(help: "Read the password from standard input instead of asking.") var passwordStdin = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let user = try username ?? Prompt.ask("Username: ")
        let password = passwordStdin ? (readLine(strippingNewline: true) ?? "") : try Prompt.ask("Password: ", secret: true)
        let session = try Session(options, requireToken: false)
        let out = try await session.call { try await session.client.login(body: .json(.init(username: user, password: password))) }
        switch out {
        case .ok(let ok):
            let body = try ok.body.json
            var config = session.config
            config.server = session.server
            config.token = body.token
            config.username = body.user.username
            try config.save()
            if options.output == .json { try printJSON(body.user) } else {
                print("Signed in to \(session.server) as \(body.user.displayName) (\(body.user.role.rawValue)); the session lasts until \(body.expiresAt.formatted(date: .abbreviated, time: .shortened)).")
            }
        case .default(let status, let problem):
            throw QXError(problem: problem, status: status, signingIn: true)
        }
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign out: revoke the token and forget it.", discussion: "Example: qx logout")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        let out = try await session.call { try await session.client.logout() }
        var config = session.config
        config.token = nil
        try config.save()
        switch out {
        case .noContent: print("Signed out.")
        case .default(let status, _) where status == 401: print("Signed out (the token had already expired).")
        case .default(let status, let problem): throw QXError(problem: problem, status: status)
        }
    }
}

struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show who you are signed in as.", discussion: "Example: qx whoami --output json")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let session = try Session(options)
        switch try await session.call({ try await session.client.getMe() }) {
        case .ok(let ok):
            let me = try ok.body.json
            if options.output == .json { return try printJSON(me) }
            var rows = [["username", me.username], ["name", me.displayName], ["role", me.role.rawValue], ["id", me.id]]
            if let s = me.schoolId { rows.append(["school", s]) }
            if let r = me.regionCode { rows.append(["region", r]) }
            if let g = me.grade { rows.append(["grade", g + (me.band.map { " (\($0.rawValue))" } ?? "")]) }
            rows.append(["server", session.server])
            printTable(["", ""], rows)
        case .default(let status, let problem):
            throw QXError(problem: problem, status: status)
        }
    }
}
