import Foundation
import WhetTestSupport
import XCTest

/// Runs the real `whet` binary (built by `swift build`) in a child process and captures what a user would see.
struct WhetProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = DemoWorkspace.packageRoot

    /// The cells of `whet eval --json`'s output (the object's `results`).
    static func evalCells(_ json: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try XCTUnwrap(object?["results"] as? [[String: Any]], "not an eval's JSON: \(json.prefix(200))")
    }

    /// The built binary next to this test bundle.
    static var binary: URL {
        let bundleDirectory = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("whet"),
            packageRoot.appendingPathComponent(".build/debug/whet"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws
        -> Result
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts the binary (or `executable`) in the background with its output (both streams) going to `log`:
    /// a long-running command (`whet index --watch`, a script of runs) another process works beside.
    static func start(
        _ arguments: [String], log: URL, executable: URL? = nil, environment extra: [String: String] = [:]
    ) throws -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// A fresh copy of the demo workspace (without its derived data or sessions) in a temporary directory.
    static func copyOfDemo() throws -> URL { try DemoWorkspace.copy() }
}
