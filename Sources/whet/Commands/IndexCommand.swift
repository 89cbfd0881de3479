import ArgumentParser
import Foundation
import WhetCore

/// `whet index`: bring `.whet/index.sqlite` up to date with the corpus.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index the corpus for retrieval (only files that changed are re-read).",
        discussion: """
            The index lives in .whet/index.sqlite and can always be rebuilt; --rebuild starts it afresh. With \
            [store] url (or --store) it lives in a shared PostgreSQL store: only the documents of this corpus are \
            added or updated there, and documents others indexed stay unless --prune is given.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Delete the index and build it from scratch.")
    var rebuild = false

    @Option(help: "Index into this PostgreSQL store (postgresql://user@host:5432/db) instead of [store] url.")
    var store: String?

    @Flag(help: "In a shared store, also remove documents others indexed that this corpus does not have.")
    var prune = false

    @Flag(
        help: """
            After indexing, keep running: index each change as it happens, and keep the journal that spares every \
            search a check of every file (Ctrl-C stops).
            """)
    var watch = false

    @Flag(
        help:
            "Copy this workspace's local index (.whet/index.sqlite) into the store as it is, without re-reading the corpus."
    )
    var fromLocal = false

    func run() async throws {
        try await reportingErrors {
            var workspace = try global.openWorkspace()
            if let store {
                var config = workspace.config
                var settings = StoreSettings(url: store)
                if let configured = config.store {
                    settings.passwordEnv = configured.passwordEnv
                    settings.schema = configured.schema
                }
                _ = try PostgresAddress(parsing: store)
                config.store = settings
                workspace = Workspace(root: workspace.root, config: config, warnings: workspace.warnings)
            }
            if fromLocal {
                try copyLocalIndex(workspace)
                return
            }
            if prune, workspace.config.store == nil {
                throw ValidationError("--prune is for a shared store ([store] url or --store)")
            }
            if workspace.config.store == nil {
                try workspace.requireWritable(for: "writing the index to .whet/")
            } else if watch {
                throw ValidationError("--watch keeps the workspace's own index; a shared store changes by `whet index`")
            }
            let progress: CorpusIndexer.Progress = { done, total, path in
                Terminal.progress("indexing \(done)/\(total) \(path)")
            }
            // Embeddings stay cached by content, so --rebuild costs no embedding calls.
            let (index, report) =
                try workspace.config.store.map { settings in
                    try workspace.updateSharedIndex(
                        settings, rebuild: rebuild, prune: prune,
                        waitingFor: { holder in Terminal.note("waiting for \(holder) to finish indexing the store…") },
                        progress: progress)
                }
                ?? workspace.openIndex(
                    rebuild: rebuild, thorough: true,
                    waitingFor: { holder in
                        Terminal.note(
                            "waiting for \(holder.map(\.description) ?? "another whet process") to finish updating the index…"
                        )
                    },
                    progress: progress)
            Terminal.clearProgress()
            for warning in report.warnings { Terminal.warn(warning.description) }
            if let first = report.keptForOthers.first {
                Terminal.warn(
                    "kept \(report.keptForOthers.count) document(s) of the store that this corpus does not have, "
                        + "indexed by others (e.g. \(first.path) by \(first.owner)); pass --prune to remove them")
            }
            let counts = try index.counts()
            var summary =
                "indexed \(report.filesSeen) files: \(report.added) added, \(report.updated) updated, "
                + "\(report.unchanged) unchanged, \(report.removed) removed; \(report.chunksWritten) chunks written, "
                + "\(counts.chunks) in the \(workspace.config.store == nil ? "index" : "store"); "
                + "\(String(format: "%.2f", report.seconds)) s"
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
                if let shared = dense.store as? PostgresEmbeddingStore, !shared.hasPgvector {
                    Terminal.note(
                        "the store's server has no pgvector: vectors are kept in the store, and dense search runs in whet over them"
                    )
                }
                Terminal.write(
                    "embeddings (\(dense.model)): \(embedded.embedded) embedded, \(embedded.reused) from cache; "
                        + "\(dense.vectorCount) vectors; \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n"
                )
            }
            if watch { try await IndexWatchLoop(workspace: workspace).run() }
        }
    }

    /// `--from-local`: every file and chunk of `.whet/index.sqlite` into the store, a few dozen files per
    /// transaction, under the store's indexing lock; the corpus is not read again.
    func copyLocalIndex(_ workspace: Workspace) throws {
        guard let settings = workspace.config.store else {
            throw ValidationError(
                "--from-local copies the local index into a store: give --store URL or set [store] url")
        }
        guard FileManager.default.fileExists(atPath: workspace.indexURL.path) else {
            throw ValidationError(
                "--from-local: \(workspace.display(workspace.indexURL)) does not exist; run `whet index` without a store first"
            )
        }
        let local = try SQLiteChunkStore(url: workspace.indexURL)
        let index = try workspace.openSharedIndex(settings, purpose: "whet index --from-local")
        guard let store = index.store as? PostgresChunkStore else { return }
        try store.lockIndexing(wait: { holder in Terminal.note("waiting for \(holder) to finish indexing the store…") })
        defer { store.unlockIndexing() }
        let started = Date()
        if let chunking = try local.metadata("chunking") {
            // Copying chunks made otherwise would first empty the store: everyone's documents, so only on request.
            if let recorded = try index.metadata("chunking"), recorded != chunking, try index.counts().chunks > 0,
                !prune
            {
                throw ValidationError(
                    "the store's chunks were made with '\(recorded)' and the local index's with '\(chunking)': "
                        + "copying would empty the store of everyone's documents first; pass --prune to do so")
            }
            _ = try index.resetIfSettingsChanged(chunking)
        }
        var copied = 0
        var chunks = 0
        try local.forEachFile(batchSize: 64) { files in
            var batch = LexicalIndex.Batch()
            for file in files {
                batch.replace(file.path, state: file.state, chunks: file.chunks)
                chunks += file.chunks.count
            }
            try index.apply(batch)
            copied += files.count
            Terminal.progress("copying \(copied) files")
        }
        try? index.refreshSnapshot()
        Terminal.clearProgress()
        let counts = try index.counts()
        Terminal.write(
            "copied \(copied) files, \(chunks) chunks from \(workspace.display(workspace.indexURL)) to \(store.displayName); "
                + "\(counts.chunks) chunks in the store; \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n"
        )
    }
}
