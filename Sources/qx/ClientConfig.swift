import Foundation

/// What `qx` remembers between runs: the server and the token, in the user's config folder, 0600.
struct ClientConfig: Codable {
    var server: String?
    var token: String?
    var username: String?

    static var directory: URL {
        if let xdg = ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("qx")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/qx")
    }

    static var file: URL { directory.appendingPathComponent("config.json") }

    static func load() -> ClientConfig {
        guard let data = try? Data(contentsOf: file), let c = try? JSONDecoder().decode(ClientConfig.self, from: data) else {
            return ClientConfig()
        }
        return c
    }

    func save() throws {
        let fm = FileManager.default
        try fm.createDirectory(at: Self.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        // Create with 0600 before writing, so the token is never readable by others, not even briefly.
        let path = Self.file.path
        if !fm.fileExists(atPath: path) {
            fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try data.write(to: Self.file)
    }

    /// The server to talk to: the flag, else the remembered one, else the local default.
    func serverURL(_ flag: String?) -> String {
        flag ?? server ?? "http://127.0.0.1:8080"
    }
}
