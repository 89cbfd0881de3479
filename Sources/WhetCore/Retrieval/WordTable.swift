import Foundation

/// A hash table from a word's UTF-8 bytes to a number, with the bytes kept in one arena: the index's hot
/// loop looks every word of the corpus up here, and doing that without building a Swift String or running
/// SipHash per word is what makes indexing fast (see docs/retrieval.md for the figures).
struct WordTable: Sendable {
    struct Entry {
        var hash: UInt64
        var start: Int
        var length: Int
        var value: Int32
    }
    var slots: [Int32]
    var entries: [Entry] = []
    var arena: [UInt8] = []

    init() {
        slots = [Int32](repeating: -1, count: 1024)
    }

    /// Bytes held by slots, entries and the byte arena.
    var approximateBytes: Int { slots.count * 4 + entries.count * MemoryLayout<Entry>.stride + arena.count }

    /// How many words the table holds.
    var count: Int { entries.count }

    /// FNV-1a, 64-bit: short words, one multiply per byte.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The value stored for `bytes`, if any.
    func value(for bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        // Through buffer pointers: every word of the corpus comes here, and the arrays' bounds checks and
        // retains cost as much as the probe itself. Indices come from `place`, so they are in bounds.
        slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                arena.withUnsafeBufferPointer { arena in
                    let mask = slots.count - 1
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let index = slots[slot]
                        if index < 0 { return nil }
                        let entry = entries[Int(index)]
                        if entry.hash == hash, entry.length == bytes.count,
                            WordTable.same(
                                bytes, UnsafeBufferPointer(rebasing: arena[entry.start..<(entry.start + entry.length)]))
                        {
                            return entry.value
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Whether two words of the same length have the same bytes, compared eight at a time in place: words are
    /// short, and a call to `memcmp` per look-up cost more than the comparison.
    @inline(__always)
    static func same(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else {
            return left.count == right.count
        }
        let leftRaw = UnsafeRawPointer(leftBase)
        let rightRaw = UnsafeRawPointer(rightBase)
        var offset = 0
        while offset + 8 <= left.count {
            guard
                leftRaw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    == rightRaw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        while offset < left.count {
            guard left[offset] == right[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// Stores `value` for `bytes`, which must not be in the table yet.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, value: Int32) {
        if (entries.count + 1) * 2 > slots.count { grow() }
        let index = Int32(entries.count)
        entries.append(Entry(hash: hash, start: arena.count, length: bytes.count, value: value))
        arena.append(contentsOf: bytes)
        place(index)
    }

    private mutating func place(_ index: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[Int(index)].hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for index in 0..<Int32(entries.count) { place(index) }
    }
}

extension WordTable {
    /// Calls `body` with every word's bytes and value, in insertion order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt64, Int32) -> Void) {
        arena.withUnsafeBufferPointer { arena in
            for entry in entries {
                body(
                    UnsafeBufferPointer(rebasing: arena[entry.start..<(entry.start + entry.length)]), entry.hash,
                    entry.value)
            }
        }
    }
}
