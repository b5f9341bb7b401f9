import FluentKit
import Logging

/// The ordered list of migrations; each module contributes its own, in dependency order.
public struct MigrationList: Sendable {
    public var migrations: [any Migration]

    public init(_ migrations: [any Migration] = []) { self.migrations = migrations }

    public mutating func add(_ more: [any Migration]) { migrations.append(contentsOf: more) }
}

extension DatabaseStack {
    /// Applies every pending migration; returns how many ran.
    @discardableResult
    public func migrate(_ list: MigrationList, logger: Logger) async throws -> Int {
        let migrations = Migrations()
        migrations.add(list.migrations)
        let migrator = makeMigrator(migrations, logger: logger)
        try await migrator.setupIfNeeded().get()
        let pending = try await migrator.previewPrepareBatch().get()
        try await migrator.prepareBatch().get()
        return pending.count
    }

    /// Reverts the last batch of migrations; returns how many were reverted.
    @discardableResult
    public func revertLastBatch(_ list: MigrationList, logger: Logger) async throws -> Int {
        let migrations = Migrations()
        migrations.add(list.migrations)
        let migrator = makeMigrator(migrations, logger: logger)
        try await migrator.setupIfNeeded().get()
        let last = try await migrator.previewRevertLastBatch().get()
        try await migrator.revertLastBatch().get()
        return last.count
    }
}

extension DatabaseStack {
    func makeMigrator(_ migrations: Migrations, logger: Logger) -> Migrator {
        Migrator(databases: databases, migrations: migrations, logger: logger, on: group.any())
    }
}
