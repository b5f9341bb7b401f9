import QianxueCore

/// An authenticated caller: who they are for every service (`principal`) and their own record.
public struct Caller: Sendable {
    public let principal: Principal
    public let user: UserRecord
}
