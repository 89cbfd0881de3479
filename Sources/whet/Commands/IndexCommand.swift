import ArgumentParser
import Foundation
import WhetCore

/// `whet index`: bring `.whet/index.sqlite` up to date with the corpus.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index the corpus for retrieval (only files that changed are re-read).",
        discussion: "The index lives in .whet/index.sqlite and can always be rebuilt; --rebuild starts it afresh.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Delete the index and build it from scratch.")
    var rebuild = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            try workspace.requireWritable(for: "writing the index to .whet/")
            // Embeddings stay cached by content, so --rebuild costs no embedding calls.
            let (index, report) = try workspace.openIndex(
                rebuild: rebuild,
                waitingFor: { holder in
                    Terminal.note(
                        "waiting for \(holder.map(\.description) ?? "another whet process") to finish updating the index…"
                    )
                },
                progress: { done, total, path in
                    Terminal.progress("indexing \(done)/\(total) \(path)")
                })
            Terminal.clearProgress()
            for warning in report.warnings { Terminal.warn(warning.description) }
            let counts = try index.counts()
            var summary =
                "indexed \(report.filesSeen) files: \(report.added) added, \(report.updated) updated, "
                + "\(report.unchanged) unchanged, \(report.removed) removed; \(report.chunksWritten) chunks written, "
                + "\(counts.chunks) in the index; \(String(format: "%.2f", report.seconds)) s"
            if report.rebuilt { summary += " (chunk settings changed: rebuilt)" }
            if report.ignored > 0 { summary += "; \(report.ignored) files of other types ignored" }
            if !report.skippedFiles.isEmpty { summary += "; \(report.skippedFiles.count) skipped" }
            Terminal.write(summary + "\n")
            if !report.filesByType.isEmpty {
                let types = report.filesByType.keys.sorted {
                    (report.filesByType[$1] ?? 0, $0) < (report.filesByType[$0] ?? 0, $1)
                }
                Terminal.write(
                    "by type: "
                        + types.map { "\($0.isEmpty ? "(none)" : $0) \(report.filesByType[$0] ?? 0)" }.joined(
                            separator: " · ")
                        + "\n")
            }
            if !report.skippedFiles.isEmpty {
                Terminal.write("skipped: \(report.skippedFiles.joined(separator: ", "))\n")
            }
            let started = Date()
            if let (dense, embedded) = try await workspace.openDense(
                lexical: index,
                progress: { done, total in
                    Terminal.progressBar("embedding", done: done, total: total, started: started)
                })
            {
                Terminal.clearProgress()
                Terminal.write(
                    "embeddings (\(dense.model)): \(embedded.embedded) embedded, \(embedded.reused) from cache; "
                        + "\(dense.vectorCount) vectors; \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n"
                )
            }
        }
    }
}
