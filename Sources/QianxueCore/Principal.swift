import Foundation

/// The signed-in caller as every service sees it: who they are and what anchors their tenancy scope.
public struct Principal: Sendable, Hashable {
    public let userID: UUID
    public let username: String
    public let role: Role
    public let schoolID: UUID?
    public let regionCode: RegionCode?
    public let tokenID: UUID?
    /// The county of the caller's school (its budget and rollups), read with the token.
    public let schoolCounty: RegionCode?
    /// A bureau user scoped to a functional area (`guian`, the Gui'an New Area) instead of a region.
    public let area: String?

    public init(userID: UUID, username: String, role: Role, schoolID: UUID?, regionCode: RegionCode?, tokenID: UUID?,
                schoolCounty: RegionCode? = nil, area: String? = nil) {
        self.schoolCounty = schoolCounty
        self.area = area
        self.userID = userID
        self.username = username
        self.role = role
        self.schoolID = schoolID
        self.regionCode = regionCode
        self.tokenID = tokenID
    }

    /// Throws 403 unless the caller has one of the roles.
    public func require(_ roles: Role..., to action: String) throws {
        guard roles.contains(role) else {
            throw AppError.forbidden("a \(role.rawValue) may not \(action)")
        }
    }
}
