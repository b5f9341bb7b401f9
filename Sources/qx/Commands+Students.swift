import ArgumentParser
import Foundation
import QianxueAPI

struct Students: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A student's data, as their school's admin.", subcommands: [Erase.self])

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a student's data on a guardian's request (cannot be undone).",
            discussion: """
            Removes the student's chats, assessment answers, quiz submissions, consents, safety flags and \
            class memberships, and anonymises their account (nobody can sign in as it). The regional \
            reports' counts stay. Prints what was erased, by kind, to tell the guardian.
            Example: qx students erase 6f1c2a90-… --reference 2026-GR-0042
            """)

        @Argument(help: "The student's ID.") var id: String
        @Option(help: "The guardian's request as the school files it (e.g. the signed form's number); goes into the audit trail.")
        var reference: String
        @Flag(help: "Do not ask before erasing.") var yes = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            if !yes {
                let answer = try Prompt.ask("Erase every record of student \(id)? This cannot be undone. Type 'erase' to go on: ")
                guard answer.trimmingCharacters(in: .whitespaces) == "erase" else { throw QXError("nothing was erased") }
            }
            let session = try Session(options)
            let erasure: Components.Schemas.StudentErasure
            switch try await session.call({
                try await session.client.eraseStudentData(path: .init(id: id), query: .init(requestReference: reference))
            }) {
            case .ok(let ok): erasure = try ok.body.json
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
            if options.output == .json { return try printJSON(erasure) }
            print("Erased the data of student \(erasure.studentId) (request \(erasure.requestReference)):")
            printTable(["records", "", "count"], erasure.records.map { [$0.kind, $0.action.rawValue, String($0.count)] })
        }
    }
}
