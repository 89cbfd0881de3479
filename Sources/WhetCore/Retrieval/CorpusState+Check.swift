import Foundation

extension CorpusState {
    /// What moved on disk since the record was written, found by `stat` alone.
    struct Changes: Equatable {
        /// Files whose size or mtime differ, or that are gone (relative to the corpus).
        var files: [String] = []
        /// Directories whose mtime differs or that are gone: entries were added, removed or renamed there.
        var directories: [String] = []
        /// Unchanged files with more than one hard link: written through a link outside the corpus, they change
        /// without the corpus watch hearing of it, so the watch journals them to be compared every time.
        var hardLinked: [String] = []

        var isEmpty: Bool { files.isEmpty && directories.isEmpty }
    }

    /// Compares every recorded directory's and file's `stat` with the record, straight from its arrays (no
    /// dictionary is built when nothing moved). Files are stored grouped by directory, so each directory is
    /// opened once and its files are asked for by name (`fstatat`), which spares the kernel a walk of the
    /// whole path per file; the files are split between the cores.
    static func changes(of raw: Raw, in corpus: String) -> Changes {
        var changes = Changes()
        for (directory, mtime) in zip(raw.directoryPaths, raw.directoryTimes)
        where directoryMoved(directory, recorded: mtime, in: corpus) {
            changes.directories.append(directory)
        }
        let count = raw.fileCount
        let slices = count < 4_096 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let found = ChangedPositions()
        let linked = ChangedPositions()
        let corpusBytes = Array(corpus.utf8)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (count * slice / slices)..<(count * (slice + 1) / slices)
            let (changed, hardLinked) = changedFiles(raw, range, corpus: corpusBytes)
            found.add(changed)
            linked.add(hardLinked)
        }
        changes.files = found.all.map { String(decoding: raw.path($0), as: UTF8.self) }
        changes.hardLinked = linked.all.map { String(decoding: raw.path($0), as: UTF8.self) }
        changes.files += changedFailures(raw, in: corpus)
        changes.files.sort()
        changes.directories.sort()
        return changes
    }

    /// The same comparison limited to what a corpus watch journalled as changed, plus the entries recorded
    /// as racy (written within the file system's time tick) and the failures: a few `stat`s instead of one per
    /// file. The journal must cover the record (`CorpusJournal.covers`).
    static func changes(of raw: Raw, in corpus: String, limitedTo journal: CorpusJournal) -> Changes {
        var changes = Changes()
        for (directory, mtime) in zip(raw.directoryPaths, raw.directoryTimes)
        where (mtime == -1 || journal.directories.contains(directory))
            && directoryMoved(directory, recorded: mtime, in: corpus)
        {
            changes.directories.append(directory)
        }
        let journalled = Set(journal.files.map { Array($0.utf8) })
        let lengths = Set(journalled.map(\.count))
        for position in 0..<raw.fileCount {
            let path = raw.path(position)
            guard raw.mtimes[position] == -1 || (lengths.contains(path.count) && journalled.contains(Array(path)))
            else { continue }
            var status = stat()
            let absolute = corpus + "/" + String(decoding: path, as: UTF8.self)
            if stat(absolute, &status) != 0 || Int64(status.st_size) != raw.sizes[position]
                || nanoseconds(status) != raw.mtimes[position]
            {
                changes.files.append(String(decoding: path, as: UTF8.self))
            }
        }
        changes.files += changedFailures(raw, in: corpus)
        changes.files.sort()
        changes.directories.sort()
        return changes
    }

    /// Whether a recorded directory is gone, no longer a directory, or has another mtime than `recorded`.
    private static func directoryMoved(_ directory: String, recorded mtime: Int64, in corpus: String) -> Bool {
        var status = stat()
        let path = directory.isEmpty ? corpus : corpus + "/" + directory
        return stat(path, &status) != 0 || (status.st_mode & S_IFMT) != S_IFDIR || nanoseconds(status) != mtime
    }

    /// Failed files whose size or mtime moved: a failed file replaced in place (a fixed PDF) leaves its
    /// directory's mtime alone, so they are always looked at (they are few).
    private static func changedFailures(_ raw: Raw, in corpus: String) -> [String] {
        raw.header.failures.compactMap { file, recorded in
            var status = stat()
            guard stat(corpus + "/" + file, &status) == 0, Int64(status.st_size) == recorded.size,
                nanoseconds(status) == recorded.mtime
            else { return file }
            return nil
        }
    }

    /// The positions in `range` whose file's size or mtime differ from the record, or that are gone.
    private static func changedFiles(_ raw: Raw, _ range: Range<Int>, corpus: [UInt8]) -> (
        changed: [Int], hardLinked: [Int]
    ) {
        var changed: [Int] = []
        var hardLinked: [Int] = []
        var openParent: ArraySlice<UInt8>? = nil
        var descriptor: Int32 = -1
        defer { if descriptor >= 0 { close(descriptor) } }
        var name: [UInt8] = []
        for position in range {
            let path = raw.path(position)
            let slash = path.lastIndex(of: UInt8(ascii: "/"))
            let parent = slash.map { path[path.startIndex..<$0] } ?? path[path.startIndex..<path.startIndex]
            if openParent != parent {
                if descriptor >= 0 { close(descriptor) }
                var directory = corpus
                if !parent.isEmpty {
                    directory.append(UInt8(ascii: "/"))
                    directory.append(contentsOf: parent)
                }
                directory.append(0)
                descriptor = directory.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { characters in
                        guard let start = characters.baseAddress else { return -1 }
                        return open(start, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    }
                }
                openParent = parent
            }
            name.removeAll(keepingCapacity: true)
            name.append(contentsOf: slash.map { path[path.index(after: $0)...] } ?? path)
            name.append(0)
            var status = stat()
            let found =
                descriptor >= 0
                && name.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { characters in
                        guard let start = characters.baseAddress else { return false }
                        return fstatat(descriptor, start, &status, 0) == 0
                    }
                }
            if !found || Int64(status.st_size) != raw.sizes[position] || nanoseconds(status) != raw.mtimes[position] {
                changed.append(position)
            } else if status.st_nlink > 1 {
                hardLinked.append(position)
            }
        }
        return (changed, hardLinked)
    }
}

/// The changed positions the threads of a check found, gathered under a lock.
private final class ChangedPositions: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var positions: [Int] = []

    func add(_ found: [Int]) { lock.withLock { positions += found } }

    var all: [Int] { lock.withLock { positions.sorted() } }
}
