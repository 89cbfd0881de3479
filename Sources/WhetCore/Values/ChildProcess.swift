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

    /// Runs `executable` with `arguments`, `input` on its standard input, for at most `timeout` seconds;
    /// `environment` is added to whet's own, `directory` is where it runs (whet's own when nil).
    ///
    /// On timeout its whole process group is killed (Foundation starts every child as the leader of a group of
    /// its own): a shell command whose `sleep` or `curl` kept the output pipe open would otherwise hold whet
    /// until that program ended by itself.
    public static func run(
        _ executable: String, _ arguments: [String], input: Data = Data(), timeout: Double,
        environment: [String: String] = [:], directory: URL? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let timer = DispatchWorkItem {
            guard process.isRunning else { return }
            if getpgid(process.processIdentifier) == process.processIdentifier {
                kill(-process.processIdentifier, SIGKILL)
            }
            process.terminate()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let errors = Collected()
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async {
            errors.set(stderr.fileHandleForReading.readDataToEndOfFile())
            drained.leave()
        }
        if !input.isEmpty {
            // A program that exits without reading its input closes the pipe: the write fails (EPIPE), which
            // is its business, instead of the signal ending whet.
            ChildProcess.ignoreBrokenPipe()
            try? stdin.fileHandleForWriting.write(contentsOf: input)
        }
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        let timedOut = process.terminationReason == .uncaughtSignal && !timer.isCancelled
        timer.cancel()
        return Outcome(status: process.terminationStatus, stdout: output, stderr: errors.value, timedOut: timedOut)
    }

    /// Makes a write to a closed pipe an error instead of SIGPIPE, once per process.
    private static func ignoreBrokenPipe() { _ = brokenPipeIgnored }
    private static let brokenPipeIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

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
