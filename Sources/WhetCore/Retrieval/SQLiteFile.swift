import Foundation
import GRDB

/// One of whet's SQLite files under `.whet/` (the chunk store, the embedding cache), opened so that several
/// whet processes can share it: WAL journal (readers never wait for a writer, a writer never waits for
/// readers), a busy timeout (a writer waits for another writer instead of failing), immediate write
/// transactions (GRDB's default, so two writers never deadlock on upgrading a read lock). Every database
/// error is translated into a `RetrievalError` that says what happened and what to do, and only a damaged
/// file is called derived data to delete.
struct SQLiteFile: Sendable {
    let queue: DatabaseQueue
    /// How the file is named in messages.
    let path: String
    /// How long a writer waits for another process's write transaction before giving up.
    static let busyTimeout: TimeInterval = 60

    /// Opens (creating) the database at `url`, or an in-memory one when `url` is nil. `pageSize` applies to a
    /// file created by this call (SQLite fixes it when the first table is made; in WAL mode it cannot change).
    init(url: URL?, pageSize: Int? = nil) throws {
        path = url?.path ?? ":memory:"
        var configuration = Configuration()
        configuration.busyMode = .timeout(SQLiteFile.busyTimeout)
        do {
            if let url {
                configuration.journalMode = .wal
                // In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing
                // (the commit is in the WAL, in the kernel's cache) and the file stays consistent; a power cut
                // may lose the last commits of derived data, which the next `whet index` redoes. FULL paid an
                // fsync per 64-file batch, a sixth of a full index.
                configuration.prepareDatabase { db in
                    // Before the journal mode is set: on an empty file this is what its pages will be.
                    if let pageSize { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                queue = try DatabaseQueue(path: url.path, configuration: configuration)
            } else {
                queue = try DatabaseQueue(configuration: configuration)
            }
        } catch {
            throw SQLiteFile.translate(error, path: path)
        }
    }

    /// A read, with errors translated.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch { throw SQLiteFile.translate(error, path: path) }
    }

    /// A write transaction, with errors translated.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch { throw SQLiteFile.translate(error, path: path) }
    }

    /// The value of SQLite's `data_version` for this connection: it changes when another connection (another
    /// process) commits, which is how a long-lived process notices that the index changed under it.
    func dataVersion() throws -> Int {
        // Outside a transaction: the pragma needs none, and BEGIN/COMMIT would double its cost.
        do { return try queue.inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0 } } catch {
            throw SQLiteFile.translate(error, path: path)
        }
    }

    /// A database error as the user should read it; other errors pass through unchanged.
    static func translate(_ error: Error, path: String) -> Error {
        guard let error = error as? DatabaseError else { return error }
        let message = error.message ?? "\(error)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return RetrievalError.busy(path: path, seconds: Int(busyTimeout))
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return RetrievalError.damaged(path: path, message: message)
        case .SQLITE_FULL:
            return RetrievalError.index(
                path: path, message: "the disk is full (\(message)); free some space and run `whet index` again")
        case .SQLITE_IOERR where diskIsFull(at: path):
            // SQLite reports a write that ran out of space in its journal as an I/O error.
            return RetrievalError.index(
                path: path, message: "No space left on device (\(message)); free some space and run `whet index` again")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return RetrievalError.index(path: path, message: "\(message) (check that .whet/ can be written)")
        default:
            return RetrievalError.index(path: path, message: message)
        }
    }

    /// Whether the file system holding `path` has (nearly) no space left for an unprivileged write.
    static func diskIsFull(at path: String) -> Bool {
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 64 * 1024
    }
}
