/// Byte counts as people read them in messages ("8 MiB", "64 KiB", "512 bytes"), so a limit in an error
/// message reads the way it would be written in whet.toml's documentation.
public enum ByteCount {
    /// `bytes` in the largest binary unit that keeps it whole, else with one decimal.
    public static func describe(_ bytes: Int) -> String {
        let units: [(Int, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where bytes >= size {
            if bytes % size == 0 { return "\(bytes / size) \(name)" }
            return "\((Double(bytes) / Double(size) * 10).rounded() / 10) \(name)"
        }
        return "\(bytes) bytes"
    }
}
