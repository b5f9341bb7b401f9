/// What a user is to the platform; decides which operations they may call and what their scope is.
public enum Role: String, Sendable, Codable, CaseIterable, Hashable {
    case student
    case teacher
    case schoolAdmin = "school_admin"
    case bureau
    case admin

    /// Roles that belong to a school and need one.
    public var requiresSchool: Bool { self == .student || self == .teacher || self == .schoolAdmin }

    /// Staff roles: every read of a student's data by one of them is audited.
    public var isStaff: Bool { self != .student }
}
