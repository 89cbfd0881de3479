import Foundation

/// Reusable per-query buffers for `BM25Index.search`, shared by copies of an index and safe to use from
/// several threads (each search takes its own pair). Scores are all zero whenever a pair is given back.
final class SearchScratch: @unchecked Sendable {
    // @unchecked: `free` is guarded by `lock`; a buffer pair is used by one search at a time.
    struct Buffers {
        var scores: UnsafeMutablePointer<Float>
        var touched: UnsafeMutablePointer<UInt32>
        var capacity: Int
    }
    private let lock = NSLock()
    private var free: [Buffers] = []

    func take(count: Int) -> Buffers {
        lock.lock()
        let reused = free.popLast()
        lock.unlock()
        if let reused, reused.capacity >= count { return reused }
        if let reused { release(reused) }
        let capacity = max(count, 1)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        scores.initialize(repeating: 0, count: capacity)
        let touched = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        return Buffers(scores: scores, touched: touched, capacity: capacity)
    }

    func give(_ buffers: Buffers) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < 8 { free.append(buffers) } else { release(buffers) }
    }

    private func release(_ buffers: Buffers) {
        buffers.scores.deallocate()
        buffers.touched.deallocate()
    }

    deinit {
        for buffers in free { release(buffers) }
    }
}

/// A min-heap keeping the best `capacity` (index, score) pairs seen; most offers are rejected by one
/// comparison with the root. "Worse" means a lower score, or the same score and a later index.
struct TopKHeap {
    private(set) var items: [(index: Int, score: Float)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        items.reserveCapacity(self.capacity)
    }

    @inline(__always)
    static func worse(_ a: (index: Int, score: Float), _ b: (index: Int, score: Float)) -> Bool {
        a.score < b.score || (a.score == b.score && a.index > b.index)
    }

    @inline(__always)
    mutating func offer(_ index: Int, _ score: Float) {
        guard capacity > 0 else { return }
        let item = (index: index, score: score)
        if items.count < capacity {
            items.append(item)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard TopKHeap.worse(items[child], items[parent]) else { break }
                items.swapAt(child, parent)
                child = parent
            }
        } else if TopKHeap.worse(items[0], item) {
            items[0] = item
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var worst = parent
                if left < items.count, TopKHeap.worse(items[left], items[worst]) { worst = left }
                if right < items.count, TopKHeap.worse(items[right], items[worst]) { worst = right }
                if worst == parent { return }
                items.swapAt(parent, worst)
                parent = worst
            }
        }
    }

    /// The kept items, best first.
    func sorted() -> [(index: Int, score: Float)] {
        items.sorted { TopKHeap.worse($1, $0) }
    }
}

/// Selecting the best k of many scored items without sorting them all: a min-heap of size k. Shared by the
/// lexical and dense searches so both break ties the same way (lower index first).
public enum TopK {
    /// The `k` highest-scoring `(index, score)` pairs, best first; equal scores keep the lower index first.
    public static func select<Items: Sequence>(_ k: Int, from items: Items) -> [(index: Int, score: Float)]
    where Items.Element == (Int, Float) {
        var heap = TopKHeap(capacity: k)
        for (index, score) in items { heap.offer(index, score) }
        return heap.sorted()
    }
}
