import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An advisory lock between whet processes on one workspace (`flock` on a small lock file), for the few
/// steps that must not interleave: numbering and appending a run, indexing, running one eval id. The kernel
/// drops the lock when its holder exits, killed or not, so a crash never leaves a workspace locked. The file
/// holds the holder's pid and what it is doing, so a process that has to wait can say for whom.
public final class FileLock: @unchecked Sendable {
    // @unchecked: the descriptor is only used by `release`, which is idempotent and guarded by `lock`.
    private let lock = NSLock()
    private var descriptor: Int32
    /// The lock file.
    public let url: URL

    private init(descriptor: Int32, url: URL) {
        self.descriptor = descriptor
        self.url = url
    }

    deinit { release() }

    /// Who holds a lock, as its file says.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        /// The holder's process id.
        public var pid: Int32
        /// What it is doing ("whet index", "whet eval").
        public var purpose: String

        public var description: String { "\(purpose) (pid \(pid))" }
    }

    /// Takes the lock, waiting for it when another process holds it; `onWait` is told once who that is
    /// before the wait starts, so a command can say why it is not moving.
    public static func acquire(_ url: URL, purpose: String, onWait: ((Holder?) -> Void)? = nil) throws -> FileLock {
        let fd = try openLockFile(url)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let code = errno
                close(fd)
                throw DurableFile.failure(code, path: url.path, doing: "lock")
            }
            onWait?(holder(fd))
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let code = errno
                    close(fd)
                    throw DurableFile.failure(code, path: url.path, doing: "lock")
                }
            }
        }
        stamp(fd, purpose: purpose)
        return FileLock(descriptor: fd, url: url)
    }

    /// Takes the lock from async code: waits by polling (a few times a second) instead of blocking a thread
    /// of the shared pool, and stops waiting when the task is cancelled.
    public static func acquireAsync(_ url: URL, purpose: String, onWait: ((Holder?) -> Void)? = nil) async throws
        -> FileLock
    {
        var told = false
        while true {
            let (lock, holder) = try tryAcquire(url, purpose: purpose)
            if let lock { return lock }
            if !told {
                onWait?(holder)
                told = true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Takes the lock if nobody holds it; otherwise returns who does (nil lock, holder if known).
    public static func tryAcquire(_ url: URL, purpose: String) throws -> (lock: FileLock?, holder: Holder?) {
        let fd = try openLockFile(url)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = holder(fd)
            close(fd)
            return (nil, holder)
        }
        stamp(fd, purpose: purpose)
        return (FileLock(descriptor: fd, url: url), nil)
    }

    /// Runs `body` holding the lock at `url`.
    public static func withLock<T>(
        _ url: URL, purpose: String, onWait: ((Holder?) -> Void)? = nil,
        _ body: () throws -> T
    ) throws -> T {
        let held = try acquire(url, purpose: purpose, onWait: onWait)
        defer { held.release() }
        return try body()
    }

    /// Gives the lock up (also done when the value is released or the process ends).
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    private static func openLockFile(_ url: URL) throws -> Int32 {
        try DurableFile.makeDirectory(url.deletingLastPathComponent())
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DurableFile.failure(errno, path: url.path, doing: "open the lock file") }
        return fd
    }

    /// Writes "pid purpose" into the lock file (not durable, not needed to be: it only names the holder).
    private static func stamp(_ fd: Int32, purpose: String) {
        let text = Array("\(getpid()) \(purpose)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func holder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 256, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: " ", maxSplits: 1)
        guard let first = parts.first, let pid = Int32(first) else { return nil }
        return Holder(pid: pid, purpose: parts.count > 1 ? String(parts[1]) : "whet")
    }
}
