import Foundation
import WhetCore

/// Where a background run leaves what it produced, for the UI loop to pick up once per frame. Collecting
/// deltas here instead of redrawing per token is what keeps a fast stream from flooding the terminal.
final class StreamInbox: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `lock`.
    private let lock = NSLock()
    private var text = ""
    private var firstTokenAt: Date? = nil
    private var finished: Result<RunRecord, Error>? = nil
    private var latestNote: String? = nil

    /// Records a status note such as "retrying in 2 s (429)" (called from the run's task).
    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        latestNote = text
    }

    /// Adds streamed text (called from the run's task).
    func append(_ delta: String) {
        lock.lock()
        defer { lock.unlock() }
        if firstTokenAt == nil { firstTokenAt = Date() }
        text += delta
    }

    /// Records the end of the run (called from the run's task).
    func finish(_ result: Result<RunRecord, Error>) {
        lock.lock()
        defer { lock.unlock() }
        finished = result
    }

    /// Takes everything collected since the last call.
    func drain() -> (text: String, firstToken: Date?, finished: Result<RunRecord, Error>?, note: String?) {
        lock.lock()
        defer { lock.unlock() }
        let result = (text, firstTokenAt, finished, latestNote)
        text = ""
        finished = nil
        latestNote = nil
        return result
    }
}
