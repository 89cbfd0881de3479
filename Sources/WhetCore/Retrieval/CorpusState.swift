import Foundation

/// What the last index update saw of the corpus (`.whet/corpus.state`): every directory's mtime, every
/// indexed file's size, mtime and content hash, and the files that could not be indexed with why. A search
/// compares it with the file system by `stat` alone — no directory is read, no file opened — and only what
/// differs is looked at: a file whose size or mtime moved is re-read, a directory whose mtime moved (a file
/// added, removed or renamed in it) is listed again. A file that failed (a broken PDF) is remembered by its
/// content, so it is neither converted again nor warned about on every search until it changes.
///
/// It is derived data tied to the chunk store's identity and generation: a state written before another
/// change to the store (another process, an older whet, an update killed half-way), or under other
/// settings, is not trusted, and the corpus is walked as before.
struct CorpusState: Equatable {
    /// What the state was written for.
    struct Header: Codable, Equatable {
        var format = CorpusState.format
        /// The store's identity and generation right after the update that wrote it.
        var storeID: String
        var generation: Int
        /// The settings that decide which files are read and how (chunking, loaders, extensions, size limit).
        var settings: String
        /// The failures, as JSON: few, and with free text.
        var failures: [String: Failure]
        /// A new value each time a record is written: a corpus watch names the record it compared the
        /// corpus with by it.
        var token: String? = nil
        /// When (boot clock, `WatchClock`) the update that wrote it began looking at the corpus, and on which
        /// boot: a watch that began earlier has journalled every change since.
        var bootID: String? = nil
        var lookedAt: Int64? = nil
    }

    /// One file as the update saw it. `mtime` is in nanoseconds, compared exactly.
    struct FileStat: Equatable {
        var size: Int64
        var mtime: Int64
        /// SHA-256 of its bytes, hex.
        var hash: String
    }

    /// A file that could not be indexed, remembered by its content until it changes.
    struct Failure: Codable, Equatable {
        var size: Int64
        var mtime: Int64
        var hash: String
        /// The warning, as `whet index` shows it.
        var reason: String
        /// True when the converter was missing: tried again by the next `whet index` (it may be installed
        /// by then), never by a search.
        var missingProgram = false
    }

    static let format = 1
    static let magic = Array("WHETCORP".utf8)

    var storeID: String
    var generation: Int
    var settings: String
    /// Directories by path relative to the corpus ("" is the corpus itself), with their mtime (ns).
    var directories: [String: Int64] = [:]
    /// Indexed files by path relative to the corpus.
    var files: [String: FileStat] = [:]
    /// Files that could not be indexed, by path relative to the corpus.
    var failures: [String: Failure] = [:]
    /// When (boot clock) the update that made this record began looking at the corpus; nil when unknown.
    var lookedAt: Int64?

    /// The mtime of a `stat` result in nanoseconds.
    static func nanoseconds(_ status: stat) -> Int64 {
        Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }

    // MARK: On disk

    /// How recent an mtime must be to be "racy": a file system stamps times at a coarse tick, so a change
    /// made within the same tick as the update that recorded it would leave the same mtime. Such entries
    /// are recorded as unknown and looked at once more by the next check, as git does with its index.
    static let racyNanoseconds: Int64 = 2_000_000_000

    /// Writes the state to `url` atomically; mtimes later than `now` minus the racy window are recorded as
    /// unknown.
    func write(to url: URL, now: Int64 = CorpusState.now()) throws {
        var state = self
        let racy = now - CorpusState.racyNanoseconds
        for (path, mtime) in state.directories where mtime >= racy { state.directories[path] = -1 }
        for (path, file) in state.files where file.mtime >= racy { state.files[path]?.mtime = -1 }
        for (path, failure) in state.failures where failure.mtime >= racy { state.failures[path]?.mtime = -1 }
        try state.writeAsIs(to: url)
    }

