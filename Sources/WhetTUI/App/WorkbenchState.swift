// The App folder: the workbench (which composes the features and routes keys and jobs' completions to them),
// its state as one value for drawing, the status messages, and the loop that ties the terminal to it all.

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

/// What belongs to no feature: the workspace, the mode, the focus, the status line and its log, the theme.
public struct AppState: Sendable {
    /// The workspace open (its config, folders and derived files).
    public var workspace: Workspace
    /// True in review mode: nothing can be edited, run or written.
    public var readOnly: Bool
    /// The pane that gets keys when no layer is open.
    public var focus: Pane = .prompt
    /// What the status line says (features set it through `Workbench.notify`).
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
    /// The colours in use, fitted to what the terminal can show.
    public var theme: Theme
}

/// Everything the panes show, as one value for drawing: each feature's slice (written only by that feature)
/// and the app's. Overlays live in the workbench's layer stack.
public struct WorkbenchState: Sendable {
    /// What belongs to no feature.
    public var app: AppState
    /// The prompt feature's slice.
    public var prompt: PromptState
    /// The context feature's slice.
    public var context: ContextState
    /// The runs feature's slice.
    public var runs: RunsState
    /// The evals feature's slice.
    public var evals: EvalsState

    // The app's fields, read where a view or a test has the whole state.
    public var workspace: Workspace {
        get { app.workspace }
        set { app.workspace = newValue }
    }
    public var readOnly: Bool {
        get { app.readOnly }
        set { app.readOnly = newValue }
    }
    public var focus: Pane {
        get { app.focus }
        set { app.focus = newValue }
    }
    public var message: StatusMessage? {
        get { app.message }
        set { app.message = newValue }
    }
    public var messageLog: [StatusMessage] { app.messageLog }
    public var theme: Theme {
        get { app.theme }
        set { app.theme = newValue }
    }

    /// How the panes and run records name the retrieval in use.
    public var retrievalLabel: String { context.label }

    /// The run shown in the output pane: the viewed one, else the newest.
    public var shownRun: RunRecord? { runs.shownRun }

    /// A recorded run being looked at — an earlier one, or the newest when another process made it: the panes
    /// show its input and context, not the editor's.
    public var viewingEarlierRun: RunRecord? {
        guard !readOnly, runs.live == nil, let shown = runs.shownRun else { return nil }
        if let viewed = runs.outputView.viewedRun, viewed < runs.records.count - 1 { return shown }
        // The newest run came from another process: its context is its own, not the panes' next search.
        return runs.otherProcessRunIDs.contains(shown.id) ? shown : nil
    }

    /// The chunks the context pane lists: the viewed earlier run's, else the current search's.
    public var listedChunks: [RetrievedChunk] {
        if let run = viewingEarlierRun { return run.retrieval?.chunks.map(\.chunk) ?? [] }
        return context.results
    }

    /// The index of the selected chunk in `listedChunks`, if any is selected.
    public var selectedChunk: Int { context.contextList.selected }

    /// The backend configuration in use, if it exists.
    public var backend: BackendConfig? { workspace.config.backends[runs.backendName] }

    /// Whether a run is streaming.
    public var isRunning: Bool { runs.live != nil }

    /// A variable's value on one line (the prompt's rule).
    func displayedValue(of name: String) -> String { prompt.displayedValue(of: name) }
}
