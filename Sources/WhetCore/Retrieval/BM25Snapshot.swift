import Foundation

/// The built BM25 index on disk (`.whet/bm25.idx`), so a new process searches a large corpus at once instead
/// of rebuilding the inverted index from every stored chunk (seconds at hundreds of thousands of chunks).
/// It is derived data and never trusted blindly: a file from another format version, machine word size,
/// BM25 setting or chunking, a truncated or damaged file, or a posting that points past the documents is
/// refused, and the index is rebuilt from the chunk store. It records the store's generation and the highest
/// chunk id it covers, so a process can bring it up to date with what changed since (`LexicalIndex`).
///
/// Layout: magic, a JSON header, then the arrays as raw little-endian bytes (each with its element count,
/// 8-byte aligned), a checksum of all that, then the magic again: a file cut short is seen at once, and one
/// changed anywhere fails the checksum.
struct BM25Snapshot {
    /// What the arrays were built from; a file whose header does not match the store's is rebuilt.
    struct Header: Codable, Equatable {
        var format = BM25Snapshot.format
        var wordSize = MemoryLayout<Int>.size
        var entryStride = MemoryLayout<WordTable.Entry>.stride
        var parameters: BM25Parameters
        var chunking: String
        /// The store's generation when the index was built.
        var generation: Int
        /// The highest chunk id the index covers; chunks added later have higher ids.
        var maxChunkID: Int64
        var documents: Int
        var deletedCount: Int
        var totalLength: Double
        var languages: [UInt8]
    }

    static let format = 1
    static let magic = Array("WHETBM25".utf8)

    /// Why a snapshot cannot be used.
    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `index` and its chunk ids to `url` atomically (a temporary file, flushed, then renamed).
    static func write(_ index: BM25Index, chunkIDs: [Int64], header: Header, to url: URL) throws {
        var index = index
        index.finish()
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        let handle = try FileHandle(forWritingTo: temporary)
        var written = 0
        var checksum = Checksum()
        func put(_ data: Data) throws {
            var data = data
            let padding = (8 - (written + data.count) % 8) % 8
            if padding > 0 { data.append(Data(count: padding)) }
            try handle.write(contentsOf: data)
            written += data.count
            data.withUnsafeBytes { checksum.add($0) }
        }
        func array<T>(_ values: [T]) throws {
            var count = UInt64(values.count)
            try put(Data(bytes: &count, count: 8))
            try put(values.withUnsafeBytes { Data($0) })
        }
        do {
            try put(Data(magic))
            let json = try JSONEncoder().encode(header)
            try array(Array(json))
            try array(chunkIDs)
            var termBytes: [UInt8] = []
            var termEnds: [UInt32] = []
            for term in index.terms {
                termBytes.append(contentsOf: term.utf8)
                termEnds.append(UInt32(termBytes.count))
            }
            try array(termBytes)
            try array(termEnds)
            try array(index.offsets)
            try array(index.postingDocuments)
            try array(index.postingWeights)
            try array(index.documentLengths)
            try array(index.deleted.map { $0 ? UInt8(1) : 0 })
            try array(index.wordIDs.slots)
            try array(index.wordIDs.entries)
            try array(index.wordIDs.arena)
            var sum = checksum.value
            try handle.write(contentsOf: Data(bytes: &sum, count: 8))
            try handle.write(contentsOf: Data(magic))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw Unusable(description: "cannot rename \(temporary.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Reads a snapshot written by `write`, checking it as it goes; `expected` says which parameters and
    /// chunking it must have been built with.
    static func read(_ url: URL, parameters: BM25Parameters, chunking: String) throws -> (
        index: BM25Index, chunkIDs: [Int64], header: Header
    ) {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        return try data.withUnsafeBytes { raw -> (BM25Index, [Int64], Header) in
            var position = 0
            func take(_ count: Int) throws -> UnsafeRawBufferPointer {
                guard count >= 0, position + count <= raw.count else {
                    throw Unusable(description: "the file is cut short")
                }
                let slice = UnsafeRawBufferPointer(rebasing: raw[position..<(position + count)])
                position += count
                position += (8 - position % 8) % 8
                return slice
            }
            func array<T>(_ type: T.Type) throws -> [T] {
                let count = Int(try take(8).loadUnaligned(as: UInt64.self))
                guard count <= raw.count else { throw Unusable(description: "an array is longer than the file") }
                let bytes = try take(count * MemoryLayout<T>.stride)
                return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if count > 0, let base = buffer.baseAddress {
                        UnsafeMutableRawPointer(base).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                    }
                    initialized = count
                }
            }
            guard raw.count >= 32, Array(UnsafeRawBufferPointer(rebasing: raw[0..<8])) == magic,
                Array(UnsafeRawBufferPointer(rebasing: raw[(raw.count - 8)...])) == magic
            else { throw Unusable(description: "not a whet BM25 index file, or one cut short") }
            var checksum = Checksum()
            checksum.add(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 16)]))
            guard raw.count % 8 == 0,
                checksum.value == raw.loadUnaligned(fromByteOffset: raw.count - 16, as: UInt64.self)
            else { throw Unusable(description: "its checksum does not match (a damaged file)") }
            _ = try take(8)
            let header = try JSONDecoder().decode(Header.self, from: Data(try array(UInt8.self)))
            guard header.format == format, header.wordSize == MemoryLayout<Int>.size,
                header.entryStride == MemoryLayout<WordTable.Entry>.stride
            else { throw Unusable(description: "written by another version of whet") }
            guard header.parameters == parameters, header.chunking == chunking else {
                throw Unusable(description: "built with other BM25 or chunking settings")
            }
            let chunkIDs = try array(Int64.self)
            let termBytes = try array(UInt8.self)
            let termEnds = try array(UInt32.self)
            var index = BM25Index(parameters: parameters)
            index.offsets = try array(Int.self)
            index.postingDocuments = try array(UInt32.self)
            index.postingWeights = try array(Float.self)
            index.documentLengths = try array(Float.self)
            index.deleted = try array(UInt8.self).map { $0 != 0 }
            index.wordIDs.slots = try array(Int32.self)
            index.wordIDs.entries = try array(WordTable.Entry.self)
            index.wordIDs.arena = try array(UInt8.self)
            guard position == raw.count - 16 else { throw Unusable(description: "the arrays do not fill the file") }
            // The checks that keep a damaged file from reading or writing out of bounds.
            let documents = index.documentLengths.count
            guard chunkIDs.count == documents, header.documents == documents,
                index.offsets.count == termEnds.count + 1, index.offsets.first == 0,
                index.offsets.last == index.postingDocuments.count,
                index.postingWeights.count == index.postingDocuments.count,
                zip(index.offsets, index.offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
                index.postingDocuments.allSatisfy({ Int($0) < documents }),
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
            index.languages = Set(header.languages)
            index.finish()
            return (index, chunkIDs, header)
        }
    }
}

