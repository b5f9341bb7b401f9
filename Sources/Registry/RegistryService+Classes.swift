import FluentKit
import Foundation
import Persistence
import QianxueCore
import SQLKit

extension RegistryService {
    public func createClass(schoolID: UUID, grade: String, name: String, academicYear: String? = nil) async throws -> ClassRecord {
        guard try await SchoolModel.find(schoolID, on: database.db) != nil else { throw AppError.notFound("school \(schoolID)") }
        guard let g = Grade(grade) else {
            throw AppError.validation("grade '\(grade)' is not one of 1…12, V1…V3, H1…H4", field: "grade")
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(trimmed.count) else {
            throw AppError.validation("the class name must have 1–100 characters", field: "name")
        }
        let year = academicYear ?? ClassRecord.schoolYear(of: Date())
        let parts = year.split(separator: "-")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), b == a + 1, (2000...2100).contains(a) else {
            throw AppError.validation("academicYear '\(year)' is not a school year such as 2026-2027", field: "academicYear")
        }
        if try await ClassModel.query(on: database.db).filter(\.$schoolID == schoolID).filter(\.$name == trimmed)
            .filter(\.$academicYear == year).first() != nil {
            throw AppError.conflict("the school already has a class named '\(trimmed)' in \(year)")
        }
        let m = ClassModel()
        m.schoolID = schoolID
        m.grade = g.rawValue
        m.name = trimmed
        m.academicYear = year
        m.createdAt = Date()
        try await m.create(on: database.db)
        return ClassRecord(m)
    }

    public func schoolClass(_ id: UUID) async throws -> ClassRecord? {
        try await ClassModel.find(id, on: database.db).map(ClassRecord.init)
    }

    /// A class the caller may see: its own teachers and students, the school's admins, bureau users
    /// above the school, admins. Anything else is 404.
    public func visibleClass(_ id: UUID, to p: Principal) async throws -> ClassRecord {
        guard let c = try await schoolClass(id) else { throw AppError.notFound("class \(id)") }
        let visible: Bool
        switch try await scope(of: p) {
        case .everything: visible = true
        case .school(let sid): visible = c.schoolID == sid
        case .teacher(_, let classes), .student(_, let classes): visible = classes.contains(id)
        case .region(let code):
            visible = try await school(c.schoolID).map { code.contains($0.countyCode) } ?? false
        case .area(let area):
            visible = try await school(c.schoolID).map { $0.functionalArea == area } ?? false
        }
        guard visible else { throw AppError.notFound("class \(id)") }
        return c
    }

    /// A class the caller teaches or runs — its own teachers, its school's admins, platform admins —
    /// for work on the class (assignments, class mode, assessment windows); 404 for anyone else.
    public func classTaught(_ id: UUID, by p: Principal) async throws -> ClassRecord {
        guard let c = try await schoolClass(id) else { throw AppError.notFound("class \(id)") }
        switch try await scope(of: p) {
        case .everything: return c
        case .school(let sid) where sid == c.schoolID: return c
        case .teacher(_, let classes) where classes.contains(id): return c
        default: throw AppError.notFound("class \(id)")
        }
    }

    /// Puts a teacher or student into a class of their own school. A student with no grade takes the class's.
    public func addMember(classID: UUID, userID: UUID, role: Role) async throws {
        guard role == .teacher || role == .student else {
            throw AppError.validation("a class member is a teacher or a student", field: "role")
        }
        guard let cls = try await ClassModel.find(classID, on: database.db) else { throw AppError.notFound("class \(classID)") }
        guard let user = try await UserModel.find(userID, on: database.db) else { throw AppError.notFound("user \(userID)") }
        guard user.role == role.rawValue else {
            throw AppError.validation("user \(user.username) is a \(user.role), not a \(role.rawValue)", field: "role")
        }
        guard user.schoolID == cls.schoolID else {
            throw AppError.validation("user \(user.username) does not belong to the class's school", field: "userId")
        }
        if try await MembershipModel.query(on: database.db).filter(\.$userID == userID).filter(\.$classID == classID).first() != nil {
            return
        }
        let m = MembershipModel()
        m.userID = userID
        m.classID = classID
        m.role = role.rawValue
        m.createdAt = Date()
        try await database.db.transaction { db in
            try await m.create(on: db)
            if role == .student, user.grade == nil {
                user.grade = cls.grade
                user.updatedAt = Date()
                try await user.update(on: db)
                try await Rollups().recountEnrolment(schools: [cls.schoolID], on: db as! any SQLDatabase)
            }
        }
    }

    /// The classes a user is a member of.
    public func classIDs(of userID: UUID) async throws -> Set<UUID> {
        Set(try await MembershipModel.query(on: database.db).filter(\.$userID == userID).all().map(\.classID))
    }

    /// The members of the classes with a role.
    public func members(ofClasses classIDs: Set<UUID>, role: Role) async throws -> Set<UUID> {
        guard !classIDs.isEmpty else { return [] }
        return Set(try await MembershipModel.query(on: database.db).filter(\.$classID ~~ Array(classIDs))
            .filter(\.$role == role.rawValue).all().map(\.userID))
    }

