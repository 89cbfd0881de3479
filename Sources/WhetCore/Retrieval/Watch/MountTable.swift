import Foundation

/// Which file system a path lives on, from `/proc/self/mounts`: the corpus watch is only trusted on local
/// file systems, since a network file system reports only the changes made on this machine.
enum MountTable {
    /// File system types whose files can change without this machine's kernel seeing it.
    static let remoteTypes: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "afs", "glusterfs", "lustre", "gpfs", "ocfs2",
        "gfs2", "virtiofs",
    ]

    /// True for a network file system (FUSE ones included: sshfs, s3fs, rclone…).
    static func isRemote(_ type: String) -> Bool { remoteTypes.contains(type) || type.hasPrefix("fuse") }

    /// The type of the file system `path` is on (the mount with the longest matching mount point), or nil
    /// when the table cannot be read.
    static func fileSystemType(of path: String) -> String? {
        guard let table = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var best: (point: String, type: String)?
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = unescape(String(fields[1]))
            let inside = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type
    }

    /// Mount points escape space, tab, newline and backslash as three octal digits.
    private static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var characters = Array(field.utf8)[...]
        while let byte = characters.popFirst() {
            if byte == UInt8(ascii: "\\"), characters.count >= 3,
                let value = UInt8(String(decoding: characters.prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                characters = characters.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
