import Foundation

/// Lists the corpus: the files whet reads and every directory with its mtime (what `CorpusState` compares
/// later). A POSIX directory walk: Foundation's enumerator with resource values costs ~100 µs a file on
/// Linux, most of a no-change update on a corpus of thousands of files. Hidden files and directories are
/// skipped.
struct CorpusWalk {
    /// A file to read: its absolute path, how results show it, and its path relative to the corpus.
    struct File: Sendable {
        var path: String
        var display: String
        var relative: String
    }

    /// The files, sorted by how they are shown.
    var files: [File] = []
    /// Every directory walked, relative to the corpus ("" for the corpus itself), with its mtime (ns).
    var directories: [String: Int64] = [:]
    /// Files of other types.
    var ignored = 0

    /// Walks `corpus` (shown as `displayPrefix`), keeping files with one of `extensions`.
    init(corpus: String, displayPrefix: String, extensions: Set<String>) {
        walk(corpus, displayPrefix, "", extensions)
        files.sort { $0.display < $1.display }
    }

    /// Walks only `relative` (a directory below the corpus) and what is below it.
    init(corpus: String, displayPrefix: String, below relative: String, extensions: Set<String>) {
        walk(
            relative.isEmpty ? corpus : corpus + "/" + relative,
            relative.isEmpty ? displayPrefix : displayPrefix + "/" + relative, relative, extensions)
        files.sort { $0.display < $1.display }
    }

    /// Lists one directory without descending: its files (of every type) and its subdirectories, by name.
    static func entries(of directory: String) -> (files: [String], directories: [String])? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var files: [String] = []
        var directories: [String] = []
        while let entry = readdir(handle) {
            let name = CorpusWalk.name(of: entry)
            guard !name.hasPrefix(".") else { continue }
            switch kind(of: entry, at: directory + "/" + name) {
            case UInt8(DT_DIR): directories.append(name)
            case UInt8(DT_REG): files.append(name)
            default: break
            }
        }
        return (files, directories)
    }

    /// The lower-cased extension of a file name ("" when it has none).
    static func fileExtension(_ name: String) -> String {
        name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]).lowercased() } ?? ""
    }

    private mutating func walk(_ directory: String, _ display: String, _ relative: String, _ extensions: Set<String>) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        var status = stat()
        if fstat(dirfd(handle), &status) == 0 { directories[relative] = CorpusState.nanoseconds(status) }
        while let entry = readdir(handle) {
            let name = CorpusWalk.name(of: entry)
            guard !name.hasPrefix(".") else { continue }
            let path = directory + "/" + name
            let inside = relative.isEmpty ? name : relative + "/" + name
            switch CorpusWalk.kind(of: entry, at: path) {
            case UInt8(DT_DIR):
                walk(path, display + "/" + name, inside, extensions)
            case UInt8(DT_REG):
                if extensions.contains(CorpusWalk.fileExtension(name)) {
                    files.append(File(path: path, display: display + "/" + name, relative: inside))
                } else {
                    ignored += 1
                }
            default:
                break
            }
        }
    }

    /// A directory entry's name (the corpus watch lists directories the same way).
    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: entry.pointee.d_name) { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
        }
    }

    /// DT_DIR, DT_REG or something else; symbolic links and file systems that do not fill in the type are
    /// asked with `stat`, which follows links.
    private static func kind(of entry: UnsafeMutablePointer<dirent>, at path: String) -> UInt8 {
        let kind = entry.pointee.d_type
        guard kind == UInt8(DT_UNKNOWN) || kind == UInt8(DT_LNK) else { return kind }
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return UInt8(DT_DIR)
        case S_IFREG: return UInt8(DT_REG)
        default: return 0
        }
    }
}
