import Foundation

/// One eval as both front ends run it: the case files read (with their warnings), the matrix planned, cases
/// meant only for other prompts set aside (and said so), the runner started with progress and lock-waiting
/// reported as events, and the result summarised. `whet eval` prints the events; the workbench shows them in
/// its status line.
public struct EvalJob: Sendable {
    /// What an eval reports while it runs.
    public enum Event: Sendable {
        /// `done` of `total` cells finished.
        case progress(done: Int, total: Int)
        /// The same eval id is being run by another process; this one waits, then resumes from its results.
        case waiting(id: String, holder: FileLock.Holder?)
    }

    /// A finished eval.
    public struct Outcome: Sendable {
        public var id: String
        public var results: [EvalResult]
        /// Cells taken from an earlier, interrupted run of the same eval.
        public var resumed: Int
        /// What the eval found.
        public var verdict: EvalVerdict { EvalVerdict(id: id, results: results) }
    }

    /// The matrix to run; a front end may change prompts, backends, repeats and the like before `run`.
    public var plan: EvalRunner.Plan
    /// What reading the case files found worth saying (unknown keys, cases without assertions).
    public let warnings: [Warning]
    let workspace: Workspace

    /// Reads the cases of `files` (all of `evals/` when empty). Throws when there is nothing to evaluate.
    public init(workspace: Workspace, files: [URL]) throws {
        self.workspace = workspace
        let urls = files.isEmpty ? workspace.evalFiles() : files
        guard !urls.isEmpty else {
            throw EvalError.noCases(
                "no eval files in evals/; add NAME.jsonl with one {\"vars\": …, \"assert\": […]} per line")
        }
        var cases: [EvalCase] = []
        var warnings: [Warning] = []
        for url in urls {
            let (loaded, found) = try EvalFile.read(
                url, displayPath: workspace.display(url), limits: workspace.config.limits)
            cases += loaded
            warnings += found
        }
        guard !cases.isEmpty else { throw EvalError.noCases("the eval files hold no cases") }
        self.warnings = warnings
        plan = EvalRunner.Plan(
            cases: cases, caseFiles: urls.map { workspace.display($0) }, prompts: [nil], backends: [nil])
        plan.grader = workspace.config.evalGrader
    }

    /// Sets aside cases that name only other prompts: `note` is told about them (nil-free: only when there are
    /// some), and when no case is left for the prompts being evaluated this throws, after the note.
    public func checkPairing(note: (String) -> Void) throws {
        let unpaired = try EvalRunner(workspace: workspace).unpairedCases(plan)
        guard !unpaired.isEmpty else { return }
        let names = Set(unpaired.flatMap { $0.prompts ?? [] }).sorted()
        note(
            "\(unpaired.count) case(s) not run: they name only other prompts (\(names.joined(separator: ", "))); "
                + names.map { "--prompt \($0)" }.joined(separator: " ") + " runs them")
        guard unpaired.count < plan.cases.count else {
            throw EvalError.noCases(
                "no case is for the prompt(s) given: the cases name \(names.joined(separator: ", "))")
        }
    }

    /// Runs the matrix (resuming an interrupted run of the same eval), reporting progress to `onEvent`.
    public func run(
        retriever: (any ChunkRetriever)?, onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) async throws -> Outcome {
        let (id, results, resumed) = try await EvalRunner(workspace: workspace).run(
            plan, retriever: retriever,
            progress: { done, total in onEvent(.progress(done: done, total: total)) },
            onWait: { id, holder in onEvent(.waiting(id: id, holder: holder)) })
        return Outcome(id: id, results: results, resumed: resumed)
    }

    /// `eval ID is being run by whet eval (pid N); waiting…`: said the same way by both front ends.
    public static func waitingNote(id: String, holder: FileLock.Holder?) -> String {
        "eval \(id) is being run by \(holder.map(\.description) ?? "another whet process"); "
            + "waiting for it, then resuming from its results"
    }
}
