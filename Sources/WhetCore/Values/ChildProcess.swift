import Foundation

/// Runs another program to completion and collects what it wrote: the document loaders (`pdftotext`,
/// `pandoc`, a user's own command) and the script assertions. Standard error is drained on its own thread
/// (a program that writes a lot there must not block on a full pipe), and a program still running after
/// `timeout` is stopped, so one stuck converter cannot hang an index.
public enum ChildProcess {
    /// How a run ended.
    public struct Outcome: Sendable {
        /// The exit status (or the signal's number when it was killed).
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        /// True when it was stopped for running longer than the limit.
        public var timedOut: Bool

        /// The last non-empty line of standard error: what a failing tool usually says.
        public var lastErrorLine: String? {
            String(decoding: stderr, as: UTF8.self).split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }
                .map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Runs `executable` with `arguments`, `input` on its standard input, for at most `timeout` seconds.
    public static func run(_ executable: String, _ arguments: [String], input: Data = Data(), timeout: Double)
        throws -> Outcome
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let errors = Collected()
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async {
            errors.set(stderr.fileHandleForReading.readDataToEndOfFile())
            drained.leave()
        }
        if !input.isEmpty { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        let timedOut = process.terminationReason == .uncaughtSignal && !timer.isCancelled
        timer.cancel()
        return Outcome(status: process.terminationStatus, stdout: output, stderr: errors.value, timedOut: timedOut)
    }

    /// The full path of `name` on `PATH`, or nil when it is not installed.
    public static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Bytes read on another thread, handed over under a lock.
    private final class Collected: @unchecked Sendable {
        // @unchecked: `data` is guarded by `lock`.
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { lock.withLock { data = value } }
        var value: Data { lock.withLock { data } }
    }
}
