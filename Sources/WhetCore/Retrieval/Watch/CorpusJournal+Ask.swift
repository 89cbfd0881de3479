import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension CorpusJournal {
    /// How long a reader waits for the watch to answer its cookie before it checks the corpus file by file.
    static let answerTimeoutMilliseconds: Int32 = 250

    /// The journal of the live watch of a workspace, up to date with every change made before this call, or
    /// nil when no process is watching (or it did not answer in time): then the caller compares the corpus
    /// file by file, as without a watch.
    ///
    /// Being up to date is what the cookie is for: the kernel queues a watch's events in the order they
    /// happen, so once the watch has seen the cookie this reader created (and removed it), it has seen, and
    /// journalled, every change made before it. A few system calls and one round trip between processes.
    static func ask(_ location: Location, timeoutMilliseconds: Int32 = answerTimeoutMilliseconds) -> CorpusJournal? {
        #if os(Linux)
            guard watcherIsAlive(location.lock) else { return nil }
            guard let answered = Inotify(),
                case .success = answered.watch(location.directory.path, mask: UInt32(IN_DELETE))
            else { return nil }
            let name = "\(Location.cookiePrefix)\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            let cookie = location.directory.appendingPathComponent(name).path
            let created = open(cookie, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard created >= 0 else { return nil }
            close(created)
            let deadline = WatchClock.now() + Int64(timeoutMilliseconds) * 1_000_000
            var seen = false
            while !seen {
                let left = Int32(max(0, (deadline - WatchClock.now()) / 1_000_000))
                guard left > 0 else { break }
                if answered.wait(milliseconds: left) {
                    seen = answered.read().contains { $0.name == name && $0.mask & UInt32(IN_DELETE) != 0 }
                }
            }
            guard seen else {
                unlink(cookie)
                return nil
            }
            guard let bytes = FileManager.default.contents(atPath: location.journal.path) else { return nil }
            return parse(Array(bytes))
        #else
            return nil
        #endif
    }

    /// True when a process holds the watch's lock (the kernel drops it when that process ends, however it
    /// ends, so a killed watch is never trusted).
    static func watcherIsAlive(_ lock: URL) -> Bool {
        let descriptor = open(lock.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
