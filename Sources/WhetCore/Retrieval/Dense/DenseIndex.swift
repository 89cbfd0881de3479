/// Exact nearest neighbours by cosine similarity: unit vectors in one contiguous float32 matrix, scored by
/// a dot product per row and the best k kept in a heap. Exact search is simple and, at whet's scale
/// (100,000 chunks × 384–1,536 dimensions), answers in milliseconds — see docs/retrieval.md for figures.
public struct DenseIndex: Sendable {
    /// The vectors' length.
    public let dimensions: Int
    private var matrix: [Float] = []

    /// An empty index of `dimensions`-long vectors.
    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    /// An index over rows already of unit length (a snapshot's), taken as they are.
    init(dimensions: Int, unitRows: [Float]) {
        self.dimensions = dimensions
        matrix = dimensions == 0 ? [] : unitRows
    }

    /// The unit rows one after the other, as a snapshot keeps them.
    var unitRows: [Float] { matrix }

    /// Keeps the rows for which `keep` (given a row number) is true, in order.
    mutating func keepRows(_ keep: (Int) -> Bool) {
        guard dimensions > 0 else { return }
        var kept: [Float] = []
        kept.reserveCapacity(matrix.count)
        for row in 0..<count where keep(row) {
            kept.append(contentsOf: matrix[(row * dimensions)..<((row + 1) * dimensions)])
        }
        matrix = kept
    }

    /// How many vectors the index holds.
    public var count: Int { dimensions == 0 ? 0 : matrix.count / dimensions }

    /// Adds a vector (normalised here); returns its row. A vector of another length is a programming error
    /// upstream, so it is refused with `false` rather than corrupting the matrix.
    @discardableResult
    public mutating func add(_ vector: [Float]) -> Bool {
        guard vector.count == dimensions else { return false }
        matrix.append(contentsOf: normalized(vector))
        return true
    }

    /// The `topK` rows most similar to `query`, best first, with their cosine similarity.
    public func search(_ query: [Float], topK: Int) -> [(index: Int, score: Float)] {
        guard query.count == dimensions, count > 0 else { return [] }
        let unit = normalized(query)
        let rows = count
        let width = dimensions
        var heap = TopKHeap(capacity: topK)
        matrix.withUnsafeBufferPointer { matrix in
            unit.withUnsafeBufferPointer { query in
                guard let rowsStart = matrix.baseAddress, let queryStart = query.baseAddress else { return }
                for row in 0..<rows {
                    heap.offer(row, DenseIndex.dot(rowsStart + row * width, queryStart, count: width))
                }
            }
        }
        return heap.sorted()
    }

    /// A dot product eight lanes at a time (the compiler will not reorder float additions by itself).
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        // Two independent accumulators keep both floating-point units busy.
        var lanes = SIMD8<Float>()
        var more = SIMD8<Float>()
        var index = 0
        while index + 16 <= count {
            lanes +=
                UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
            more +=
                UnsafeRawPointer(a + index + 8).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + index + 8).loadUnaligned(as: SIMD8<Float>.self)
            index += 16
        }
        while index + 8 <= count {
            lanes +=
                UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
            index += 8
        }
        var sum = (lanes + more).sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }
}
