import ArgumentParser

/// `qx`, the terminal client: thin commands over the generated API client.
@main
struct QX: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qx",
        abstract: "Qianxue (黔学) in the terminal: sign in, browse, and work with the platform.",
        discussion: """
        Start with:  qx login --username YOU
        Then:        qx whoami   ·   qx regions 5203   ·   qx curriculum search 侗族大歌
        Shell completions:  qx --generate-completion-script bash > /etc/bash_completion.d/qx
        """,
        subcommands: [Login.self, Logout.self, WhoAmI.self, Regions.self, Schools.self, School.self, Classes.self, Pilot.self, Roster.self, Students.self,
                      CurriculumCommands.self, Lessons.self, DraftCommands.self, QuizCommands.self, Assign.self, Assignments.self, AssignmentCommands.self, Progress.self,
                      ClassMode.self, Transcripts.self, Flags.self, Chat.self, Assess.self, Literacy.self, Score.self, Next.self, Record.self,
                      ReportCommand.self])
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Server URL (default: the one you signed in to, else http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "Output format: table or json.")
    var output: OutputFormat = .table
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
