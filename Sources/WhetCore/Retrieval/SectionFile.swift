import Foundation

/// The layout whet's derived binary files share (`.whet/bm25.idx`, the dense snapshots, the corpus state):
/// magic, then sections — each an element count and the elements as raw bytes, 8-byte aligned, with a
/// checksum of its own folded into the file's — then the checksum and the magic again. A file cut short is
/// seen at once, one changed anywhere fails the checksum, and arrays are read straight into memory with no
/// decoding. Writes go to a temporary file that is flushed and renamed, so a process killed half-way leaves
/// the old file or none.
enum SectionFile {
    /// Why a file cannot be used (it is then ignored and written afresh: it only holds derived data).
    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes sections one after the other to a temporary file beside `url`; `commit()` renames it into place.
    final class Writer {
        private let url: URL
        private let temporary: URL
        private let handle: FileHandle
        private var written = 0
        private var combined = Checksum.Combined()
        private let magic: [UInt8]
        private var committed = false

        /// Starts a file that will replace `url`, beginning with `magic` (8 bytes).
        init(url: URL, magic: [UInt8]) throws {
            self.url = url
            self.magic = magic
            // Named as DurableFile names its temporaries, so one a killed process left is removed by the next write.
            DurableFile.removeAbandonedTemporaries(of: url)
            temporary = url.deletingLastPathComponent().appendingPathComponent(
                ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw Unusable(description: "cannot create \(temporary.path)")
            }
            handle = try FileHandle(forWritingTo: temporary)
            var first = Checksum()
            try put(Data(magic), into: &first)
            combined.fold(first.value)
        }

        deinit {
            if !committed {
                try? handle.close()
                try? FileManager.default.removeItem(at: temporary)
            }
        }

        private func put(_ data: Data, into checksum: inout Checksum) throws {
            var data = data
            let padding = (8 - (written + data.count) % 8) % 8
            if padding > 0 { data.append(Data(count: padding)) }
            try handle.write(contentsOf: data)
            written += data.count
            data.withUnsafeBytes { checksum.add($0) }
        }

        /// One section: the element count and the elements (plain values: integers, floats, fixed structs).
        func array<T>(_ values: [T]) throws {
            var section = Checksum()
            var count = UInt64(values.count)
            try put(Data(bytes: &count, count: 8), into: &section)
            try put(values.withUnsafeBytes { Data($0) }, into: &section)
            combined.fold(section.value)
        }

        /// Writes the checksum and the closing magic, flushes, and renames the file into place.
        func commit() throws {
            var sum = combined.value
            try handle.write(contentsOf: Data(bytes: &sum, count: 8))
            try handle.write(contentsOf: Data(magic))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw Unusable(description: "cannot rename \(temporary.path): \(String(cString: strerror(errno)))")
            }
            committed = true
        }
    }

    /// Reads the sections of a file written by `Writer`, in order, checking each; `finish()` checks the whole.
    final class Reader {
        private let descriptor: Int32
        private let size: Int
        private var position = 0
        private var combined = Checksum.Combined()
        private let magic: [UInt8]

        /// Opens `url`, which must begin with `magic`.
        init(url: URL, magic: [UInt8]) throws {
            self.magic = magic
            descriptor = open(url.path, O_RDONLY)
            guard descriptor >= 0 else { throw Unusable(description: "cannot be opened") }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                close(descriptor)
                throw Unusable(description: "cannot be read")
            }
            size = Int(status.st_size)
            var magicBytes: UInt64 = 0
            var first = Checksum()
            position = try SectionFile.take(8, at: 0, into: &magicBytes, &first, descriptor: descriptor, size: size)
            combined.fold(first.value)
            guard withUnsafeBytes(of: &magicBytes, { Array($0) }) == magic else {
                close(descriptor)
                throw Unusable(description: "not a file of this kind")
            }
        }

        deinit { close(descriptor) }

        /// The next section's elements.
        func array<T>(_ type: T.Type) throws -> [T] {
            let (values, checksum, end) = try SectionFile.section(
                type, at: position, descriptor: descriptor, size: size)
            combined.fold(checksum)
            position = end
            return values
        }

        /// Checks that the file ends here with the right checksum and magic.
        func finish() throws {
            var trailer: (UInt64, UInt64) = (0, 0)
            guard position == size - 16, pread(descriptor, &trailer, 16, off_t(position)) == 16,
                trailer.0 == combined.value, withUnsafeBytes(of: &trailer.1, { Array($0) }) == magic
            else { throw Unusable(description: "its checksum does not match, or it is cut short (a damaged file)") }
        }
    }

    /// Reads `count` bytes at `offset` to `destination`, then the padding to the next 8 bytes, into
    /// `checksum`; returns the offset after them.
    static func take(
        _ count: Int, at offset: Int, into destination: UnsafeMutableRawPointer, _ checksum: inout Checksum,
        descriptor: Int32, size: Int
    ) throws -> Int {
        guard count >= 0, offset + count + 16 <= size else { throw Unusable(description: "the file is cut short") }
        var done = 0
        while done < count {
            let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
            guard got > 0 else { throw Unusable(description: "the file is cut short") }
            done += got
        }
        var padding: UInt64 = 0
        let extra = (8 - count % 8) % 8
        if extra > 0 {
            guard pread(descriptor, &padding, extra, off_t(offset + count)) == extra else {
                throw Unusable(description: "the file is cut short")
            }
        }
        checksum.add(UnsafeRawBufferPointer(start: destination, count: count), padding: padding, extra: extra)
        return offset + count + extra
    }

    /// The section at `offset`: its elements, its checksum and the offset after it.
    static func section<T>(_ type: T.Type, at offset: Int, descriptor: Int32, size: Int) throws -> (
        values: [T], checksum: UInt64, end: Int
    ) {
        var checksum = Checksum()
        var count: UInt64 = 0
        var end = try take(8, at: offset, into: &count, &checksum, descriptor: descriptor, size: size)
        guard count <= UInt64(size), Int(count) * MemoryLayout<T>.stride <= size else {
            throw Unusable(description: "an array is longer than the file")
        }
        let values = try [T](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
            if count > 0, let base = buffer.baseAddress {
                end = try take(
                    Int(count) * MemoryLayout<T>.stride, at: end, into: base, &checksum, descriptor: descriptor,
                    size: size)
            }
            initialized = Int(count)
        }
        return (values, checksum.value, end)
    }
}
