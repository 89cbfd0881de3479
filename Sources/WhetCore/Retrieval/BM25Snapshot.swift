import Foundation

/// The built BM25 index on disk (`.whet/bm25.idx`), so a new process searches a large corpus at once instead
/// of rebuilding the inverted index from every stored chunk (seconds at hundreds of thousands of chunks).
/// It is derived data and never trusted blindly: a file from another format version, machine word size,
/// BM25 setting or chunk store (one emptied since, by a rebuild or new chunk settings), a truncated or damaged file, or a posting that points past the documents is
/// refused, and the index is rebuilt from the chunk store. It records the store's generation and the highest
/// chunk id it covers, so a process can bring it up to date with what changed since (`LexicalIndex`).
///
/// Layout: magic, a JSON header, then the arrays as raw little-endian bytes (each with its element count,
/// 8-byte aligned, each with a checksum of its own folded into the file's), the checksum, then the magic again: a file cut short is seen at once, and one
/// changed anywhere fails the checksum.
struct BM25Snapshot {
    /// What the arrays were built from; a file whose header does not match the store's is rebuilt.
    struct Header: Codable, Equatable {
        var format = BM25Snapshot.format
        var wordSize = MemoryLayout<Int>.size
        var entryStride = MemoryLayout<WordTable.Entry>.stride
        var parameters: BM25Parameters
        /// The chunk store it was built from (its identity, renewed whenever the store is emptied).
        var storeID: String
        /// The store's generation when the index was built.
        var generation: Int
        /// The highest chunk id the index covers; chunks added later have higher ids.
        var maxChunkID: Int64
        var documents: Int
        var deletedCount: Int
        var totalLength: Double
        var languages: [UInt8]
    }

    static let format = 2
    static let magic = Array("WHETBM25".utf8)

    /// Why a snapshot cannot be used.
    typealias Unusable = SectionFile.Unusable

    /// Writes `index` and its chunk ids to `url` atomically (a temporary file, flushed, then renamed).
    static func write(_ index: BM25Index, chunkIDs: [Int64], header: Header, to url: URL) throws {
        var index = index
        index.finish()
        // The layout every derived binary file shares (SectionFile): one section per array, each with its own
        // checksum so sections can be read and checked in parallel.
        let writer = try SectionFile.Writer(url: url, magic: magic)
        try writer.array(Array(try JSONEncoder().encode(header)))
        try writer.array(chunkIDs)
        var termBytes: [UInt8] = []
        var termEnds: [UInt32] = []
        for term in index.terms {
            termBytes.append(contentsOf: term.utf8)
            termEnds.append(UInt32(termBytes.count))
        }
        try writer.array(termBytes)
        try writer.array(termEnds)
        try writer.array(index.offsets)
        try writer.array(index.postingDocuments)
        try writer.array(index.postingWeights)
        try writer.array(index.documentLengths)
        try writer.array(index.deleted.map { $0 ? UInt8(1) : 0 })
        try writer.array(index.wordIDs.slots)
        try writer.array(index.wordIDs.entries)
        try writer.array(index.wordIDs.arena)
        try writer.commit()
    }

