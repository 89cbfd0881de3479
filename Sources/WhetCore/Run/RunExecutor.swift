import Foundation

/// Sends a planned run to its backend, passes every streamed event to the caller as it arrives, and returns
/// the complete record: output (partial if cancelled or failed), finish reason, usage and timings. It does
/// not write the record; `RunRecorder` does, so a caller can decide where runs go.
public struct RunExecutor: Sendable {
    /// Makes an executor.
    public init() {}

    /// Runs `plan` on `backend`. Cancelling the calling task cancels the request and yields a record marked
    /// `cancelled` with the output so far.
    public func execute(
        _ plan: RunPlan, on backend: any ModelBackend, runNumber: Int, price: ModelPrice? = nil,
        onEvent: @Sendable (BackendEvent) -> Void = { _ in }
    ) async -> RunRecord {
        let started = ContinuousClock.now
        let startDate = Date()
        var output = ""
        var firstToken: Duration? = nil
        var usage: TokenUsage? = nil
        var finish: FinishReason = .stop
        var errorMessage: String? = nil
        var cached = false
        var calls = ToolCallAssembler()
        do {
            for try await event in backend.stream(plan.request) {
                switch event {
                case .delta(let text):
                    if firstToken == nil { firstToken = ContinuousClock.now - started }
                    output += text
                case .usage(let value): usage = value
                case .finished(let reason): finish = reason
                case .retrying: break
                case .servedFromCache: cached = true
                case .toolCall(let index, let id, let name, let arguments):
                    if firstToken == nil { firstToken = ContinuousClock.now - started }
                    calls.add(index: index, id: id, name: name, arguments: arguments)
                }
                onEvent(event)
            }
            if Task.isCancelled { finish = .cancelled }
        } catch BackendError.cancelled {
            finish = .cancelled
        } catch is CancellationError {
            finish = .cancelled
        } catch {
            finish = .error
            // Kept without the severity: whoever prints it adds `error:` once.
            errorMessage = (error as? BackendError)?.message ?? "\(error)"
        }
        let total = ContinuousClock.now - started
        var record = RunRecord(
            run: runNumber, id: UUID().uuidString.lowercased(), time: RunExecutor.timestamp(startDate),
            prompt: .init(name: plan.prompt.name, path: plan.prompt.path, hash: plan.prompt.contentHash),
            variables: plan.variables, messages: plan.messages, retrieval: plan.retrieval,
            backend: .init(name: plan.backend.name, kind: plan.backend.kind.rawValue), model: backend.model,
            parameters: plan.request.parameters, output: output, finishReason: finish, usage: usage,
            latency: .init(
                firstTokenMs: firstToken.map(RunExecutor.milliseconds), totalMs: RunExecutor.milliseconds(total)),
            error: errorMessage, rating: nil)
        if let price, let usage, !cached { record.costUSD = price.cost(of: usage) }
        if let usage, let first = record.latency.firstTokenMs, record.latency.totalMs - first > 1,
            usage.completionTokens > 1
        {
            let rate = Double(usage.completionTokens - 1) / ((record.latency.totalMs - first) / 1000)
            record.latency.tokensPerSecond = rate.rounded(toPlaces: 1)
        }
        record.cached = cached ? true : nil
        record.continues = plan.continues
        record.turn = plan.turn
        record.toolCalls = calls.assembled
        if let schema = plan.request.outputSchema, finish != .cancelled, errorMessage == nil {
            let problems = schema.problems(in: output)
            record.schemaCheck = RunRecord.SchemaCheck(conforms: problems.isEmpty, problems: problems)
        }
        return record
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded(toPlaces: 1)
    }

    /// The time format every record uses (UTC, ISO 8601 with milliseconds), so records sort as text.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(timestampStyle)
    }

    /// A value type, so it is shared safely across tasks (creating an ISO8601DateFormatter per record was
    /// 8 % of an eval's CPU time).
    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

/// Makes the backend a configuration names.
public func makeBackend(_ config: BackendConfig, workspaceRoot: URL? = nil, cacheDirectory: URL? = nil, sample: Int = 0)
    -> any ModelBackend
{
    let backend: any ModelBackend
    switch config.kind {
    case .offline: backend = OfflineBackend(config: config)
    case .openai, .anthropic: backend = HTTPChatBackend(config: config, workspaceRoot: workspaceRoot)
    }
    guard let cacheDirectory else { return backend }
    return CachingBackend(backend, config: config, directory: cacheDirectory, sample: sample)
}

/// Appends finished runs to the workspace's current session (creating one when needed).
public struct RunRecorder: Sendable {
    let store: SessionStore
    let workspace: Workspace

    /// Records into `workspace`'s sessions.
    public init(workspace: Workspace) {
        self.workspace = workspace
        self.store = SessionStore(workspace: workspace)
    }

    /// The session id runs will go to and the number the next run would get if nothing else records into
    /// the session meanwhile (shown while a run streams; `record` fixes the final number). Fails before
    /// anything is spent when the workspace is read-only.
    public func nextRun(session requested: String?) throws -> (session: String, run: Int) {
        try workspace.requireWritable(for: "recording the run in sessions/")
        let id: String
        if let requested, requested == "new" {
            id = try store.create(title: nil)
        } else if let requested {
            id = try store.resolve(requested)
            try store.setCurrent(id)
        } else {
            id = try store.currentOrNew()
        }
        return (id, store.log(id).lastRunNumber() + 1)
    }

    /// Appends `record` to session `id` under the log's lock, numbered one past the last run there (another
    /// process may have recorded meanwhile), flushed to disk; keeps the text of the prompt version it used
    /// (so versions can be diffed later). Returns the record as written.
    @discardableResult
    public func record(_ record: RunRecord, session id: String, prompt: PromptFile? = nil) throws -> RunRecord {
        let written = try store.log(id).appendNumbered(record)
        if let prompt { PromptVersions(workspace: workspace).remember(prompt) }
        return written
    }
}
