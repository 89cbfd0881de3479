/// "Did you mean …?" for names a user typed: the known name closest to what was typed, when it is close
/// enough to be a typo (an edit distance of at most a third of the name, and at most 2).
public enum Suggestion {
    /// The closest of `candidates` to `typed`, or nil when none is plausibly what was meant.
    public static func closest(to typed: String, in candidates: [String]) -> String? {
        let limit = min(2, max(1, typed.count / 3))
        var best: (name: String, distance: Int)? = nil
        for candidate in candidates {
            let distance = editDistance(typed.lowercased(), candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// " (did you mean 'x'?)" or "", ready to append to a message.
    public static func hint(for typed: String, in candidates: [String]) -> String {
        closest(to: typed, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions: "qestion", "quesiton").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
