import Foundation

extension CorpusIndexer {
    /// One update in progress: the files' outcomes applied to a batch (committed every `window` files), the
    /// report and the record of the corpus, in path order.
    struct UpdateRun {
        let indexer: CorpusIndexer
        let reader: CorpusFileReader
        /// The corpus directory, absolute, and as paths are shown.
        let corpus: String
        let displayPrefix: String
        var report = Report()
        var batch = LexicalIndex.Batch()
        /// Commits full batches beside the readers.
        let writer: BatchWriter
        var state: CorpusState
        /// A missing converter is said once per file type, with the files it kept out.
        private var missing: [String: (failure: DocumentLoaders.Failure, files: [String])] = [:]

        /// Checks the settings against the store's (emptying it when the chunking changed) and the corpus
        /// directory, and prepares to read files.
        init(indexer: CorpusIndexer, retriesMissingPrograms: Bool) throws {
            self.indexer = indexer
            let workspace = indexer.workspace
            let index = indexer.index
            let settings = workspace.config.retrieval
            let chunker = DocumentChunker(
                settings: settings, counter: try TokenCounter.forSettings(settings, workspaceRoot: workspace.root))
            let signature = settings.chunkingSignature + workspace.config.loaders.signature
            if indexer.sharedWith != nil, let recorded = try index.metadata("chunking"), recorded != signature,
                try index.counts().chunks > 0
            {
                throw StoreError.server(
                    server: index.store.displayName,
                    message:
                        "the store's chunks were made with '\(recorded)' and this workspace's [retrieval] asks for '\(signature)'; "
                        + "indexing would re-chunk every document of everyone using it: align [retrieval] or pass --prune"
                )
            }
            report.rebuilt = try index.resetIfSettingsChanged(signature)
            writer = BatchWriter(index: index)
            let corpusURL = workspace.corpusDirectory
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: corpusURL.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw RetrievalError.missingCorpus(workspace.display(corpusURL))
            }
            corpus = corpusURL.path
            displayPrefix = workspace.display(corpusURL)
            reader = CorpusFileReader(
                settings: settings, chunker: chunker, loaders: workspace.config.loaders,
                maxFileBytes: workspace.config.limits.maxFileBytes,
                extractionCache: workspace.isWritable ? workspace.extractionCacheURL : nil,
                retriesMissingPrograms: retriesMissingPrograms)
            state = CorpusState(storeID: "", generation: 0, settings: indexer.settingsSignature)
            // An empty store is filled batch by batch: its in-memory index is built from the same batches.
            try index.beginBuildingIfEmpty()
        }

        /// Reads `files` a window at a time on every core and applies their outcomes in order. `known` is what
        /// the index recorded per shown path, `failedBefore` the failures remembered per relative path;
        /// `quiet` leaves out the warnings of failures seen before (a search's check, not `whet index`).
        mutating func read(
            _ files: [CorpusWalk.File], known: [String: LexicalIndex.FileState],
            failedBefore: [String: CorpusState.Failure], quiet: Bool, progress: Progress?
        ) throws {
            do {
                try readWindows(files, known: known, failedBefore: failedBefore, quiet: quiet, progress: progress)
            } catch {
                // Nothing may still be committing once the caller lets go of the index lock.
                _ = try? writer.drain()
                indexer.index.endBuilding()
                throw error
            }
        }

        private mutating func readWindows(
            _ files: [CorpusWalk.File], known: [String: LexicalIndex.FileState],
            failedBefore: [String: CorpusState.Failure], quiet: Bool, progress: Progress?
        ) throws {
            for start in stride(from: 0, to: files.count, by: CorpusIndexer.window) {
                let window = Array(files[start..<min(files.count, start + CorpusIndexer.window)])
                let outcomes = OutcomeSlots(count: window.count)
                let reader = self.reader
                let readStarted = Date()
                DispatchQueue.concurrentPerform(iterations: window.count) { position in
                    let file = window[position]
                    outcomes.set(
                        position,
                        reader.read(
                            absolutePath: file.path, path: file.display, previous: known[file.display],
                            failedBefore: failedBefore[file.relative]))
                }
                report.phases.files += Date().timeIntervalSince(readStarted)
                for (position, file) in window.enumerated() {
                    progress?(start + position, files.count, file.display)
                    guard let outcome = outcomes.get(position) else { continue }
                    record(outcome, of: file, previous: known[file.display], quiet: quiet)
                    if batch.count >= CorpusIndexer.window { try commit() }
                }
            }
        }