    /// The display names of everyone in the classes, with their role (for redacting names before text leaves the platform).
    public func memberNames(ofClasses classIDs: Set<UUID>) async throws -> [(id: UUID, name: String, role: Role)] {
        guard !classIDs.isEmpty else { return [] }
        // One query of three columns: the companion asks on every turn, and loading whole models
        // (Fluent reads its properties by reflection) was most of a turn's time.
        let rows = try await database.sql.select().distinct()
            .column(SQLColumn("id", table: "u")).column(SQLColumn("display_name", table: "u")).column(SQLColumn("role", table: "u"))
            .from(SQLAlias(SQLIdentifier(MembershipModel.schema), as: SQLIdentifier("m")))
            .join(SQLAlias(SQLIdentifier(UserModel.schema), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "m"))
            .where(SQLColumn("class_id", table: "m"), .in, SQLBind.group(Array(classIDs)))
            .orderBy(SQLColumn("display_name", table: "u")).orderBy(SQLColumn("id", table: "u"))
            .all()
        return try rows.compactMap { row in
            guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
            return (try row.decode(column: "id", as: UUID.self), try row.decode(column: "display_name", as: String.self), role)
        }
    }

    /// Everyone in the classes a user is a member of (the user too), as `memberNames` gives them —
    /// each once, by name then id — in one query. The companion asks on every turn: each person is
    /// read once (not once per shared class) and sorted here, not by the database's collation.
    public func classmates(of userID: UUID) async throws -> [(id: UUID, name: String, role: Role)] {
        let rows = try await database.sql.raw("""
            SELECT u.id, u.display_name, u.role FROM \(ident: UserModel.schema) u
            WHERE u.id IN (SELECT m.user_id FROM \(ident: MembershipModel.schema) m WHERE m.class_id IN (\(Self.classIDsQuery(of: userID))))
            """).all()
        var members: [(id: UUID, name: String, role: Role)] = try rows.compactMap { row in
            guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
            return (try row.decode(column: "id", as: UUID.self), try row.decode(column: "display_name", as: String.self), role)
        }
        members.sort { a, b in a.name != b.name ? a.name < b.name : a.id.uuidString < b.id.uuidString }
        return members
    }

    /// Display names by user id.
    public func displayNames(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.sql.select().column("id").column("display_name").from(UserModel.schema)
            .where("id", .in, SQLBind.group(Array(ids))).all()
        return Dictionary(try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "display_name", as: String.self)) },
                          uniquingKeysWith: { a, _ in a })
    }

    /// How many teachers and students a class has.
    public func memberCounts(_ classIDs: [UUID]) async throws -> [UUID: (teachers: Int, students: Int)] {
        guard !classIDs.isEmpty else { return [:] }
        var out: [UUID: (teachers: Int, students: Int)] = [:]
        for m in try await MembershipModel.query(on: database.db).filter(\.$classID ~~ classIDs).all() {
            var c = out[m.classID] ?? (0, 0)
            if m.role == Role.teacher.rawValue { c.teachers += 1 } else { c.students += 1 }
            out[m.classID] = c
        }
        return out
    }

    /// A school's classes, by grade and name (staff of the school, bureau users above it, admins).
    public func listClasses(schoolID: UUID, for p: Principal, page: PageQuery) async throws -> ListPage<ClassRecord> {
        _ = try await visibleSchool(schoolID, to: p)
        return try await pageOfClasses(ClassModel.query(on: database.db).filter(\.$schoolID == schoolID), page: page)
    }

    /// The classes the caller teaches or is in.
    public func myClasses(_ p: Principal, page: PageQuery) async throws -> ListPage<ClassRecord> {
        let ids = Array(try await classIDs(of: p.userID))
        guard !ids.isEmpty else { return ListPage(items: [], nextPageToken: nil) }
        return try await pageOfClasses(ClassModel.query(on: database.db).filter(\.$id ~~ ids), page: page)
    }

    private func pageOfClasses(_ query: QueryBuilder<ClassModel>, page: PageQuery) async throws -> ListPage<ClassRecord> {
        var q = query
        if let after = page.after {
            guard let lastID = UUID(uuidString: after) else {
                throw AppError.validation("pageToken is not a token this server issued", field: "pageToken")
            }
            q = q.filter(\.$id > lastID)
        }
        // Keyset on the id keeps paging stable; each page is then shown by grade and name.
        let rows = try await q.sort(\.$id).limit(page.size + 1).all()
        let items = rows.prefix(page.size).map(ClassRecord.init)
        let next = rows.count > page.size ? items.last.map { PageQuery.token(after: $0.id.uuidString) } : nil
        return ListPage(items: items.sorted { ($0.grade, $0.name) < ($1.grade, $1.name) }, nextPageToken: next)
    }

    /// The students of a class, for its teachers, the school's admins and admins. Audited.
    public func classStudents(_ classID: UUID, for p: Principal, page: PageQuery, requestID: String?) async throws -> ListPage<UserRecord> {
        let c = try await visibleClass(classID, to: p)
        switch p.role {
        case .admin: break
        case .schoolAdmin where p.schoolID == c.schoolID: break
        case .teacher where try await classIDs(of: p.userID).contains(classID): break
        default: throw AppError.forbidden("only the class's teachers and the school's admins may list its students")
        }
        let studentIDs = try await MembershipModel.query(on: database.db).filter(\.$classID == classID)
            .filter(\.$role == Role.student.rawValue).all().map(\.userID)
        guard !studentIDs.isEmpty else { return ListPage(items: [], nextPageToken: nil) }
        var q = UserModel.query(on: database.db).filter(\.$id ~~ studentIDs)
        if let after = page.after { q = q.filter(\.$username > after) }
        let rows = try await q.sort(\.$username).limit(page.size + 1).all()
        let items = rows.prefix(page.size).map(UserRecord.init)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "student.list", targetType: "class",
                                          targetID: classID.uuidString, purpose: "roster", requestID: requestID,
                                          detail: "students=\(items.count)"))
        let next = rows.count > page.size ? items.last.map { PageQuery.token(after: $0.username) } : nil
        return ListPage(items: Array(items), nextPageToken: next)
    }
}
