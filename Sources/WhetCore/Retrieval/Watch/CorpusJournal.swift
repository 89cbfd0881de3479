import Foundation

/// The journal a corpus watch keeps (`.whet/watch/journal`): which files and directories of the corpus the
/// kernel reported as changed since the watch began. A search that finds a live watch reads it instead of
/// `stat`ing every file, and looks only at what it names (see `CorpusState.changes(of:in:limitedTo:)`).
///
/// Records are appended, each a kind byte, a payload and a NUL (paths cannot contain NUL): the header, the
/// paths marked changed, `ready` once the watch is set up and its first comparison with the corpus record
/// is written, and `stopped` when the watch can no longer vouch for what it saw. A torn last record (no NUL
/// yet) is ignored: a reader only trusts what was written before its cookie was answered.
struct CorpusJournal: Equatable {
    /// The watch's process, and when (boot clock) its watches were set.
    var pid: Int32
    var bootID: String
    var watchStart: Int64
    /// The corpus directory watched (absolute): a reader whose settings name another trusts nothing here.
    var corpus: String
    /// Set once the watch is complete: the token of the corpus record its first comparison was made
    /// against ("" when there was none).
    var checkedToken: String?
    /// Paths relative to the corpus, marked changed since `watchStart`.
    var files: Set<String> = []
    var directories: Set<String> = []
    /// Why the watch stopped vouching for the corpus, when it did.
    var stopped: String?

    /// Where a workspace's watch keeps its files.
    struct Location {
        /// `.whet/watch/`: the lock, the journal and readers' cookies.
        var directory: URL
        var lock: URL { directory.appendingPathComponent("watcher.lock") }
        var journal: URL { directory.appendingPathComponent("journal") }
        static let cookiePrefix = "cookie-"

        init(_ workspace: Workspace) {
            directory = workspace.derivedDirectory.appendingPathComponent("watch")
        }
    }

    /// One record.
    enum Record: Equatable {
        case header(pid: Int32, bootID: String, watchStart: Int64, corpus: String)
        case file(String)
        case directory(String)
        case ready(checkedToken: String)
        case stopped(String)
    }

    /// A record as appended to the file.
    static func encode(_ record: Record) -> [UInt8] {
        var bytes: [UInt8]
        switch record {
        case .header(let pid, let bootID, let watchStart, let corpus):
            bytes = Array("W\(pid) \(bootID) \(watchStart) \(corpus)".utf8)
        case .file(let path): bytes = [UInt8(ascii: "F")] + Array(path.utf8)
        case .directory(let path): bytes = [UInt8(ascii: "D")] + Array(path.utf8)
        case .ready(let token): bytes = [UInt8(ascii: "R")] + Array(token.utf8)
        case .stopped(let reason): bytes = [UInt8(ascii: "X")] + Array(reason.utf8)
        }
        bytes.append(0)
        return bytes
    }

    /// The journal in `bytes`, or nil when it does not start with a header.
    static func parse(_ bytes: [UInt8]) -> CorpusJournal? {
        var journal: CorpusJournal?
        var start = 0
        while let end = bytes[start...].firstIndex(of: 0) {
            defer { start = end + 1 }
            guard end > start else { continue }
            let payload = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
            switch bytes[start] {
            case UInt8(ascii: "W"):
                let parts = payload.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard journal == nil, parts.count == 4, let pid = Int32(parts[0]), let started = Int64(parts[2])
                else { return nil }
                journal = CorpusJournal(
                    pid: pid, bootID: String(parts[1]), watchStart: started, corpus: String(parts[3]))
            case UInt8(ascii: "F"): journal?.files.insert(payload)
            case UInt8(ascii: "D"): journal?.directories.insert(payload)
            case UInt8(ascii: "R"): journal?.checkedToken = payload
            case UInt8(ascii: "X"): journal?.stopped = payload
            default: return nil
            }
            if journal == nil { return nil }
        }
        return journal
    }

    /// True when every change to `corpus` since `record` looked at it is in this journal: the watch is on
    /// that directory, set up and still vouching, and it either compared the corpus with this very record, or the record's
    /// look began after the watch did (same boot).
    func covers(_ record: CorpusState.Header, corpus: String) -> Bool {
        guard let checkedToken, stopped == nil, corpus == self.corpus else { return false }
        if let token = record.token, !token.isEmpty, token == checkedToken { return true }
        guard let lookedAt = record.lookedAt, record.bootID == bootID, !bootID.isEmpty else { return false }
        return lookedAt >= watchStart
    }
}
