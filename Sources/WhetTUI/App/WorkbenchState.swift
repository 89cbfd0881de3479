// The App folder: the workbench's state, what keys do to it, and the loop that ties the terminal, the core
// and the panes together.

import Foundation
import WhetCore

/// The four panes, in focus order.
public enum Pane: Int, CaseIterable, Sendable {
    case prompt, context, output, sidebar

    var title: String {
        switch self {
        case .prompt: return "Prompt"
        case .context: return "Context"
        case .output: return "Output"
        case .sidebar: return "Framework"
        }
    }
}

/// What covers the panes, if anything.
public enum Overlay: Sendable, Equatable {
    case help(scroll: Int)
    case chunk(index: Int, scroll: Int)
    /// A corpus document with its chunk boundaries marked.
    case document(title: String, lines: [String], scroll: Int)
    case diff(older: Int, newer: Int, scroll: Int)
    case variables(selected: Int)
    case confirmQuit
    case recovery(text: String)
    case sessions(selected: Int)
    /// The eval results browser (its state is `WorkbenchState.evalBrowser`).
    case evals
    /// The versions of a prompt (its state is `WorkbenchState.versionBrowser`).
    case versions
    /// The fine-tuning dataset the workspace would export (its state is `WorkbenchState.dataset`).
    case dataset(scroll: Int)
}

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

/// Everything the screen shows, as plain data: the renderer draws it, key handling changes it, and tests
/// build it directly.
public struct WorkbenchState: Sendable {
    public var workspace: Workspace
    /// True in review mode: nothing can be edited, run or written.
    public var readOnly: Bool
    public var promptName: String
    public var promptPath: String
    public var buffer: TextBuffer
    /// The first line and column shown in the prompt editor (it scrolls horizontally, no soft wrap).
    public var promptScroll = (line: 0, column: 0)
    /// The prompt's parse error, shown in place of the variables strip.
    public var promptProblem: String?
    public var variableNames: [String] = []
    public var variables: [String: String] = [:]
    public var backendName: String
    public var topK: Int
    public var retrievalEnabled: Bool
    /// Whether interactive runs use the response cache (`:cache on|off`).
    public var useCache = false
    public var results: [RetrievedChunk] = []
    public var citations: [String: Int] = [:]
    public var excluded: Set<String> = []
    /// Chunks pinned by the user: always in context, listed first.
    public var pinned: [RetrievedChunk] = []
    /// The retrieval pipeline in use (method, rerank, expansion), switchable from the context pane.
    public var retrievalOptions = RetrievalOptions(method: .bm25, rerank: false, expansion: .none)
    /// The queries last searched (the user's, then any a model wrote).
    public var searchedQueries: [String] = []
    /// True while a background search is running.
    public var searching = false
    /// The advisor's reading of the latest eval results (nil before any eval ran).
    public var advice: Advice?
    /// True while chunk embeddings are being brought up to date in the background.
    public var embedding = false
    public var selectedChunk = 0
    public var contextScroll = 0
    public var query = ""
    public var runs: [RunRecord] = []
    public var viewedRun: Int? = nil
    public var markedRun: Int? = nil
    public var live: LiveRun? = nil
    public var retryNote: String? = nil
    public var outputScroll: Int? = nil
    public var focus: Pane = .prompt
    public var overlay: Overlay? = nil
    public var commandLine: String? = nil
    public var searchLine: String? = nil
    public var lastSearch = ""
    public var variableEdit: String? = nil
    public var message: (text: String, isError: Bool)? = nil
    public var theme: Theme
    public var sessionID: String?
    public var reviewSessions: [SessionStore.Summary] = []
    public var assessment: FrameworkAssessment
    public var evalCaseCount: Int
    /// The eval results view, while it is open.
    public var evalBrowser: EvalBrowser?
    /// The prompt versions list, while it is open.
    public var versionBrowser: VersionBrowser?
    /// The fine-tuning dataset shown by `:finetune`, before it is written.
    public var dataset: FineTuningExporter.Prepared?
    /// `eval done/total` while an eval started from the UI runs.
    public var evalProgress: String?
    /// The ratings of the session's runs, latest per run id.
    public var ratings: [String: RunRating] = [:]

    /// The run shown in the output pane: the viewed one, else the newest.
    public var shownRun: RunRecord? {
        if let viewedRun, runs.indices.contains(viewedRun) { return runs[viewedRun] }
        return runs.last
    }

    /// The backend configuration in use, if it exists.
    public var backend: BackendConfig? { workspace.config.backends[backendName] }

    /// Whether a run is streaming.
    public var isRunning: Bool { live != nil }
}
