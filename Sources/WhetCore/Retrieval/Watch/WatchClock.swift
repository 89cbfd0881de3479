import Foundation

/// The clock the corpus watch and the corpus record are compared by: nanoseconds since boot
/// (`CLOCK_BOOTTIME`, which no one can set back, unlike the wall clock) with the boot's id, since a record
/// written before a reboot says nothing about when a watch started after it.
enum WatchClock {
    /// Nanoseconds since this machine booted.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// This boot's id (`/proc/sys/kernel/random/boot_id`), "" where there is none.
    static let bootID: String = {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else {
            return ""
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }()
}
