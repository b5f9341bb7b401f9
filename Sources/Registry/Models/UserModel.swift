import FluentKit
import Foundation

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "role") var role: String
    @OptionalField(key: "school_id") var schoolID: UUID?
    @OptionalField(key: "region_code") var regionCode: String?
    /// A bureau user's functional area (`guian`) when they are scoped to one instead of a region.
    @OptionalField(key: "functional_area") var functionalArea: String?
    @OptionalField(key: "grade") var grade: String?
    @OptionalField(key: "birth_date") var birthDate: String?
    @OptionalField(key: "password_hash") var passwordHash: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// Set when the student's data was erased; the row is anonymised then (RegistryService+Erasure).
    @OptionalField(key: "erased_at") var erasedAt: Date?

    init() {}
}

final class AuthTokenModel: Model, @unchecked Sendable {
    static let schema = "auth_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

/// Failed sign-ins per username, in the database so that throttling holds across gateway instances.
final class LoginThrottleModel: Model, @unchecked Sendable {
    static let schema = "login_throttle"

    @ID(custom: "username", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    @Field(key: "window_start") var windowStart: Date
    @OptionalField(key: "locked_until") var lockedUntil: Date?

    init() {}
}

/// A one-time code with which an imported user sets their first password; stored only as a hash.
final class ActivationCodeModel: Model, @unchecked Sendable {
    static let schema = "activation_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
