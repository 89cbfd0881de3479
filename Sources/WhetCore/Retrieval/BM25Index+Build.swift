import Foundation

extension BM25Index {
    /// Builds an index of `documents` (body text, heading text) using every core: each thread indexes a
    /// contiguous slice into its own index, and the slices are merged in order, so document numbers are the
    /// positions in `documents` exactly as if they had been added one by one.
    public static func build(
        _ documents: [(text: String, heading: String)], languages: [Language]? = nil, parameters: BM25Parameters,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> BM25Index {
        let totalBytes = documents.reduce(0) { $0 + $1.text.utf8.count }
        // Below a few hundred kilobytes a thread costs more to start than it saves.
        let sliceCount = max(1, min(threads, 8, totalBytes / 262_144, documents.count))
        let parts = PartCollector(count: sliceCount)
        let sliceSize = (documents.count + sliceCount - 1) / max(sliceCount, 1)
        DispatchQueue.concurrentPerform(iterations: sliceCount) { slice in
            var part = BM25Index(parameters: parameters)
            for position in min(documents.count, slice * sliceSize)..<min(documents.count, (slice + 1) * sliceSize) {
                let document = documents[position]
                part.add(text: document.text, heading: document.heading, language: languages?[position] ?? .english)
            }
            part.finish()
            parts.store(part, at: slice)
        }
        var index = BM25Index(parameters: parameters)
        for part in parts.all() { index.append(part) }
        index.finish()
        return index
    }

    /// Appends every document of `other` after this index's documents, remapping its terms.
    public mutating func append(_ other: BM25Index) {
        var other = other
        other.finish()
        let base = UInt32(documentCount)
        let remap = other.terms.map { termID(for: $0) }
        languages.formUnion(other.languages)
        other.wordIDs.forEach { bytes, hash, value in
            if wordIDs.value(for: bytes, hash: hash) == nil {
                wordIDs.insert(bytes, hash: hash, value: value < 0 ? -1 : remap[Int(value)])
            }
        }
        appendPostings(of: other, remap: remap, documentOffset: base)
    }
}

/// Collects the per-thread indexes of a parallel build; the lock makes the shared slots safe to fill.
private final class PartCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [BM25Index?]

    init(count: Int) { parts = Array(repeating: nil, count: count) }

    func store(_ part: BM25Index, at slot: Int) {
        lock.lock()
        parts[slot] = part
        lock.unlock()
    }

    func all() -> [BM25Index] {
        lock.lock()
        defer { lock.unlock() }
        return parts.compactMap { $0 }
    }
}