/// A fast checksum of 8-byte words in four independent lanes (so the multiplies overlap): not for security,
/// for telling a damaged file from a good one at memory speed.
struct Checksum {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (
        0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63
    )
    private var words = 0

    /// Adds bytes whose count is a multiple of 8.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count / 8
        var index = 0
        let prime: UInt64 = 0x0000_0100_0000_01B3
        // Whole groups of four words when aligned to the lanes; the rest one word at a time.
        while index < count && (words + index) % 4 != 0 {
            mix(&lanes, lane: (words + index) % 4, bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            index += 1
        }
        while index + 4 <= count {
            lanes.0 = (lanes.0 ^ bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) &* prime
            lanes.1 = (lanes.1 ^ bytes.loadUnaligned(fromByteOffset: index * 8 + 8, as: UInt64.self)) &* prime
            lanes.2 = (lanes.2 ^ bytes.loadUnaligned(fromByteOffset: index * 8 + 16, as: UInt64.self)) &* prime
            lanes.3 = (lanes.3 ^ bytes.loadUnaligned(fromByteOffset: index * 8 + 24, as: UInt64.self)) &* prime
            index += 4
        }
        while index < count {
            mix(&lanes, lane: (words + index) % 4, bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            index += 1
        }
        words += count
    }

    private func mix(_ lanes: inout (UInt64, UInt64, UInt64, UInt64), lane: Int, _ word: UInt64) {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        switch lane {
        case 0: lanes.0 = (lanes.0 ^ word) &* prime
        case 1: lanes.1 = (lanes.1 ^ word) &* prime
        case 2: lanes.2 = (lanes.2 ^ word) &* prime
        default: lanes.3 = (lanes.3 ^ word) &* prime
        }
    }

    /// The lanes combined.
    var value: UInt64 {
        var result = UInt64(words)
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3] { result = (result ^ lane) &* 0x9E37_79B9_7F4A_7C15 }
        return result
    }
}
