import Foundation
import QianxueCore

/// Usernames: 3–64 characters of `a-z 0-9 . _ -`, compared without case.
enum UsernameRule {
    static func normalise(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces).lowercased() }

    static func check(_ s: String) throws -> String {
        let u = normalise(s)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (3...64).contains(u.count), u.allSatisfy({ allowed.contains($0) }) else {
            throw AppError.validation("username must be 3–64 characters of a-z, 0-9, '.', '_' or '-'", field: "username")
        }
        return u
    }
}

/// Passwords: at least 10 characters, not the username, not a single repeated character.
enum PasswordRule {
    static func check(_ p: String, username: String, field: String) throws {
        guard p.count >= 10 else { throw AppError.validation("the password must have at least 10 characters", field: field) }
        guard p.count <= 128 else { throw AppError.validation("the password must have at most 128 characters", field: field) }
        guard p.lowercased() != username.lowercased() else {
            throw AppError.validation("the password must not be the username", field: field)
        }
        guard Set(p).count > 2 else { throw AppError.validation("the password is too simple", field: field) }
    }
}

/// Birth dates are `YYYY-MM-DD`, a real date, not in the future.
enum BirthDateRule {
    static func check(_ s: String) throws -> String {
        guard PlatformCalendar.parseDay(s) != nil else {
            throw AppError.validation("birthDate '\(s)' is not a date of the form YYYY-MM-DD", field: "birthDate")
        }
        guard s <= PlatformCalendar.day(of: Date()) else {
            throw AppError.validation("birthDate '\(s)' lies in the future", field: "birthDate")
        }
        return s
    }
}
