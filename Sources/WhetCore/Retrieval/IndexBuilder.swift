import Foundation

/// Builds the BM25 index of a store being filled from empty (a first index, a rebuild, new chunk settings)
/// from the batches as they are committed, instead of reading every chunk back from the store afterwards.
/// Each batch's chunks are analysed on a thread of their own while the store commits the same batch, and
/// take the row ids the store gave them once it has: the same documents in the same order, so the same
/// index as one built from the store. One growing index means each distinct word is analysed once for the
/// whole build, and the postings are sorted once, at the end.
///
/// Used by one writer at a time (`LexicalIndex.apply`, called by the update's `BatchWriter`): `add`, then
/// `commit` or `abandon`, batch after batch, then `finished`.
final class IndexBuilder: @unchecked Sendable {
    // @unchecked: `index` is touched only by the work queued on `queue`, and by the writer after `group.wait()`;
    // the rest only by the writer.
    private let queue = DispatchQueue(label: "whet.index.build")
    private let group = DispatchGroup()
    private var index: BM25Index
    private var chunkIDs: [Int64] = []
    /// False once a batch did not match what the store committed: the index is then built from the store.
    private var usable = true
    /// The store's change token when the build began; another process's commit since makes the build unusable.
    let dataVersion: Int

    /// A build of an empty store whose change token is `dataVersion`.
    init(parameters: BM25Parameters, dataVersion: Int) {
        index = BM25Index(parameters: parameters)
        self.dataVersion = dataVersion
    }

    /// Starts analysing the chunks `batch` adds, in the order the store inserts them.
    func add(_ batch: LexicalIndex.Batch) {
        queue.async(group: group) { [self] in
            for replacement in batch.replacements {
                for chunk in replacement.chunks {
                    index.add(
                        text: chunk.text, heading: chunk.headingPath.joined(separator: " "), language: chunk.language)
                }
            }
        }
    }

    /// Gives the chunks of the last `add` the ids the store committed them with.
    func commit(added ids: [Int64], removed: [Int64]) {
        group.wait()
        // A fresh store removes nothing, and hands out one id per chunk inserted; anything else is not this
        // build's business.
        guard usable, removed.isEmpty, index.documentCount == chunkIDs.count + ids.count else {
            usable = false
            return
        }
        chunkIDs.append(contentsOf: ids)
    }

    /// The last `add` was not committed.
    func abandon() {
        group.wait()
        usable = false
    }

    /// The index of every committed batch, its postings sorted, and the chunk id of each document; nil when
    /// a batch did not match what the store committed.
    func finished() -> (index: BM25Index, chunkIDs: [Int64])? {
        group.wait()
        guard usable, index.documentCount == chunkIDs.count else { return nil }
        index.finish()
        return (index, chunkIDs)
    }
}