    /// Reads a snapshot written by `write`, checking it as it goes; it must have been built with `parameters`
    /// from the chunk store `storeID`.
    static func read(_ url: URL, parameters: BM25Parameters, storeID: String) throws -> (
        index: BM25Index, chunkIDs: [Int64], header: Header
    ) {
        // Read straight into the arrays (no mapping, no second copy): at hundreds of megabytes the page faults
        // of a copy cost more than the reading.
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw Unusable(description: "cannot be opened") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Unusable(description: "cannot be read") }
        let size = Int(status.st_size)
        return try {
            var position = 0
            var combined = Checksum.Combined()
            func array<T>(_ type: T.Type) throws -> [T] {
                let (values, checksum, end) = try SectionFile.section(
                    type, at: position, descriptor: descriptor, size: size)
                combined.fold(checksum)
                position = end
                return values
            }
            /// Two sections side by side read at once, on two threads: the postings, most of the file.
            func arrays<A, B>(_ first: A.Type, _ second: B.Type) throws -> ([A], [B]) {
                var count: UInt64 = 0
                var ignored = Checksum()
                _ = try SectionFile.take(8, at: position, into: &count, &ignored, descriptor: descriptor, size: size)
                guard count <= UInt64(size) else { throw Unusable(description: "an array is longer than the file") }
                let bytes = Int(count) * MemoryLayout<A>.stride
                let secondOffset = position + 8 + bytes + (8 - bytes % 8) % 8
                let results = ParallelSections<A, B>()
                let start = position
                DispatchQueue.concurrentPerform(iterations: 2) { which in
                    if which == 0 {
                        results.first = Result {
                            try SectionFile.section(first, at: start, descriptor: descriptor, size: size)
                        }
                    } else {
                        results.second = Result {
                            try SectionFile.section(second, at: secondOffset, descriptor: descriptor, size: size)
                        }
                    }
                }
                guard let a = try results.first?.get(), let b = try results.second?.get() else {
                    throw Unusable(description: "the file is cut short")
                }
                combined.fold(a.checksum)
                combined.fold(b.checksum)
                position = b.end
                return (a.values, b.values)
            }
            var magicBytes: UInt64 = 0
            var first = Checksum()
            position = try SectionFile.take(8, at: 0, into: &magicBytes, &first, descriptor: descriptor, size: size)
            combined.fold(first.value)
            guard withUnsafeBytes(of: &magicBytes, { Array($0) }) == magic else {
                throw Unusable(description: "not a whet BM25 index file")
            }
            let header = try JSONDecoder().decode(Header.self, from: Data(try array(UInt8.self)))
            guard header.format == format, header.wordSize == MemoryLayout<Int>.size,
                header.entryStride == MemoryLayout<WordTable.Entry>.stride
            else { throw Unusable(description: "written by another version of whet") }
            guard header.parameters == parameters, header.storeID == storeID else {
                throw Unusable(description: "built from another chunk store, or with other BM25 settings")
            }
            let chunkIDs = try array(Int64.self)
            let termBytes = try array(UInt8.self)
            let termEnds = try array(UInt32.self)
            var index = BM25Index(parameters: parameters)
            index.offsets = try array(Int.self)
            (index.postingDocuments, index.postingWeights) = try arrays(UInt32.self, Float.self)
            index.documentLengths = try array(Float.self)
            index.deleted = try array(UInt8.self).map { $0 != 0 }
            index.wordIDs.slots = try array(Int32.self)
            index.wordIDs.entries = try array(WordTable.Entry.self)
            index.wordIDs.arena = try array(UInt8.self)
            let expected = combined.value
            var trailer: (UInt64, UInt64) = (0, 0)
            guard position == size - 16, pread(descriptor, &trailer, 16, off_t(position)) == 16,
                trailer.0 == expected, withUnsafeBytes(of: &trailer.1, { Array($0) }) == magic
            else { throw Unusable(description: "its checksum does not match, or it is cut short (a damaged file)") }
            // The checks that keep a damaged file from reading or writing out of bounds.
            let documents = index.documentLengths.count
            guard chunkIDs.count == documents, header.documents == documents,
                index.offsets.count == termEnds.count + 1, index.offsets.first == 0,
                index.offsets.last == index.postingDocuments.count,
                index.postingWeights.count == index.postingDocuments.count,
                zip(index.offsets, index.offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
                index.postingDocuments.withUnsafeBufferPointer({ ($0.max() ?? 0) < UInt32(clamping: documents) })
                    || index.postingDocuments.isEmpty,
                termEnds.last.map({ Int($0) == termBytes.count }) ?? termBytes.isEmpty,
                zip(termEnds, termEnds.dropFirst()).allSatisfy({ $0 <= $1 }),
                index.wordIDs.slots.count.nonzeroBitCount == 1,
                index.wordIDs.slots.allSatisfy({ $0 < index.wordIDs.entries.count }),
                index.wordIDs.entries.allSatisfy({
                    $0.start >= 0 && $0.length >= 0 && $0.start + $0.length <= index.wordIDs.arena.count
                        && Int($0.value) < termEnds.count
                })
            else { throw Unusable(description: "its arrays do not fit together (a damaged file)") }
            var start = 0
            index.terms.reserveCapacity(termEnds.count)
            index.termIDs.reserveCapacity(termEnds.count)
            termBytes.withUnsafeBufferPointer { bytes in
                for end in termEnds {
                    let term = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<Int(end)]), as: UTF8.self)
                    index.termIDs[term] = Int32(index.terms.count)
                    index.terms.append(term)
                    start = Int(end)
                }
            }
            index.lastDocument = Array(repeating: UInt32.max, count: termEnds.count)
            index.lastSlot = Array(repeating: -1, count: termEnds.count)
            index.totalLength = header.totalLength
            index.deletedCount = header.deletedCount
            index.recountDeletions()
            index.languages = Set(header.languages)
            index.finish()
            return (index, chunkIDs, header)
        }()
    }
}

