import Foundation

/// One run from plan to record, the way both front ends do it: choose the session and the provisional run
/// number, make the backend (with the response cache when asked) and its price, stream, and append the
/// record to the session log. `whet run` prints its events and the workbench draws them, so the two cannot
/// drift apart in what they send, number or record.
public struct RunSession: Sendable {
    /// What a run reports while it goes.
    public enum Event: Sendable {
        /// More output text.
        case delta(String)
        /// The request failed before any output and is tried again; the note says when and why.
        case retrying(note: String)
    }

    /// The planned run (prompt, variables, context, messages).
    public let plan: RunPlan
    /// The session the run is recorded into.
    public let session: String
    /// The number the run would get if nothing else records into the session meanwhile (shown while it
    /// streams; the record carries the final one).
    public let provisionalNumber: Int
    /// Where the session's runs are appended, as the user sees the path.
    public let logPath: String
    let backend: any ModelBackend
    let price: ModelPrice?
    let recorder: RunRecorder

    /// Prepares `plan` to run in `session` (an id, a prefix, `latest`, `new`, or nil for the current one).
    /// Fails before anything is spent when the workspace is read-only or the session does not exist.
    public init(plan: RunPlan, workspace: Workspace, session requested: String?, useCache: Bool) throws {
        recorder = RunRecorder(workspace: workspace)
        let (session, number) = try recorder.nextRun(session: requested)
        self.plan = plan
        self.session = session
        provisionalNumber = number
        logPath = SessionStore(workspace: workspace).log(session).displayPath
        backend = makeBackend(
            plan.backend, workspaceRoot: workspace.root, cacheDirectory: useCache ? workspace.cacheDirectory : nil)
        price = workspace.config.prices[backend.model]
    }

    /// The model the backend sends requests to.
    public var model: String { backend.model }

    /// Streams the run, passing text and retries to `onEvent` as they arrive, then records it. Cancelling the
    /// calling task ends the request; the partial answer is recorded as `cancelled`. Throws only when the
    /// record cannot be written (a failed request is a record with an error).
    public func execute(onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> RunRecord {
        let record = await RunExecutor().execute(plan, on: backend, runNumber: provisionalNumber, price: price) {
            event in
            switch event {
            case .delta(let text): onEvent(.delta(text))
            case .retrying(let seconds, let reason): onEvent(.retrying(note: Self.retryNote(seconds, reason)))
            default: break
            }
        }
        return try recorder.record(record, session: session, prompt: plan.prompt)
    }

    /// `retrying in 3 s (HTTP 429: slow down)`: whole seconds, rounded up, so a wait is never understated.
    public static func retryNote(_ seconds: Double, _ reason: String) -> String {
        "retrying in \(Int(seconds.rounded(.up))) s (\(reason))"
    }

    /// One line about a finished run: number, backend and model, first token, total time, tokens, cost,
    /// cache, an unusual finish reason.
    public static func summary(_ record: RunRecord) -> String {
        var parts = ["run \(record.run)", "\(record.backend.name)/\(record.model)"]
        if let first = record.latency.firstTokenMs { parts.append(String(format: "first token %.0f ms", first)) }
        parts.append(String(format: "%.2f s", record.latency.totalMs / 1000))
        if let usage = record.usage {
            parts.append(
                "\(usage.promptTokens)+\(usage.completionTokens) tokens\(usage.estimated ? " (estimated)" : "")")
        }
        if let cost = record.costUSD { parts.append(String(format: "$%.4f", cost)) }
        if record.cached == true { parts.append("from cache") }
        if record.finishReason != .stop { parts.append(record.finishReason.rawValue) }
        if let check = record.schemaCheck {
            parts.append(
                check.conforms
                    ? "matches the output schema"
                    : "does not match the output schema: \(check.problems.joined(separator: "; "))")
        }
        return parts.joined(separator: " · ")
    }
}
