import Foundation

/// Turns one corpus file into what the index needs: nothing (unchanged), a new mtime (same bytes), chunks
/// (new or changed), or the reason it cannot be indexed. It touches no shared state, so the indexer runs it
/// for many files at once and applies the outcomes in path order: chunk ids, and so rankings, come out as
/// if the files had been read one by one.
struct CorpusFileReader: Sendable {
    let settings: RetrievalSettings
    let chunker: DocumentChunker
    let loaders: DocumentLoaders
    let maxFileBytes: Int
    /// Where converted documents' text is cached, or nil (read-only workspace).
    let extractionCache: URL?
    /// Whether a file skipped for a missing converter is tried again although it did not change: yes for
    /// `whet index` (the converter may have been installed since), no for a search.
    let retriesMissingPrograms: Bool

    /// What became of one file.
    enum Outcome: Sendable {
        /// Size and mtime as recorded: not read.
        case unchanged(CorpusState.FileStat)
        /// Same bytes, new mtime: only the record changes.
        case touched(LexicalIndex.FileState, CorpusState.FileStat)
        /// New or changed: these chunks replace the file's.
        case indexed(LexicalIndex.FileState, CorpusState.FileStat, [Chunk])
        /// Not indexed, with the warning; `remembered` when it failed the same way before (not read again,
        /// or read only to find the same bytes); `failure` is what to remember, when its content is known.
        case refused(String, remembered: Bool, failure: CorpusState.Failure?)
        /// The converter is not installed; what was indexed before stays. `remembered` as for `refused`.
        case missingProgram(DocumentLoaders.Failure, CorpusState.Failure, remembered: Bool)
    }

    /// The outcome for the file at `absolutePath` (shown as `path`), given what the index recorded for it and
    /// how it failed before, if it did.
    func read(
        absolutePath: String, path: String, previous: LexicalIndex.FileState?, failedBefore: CorpusState.Failure?
    ) -> Outcome {
        // stat(2) directly: FileManager's attribute dictionary costs ~100 µs a file on Linux.
        var status = stat()
        guard stat(absolutePath, &status) == 0 else {
            return .refused("skipped: cannot read the file's attributes", remembered: false, failure: nil)
        }
        let size = Int64(status.st_size)
        let mtime = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
        let nanoseconds = CorpusState.nanoseconds(status)
        if let previous, previous.size == size, previous.mtime == mtime {
            return .unchanged(CorpusState.FileStat(size: size, mtime: nanoseconds, hash: previous.hash))
        }
        let retried = failedBefore.map { $0.missingProgram && retriesMissingPrograms } ?? false
        if let failedBefore, !retried, failedBefore.size == size, failedBefore.mtime == nanoseconds {
            return remembered(failedBefore, path: path)
        }
        if size > Int64(maxFileBytes) {
            let reason =
                "skipped: the file is \(ByteCount.describe(Int(size))), over the limit of "
                + "\(ByteCount.describe(maxFileBytes)) ([limits] max_file_bytes)"
            return .refused(
                reason, remembered: false,
                failure: CorpusState.Failure(size: size, mtime: nanoseconds, hash: "", reason: reason))
        }
        guard let data = FileManager.default.contents(atPath: absolutePath) else {
            return .refused("skipped: cannot read the file", remembered: false, failure: nil)
        }
        let hash = HexDigest.sha256(data)
        let fileState = LexicalIndex.FileState(size: size, mtime: mtime, hash: hash)
        let record = CorpusState.FileStat(size: size, mtime: nanoseconds, hash: hash)
        if let previous, previous.hash == hash { return .touched(fileState, record) }
        if var failedBefore, !retried, failedBefore.hash == hash {
            failedBefore.size = size
            failedBefore.mtime = nanoseconds
            return remembered(failedBefore, path: path)
        }
        func failure(_ reason: String) -> Outcome {
            .refused(
                reason, remembered: false,
                failure: CorpusState.Failure(size: size, mtime: nanoseconds, hash: hash, reason: reason))
        }
        do {
            let document =
                try loaders.loader(for: path).map {
                    try CorpusDocument.converted(
                        path: path, absolutePath: absolutePath, hash: hash, loader: $0, loaders: loaders,
                        cache: extractionCache)
                } ?? CorpusDocument.decode(data, path: path, hash: hash)
            let language = settings.fixedLanguage ?? LanguageDetector.detect(document.text)
            let chunks = document.chunks(chunker).map { chunk in
                var tagged = chunk
                tagged.language = language
                return tagged
            }
            return .indexed(fileState, record, chunks)
        } catch let refusal as CorpusDocument.Refusal {
            return failure(refusal.description)
        } catch let loaderFailure as DocumentLoaders.Failure {
            if case .missingProgram = loaderFailure {
                return .missingProgram(
                    loaderFailure,
                    CorpusState.Failure(
                        size: size, mtime: nanoseconds, hash: hash, reason: loaderFailure.description,
                        missingProgram: true), remembered: false)
            }
            return failure(loaderFailure.description)
        } catch {
            return failure("skipped: \(error)")
        }
    }

    /// A failure seen before, reported again without converting the file.
    private func remembered(_ failure: CorpusState.Failure, path: String) -> Outcome {
        if failure.missingProgram, let loader = loaders.loader(for: path) {
            return .missingProgram(.missingProgram(loader), failure, remembered: true)
        }
        return .refused(failure.reason, remembered: true, failure: failure)
    }
}