/// The two halves of a parallel read, each filled by its own thread before either is read.
private final class ParallelSections<A, B>: @unchecked Sendable {
    // @unchecked: each slot is written by one thread of `concurrentPerform`, read after it returns.
    var first: Result<(values: [A], checksum: UInt64, end: Int), Error>?
    var second: Result<(values: [B], checksum: UInt64, end: Int), Error>?
}

/// A fast checksum of 8-byte words: Fletcher's two running sums in four independent lanes (additions only,
/// so it runs at memory speed). Not for security: for telling a damaged file from a good one.
struct Checksum {
    private var sums: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var sumsOfSums: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var words = 0

    /// Adds `bytes` followed by `extra` bytes of `padding` (zeros, as written), together a multiple of 8.
    mutating func add(_ bytes: UnsafeRawBufferPointer, padding: UInt64, extra: Int) {
        let whole = bytes.count - bytes.count % 8
        add(UnsafeRawBufferPointer(rebasing: bytes[0..<whole]))
        guard extra > 0 else { return }
        var last: UInt64 = 0
        withUnsafeMutableBytes(of: &last) { word in
            for (offset, byte) in bytes[whole...].enumerated() { word[offset] = byte }
            withUnsafeBytes(of: padding) { pad in
                for offset in 0..<extra { word[bytes.count - whole + offset] = pad[offset] }
            }
        }
        withUnsafeBytes(of: &last) { add($0) }
    }

    /// Adds bytes whose count is a multiple of 8.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count / 8
        var index = 0
        while index < count && (words + index) % 4 != 0 {
            mix(lane: (words + index) % 4, bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            index += 1
        }
        var (a0, a1, a2, a3) = sums
        var (b0, b1, b2, b3) = sumsOfSums
        while index + 4 <= count {
            a0 = a0 &+ bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
            a1 = a1 &+ bytes.loadUnaligned(fromByteOffset: index * 8 + 8, as: UInt64.self)
            a2 = a2 &+ bytes.loadUnaligned(fromByteOffset: index * 8 + 16, as: UInt64.self)
            a3 = a3 &+ bytes.loadUnaligned(fromByteOffset: index * 8 + 24, as: UInt64.self)
            b0 = b0 &+ a0
            b1 = b1 &+ a1
            b2 = b2 &+ a2
            b3 = b3 &+ a3
            index += 4
        }
        sums = (a0, a1, a2, a3)
        sumsOfSums = (b0, b1, b2, b3)
        while index < count {
            mix(lane: (words + index) % 4, bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            index += 1
        }
        words += count
    }

    private mutating func mix(lane: Int, _ word: UInt64) {
        switch lane {
        case 0:
            sums.0 = sums.0 &+ word
            sumsOfSums.0 = sumsOfSums.0 &+ sums.0
        case 1:
            sums.1 = sums.1 &+ word
            sumsOfSums.1 = sumsOfSums.1 &+ sums.1
        case 2:
            sums.2 = sums.2 &+ word
            sumsOfSums.2 = sumsOfSums.2 &+ sums.2
        default:
            sums.3 = sums.3 &+ word
            sumsOfSums.3 = sumsOfSums.3 &+ sums.3
        }
    }

    /// Section checksums folded in order: the file's.
    struct Combined {
        private(set) var value: UInt64 = 0x6A09_E667_F3BC_C908

        mutating func fold(_ section: UInt64) { value = (value ^ section) &* 0x9E37_79B9_7F4A_7C15 }
    }

    /// The lanes combined.
    var value: UInt64 {
        var result = UInt64(words)
        for lane in [sums.0, sums.1, sums.2, sums.3, sumsOfSums.0, sumsOfSums.1, sumsOfSums.2, sumsOfSums.3] {
            result = (result ^ lane) &* 0x9E37_79B9_7F4A_7C15
        }
        return result
    }
}
