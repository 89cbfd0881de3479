/// The longest-common-subsequence diff of two sequences, shared by the word diff of two runs' outputs and the
/// line diff of two prompt versions. On a tie the removal comes first, so a change reads old → new.
public enum SequenceDiff {
    /// One element of the edit script.
    public enum Step<Element: Equatable & Sendable>: Equatable, Sendable {
        case same(Element), removed(Element), added(Element)
    }

    /// The steps turning `old` into `new`; nil when the table would exceed `limit` cells (callers then show
    /// the old text removed and the new added).
    public static func diff<Element: Equatable & Sendable>(_ old: [Element], _ new: [Element], limit: Int = 4_000_000)
        -> [Step<Element>]?
    {
        guard old.count * new.count <= limit else { return nil }
        var table = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var steps: [Step<Element>] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                steps.append(.same(old[i]))
                i += 1
                j += 1
            } else if i < old.count, j == new.count || table[i + 1][j] >= table[i][j + 1] {
                steps.append(.removed(old[i]))
                i += 1
            } else {
                steps.append(.added(new[j]))
                j += 1
            }
        }
        return steps
    }
}
