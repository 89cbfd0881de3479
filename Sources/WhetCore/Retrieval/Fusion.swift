/// One method's opinion of a result: where it ranked it and with what score. Kept on every result so the
/// UI and the run record can show why a chunk came back.
public struct MethodScore: Sendable, Equatable, Codable {
    /// `bm25`, `dense`, `rerank`, or a query variant (`bm25 q2`).
    public var method: String
    /// 1-based rank in that method's list.
    public var rank: Int
    /// That method's score (BM25, cosine, or the reranker's 0–10).
    public var score: Double

    /// Makes a score.
    public init(method: String, rank: Int, score: Double) {
        self.method = method
        self.rank = rank
        self.score = score
    }
}

/// Combining ranked lists from several methods (or several phrasings of a query) into one.
public enum Fusion {
    /// A result of one method: a chunk's row id and score, in rank order.
    public typealias Ranked = [(chunkID: Int64, score: Double)]

    /// A fused result with every method's part.
    public struct Fused: Sendable, Equatable {
        public var chunkID: Int64
        public var score: Double
        public var parts: [MethodScore]
    }

    /// Reciprocal-rank fusion: each list gives 1 / (k + rank); ranks are comparable where raw scores are not.
    /// Ties keep the order of first appearance (earlier lists, then better ranks).
    public static func reciprocalRank(_ lists: [(method: String, ranked: Ranked)], k: Int) -> [Fused] {
        combine(lists) { _, rank, _ in 1 / Double(k + rank) }
    }

    /// Weighted score fusion: each list's scores are min-max normalised to 0…1 and multiplied by its weight;
    /// a chunk a list did not return gets 0 from it.
    public static func weighted(_ lists: [(method: String, ranked: Ranked)], weights: [Double]) -> [Fused] {
        let ranges = lists.map { list -> (min: Double, span: Double) in
            let scores = list.ranked.map(\.score)
            let low = scores.min() ?? 0
            let high = scores.max() ?? 0
            return (low, high - low)
        }
        return combine(lists) { list, _, score in
            let range = ranges[list]
            let unit = range.span > 0 ? (score - range.min) / range.span : 1
            return unit * (list < weights.count ? weights[list] : 1)
        }
    }

    private static func combine(
        _ lists: [(method: String, ranked: Ranked)],
        contribution: (_ list: Int, _ rank: Int, _ score: Double) -> Double
    ) -> [Fused] {
        var fused: [Int64: Fused] = [:]
        var firstSeen: [Int64: Int] = [:]
        for (listIndex, list) in lists.enumerated() {
            for (offset, item) in list.ranked.enumerated() {
                let part = MethodScore(method: list.method, rank: offset + 1, score: item.score)
                let add = contribution(listIndex, offset + 1, item.score)
                if fused[item.chunkID] == nil {
                    firstSeen[item.chunkID] = firstSeen.count
                    fused[item.chunkID] = Fused(chunkID: item.chunkID, score: 0, parts: [])
                }
                fused[item.chunkID]?.score += add
                fused[item.chunkID]?.parts.append(part)
            }
        }
        return fused.values.sorted {
            $0.score != $1.score ? $0.score > $1.score : (firstSeen[$0.chunkID] ?? 0) < (firstSeen[$1.chunkID] ?? 0)
        }
    }
}
