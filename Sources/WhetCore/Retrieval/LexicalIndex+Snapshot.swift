import Foundation

/// The built inverted index kept on disk (`.whet/bm25.idx`), tied to the store's identity and generation:
/// loaded by the next process instead of rebuilding, with what changed since applied on top.
extension LexicalIndex {
    /// The store's identity (new whenever it is emptied) and generation (bumped by every change), which a
    /// snapshot must match.
    public struct StoreState: Equatable, Sendable {
        public var id: String
        public var generation: Int
    }

    /// The store's identity and generation now.
    func storeState() throws -> StoreState { try store.storeState() }

    /// Where the in-memory index last came from: built from every stored chunk, loaded from the snapshot, or
    /// loaded and brought up to date with this many chunks added or removed since.
    public enum Origin: Equatable, Sendable {
        case store, snapshot, snapshotAndChanges(Int)
    }

    /// The snapshot, brought up to date with the store, or nil when there is none or it cannot be used
    /// (the caller rebuilds). Caller holds `lock`.
    func loadSnapshotLocked(version: Int) throws -> InMemory? {
        guard let snapshotURL, FileManager.default.fileExists(atPath: snapshotURL.path) else { return nil }
        let state = try storeState()
        guard
            let (index, chunkIDs, header) = try? BM25Snapshot.read(
                snapshotURL, parameters: parameters, storeID: state.id),
            header.generation <= state.generation
        else { return nil }
        memory = InMemory(index: index, chunkIDs: chunkIDs, dataVersion: version, snapshotGeneration: header.generation)
        origin = .snapshot
        if header.generation < state.generation {
            // Changed since it was written: removed chunks are among the ids it covers, added ones above them.
            let covered = try store.chunkCount(upTo: header.maxChunkID)
            var removed: [Int64] = []
            if covered != index.documentCount - index.deletedCount {
                let present = Set(try store.allChunkIDs(upTo: header.maxChunkID))
                removed = memory?.liveIDs.filter { !present.contains($0) } ?? []
            }
            let added = try store.storedChunks(after: header.maxChunkID, limit: nil)
            applyToMemoryLocked(removed: removed, added: added)
            origin = .snapshotAndChanges(removed.count + added.count)
        }
        return memory
    }

    /// Writes the in-memory index as the snapshot. Caller holds `lock`.
    func writeSnapshotLocked(_ store: StoreState) throws {
        guard let snapshotURL, let memory else { return }
        let header = BM25Snapshot.Header(
            parameters: parameters, storeID: store.id, generation: store.generation,
            maxChunkID: memory.chunkIDs.last ?? 0, documents: memory.index.documentCount,
            deletedCount: memory.index.deletedCount, totalLength: memory.index.totalLength,
            languages: memory.index.languages.sorted())
        try BM25Snapshot.write(memory.index, chunkIDs: memory.chunkIDs, header: header, to: snapshotURL)
        self.memory?.snapshotGeneration = store.generation
        self.memory?.changedSinceSnapshot = 0
    }

    /// Brings the snapshot up to date when it is missing or the store has changed by more than a twentieth
    /// since it was written: small changes are applied by each process on load (in proportion to the
    /// change), large ones are worth writing once. Called after an index update, under the index lock.
    public func refreshSnapshot() throws {
        guard snapshotURL != nil else { return }
        _ = try inMemoryIndex()
        lock.lock()
        defer { lock.unlock() }
        guard let memory else { return }
        let store = try storeState()
        let stale =
            memory.snapshotGeneration == nil
            || (memory.snapshotGeneration != store.generation
                && memory.changedSinceSnapshot > max(64, memory.index.documentCount / 20))
        if stale { try writeSnapshotLocked(store) }
    }
}
