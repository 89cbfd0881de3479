import Foundation

#if os(Linux)
    import Glibc

    /// The corpus's directories under watch, each by its watch number, and what an event on one of them
    /// means for the corpus record: which files and directories a search must look at again. Hidden entries
    /// are left out, as the corpus walk leaves them out. A symbolic link to a file is watched through its
    /// target (a link's directory hears nothing when the target is rewritten).
    struct WatchedTree {
        /// Why the tree could not be watched whole.
        struct Refused: Error {
            var description: String
        }

        let corpus: String
        private(set) var directories: [Int32: String] = [:]
        private var linkedFiles: [Int32: String] = [:]
        private var byPath: [String: Int32] = [:]

        init(corpus: String) { self.corpus = corpus }

        /// What an event meant: paths to journal, and whether the corpus directory itself went away.
        struct Meaning {
            var files: [String] = []
            var directories: [String] = []
            var corpusGone = false
        }

        /// Watches `relative` (a directory of the corpus, "" for the corpus) and everything below it. With
        /// `marking`, every directory and file found is returned as changed (a directory moved in from
        /// outside may hold anything).
        mutating func add(_ relative: String, using inotify: Inotify, marking: Bool, into meaning: inout Meaning)
            throws(Refused)
        {
            let absolute = relative.isEmpty ? corpus : corpus + "/" + relative
            let watch: Int32
            switch inotify.watch(absolute) {
            case .success(let number): watch = number
            case .failure(let error) where error.code == ENOSPC:
                throw Refused(
                    description: "the kernel's limit of watched folders was reached "
                        + "(fs.inotify.max_user_watches = \(WatchedTree.watchLimit()))")
            case .failure(let error) where error.code == ENOENT || error.code == ENOTDIR:
                return  // gone already: its parent's event says so
            case .failure(let error): throw Refused(description: "cannot watch \(absolute): \(error.description)")
            }
            // The same directory reached twice (a link to it, or a loop) is watched and walked once.
            guard directories[watch] == nil else { return }
            directories[watch] = relative
            byPath[relative] = watch
            if marking { meaning.directories.append(relative) }
            guard let handle = opendir(absolute) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = CorpusWalk.name(of: entry)
                guard !name.hasPrefix(".") else { continue }
                let inside = relative.isEmpty ? name : relative + "/" + name
                let path = absolute + "/" + name
                var kind = entry.pointee.d_type
                if kind == UInt8(DT_LNK) || kind == UInt8(DT_UNKNOWN) {
                    guard let isDirectory = try watchLink(path, inside, using: inotify) else { continue }
                    kind = isDirectory ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                if kind == UInt8(DT_DIR) {
                    try add(inside, using: inotify, marking: marking, into: &meaning)
                } else if marking {
                    meaning.files.append(inside)
                }
            }
        }

        /// An entry whose type needs a `stat`: whether it is a directory (nil when it cannot be read). A
        /// symbolic link to a file is watched through its target; a symbolic link to a directory refuses the
        /// whole watch: the same folder reached by two names, or a folder outside the corpus replaced behind
        /// its link, changes without every name the corpus has for it being told.
        private mutating func watchLink(_ path: String, _ inside: String, using inotify: Inotify) throws(Refused)
            -> Bool?
        {
            var link = stat()
            var status = stat()
            guard lstat(path, &link) == 0, stat(path, &status) == 0 else { return nil }
            let isDirectory = (status.st_mode & S_IFMT) == S_IFDIR
            guard (link.st_mode & S_IFMT) == S_IFLNK else { return isDirectory }
            if isDirectory {
                throw Refused(
                    description: "the corpus has a symbolic link to a folder (\(inside)), which the kernel does not "
                        + "report changes through")
            }
            if case .success(let linked) = inotify.watch(path, mask: WatchedTree.fileEvents) {
                linkedFiles[linked] = inside
            }
            return false
        }

        /// What a linked file's target reports.
        static let fileEvents = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

        /// What `event` means for the record; watches are added for directories that appeared and dropped
        /// for those that left.
        mutating func meaning(of event: Inotify.Event, using inotify: Inotify) throws(Refused) -> Meaning {
            var meaning = Meaning()
            let mask = event.mask
            if let file = linkedFiles[event.watch] {
                meaning.files.append(file)
                if mask & UInt32(IN_IGNORED) != 0 { linkedFiles.removeValue(forKey: event.watch) }
                return meaning
            }
            guard let directory = directories[event.watch] else { return meaning }
            if event.name.isEmpty {
                if mask & UInt32(IN_IGNORED) != 0 {
                    directories.removeValue(forKey: event.watch)
                    if byPath[directory] == event.watch { byPath.removeValue(forKey: directory) }
                } else if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    meaning.directories.append(directory)
                    meaning.corpusGone = directory.isEmpty
                }
                return meaning
            }
            guard !event.name.hasPrefix(".") else { return meaning }
            let path = directory.isEmpty ? event.name : directory + "/" + event.name
            let entriesMoved = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
            if mask & UInt32(IN_ISDIR) != 0 {
                guard mask & entriesMoved != 0 else { return meaning }
                meaning.directories.append(directory)
                meaning.directories.append(path)
                forget(below: path, using: inotify)
                if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    try add(path, using: inotify, marking: true, into: &meaning)
                }
                return meaning
            }
            if mask & entriesMoved != 0 {
                meaning.directories.append(directory)
                // A link made or replaced here: its (new) target is watched, or the watch refuses a folder link.
                if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    _ = try watchLink(corpus + "/" + path, path, using: inotify)
                }
            }
            meaning.files.append(path)
            return meaning
        }

        /// Drops the watches of `path` and of every directory below it (it was removed or moved away).
        private mutating func forget(below path: String, using inotify: Inotify) {
            let prefix = path + "/"
            for (relative, watch) in byPath where relative == path || relative.hasPrefix(prefix) {
                inotify.remove(watch)
                byPath.removeValue(forKey: relative)
                directories.removeValue(forKey: watch)
            }
        }

        /// The kernel's per-user limit of watches, for the message that says it was reached.
        static func watchLimit() -> String {
            (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_watches", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        }
    }
#endif
