import Foundation
import XCTest

/// A private tmux server running one command in a pane of a given size: keys go in with `send-keys`, the
/// screen comes back with `capture-pane`, as a person at a terminal would see it.
final class TmuxSession {
    let socket = "whet-e2e-\(UUID().uuidString.prefix(8))"
    let exitFile = FileManager.default.temporaryDirectory.appendingPathComponent("whet-exit-\(UUID().uuidString)")

    /// Starts `arguments` (the whet binary and its arguments) in `directory`.
    init(
        _ arguments: [String], in directory: URL, width: Int = 100, height: Int = 30,
        environment: [String: String] = [:]
    ) throws {
        let quoted = arguments.map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
        let command = "cd '\(directory.path)' && \(quoted); echo $? > '\(exitFile.path)'; sleep 600"
        var tmuxArguments = [
            "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)",
            "-e", "LANG=C.UTF-8", "-e", "TERM=xterm-256color",
        ]
        for (key, value) in environment { tmuxArguments += ["-e", "\(key)=\(value)"] }
        try tmux(tmuxArguments + [command], capture: false)
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Types keys (tmux key names such as `C-r`, `Enter`, `F1`).
    func send(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    /// Types text literally (CJK included).
    func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

    /// The screen as text.
    func screen() throws -> String { try tmux(["capture-pane", "-p"]) }

    /// Resizes the terminal; the program gets SIGWINCH.
    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until the screen satisfies `condition` (polling, never a fixed sleep); fails with the screen.
    @discardableResult
    func waitFor(
        _ description: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line,
        _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(description); screen:\n\(last)", file: file, line: line)
        return last
    }

    /// Waits for the screen to contain `text`.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) throws
        -> String
    {
        try waitFor("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    /// The program's exit status once it has exited.
    func exitStatus(timeout: TimeInterval = 10) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: exitFile, encoding: .utf8),
                let status = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return status
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Runs tmux through the C library (popen / system) rather than Foundation's Process, whose exit
    /// detection waits on a descriptor that the daemonised tmux server inherits and never closes.
    @discardableResult
    private func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        let command = (["tmux", "-L", socket] + arguments).map {
            "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'"
        }.joined(separator: " ")
        guard capture else {
            _ = system(command + " >/dev/null 2>&1")
            return ""
        }
        guard let pipe = popen(command + " 2>/dev/null", "r") else { return "" }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        pclose(pipe)
        return String(decoding: output, as: UTF8.self)
    }
}