    /// The wall clock in nanoseconds, as file systems stamp mtimes.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    private func writeAsIs(to url: URL) throws {
        let header = Header(
            storeID: storeID, generation: generation, settings: settings, failures: failures,
            token: UUID().uuidString, bootID: lookedAt.map { _ in WatchClock.bootID }, lookedAt: lookedAt)
        let writer = try SectionFile.Writer(url: url, magic: CorpusState.magic)
        try writer.array(Array(try JSONEncoder().encode(header)))
        let directoryPaths = directories.keys.sorted()
        try writer.array(CorpusState.joined(directoryPaths))
        try writer.array(CorpusState.ends(directoryPaths))
        try writer.array(directoryPaths.map { directories[$0] ?? 0 })
        // Grouped by directory, so the check stats each directory's files through one open directory.
        let filePaths = files.keys.map { (key: CorpusState.splitParent($0), path: $0) }.sorted { $0.key < $1.key }
            .map(\.path)
        try writer.array(CorpusState.joined(filePaths))
        try writer.array(CorpusState.ends(filePaths))
        var sizes: [Int64] = []
        var mtimes: [Int64] = []
        var hashes: [UInt8] = []
        sizes.reserveCapacity(filePaths.count)
        mtimes.reserveCapacity(filePaths.count)
        for path in filePaths {
            guard let file = files[path] else { continue }
            // A file recorded as failing too (its converter went missing after it was indexed) is compared
            // by the failure's size and mtime: those are what it had when last looked at.
            let compared: (size: Int64, mtime: Int64) =
                failures[path].map { ($0.size, $0.mtime) } ?? (file.size, file.mtime)
            sizes.append(compared.size)
            mtimes.append(compared.mtime)
            hashes.append(contentsOf: CorpusState.hashBytes(file.hash))
        }
        try writer.array(sizes)
        try writer.array(mtimes)
        try writer.array(hashes)
        try writer.commit()
    }

    /// The arrays of a record as stored, before any dictionary is built.
    struct Raw {
        var header: Header
        var directoryPaths: [String]
        var directoryTimes: [Int64]
        /// File paths, one byte arena with each path's end.
        var fileBytes: [UInt8]
        var fileEnds: [UInt32]
        var sizes: [Int64]
        var mtimes: [Int64]
        var hashes: [UInt8]

        var fileCount: Int { fileEnds.count }

        /// The bytes of file `position`'s path.
        func path(_ position: Int) -> ArraySlice<UInt8> {
            fileBytes[(position == 0 ? 0 : Int(fileEnds[position - 1]))..<Int(fileEnds[position])]
        }
    }

    /// The record at `url` as stored, or nil when there is none or it cannot be used.
    static func readRaw(_ url: URL) -> Raw? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try? {
            let reader = try SectionFile.Reader(url: url, magic: magic)
            let header = try JSONDecoder().decode(Header.self, from: Data(try reader.array(UInt8.self)))
            guard header.format == format else { throw SectionFile.Unusable(description: "another version") }
            let directoryPaths = try paths(bytes: reader.array(UInt8.self), ends: reader.array(UInt32.self))
            let raw = Raw(
                header: header, directoryPaths: directoryPaths ?? [], directoryTimes: try reader.array(Int64.self),
                fileBytes: try reader.array(UInt8.self), fileEnds: try reader.array(UInt32.self),
                sizes: try reader.array(Int64.self), mtimes: try reader.array(Int64.self),
                hashes: try reader.array(UInt8.self))
            try reader.finish()
            let files = raw.fileCount
            guard directoryPaths != nil, raw.directoryTimes.count == raw.directoryPaths.count,
                raw.fileEnds.last.map({ Int($0) == raw.fileBytes.count }) ?? raw.fileBytes.isEmpty,
                zip(raw.fileEnds, raw.fileEnds.dropFirst()).allSatisfy({ $0 <= $1 }),
                raw.sizes.count == files, raw.mtimes.count == files, raw.hashes.count == files * 32
            else { throw SectionFile.Unusable(description: "its arrays do not fit together (a damaged file)") }
            return raw
        }()
    }

    /// The state at `url`, or nil when there is none or it cannot be used.
    static func read(_ url: URL) -> CorpusState? {
        guard let raw = readRaw(url) else { return nil }
        var state = CorpusState(
            storeID: raw.header.storeID, generation: raw.header.generation, settings: raw.header.settings)
        state.lookedAt = raw.header.lookedAt
        state.failures = raw.header.failures
        state.directories.reserveCapacity(raw.directoryPaths.count)
        for (path, mtime) in zip(raw.directoryPaths, raw.directoryTimes) { state.directories[path] = mtime }
        state.files.reserveCapacity(raw.fileCount)
        for position in 0..<raw.fileCount {
            let path = String(decoding: raw.path(position), as: UTF8.self)
            // The size and mtime compared are the failure's for a file that failed too; the failure keeps them.
            let hash = HexDigest.hex(raw.hashes[(position * 32)..<(position * 32 + 32)])
            state.files[path] = FileStat(size: raw.sizes[position], mtime: raw.mtimes[position], hash: hash)
        }
        return state
    }

    /// A path's directory and name, the order files are stored in.
    static func splitParent(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    private static func joined(_ paths: [String]) -> [UInt8] { paths.flatMap { Array($0.utf8) } }

    private static func ends(_ paths: [String]) -> [UInt32] {
        var end: UInt32 = 0
        return paths.map {
            end += UInt32($0.utf8.count)
            return end
        }
    }

    private static func paths(bytes: [UInt8], ends: [UInt32]) -> [String]? {
        guard ends.last.map({ Int($0) == bytes.count }) ?? bytes.isEmpty,
            zip(ends, ends.dropFirst()).allSatisfy({ $0 <= $1 })
        else { return nil }
        var start = 0
        return ends.map { end in
            defer { start = Int(end) }
            return String(decoding: bytes[start..<Int(end)], as: UTF8.self)
        }
    }

    /// A hex SHA-256 as its 32 bytes (zeros for anything else, which then never matches a real file).
    private static func hashBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return Array(repeating: 0, count: 32) }
        func value(_ digit: UInt8) -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            default: return 0
            }
        }
        return (0..<32).map { value(digits[$0 * 2]) << 4 | value(digits[$0 * 2 + 1]) }
    }
}
