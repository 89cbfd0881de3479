import Foundation

#if os(Linux)
    import Glibc

    /// The kernel's file-change notifications (Linux `inotify`), as little as the corpus watch needs: one
    /// descriptor, watches added and removed by path, events read in the order they happened. Events of every
    /// watch of one descriptor share one queue, which is what lets a reader's cookie mark "everything before
    /// this was seen".
    final class Inotify {
        /// One event: which watch, what happened, and the name inside the watched directory ("" for the
        /// directory itself).
        struct Event {
            var watch: Int32
            var mask: UInt32
            var name: String
        }

        /// What a watched directory reports: entries created, removed, renamed, written or touched, and the
        /// directory itself going away. `IN_MODIFY` is needed beside `IN_CLOSE_WRITE`: a file written and kept
        /// open (a log) changes its mtime without being closed.
        static let directoryEvents: UInt32 =
            UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB)
            | UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

        let descriptor: Int32

        /// A new descriptor (non-blocking, closed on exec); nil when the kernel refuses one (the per-user
        /// limit of instances).
        init?() {
            let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
        }

        deinit { close(descriptor) }

        /// Watches the directory at `path`; the watch's number, or the `errno` that refused it (ENOSPC: the
        /// per-user limit of watches, `fs.inotify.max_user_watches`).
        func watch(_ path: String, mask: UInt32 = Inotify.directoryEvents) -> Result<Int32, Errno> {
            let watch = inotify_add_watch(descriptor, path, mask)
            return watch >= 0 ? .success(watch) : .failure(Errno(code: errno))
        }

        /// Stops a watch (its `IN_IGNORED` event still arrives).
        func remove(_ watch: Int32) { inotify_rm_watch(descriptor, watch) }

        /// Waits up to `milliseconds` (-1: for ever) for events or for `wake` to become readable; true when
        /// events are waiting, false on time-out or when woken.
        func wait(milliseconds: Int32, wake: Int32 = -1) -> Bool {
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if wake >= 0 { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
            var ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            // A signal (the terminal resized) is not a reason to stop: only the wake descriptor is.
            while ready < 0 && errno == EINTR && milliseconds < 0 {
                ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            }
            guard ready > 0 else { return false }
            if descriptors.count > 1, descriptors[1].revents != 0 { return false }
            return descriptors[0].revents & Int16(POLLIN) != 0
        }

        /// Every event waiting now, in order (empty when none).
        func read() -> [Event] {
            var events: [Event] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let (watch, mask, length) = buffer.withUnsafeBytes { bytes in
                        let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        return (event.wd, event.mask, Int(event.len))
                    }
                    let nameBytes = buffer[(offset + header)..<min(count, offset + header + length)]
                    let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                    events.append(Event(watch: watch, mask: mask, name: name))
                    offset += header + length
                }
            }
            return events
        }
    }

    /// An `errno` value a system call returned.
    struct Errno: Error {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }
#endif
