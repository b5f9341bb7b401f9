import ArgumentParser
import Foundation
import Gateway
import QianxueCore
import Registry

struct Schools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage schools.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a school in a county.",
            discussion: "Example: qianxue schools create --name '遵义市示范中学' --county 520302")

        @Option(help: "The school's name.") var name: String
        @Option(help: "The county's GB/T 2260 code (6 digits).") var county: String
        @Option(help: "A functional-area tag, e.g. guian for Gui'an New Area.") var functionalArea: String?
        @Option(help: "Stages offered, comma-separated: primary,junior,senior,vocational,higher.") var stages = "primary"
        @Option(help: "urban or rural.") var locale = "urban"
        @Option(help: "Number of students enrolled.") var enrolment: Int?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let parsed = try stages.split(separator: ",").map { s -> SchoolStage in
                guard let v = SchoolStage(rawValue: s.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--stages: '\(s)' is not one of \(SchoolStage.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return v
            }
            guard let loc = SchoolLocale(rawValue: locale) else { throw ValidationError("--locale must be urban or rural") }
            let s = try await CLI.withPlatform(flags: database.flags) { p in
                try await p.registry.createSchool(SchoolProfile(name: name, county: county, stages: parsed, functionalArea: functionalArea,
                                                                locale: loc, enrolment: enrolment))
            }
            print("created school \(s.name) in \(s.countyCode) id \(s.id.uuidString.lowercased())")
        }
    }
}

struct Classes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage classes.", subcommands: [Create.self, AddMember.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a class in a school.",
            discussion: "Example: qianxue classes create --school 6f1c… --grade 7 --name 7-2")

        @Option(help: "School ID.") var school: String
        @Option(help: "Grade: 1…12, V1…V3, H1…H4.") var grade: String
        @Option(help: "The class's name, e.g. 7-2.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let schoolID = try uuid(school, "--school")
            let c = try await CLI.withPlatform(flags: database.flags) { p in
                try await p.registry.createClass(schoolID: schoolID, grade: grade, name: name)
            }
            print("created class \(c.name) (grade \(c.grade)) id \(c.id.uuidString.lowercased())")
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a teacher or student into a class.",
            discussion: "Example: qianxue classes add-member --class 1d2e… --user 9a8b… --role student")

        @Option(name: .customLong("class"), help: "Class ID.") var classID: String
        @Option(help: "User ID.") var user: String
        @Option(help: "teacher | student") var role: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let cid = try uuid(classID, "--class")
            let uid = try uuid(user, "--user")
            guard let r = Role(rawValue: role), r == .teacher || r == .student else {
                throw ValidationError("--role must be teacher or student")
            }
            try await CLI.withPlatform(flags: database.flags) { p in
                try await p.registry.addMember(classID: cid, userID: uid, role: r)
            }
            print("added \(r.rawValue) \(user) to class \(classID)")
        }
    }
}

func uuid(_ s: String, _ flag: String) throws -> UUID {
    guard let id = UUID(uuidString: s) else { throw ValidationError("\(flag) '\(s)' is not an ID (a UUID)") }
    return id
}
