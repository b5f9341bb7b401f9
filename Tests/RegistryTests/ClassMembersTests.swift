import Foundation
import QianxueCore
import Registry
import Testing
import TestSupport

/// `classmates` (the companion's one query per turn for the names it redacts) answers what
/// `classIDs` and `memberNames` answer together.
@Suite struct ClassMembersTests {
    @Test(arguments: TestDatabase.engines)
    func classmatesAgreeWithClassIDsAndMemberNames(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            // given: the student in a second class of the school, with another student and the teacher in it too
            let second = try await f.registry.createClass(schoolID: f.zunyiSchool.id, grade: "7", name: "7-5")
            try await f.registry.addMember(classID: second.id, userID: f.zunyiStudent.id, role: .student)
            try await f.registry.addMember(classID: second.id, userID: f.zunyiOtherStudent.id, role: .student)
            try await f.registry.addMember(classID: second.id, userID: f.zunyiTeacher.id, role: .teacher)

            // when
            let members = try await f.registry.classmates(of: f.zunyiStudent.id)

            // then: everyone of both classes in memberNames' order; the teacher (in both) once;
            // nobody of the other school
            let classes = try await f.registry.classIDs(of: f.zunyiStudent.id)
            #expect(classes == [f.zunyiClass.id, second.id])
            let expected = try await f.registry.memberNames(ofClasses: classes)
            #expect(members.map(\.id) == expected.map(\.id))
            #expect(members.map(\.name) == expected.map(\.name))
            #expect(members.map(\.role) == expected.map(\.role))
            #expect(Set(members.map(\.id)) == [f.zunyiStudent.id, f.zunyiOtherStudent.id, f.zunyiTeacher.id])
            #expect(members.filter { $0.id == f.zunyiTeacher.id }.count == 1)
        }
    }

    /// The placeholders of a conversation ([同学A], [同学B], …) follow this order: it must not
    /// change from one turn to the next.
    @Test(arguments: TestDatabase.engines)
    func membersComeInOneOrderByNameThenID(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            // given: classmates added out of the order of their names
            for name in ["赵六", "张三", "李四"] {
                let u = try await f.registry.createUser(NewUser(username: "s.\(name.unicodeScalars.first!.value)", displayName: name,
                                                                role: .student, schoolID: f.zunyiSchool.id), actor: nil)
                try await f.registry.addMember(classID: f.zunyiClass.id, userID: u.id, role: .student)
            }

            // when: asked twice
            let once = try await f.registry.classmates(of: f.zunyiStudent.id).map(\.id)
            let again = try await f.registry.classmates(of: f.zunyiStudent.id)

            // then: the same order, sorted by name
            #expect(once == again.map(\.id))
            #expect(again.map(\.name) == again.map(\.name).sorted())
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aUserInNoClassHasNobodyToRedact(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let none = try await f.registry.classmates(of: f.zunyiOtherStudent.id)
            #expect(none.isEmpty)
        }
    }
}
