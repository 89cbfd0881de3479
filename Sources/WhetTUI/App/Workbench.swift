import Foundation
import WhetCore

/// The workbench: state plus what it is connected to (the index, the running request, the prompt file).
/// Key handling lives in `Workbench+Keys.swift`; the terminal loop in `WorkbenchLoop.swift`.
@MainActor
public final class Workbench {
    public var state: WorkbenchState
    var index: LexicalIndex?
    /// Embeddings for dense and hybrid search, once the background update has finished.
    var dense: DenseRetriever?
    /// The retrieval pipeline for the current options.
    var retriever: WorkspaceRetriever?
    /// Bringing chunk embeddings up to date, in the background after the index opens.
    var denseTask: Task<Void, Never>?
    /// A search that calls a model or an embedder, running in the background.
    var retrievalTask: Task<Void, Never>?
    /// Set by background work that changed what is on screen; the loop redraws and clears it.
    var needsRedraw = false
    var runTask: Task<Void, Never>?
    /// An eval started with `:eval`, running in the background.
    var evalTask: Task<Void, Never>?
    let inbox = StreamInbox()
    /// Set when the user asked to quit.
    public private(set) var shouldQuit = false
    /// Where the theme files live.
    let themesDirectory: URL
    /// The text last written to the recovery file.
    private var lastRecoveryText: String?
    /// Run by `Ctrl-E` to edit the prompt in an external editor; the loop supplies it (it must suspend curses).
    var externalEditor: ((URL) -> Void)?
    /// Run by `o` in the context pane to page a source file from a line; the loop supplies it.
    var externalPager: ((URL, Int) -> Void)?

    /// Opens the workbench on `workspace` for editing (or reviewing, when `readOnly`).
    public init(
        workspace: Workspace, promptName: String?, backendName: String?, theme: Theme, themesDirectory: URL,
        readOnly: Bool
    ) throws {
        self.themesDirectory = themesDirectory
        let backend = try workspace.config.backend(named: backendName)
        let evalCount = workspace.evalFiles().reduce(0) { count, url in
            count + ((try? EvalFile.load(url, displayPath: url.path))?.count ?? 0)
        }
        var promptLabel = "(session)"
        var promptPath = ""
        var text = ""
        if !readOnly {
            let url = try workspace.promptURL(named: promptName)
            promptPath = workspace.display(url)
            promptLabel = url.lastPathComponent
            guard let data = FileManager.default.contents(atPath: url.path),
                let decoded = String(data: data, encoding: .utf8)
            else {
                throw PromptError.unreadable(SourceLocation(file: promptPath))
            }
            text = decoded
        }
        state = WorkbenchState(
            workspace: workspace, readOnly: readOnly, promptName: promptLabel, promptPath: promptPath,
            buffer: TextBuffer(text: text), backendName: backend.name, topK: workspace.config.retrieval.topK,
            retrievalEnabled: workspace.config.retrieval.enabled, theme: theme,
            assessment: FrameworkAssessment.assess(
                workspace: workspace, promptText: text, backend: backend, evalCaseCount: evalCount),
            evalCaseCount: evalCount)
        state.retrievalOptions = RetrievalOptions(workspace.config.retrieval)
        // Read once at open: the latest eval's results, eval files and session ratings are too much I/O for a keystroke.
        if Advisor.latestResults(in: workspace) != nil {
            state.advice = try? Advisor.advise(workspace: workspace, promptText: text)
        }
        if readOnly {
            state.reviewSessions = SessionStore(workspace: workspace).summaries()
            state.overlay = .sessions(selected: max(0, state.reviewSessions.count - 1))
        } else {
            reparsePrompt()
            loadCurrentSessionRuns()
            if let recovered = RecoveryFile.read(for: promptPath, in: workspace), recovered != text {
                state.overlay = .recovery(text: recovered)
            }
        }
    }

    // MARK: Prompt

    /// Re-reads the variables from the edited text; a parse problem is shown instead of failing.
    func reparsePrompt() {
        do {
            let prompt = try PromptFile(
                parsing: state.buffer.text, path: state.promptPath, defaultName: state.promptName)
            state.variableNames = prompt.variables
            for input in prompt.inputs where state.variables[input.name] == nil {
                if let sample = input.sample { state.variables[input.name] = sample }
            }
            state.promptProblem = nil
        } catch {
            state.promptProblem = "\(error)"
        }
        state.assessment = FrameworkAssessment.assess(
            workspace: state.workspace, promptText: state.buffer.text,
            backend: state.backend, evalCaseCount: state.evalCaseCount)
    }