        /// Applies one file's outcome to the batch, the report and the record.
        private mutating func record(
            _ outcome: CorpusFileReader.Outcome, of file: CorpusWalk.File, previous: LexicalIndex.FileState?,
            quiet: Bool
        ) {
            let path = file.display
            func counted() { report.filesByType[CorpusWalk.fileExtension(path), default: 0] += 1 }
            switch outcome {
            case .unchanged(let record):
                report.unchanged += 1
                counted()
                state.files[file.relative] = record
                state.failures.removeValue(forKey: file.relative)
            case .touched(let fileState, let record):
                batch.touch(path, state: fileState)
                report.unchanged += 1
                counted()
                state.files[file.relative] = record
                state.failures.removeValue(forKey: file.relative)
            case .indexed(let fileState, let record, let chunks):
                batch.replace(path, state: fileState, chunks: chunks)
                report.chunksWritten += chunks.count
                if previous == nil { report.added += 1 } else { report.updated += 1 }
                counted()
                state.files[file.relative] = record
                state.failures.removeValue(forKey: file.relative)
            case .refused(let reason, let remembered, let failure):
                report.skippedFiles.append(path)
                if !(quiet && remembered) { report.warnings.append(Warning(reason, at: SourceLocation(file: path))) }
                if previous != nil { batch.remove(path) }
                state.files.removeValue(forKey: file.relative)
                state.failures[file.relative] = failure
            case .missingProgram(let failure, let record, let remembered):
                report.skippedFiles.append(path)
                if case .missingProgram(let loader) = failure, !(quiet && remembered) {
                    missing[loader.fileExtension, default: (failure, [])].files.append(path)
                }
                // What was indexed before stays until the converter is there to read the new version.
                if let previous {
                    counted()
                    state.files[file.relative] = CorpusState.FileStat(
                        size: previous.size, mtime: 0, hash: previous.hash)
                }
                state.failures[file.relative] = record
            }
        }

        /// Hands the batch to the writer (one transaction, after the batches before it) and starts the next.
        private mutating func commit() throws {
            let full = batch
            batch = LexicalIndex.Batch()
            try writer.submit(full)
        }

        /// Commits what is left, says which converters were missing, and records the corpus as seen.
        mutating func finish() throws {
            for type in missing.keys.sorted() {
                guard let (failure, paths) = missing[type] else { continue }
                let count = paths.count == 1 ? "1 file" : "\(paths.count) files"
                report.warnings.append(
                    Warning("\(failure) (\(count) not read)", at: SourceLocation(file: displayPrefix)))
            }
            report.skippedFiles.sort()
            do {
                try commit()
                report.phases.store += try writer.drain()
            } catch {
                _ = try? writer.drain()
                indexer.index.endBuilding()
                throw error
            }
            indexer.index.endBuilding()
            if let url = indexer.stateURL {
                let stored = try indexer.index.storeState()
                state.storeID = stored.id
                state.generation = stored.generation
                // Without it the next search walks the corpus: a failure to write costs only that.
                try? state.write(to: url)
            }
        }
    }
}

/// The outcomes of one window, each written by the thread that read its file.
private final class OutcomeSlots: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var slots: [CorpusFileReader.Outcome?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ position: Int, _ outcome: CorpusFileReader.Outcome) { lock.withLock { slots[position] = outcome } }

    func get(_ position: Int) -> CorpusFileReader.Outcome? { lock.withLock { slots[position] } }
}
