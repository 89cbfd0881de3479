import Foundation

/// Where the index a context session searches stands. Computed once, in `ContextSession`, and stated from this
/// value by every front end (the context pane's title, the status line, `whet search`), so two of them cannot
/// tell the same index's state differently.
public enum IndexStatus: Sendable, Equatable, CustomStringConvertible {
    /// Retrieval is off (`[retrieval] enabled = false`, or switched off for a run).
    case off
    /// Being opened: read from disk, or a shared store being connected to.
    case connecting
    /// The corpus changed and the index is being brought up to date; `by` names another process doing it
    /// (the index is then searched as it stands until that process commits).
    case updating(by: String?)
    /// Searchable and, as of the last check, up to date with the corpus and with other processes.
    case ready
    /// No search can be made: why (an unreachable store, a damaged index).
    case unavailable(ContextUnavailable)

    /// Whether a search can be made now (an index being updated by another process is searched as it stands).
    public var isSearchable: Bool {
        switch self {
        case .ready, .updating: return true
        case .off, .connecting, .unavailable: return false
        }
    }

    /// Whether the index is being brought up to date (here or by another process).
    public var isUpdating: Bool {
        if case .updating = self { return true }
        return false
    }

    /// One short phrase: `connecting`, `updating (by whet index, pid 12)`, `unavailable` (the reason is apart).
    public var description: String {
        switch self {
        case .off: return "off"
        case .connecting: return "connecting"
        case .updating(let holder): return holder.map { "updating (by \($0))" } ?? "updating"
        case .ready: return "ready"
        case .unavailable: return "unavailable"
        }
    }
}

/// Why a workspace's index cannot be searched: the error as a value (front ends format it their way).
public struct ContextUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, as thrown.
    public let underlying: any Error & Sendable

    /// Wraps the error that made the index unavailable.
    public init(_ underlying: any Error & Sendable) { self.underlying = underlying }

    /// The error as its own `description` says it (a front end that formats errors reads `underlying`).
    public var description: String { String(describing: underlying) }

    /// Two reasons are the same when they read the same.
    public static func == (lhs: ContextUnavailable, rhs: ContextUnavailable) -> Bool {
        lhs.description == rhs.description
    }
}
