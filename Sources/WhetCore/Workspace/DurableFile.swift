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
        let tempPath = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
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

    /// Appends `data` (one complete record) to `url`, creating it if needed, and flushes it to disk before
    /// returning. When the file's last byte is not a newline (a record torn by a crash), a newline is written
    /// first so the new record starts on a line of its own; the torn bytes themselves are left untouched.
    public static func appendRecord(_ data: Data, to url: URL) throws {
        let existed = FileManager.default.fileExists(atPath: url.path)
        let fd = open(url.path, O_RDWR | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw failure(errno, path: url.path, doing: "open for appending") }
        defer { close(fd) }
        var payload = data
        if existed, endsWithoutNewline(fd) { payload.insert(UInt8(ascii: "\n"), at: 0) }
        try writeAll(payload, to: fd, path: url.path)
        guard fsync(fd) == 0 else { throw failure(errno, path: url.path, doing: "flush") }
        if !existed { syncDirectory(url.deletingLastPathComponent()) }
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
