import FluentKit
import Foundation
import Persistence
import QianxueCore

/// The registry's public face: regions, schools, classes and people, always read through the
/// caller's tenancy scope.
public struct RegistryService: Sendable {
    let database: DatabaseStack
    let audit: AuditLog
    let hasher: any PasswordHasher
    public let regions: RegionDirectory

    public init(database: DatabaseStack, audit: AuditLog, hasher: any PasswordHasher, regions: RegionDirectory) {
        self.database = database
        self.audit = audit
        self.hasher = hasher
        self.regions = regions
    }

    /// The functional-area tag of the Gui'an New Area (贵安新区): on its schools, and on the bureau
    /// users scoped to it (who sign up with `region: guian`).
    public static let guianArea = "guian"

    /// The migrations this module owns.
    public static var migrations: [any Migration] { RegistryMigrations.all }

    /// How many users exist (for the first-start hint).
    public func userCount() async throws -> Int {
        try await UserModel.query(on: database.db).count()
    }
}
