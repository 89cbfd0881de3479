import Foundation

/// Scoring: BM25 over the live documents (deleted ones are neither returned nor counted), the best `topK`
/// kept in a heap, scores accumulated in reused scratch buffers.
extension BM25Index {
    /// Inverse document frequency, Lucene's form (never negative): ln(1 + (N − df + 0.5) / (df + 0.5)).
    public func idf(documentFrequency: Int) -> Double {
        let count = Double(liveDocumentCount)
        let df = Double(documentFrequency)
        return log(1 + (count - df + 0.5) / (df + 0.5))
    }

    /// How many live documents contain `term`.
    public func documentFrequency(_ term: String) -> Int {
        guard let id = termIDs[term], Int(id) < offsets.count - 1 else { return 0 }
        return liveFrequency(from: offsets[Int(id)], to: offsets[Int(id) + 1])
    }

    /// The live documents among the postings `start..<end`: all of them without deletions, else counted.
    func liveFrequency(from start: Int, to end: Int) -> Int {
        guard deletedCount > 0 else { return end - start }
        var live = 0
        for index in start..<end {
            let document = Int(postingDocuments[index])
            if document >= deleted.count || !deleted[document] { live += 1 }
        }
        return live
    }

    /// The best `topK` documents for analysed query terms, best first; ties go to the earlier document. A term
    /// repeated in the query counts as often as it appears, as in Lucene. Requires `finish()` after adding.
    public func search<Terms: Sequence>(_ queryTerms: Terms, topK: Int) -> [Hit] where Terms.Element == String {
        precondition(
            lengthNorms.count == documentLengths.count && pendingTerms.isEmpty,
            "BM25Index.finish() must run after adding documents")
        var counts: [Int32: Float] = [:]
        for term in queryTerms { if let id = termIDs[term] { counts[id, default: 0] += 1 } }
        guard topK > 0, !counts.isEmpty else { return [] }
        // Score accumulators and the list of touched documents come from a reused scratch buffer: a fresh
        // megabyte per query on a large corpus costs more in page faults than the scoring itself.
        let count = documentLengths.count
        let buffers = scratch.take(count: count)
        defer { scratch.give(buffers) }
        let scores = buffers.scores
        let touched = buffers.touched
        var touchedCount = 0
        let k1PlusOne = Float(parameters.k1 + 1)
        lengthNorms.withUnsafeBufferPointer { norms in
            postingDocuments.withUnsafeBufferPointer { documents in
                postingWeights.withUnsafeBufferPointer { weights in
                    for (id, queryCount) in counts.sorted(by: { $0.key < $1.key }) {
                        let start = offsets[Int(id)]
                        let end = offsets[Int(id) + 1]
                        let frequency = liveFrequency(from: start, to: end)
                        let factor = Float(idf(documentFrequency: frequency)) * queryCount * k1PlusOne
                        var index = start
                        while index < end {
                            let document = Int(documents[index])
                            let tf = weights[index]
                            let previous = scores[document]
                            if previous == 0 {
                                touched[touchedCount] = UInt32(document)
                                touchedCount += 1
                            }
                            scores[document] = previous + factor * tf / (tf + norms[document])
                            index += 1
                        }
                    }
                }
            }
        }
        var heap = TopKHeap(capacity: topK)
        let hasDeletions = deletedCount > 0
        for position in 0..<touchedCount {
            let document = Int(touched[position])
            if !hasDeletions || document >= deleted.count || !deleted[document] {
                heap.offer(document, scores[document])
            }
            scores[document] = 0  // leave the scratch clean for the next query
        }
        return heap.sorted().map { Hit(document: $0.index, score: Double($0.score)) }
    }
}
