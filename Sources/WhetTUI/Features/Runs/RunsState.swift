import Foundation
import WhetCore

/// A run in progress: what has streamed so far.
public struct LiveRun: Sendable, Equatable {
    /// Makes a live run record for the output pane.
    public init(number: Int, output: String, started: Date, firstToken: Date?) {
        self.number = number
        self.output = output
        self.started = started
        self.firstToken = firstToken
    }

    public var number: Int
    public var output: String
    public var started: Date
    public var firstToken: Date?
}

/// The output pane's view: which run is shown, which is marked for a diff, and how far it is scrolled
/// (`follows`: keep the end of a streaming answer in view until the user scrolls).
public struct OutputView: Sendable, Equatable {
    /// Index into the session's runs of the run shown; nil shows the newest.
    public var viewedRun: Int?
    public var markedRun: Int?
    public var scroll = ScrollState()
    public var follows = true

    /// Back to the newest run (or the streaming one), following its end.
    public mutating func showNewest() {
        viewedRun = nil
        scroll = ScrollState()
        follows = true
    }
}

/// The runs feature's slice: the session's runs and ratings, the one streaming, the backend it goes to and the
/// output pane's view.
public struct RunsState: Sendable {
    public var records: [RunRecord] = []
    public var outputView = OutputView()
    public var live: LiveRun? = nil
    public var retryNote: String? = nil
    public var backendName: String
    /// Whether interactive runs use the response cache (`:cache on|off`).
    public var useCache = false
    public var sessionID: String?
    /// The ratings of the session's runs, latest per run id.
    public var ratings: [String: RunRating] = [:]
    /// The sessions review mode lists (`s`).
    public var reviewSessions: [SessionStore.Summary] = []
    /// Runs another process appended while the workbench was open: shown with their own input and context
    /// even when newest (their context is not what the panes would search now).
    public var otherProcessRunIDs: Set<String> = []

    /// The run shown in the output pane: the viewed one, else the newest.
    public var shownRun: RunRecord? {
        if let viewed = outputView.viewedRun, records.indices.contains(viewed) { return records[viewed] }
        return records.last
    }
}
