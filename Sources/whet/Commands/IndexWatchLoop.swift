import Foundation
import WhetCore

/// `whet index --watch`: keeps the index up to date while it runs, and keeps the corpus journal that lets
/// every search (here or in another process) compare only what changed. Each batch of changes is indexed a
/// moment after the last of them (an editor's save is several events), one line a batch.
struct IndexWatchLoop {
    let workspace: Workspace
    /// How long the corpus must stay still before a batch is indexed.
    static let settle = Duration.milliseconds(300)
    /// How often the corpus is compared when this process does not hear of changes itself (another
    /// process watches, or watching is not possible here).
    static let pollEvery = Duration.seconds(2)

    /// Runs until the process is interrupted.
    func run() async throws {
        var watcher = CorpusWatcher(workspace: workspace)
        defer { watcher.stop() }
        let corpus = workspace.display(workspace.corpusDirectory)
        var said: CorpusWatcher.State?
        var indexedAt = watcher.changesSeen
        var lastPoll = ContinuousClock.now
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let state = watcher.state
            if state != said, state != .starting {
                Terminal.note(Self.describe(state, corpus: corpus))
                said = state
            }
            switch state {
            case .starting, .stopped:
                continue
            case .watching:
                let seen = watcher.changesSeen
                guard seen != indexedAt else { continue }
                // Wait for the corpus to settle: no new change for `settle`.
                var last = seen
                while true {
                    try await Task.sleep(for: Self.settle)
                    let now = watcher.changesSeen
                    if now == last { break }
                    last = now
                }
                indexedAt = last
            case .elsewhere, .unavailable:
                guard ContinuousClock.now - lastPoll >= Self.pollEvery else { continue }
                lastPoll = ContinuousClock.now
                if case .elsewhere = state, !CorpusWatcher.isWatched(workspace) {
                    // The process that watched ended: this one takes the watch over.
                    watcher.stop()
                    watcher = CorpusWatcher(workspace: workspace)
                    indexedAt = watcher.changesSeen
                }
            }
            do {
                try await indexOnce()
            } catch {
                // The corpus moved away for a moment, a file could not be read: said, and tried again.
                Terminal.warn("\(error)")
            }
        }
    }

    /// Brings the index (and the embeddings, when an embedder is set) up to date; one line when something
    /// changed.
    private func indexOnce() async throws {
        let (index, report) = try workspace.openIndex(waitingFor: { holder in
            Terminal.note("waiting for \(holder.map(\.description) ?? "another whet process") to finish updating…")
        })
        for warning in report.warnings { Terminal.warn(warning.description) }
        let moved = report.added + report.updated + report.removed
        if let (_, embedded) = try await workspace.openDense(lexical: index, progress: nil), embedded.embedded > 0 {
            Terminal.write("\(Self.clock()) embedded \(embedded.embedded) chunk(s)\n")
        }
        guard moved > 0 else { return }
        Terminal.write(
            "\(Self.clock()) indexed: \(report.added) added, \(report.updated) updated, \(report.removed) removed; "
                + "\(report.chunksWritten) chunks written; \(String(format: "%.2f", report.seconds)) s\n")
    }

    /// The watch's state as a line for the terminal.
    static func describe(_ state: CorpusWatcher.State, corpus: String) -> String {
        switch state {
        case .starting: return "setting up the watch of \(corpus)…"
        case .watching(let directories):
            return "watching \(corpus) (\(directories) folder\(directories == 1 ? "" : "s")) for changes; Ctrl-C stops"
        case .elsewhere(let holder):
            return "\(holder) already watches \(corpus); checking for changes every 2 s through its journal"
        case .unavailable(let reason):
            return "not watching \(corpus): \(reason); comparing it file by file every 2 s"
        case .stopped: return "stopped watching \(corpus)"
        }
    }

    private static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}
