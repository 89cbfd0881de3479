import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Disk writes that survive a crash: whole-file replacement goes through a temporary file, `fsync` and
/// `rename`, and log writes are single appends followed by `fsync`. Nothing the user wrote is ever truncated
/// in place, so a crash leaves either the old file or the new one, never half of each.
public enum DurableFile {
    /// Replaces `url` with `data` atomically (temp file in the same directory, fsync, rename, fsync directory).
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        removeAbandonedTemporaries(of: url)
        let tempPath = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(errno, path: url.path, doing: "create a temporary file beside") }
        do {
            try writeAll(data, to: fd, path: url.path)
            guard fsync(fd) == 0 else { throw failure(errno, path: url.path, doing: "flush") }
            close(fd)
        } catch {
            close(fd)
            unlink(tempPath)
            throw error
        }
        guard rename(tempPath, url.path) == 0 else {
            let code = errno
            unlink(tempPath)
            throw failure(code, path: url.path, doing: "replace")
        }
        syncDirectory(directory)
    }

    /// Removes temporary files a killed process left beside `url` (`.NAME.tmp-PID-N` whose PID is not
    /// running), so a crash during a save leaves no litter in the user's folders for longer than the next save.
    static func removeAbandonedTemporaries(of url: URL) {
        let prefix = ".\(url.lastPathComponent).tmp-"
        let directory = url.deletingLastPathComponent()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory.appendingPathComponent(entry).path) }
        }
    }

    /// Appends `data` (one complete record) to `url`, creating it if needed, and flushes it to disk before
    /// returning. When the file's last byte is not a newline (a record torn by a crash), a newline is written
    /// first so the new record starts on a line of its own; the torn bytes themselves are left untouched. The
    /// record is written with one `write` under an exclusive `flock`, so appends from several processes never
    /// interleave.
    public static func appendRecord(_ data: Data, to url: URL) throws {
        try appendRecord(to: url) { _ in data }
    }

    /// Appends one record built from what the file already ends with, holding an exclusive `flock` on the
    /// file from reading its tail to the `fsync`, so processes appending at once each see the others' records
    /// (this is how run numbers stay unique when several processes record into one session). `makeRecord`
    /// gets the file's complete lines newest first, read lazily from the end, and returns the line to append.
    public static func appendRecord(to url: URL, building makeRecord: (ReverseLines) throws -> Data) throws {
        let existed = FileManager.default.fileExists(atPath: url.path)
        let fd = open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(errno, path: url.path, doing: "open for appending") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw failure(errno, path: url.path, doing: "lock") }
        }
        defer { flock(fd, LOCK_UN) }
        var payload = try makeRecord(ReverseLines(fd: fd))
        if existed, endsWithoutNewline(fd) { payload.insert(UInt8(ascii: "\n"), at: 0) }
        let sizeBefore = lseek(fd, 0, SEEK_END)
        do {
            try writeAll(payload, to: fd, path: url.path)
            guard fsync(fd) == 0 else { throw failure(errno, path: url.path, doing: "flush") }
        } catch {
            // A write that failed half-way (a full disk) is taken back, so the file is exactly as it was; the
            // lock guarantees the bytes after `sizeBefore` are this record's.
            if sizeBefore >= 0 { _ = ftruncate(fd, sizeBefore) }
            throw error
        }
        if !existed { syncDirectory(url.deletingLastPathComponent()) }
    }

    /// The newline-terminated lines of an open file, last first, read backwards in blocks so that finding
    /// the last record of a long log costs one block, not the whole file. A torn last line (no newline) is
    /// not among them.
    public struct ReverseLines: Sequence, IteratorProtocol {
        let fd: Int32
        private var end: Int64
        private var buffer: [UInt8] = []
        private var started = false

        init(fd: Int32) {
            self.fd = fd
            self.end = Int64(lseek(fd, 0, SEEK_END))
        }

        public mutating func next() -> Data? {
            let newline = UInt8(ascii: "\n")
            if !started {
                // Drop a torn last line: everything after the last newline.
                started = true
                while !buffer.contains(newline) && end > 0 { readBlock() }
                if let last = buffer.lastIndex(of: newline) {
                    buffer.removeSubrange((last + 1)...)
                } else {
                    buffer = []
                }
            }
            while let terminator = buffer.indices.last {
                if let previous = buffer[..<terminator].lastIndex(of: newline) {
                    let line = Data(buffer[(previous + 1)..<terminator])
                    buffer.removeSubrange((previous + 1)...)
                    if !line.isEmpty { return line }
                } else if end == 0 {
                    let line = Data(buffer[..<terminator])
                    buffer = []
                    return line.isEmpty ? nil : line
                } else {
                    readBlock()
                }
            }
            return nil
        }

        private mutating func readBlock() {
            let size = Int(Swift.min(end, Int64(65_536)))
            var block = [UInt8](repeating: 0, count: size)
            let read = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, off_t(end) - off_t(size)) }
            guard read == size else {
                end = 0
                return
            }
            end -= Int64(size)
            buffer = block + buffer
        }
    }

    /// Creates `url` and its parents (like `mkdir -p`), translating permission failures into a read-only
    /// workspace error so the user learns why, not just that, it failed.
    public static func makeDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        let parent = url.deletingLastPathComponent()
        if parent.path != url.path { try makeDirectory(parent) }
        if mkdir(url.path, 0o755) != 0 && errno != EEXIST {
            throw failure(errno, path: url.path, doing: "create the directory")
        }
    }

    private static func endsWithoutNewline(_ fd: Int32) -> Bool {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return false }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, size - 1) == 1 else { return false }
        return last != UInt8(ascii: "\n")
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(errno, path: path, doing: "write")
                }
                offset += written
            }
        }
    }

    private static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    static func failure(_ code: Int32, path: String, doing action: String) -> WorkspaceError {
        let reason = String(cString: strerror(code))
        if code == EACCES || code == EROFS || code == EPERM {
            return .readOnly(path: path, reason: "cannot \(action) it (\(reason))")
        }
        return .io(path: path, reason: "cannot \(action) it: \(reason)")
    }
}

/// Whether a directory may be written. Besides the operating system's answer it honours the owner's write
/// bit, so a workspace someone marked read-only (`chmod -w`) is treated as read-only even for root.
public func isWritableDirectory(_ url: URL) -> Bool {
    var info = stat()
    guard stat(url.path, &info) == 0 else { return false }
    guard info.st_mode & S_IWUSR != 0 else { return false }
    return access(url.path, W_OK) == 0
}
