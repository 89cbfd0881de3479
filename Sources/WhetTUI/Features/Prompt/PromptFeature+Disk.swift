import Foundation
import WhetCore

/// Following the prompt file on disk while it is open (another editor, a `git pull`, a second workbench), as
/// vim's `autoread` does: a prompt with no unsaved edits is reloaded and the status line says so; one with edits
/// keeps them, and the user is told once, before a save would be refused.
extension PromptFeature {
    /// Compares the file's size and modification time with the last look (one `stat`); reads it only when
    /// they moved. True when the screen changed (reloaded, or the user told).
    @discardableResult
    func followDisk() -> Bool {
        guard !readOnly, !state.path.isEmpty else { return false }
        let url = workspace.root.appendingPathComponent(state.path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return false }
        let stamp = DiskStamp(
            size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast)
        guard let previous = diskStamp, previous.path == state.path else {
            diskStamp = (state.path, stamp)
            return false
        }
        guard previous.stamp != stamp else { return false }
        diskStamp = (state.path, stamp)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8),
            text != state.buffer.lastSavedText
        else { return false }
        if state.buffer.isModified {
            workbench.notify(
                .warning(
                    "\(state.path) changed on disk: your edits are kept; :w! overwrites it with them, :e! loads it"))
            return true
        }
        let line = state.buffer.cursor.line
        loadPrompt(text: text)
        state.buffer.moveTo(TextPosition(line: line, column: 0))
        workbench.notify(.info("reloaded \(state.path): it changed on disk"))
        return true
    }
}

/// A file's size and modification time, compared to notice a change without reading it.
struct DiskStamp: Equatable {
    var size: UInt64
    var modified: Date
}