    /// Saves the prompt atomically and clears its recovery file. When the file changed on disk since it was
    /// loaded or last saved here (another workbench, an editor, a `git pull`), the save is refused unless
    /// `force` (`:w!`), so neither side's text is lost: the edits go to the recovery file and `:e!` loads
    /// the other version.
    func save(force: Bool = false) {
        guard !state.readOnly else { return }
        do {
            try state.workspace.requireWritable(for: "saving the prompt")
            let url = state.workspace.root.appendingPathComponent(state.promptPath)
            if !force, let data = FileManager.default.contents(atPath: url.path),
                String(decoding: data, as: UTF8.self) != state.buffer.lastSavedText
            {
                RecoveryFile.write(state.buffer.text, for: state.promptPath, in: state.workspace)
                state.message = (
                    "\(state.promptPath) changed on disk: :w! overwrites it, :e! loads it (your edits are in .whet/recovery/)",
                    true
                )
                return
            }
            try DurableFile.writeAtomically(Data(state.buffer.text.utf8), to: url)
            state.buffer.markSaved()
            RecoveryFile.remove(for: state.promptPath, in: state.workspace)
            state.message = ("saved \(state.promptPath)", false)
        } catch {
            state.message = ("\(error)", true)
        }
    }

    /// Loads the prompt file as it is on disk (`:e!`), keeping the edits in the recovery file first.
    func reloadFromDisk() {
        guard !state.readOnly else { return }
        let url = state.workspace.root.appendingPathComponent(state.promptPath)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            state.message = ("cannot read \(state.promptPath)", true)
            return
        }
        if state.buffer.isModified { RecoveryFile.write(state.buffer.text, for: state.promptPath, in: state.workspace) }
        state.buffer = TextBuffer(text: text)
        state.promptScroll = (0, 0)
        reparsePrompt()
        refreshContext()
        state.message = ("loaded \(state.promptPath) from disk", false)
    }

    /// Keeps unsaved edits in `.whet/recovery/` so a dropped connection loses nothing.
    public func writeRecovery() {
        guard !state.readOnly, state.buffer.isModified else { return }
        let text = state.buffer.text
        // Hours of editing should not mean a disk write every two seconds: only changed text is written.
        guard text != lastRecoveryText else { return }
        RecoveryFile.write(text, for: state.promptPath, in: state.workspace)
        lastRecoveryText = text
    }

    // MARK: Retrieval

    // MARK: Runs

    func loadCurrentSessionRuns() {
        let store = SessionStore(workspace: state.workspace)
        let pointer = state.workspace.derivedDirectory.appendingPathComponent("current-session")
        guard
            let id = (try? String(contentsOf: pointer, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines),
            store.ids().contains(id)
        else { return }
        state.sessionID = id
        state.runs = store.log(id).read().records
        state.ratings = store.ratings(id).byRun
    }

    /// Opens a session's runs (review mode, or `:session ID`).
    func openSession(_ id: String) {
        let store = SessionStore(workspace: state.workspace)
        let (records, warnings) = store.log(id).read()
        state.sessionID = id
        state.runs = records
        state.ratings = store.ratings(id).byRun
        state.viewedRun = records.isEmpty ? nil : records.count - 1
        if let warning = warnings.first { state.message = ("\(warning)", true) }
        if state.readOnly { showRecordedRun() }
    }

    /// In review mode the prompt and context panes show what the viewed run used.
    func showRecordedRun() {
        guard state.readOnly, let run = state.shownRun else { return }
        state.promptName = "run \(run.run) · \(run.prompt.path) · \(run.prompt.hash.prefix(8))"
        let transcript = run.messages.map { "\($0.role.rawValue):\n\($0.content)" }.joined(separator: "\n\n")
        state.buffer = TextBuffer(text: transcript)
        state.promptScroll = (0, 0)
        state.variableNames = run.variables.keys.sorted()
        state.variables = run.variables
        state.results = run.retrieval?.chunks.map(\.chunk) ?? []
        state.excluded = Set(run.retrieval?.chunks.filter { $0.citation == nil }.map(\.chunk.location) ?? [])
        state.retrievalEnabled = run.retrieval != nil
        state.topK = run.retrieval?.topK ?? state.topK
        state.query = run.retrieval?.query ?? ""
        state.backendName =
            state.workspace.config.backends[run.backend.name] != nil ? run.backend.name : state.backendName
        state.selectedChunk = 0
        state.outputScroll = 0
        state.assessment = FrameworkAssessment.assess(
            workspace: state.workspace, promptText: transcript, backend: state.backend,
            evalCaseCount: state.evalCaseCount, retrievalInUse: run.retrieval != nil)
    }

    /// Starts a run of the editor's text in the background; the output streams into the output pane.
    func startRun() {
        guard !state.readOnly else { return }
        guard runTask == nil else {
            state.message = ("a run is already streaming; Esc cancels it", true)
            return
        }
        let workspace = state.workspace
        var input = RunInput(
            promptName: (state.promptPath as NSString).lastPathComponent.replacingOccurrences(of: ".prompty", with: ""),
            variables: state.variables.filter { $0.key != RunPlan.contextVariable },
            backendName: state.backendName, retrievalEnabled: state.retrievalEnabled, topK: state.topK,
            excludedChunks: state.excluded, promptSource: state.buffer.text)
        input.pinnedChunks = state.pinned
        do {
            let plan = try RunPlan.make(
                input, in: workspace, retrieved: state.retrievalEnabled ? currentOutcome() : nil)
            let recorder = RunRecorder(workspace: workspace)
            let (session, number) = try recorder.nextRun(session: state.sessionID)
            if state.sessionID != session { state.runs = [] }
            state.sessionID = session
            state.live = LiveRun(number: number, output: "", started: Date(), firstToken: nil)
            state.viewedRun = nil
            state.outputScroll = nil
            state.message = nil

            let backend = makeBackend(
                plan.backend, workspaceRoot: workspace.root,
                cacheDirectory: state.useCache ? workspace.cacheDirectory : nil)
            let price = workspace.config.prices[backend.model]
            let inbox = self.inbox
            runTask = Task.detached {
                let record = await RunExecutor().execute(plan, on: backend, runNumber: number, price: price) { event in
                    switch event {
                    case .delta(let text): inbox.append(text)
                    case .retrying(let seconds, let reason):
                        inbox.note(String(format: "retrying in %.0f s (%@)", seconds.rounded(.up), reason))
                    default: break
                    }
                }
                do {
                    inbox.finish(.success(try recorder.record(record, session: session, prompt: plan.prompt)))
                } catch {
                    inbox.finish(.failure(error))
                }
            }
        } catch {
            state.message = ("\(error)", true)
        }
    }

    /// Cancels the streaming run; the partial output is kept and recorded as cancelled.
    func cancelRun() {
        runTask?.cancel()
    }

    /// Moves what the background run produced into the state; returns true when something changed.
    @discardableResult
    public func drainInbox() -> Bool {
        let (text, firstToken, finished, note) = inbox.drain()
        var changed = false
        if let note {
            state.retryNote = note
            changed = true
        }
        if !text.isEmpty, state.live != nil {
            state.live?.output += text
            if state.live?.firstToken == nil { state.live?.firstToken = firstToken }
            changed = true
        }
        if let finished {
            runTask = nil
            state.live = nil
            state.retryNote = nil
            switch finished {
            case .success(let record):
                state.runs.append(record)
                state.viewedRun = nil
                if record.finishReason == .cancelled {
                    state.message = ("run \(record.run) cancelled; partial output kept", false)
                } else if let error = record.error {
                    state.message = (error, true)
                } else {
                    state.message = ("run \(record.run) saved to sessions/\(state.sessionID ?? "")/runs.jsonl", false)
                }
            case .failure(let error):
                state.message = ("\(error)", true)
            }
            changed = true
        }
        return changed
    }

    /// Whether background work changed the screen since the last call.
    public func takeRedrawRequest() -> Bool {
        defer { needsRedraw = false }
        return needsRedraw
    }

    /// Whether a run is in flight (the loop keeps redrawing while it is).
    public var isRunning: Bool { runTask != nil }

    /// Asks to quit: straight away, or after asking when edits are unsaved.
    func requestQuit(force: Bool = false) {
        if !force, !state.readOnly, state.buffer.isModified {
            state.overlay = .confirmQuit
            return
        }
        cancelRun()
        shouldQuit = true
    }

    /// Marks the workbench finished (used by the loop on hang-up).
    public func quitNow() { shouldQuit = true }
}
