// The App folder: the workbench's state, the coordinator that applies keys and background events to it, and
// the loop that ties the terminal, the core and the components together.

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

/// The prompt editor's view: the first line and column shown (it scrolls horizontally, no soft wrap).
public struct EditorView: Sendable, Equatable {
    public var line = 0
    public var column = 0
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

/// Everything the panes show, as plain data: the workspace's domain (prompt, variables, retrieval, runs,
/// ratings, the advisor) and each pane's view state. Overlays live in the workbench's layer stack.
public struct WorkbenchState: Sendable {
    public var workspace: Workspace
    /// True in review mode: nothing can be edited, run or written.
    public var readOnly: Bool
    public var promptName: String
    public var promptPath: String
    public var buffer: TextBuffer
    public var editorView = EditorView()
    /// The prompt's parse error, shown in place of the variables strip.
    public var promptProblem: String?
    public var variableNames: [String] = []
    /// The sample each variable was last filled with, so a value nobody changed follows the prompt's sample.
    public var sampleValues: [String: String] = [:]
    /// Values typed for one prompt that the next prompt opened could not take (a conversation where it wants
    /// text): kept by prompt path and given back when that prompt is opened again.
    public var setAsideValues: [String: [String: String]] = [:]
    /// The variables the prompt declares as conversations (`kind: thread`): edited as messages.
    public var threadInputs: Set<String> = []
    public var variables: [String: String] = [:]
    public var backendName: String
    public var topK: Int
    public var retrievalEnabled: Bool
    /// Whether interactive runs use the response cache (`:cache on|off`).
    public var useCache = false
    public var results: [RetrievedChunk] = []
    public var excluded: Set<ChunkLocation> = []
    /// Chunks pinned by the user: always in context, listed first.
    public var pinned: [RetrievedChunk] = []
    /// Pinned chunks the current search did not return: they have no score for it (shown as `pin`).
    public var pinnedUnranked: Set<ChunkLocation> = []
    /// The retrieval pipeline in use (method, rerank, expansion), switchable from the context pane.
    public var retrievalOptions = RetrievalOptions(method: .bm25, rerank: false, expansion: .none)

    /// How the context pane, the sidebar and run records name the retrieval: whet's pipeline (`hybrid+rerank`)
    /// or the application's retriever (`http`, `command+rerank`) when `[retrieval] kind` names one.
    public var retrievalLabel: String {
        guard workspace.usesOutsideRetriever else { return retrievalOptions.label }
        return workspace.config.retrieval.kind.rawValue + (retrievalOptions.rerank ? "+rerank" : "")
    }
    /// The queries last searched (the user's, then any a model wrote).
    public var searchedQueries: [String] = []
    /// True while a background search is running.
    public var searching = false
    /// True until the index has been opened (after the first frame).
    public var indexPending = false
    /// The advisor's reading of the latest eval results (nil before any eval ran).
    public var advice: Advice?
    /// True while chunk embeddings are being brought up to date in the background.
    public var embedding = false
    public var contextList = ListState()
    public var query = ""
    public var runs: [RunRecord] = []
    public var outputView = OutputView()
    public var live: LiveRun? = nil
    public var retryNote: String? = nil
    public var focus: Pane = .prompt
    /// The last text searched for with Ctrl-F (highlighted in the editor, offered again by the next Ctrl-F).
    public var lastSearch = ""
    public var message: StatusMessage? = nil {
        didSet {
            // Every message is kept (the status line cuts long ones): `:messages` shows them whole.
            if let message, message != oldValue {
                messageLog.append(message)
                if messageLog.count > Self.messageLogLimit {
                    messageLog.removeFirst(messageLog.count - Self.messageLogLimit)
                }
            }
        }
    }
    /// The messages of this session of the workbench, oldest first (at most `messageLogLimit`).
    public private(set) var messageLog: [StatusMessage] = []
    static let messageLogLimit = 500
    public var theme: Theme
    public var sessionID: String?
    public var reviewSessions: [SessionStore.Summary] = []
    public var assessment: FrameworkAssessment
    public var evalCaseCount: Int
    /// Whether any eval has results (the checklist's baseline is ticked only then).
    public var evalRan = false
    /// The fine-tuning dataset shown by `:finetune`, before it is written.
    public var dataset: FineTuningExporter.Prepared?
    /// `eval done/total` while an eval started from the UI runs.
    public var evalProgress: String?
    /// The id of the eval `:eval` ran last: the results view and the advisor show that one.
    public var lastEvalID: String?
    /// What the candidate being scored is while `:optimize` runs.
    public var optimizeProgress: String?
    /// The prompt the last `:optimize` proposed (for the prompt named), until `:optimize adopt` loads it.
    public var optimizedPrompt: (prompt: String, text: String)?
    /// The ratings of the session's runs, latest per run id.
    public var ratings: [String: RunRating] = [:]

    /// The run shown in the output pane: the viewed one, else the newest.
    public var shownRun: RunRecord? {
        if let viewed = outputView.viewedRun, runs.indices.contains(viewed) { return runs[viewed] }
        return runs.last
    }

    /// An earlier run being looked at (not the newest): the panes show its input, not the editor's.
    public var viewingEarlierRun: RunRecord? {
        guard !readOnly, live == nil, let viewed = outputView.viewedRun, viewed < runs.count - 1 else { return nil }
        return runs[viewed]
    }

    /// The chunks the context pane lists: the viewed earlier run's, else the current search's.
    public var listedChunks: [RetrievedChunk] {
        if let run = viewingEarlierRun { return run.retrieval?.chunks.map(\.chunk) ?? [] }
        return results
    }

    /// The index of the selected chunk in `listedChunks`, if any is selected.
    public var selectedChunk: Int { contextList.selected }

    /// The backend configuration in use, if it exists.
    public var backend: BackendConfig? { workspace.config.backends[backendName] }

    /// Whether a run is streaming.
    public var isRunning: Bool { live != nil }
}

extension WorkbenchState {
    /// A variable's value on one line, as the variables strip and form show it: a conversation as its length
    /// and last message (its JSON would fill the line with punctuation), other text with newlines as ⏎.
    func displayedValue(of name: String) -> String {
        let value = variables[name] ?? ""
        if threadInputs.contains(name), let messages = try? ThreadValue.messages(from: value, input: name) {
            let last = messages.last.map { " · last: \($0.role.rawValue): \($0.content)" } ?? ""
            let count = messages.count == 1 ? "1 message" : "\(messages.count) messages"
            return VisibleText.escape(count + last).replacingOccurrences(of: "\n", with: "⏎")
        }
        return VisibleText.escape(value).replacingOccurrences(of: "\n", with: "⏎")
    }
}
