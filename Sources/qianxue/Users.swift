import ArgumentParser
import Foundation
import Gateway
import QianxueCore
import Registry

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create users and reset passwords (works while the server runs).",
        subcommands: [Create.self, SetPassword.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user.",
            discussion: "Example: echo 'a long secret' | qianxue users create --username admin --role admin --password-stdin")

        @Option(help: "3–64 characters of a-z 0-9 . _ -") var username: String
        @Option(help: "student | teacher | school_admin | bureau | admin") var role: String
        @Option(help: "Display name (default: the username).") var displayName: String?
        @Option(help: "School ID (students, teachers, school admins).") var school: String?
        @Option(help: "Region code (bureau users), e.g. 5203.") var region: String?
        @Option(help: "Grade of a student: 1…12, V1…V3, H1…H4.") var grade: String?
        @Option(help: "Birth date of a student, YYYY-MM-DD.") var birthDate: String?
        @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let r = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let schoolID = try school.map { s -> UUID in
                guard let id = UUID(uuidString: s) else { throw ValidationError("--school '\(s)' is not a school ID (a UUID)") }
                return id
            }
            let password = passwordStdin ? try readPassword() : nil
            let user = try await CLI.withPlatform(flags: database.flags) { p in
                try await p.registry.createUser(NewUser(username: username, displayName: displayName, role: r, schoolID: schoolID,
                                                        regionCode: region, grade: grade, birthDate: birthDate, password: password),
                                                actor: nil)
            }
            print("created \(user.role.rawValue) \(user.username) id \(user.id.uuidString.lowercased())\(password == nil ? " (no password yet: use set-password)" : "")")
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password and sign them out everywhere.",
            discussion: "Example: echo 'a new long secret' | qianxue users set-password --username admin --password-stdin")

        @Option var username: String
        @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard passwordStdin else { throw ValidationError("pass --password-stdin and the password on standard input") }
            let password = try readPassword()
            try await CLI.withPlatform(flags: database.flags) { p in
                try await p.accounts.setPassword(username: username, password: password)
            }
            print("password set for \(username); their sessions were revoked")
        }
    }
}

/// One line from standard input, without its line ending.
func readPassword() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no password on standard input")
    }
    return line
}
