import Foundation

/// One session's runs and ratings as a reader sees them while other processes append to them: a `whet run`
/// from a script, another workbench. `refresh` reads the log and the ratings again only when either file
/// changed size since it last read them, so following costs two `stat`s while nothing happens.
///
/// Both files are append-only (`flock`-ed whole-line writes), so a size that moved is a new run or rating; a
/// torn last line is skipped by the log's reader and read whole next time.
public struct RunHistory: Sendable {
    /// The session followed.
    public let sessionID: String
    /// The session's runs in the log's order (every process's, numbered by the log).
    public private(set) var records: [RunRecord] = []
    /// The latest rating of each run, by run id.
    public private(set) var ratings: [String: RunRating] = [:]
    /// What the last read found wrong with the log (a torn or unreadable line), in the log's words.
    public private(set) var warnings: [Warning] = []
    private let store: SessionStore
    private var logSize: UInt64?
    private var ratingsSize: UInt64?

    /// A history of session `id` in `workspace`, read now.
    public init(session id: String, in workspace: Workspace) {
        sessionID = id
        store = SessionStore(workspace: workspace)
        refresh()
    }

    /// Reads the runs and ratings again when another writer appended since the last read; returns whether
    /// anything was read.
    @discardableResult
    public mutating func refresh() -> Bool {
        let log = store.log(sessionID)
        let sizes = (Self.size(of: log.url), Self.size(of: store.ratingsURL(sessionID)))
        guard sizes.0 != logSize || sizes.1 != ratingsSize else { return false }
        (logSize, ratingsSize) = sizes
        (records, warnings) = log.read()
        ratings = store.ratings(sessionID).byRun
        return true
    }

    /// Notes a rating this process just appended, without waiting for the next read.
    public mutating func noteRating(_ rating: RunRating) { ratings[rating.runID] = rating }

    /// Notes a run this process just recorded, unless a read already brought it.
    public mutating func noteRecorded(_ record: RunRecord) {
        if !records.contains(where: { $0.id == record.id }) { records.append(record) }
    }

    /// A file's size (0 when it does not exist yet: a new session has no log until its first run).
    private static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }
}
