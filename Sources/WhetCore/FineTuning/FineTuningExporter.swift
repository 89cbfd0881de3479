import Foundation

/// Gathers fine-tuning examples from a workspace (runs rated good, runs rated bad with a corrected answer,
/// eval cases whose metadata carries an `expected_answer`), removes duplicates, and splits them into training
/// and validation sets. The split is by content digest, so exporting again after adding examples keeps the old
/// ones on the side they were on.
public struct FineTuningExporter: Sendable {
    /// The outcome of gathering: the examples kept and what was left out, with reasons.
    public struct Gathered: Sendable {
        public var candidates: [FineTuningCandidate]
        /// Exact duplicates dropped (the first occurrence is kept).
        public var duplicates: [String]
        /// Sources that could not become an example, with why.
        public var skipped: [String]
        /// Examples whose prompt equals another's but whose answer differs: they teach contradictory things.
        public var conflicts: [String]
    }

    /// The two sets.
    public struct Split: Sendable {
        public var train: [FineTuningCandidate]
        public var validation: [FineTuningCandidate]
    }

    let workspace: Workspace

    /// An exporter for `workspace`.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Rated runs of every session, in session and run order: an example when rated good (the corrected
    /// answer if one was given, else the recorded output) or rated bad with a corrected answer.
    public func fromRatedRuns() -> (candidates: [FineTuningCandidate], skipped: [String]) {
        let store = SessionStore(workspace: workspace)
        var candidates: [FineTuningCandidate] = []
        var skipped: [String] = []
        for id in store.ids() {
            let ratings = store.ratings(id).byRun
            for record in store.log(id).read().records {
                let where_ = "sessions/\(id) run \(record.run)"
                let rating = ratings[record.id]
                let verdict = rating?.verdict ?? record.rating.map { $0 > 0 ? .good : .bad }
                guard let verdict else { continue }
                if let corrected = rating?.corrected {
                    candidates.append(
                        .init(
                            example: FineTuningExample(prompt: record.messages, answer: corrected),
                            source: "\(where_) (rated \(verdict.rawValue), corrected)"))
                } else if verdict == .good {
                    guard record.error == nil, !record.output.isEmpty else {
                        skipped.append("\(where_): rated good but has no output")
                        continue
                    }
                    // A cancelled run's answer stops mid-sentence: training on it teaches the model to stop.
                    guard record.finishReason != .cancelled else {
                        skipped.append(
                            "\(where_): rated good but was cancelled, so its answer is partial "
                                + "(write the whole answer with C in the workbench, or rate --corrected)")
                        continue
                    }
                    candidates.append(
                        .init(
                            example: FineTuningExample(prompt: record.messages, answer: record.output),
                            source: "\(where_) (rated good)"))
                } else {
                    skipped.append("\(where_): rated bad without a corrected answer")
                }
            }
        }
        return (candidates, skipped)
    }

    /// Eval cases with `metadata.expected_answer` (or `expected_output`), rendered with `promptName` the way a
    /// run would render them, retrieved context included.
    public func fromEvalCases(promptName: String?, retriever: (any ChunkRetriever)?) async throws -> (
        candidates: [FineTuningCandidate], skipped: [String]
    ) {
        var candidates: [FineTuningCandidate] = []
        var skipped: [String] = []
        for url in workspace.evalFiles() {
            for item in try EvalFile.load(url, displayPath: workspace.display(url), limits: workspace.config.limits) {
                guard
                    let answer = item.metadata["expected_answer"]?.stringValue
                        ?? item.metadata["expected_output"]?.stringValue
                else { continue }
                let variables = item.vars.mapValues { $0.stringValue ?? $0.description }
                do {
                    let plan = try await RunPlan.make(
                        RunInput(promptName: promptName, variables: variables), in: workspace, retriever: retriever)
                    candidates.append(
                        .init(
                            example: FineTuningExample(prompt: plan.messages, answer: answer),
                            source: "\(item.location.file):\(item.location.line ?? 0) (expected_answer)"))
                } catch {
                    skipped.append("\(item.location): \(error)")
                }
            }
        }
        return (candidates, skipped)
    }

    /// Drops exact duplicates (keeping the first) and reports prompts that appear with different answers.
    public static func deduplicate(_ candidates: [FineTuningCandidate]) -> (
        kept: [FineTuningCandidate], duplicates: [String], conflicts: [String]
    ) {
        var seen: [String: String] = [:]
        var prompts: [String: FineTuningCandidate] = [:]
        var kept: [FineTuningCandidate] = []
        var duplicates: [String] = []
        var conflicts: [String] = []
        for candidate in candidates {
            let digest = candidate.example.digest
            if let first = seen[digest] {
                duplicates.append("\(candidate.source) repeats \(first)")
                continue
            }
            seen[digest] = candidate.source
            let promptDigest = candidate.example.promptDigest
            if let other = prompts[promptDigest] {
                conflicts.append("\(candidate.source) and \(other.source) answer the same prompt differently")
            } else {
                prompts[promptDigest] = candidate
            }
            kept.append(candidate)
        }
        return (kept, duplicates, conflicts)
    }

    /// Puts an example in validation when its digest, read as a number in [0, 1), falls below
    /// `validationFraction`: about that share of the examples, and each example's side depends on its content
    /// alone, so exporting again after adding examples never moves an old one across (no leakage between the
    /// sets of two exports). Order within each set is the order given.
    public static func split(_ candidates: [FineTuningCandidate], validationFraction: Double) -> Split {
        let fraction = max(0, min(0.5, validationFraction))
        func heldOut(_ candidate: FineTuningCandidate) -> Bool {
            guard let prefix = UInt32(candidate.example.digest.prefix(8), radix: 16) else { return false }
            return Double(prefix) / 4_294_967_296 < fraction
        }
        return Split(train: candidates.filter { !heldOut($0) }, validation: candidates.filter(heldOut))
    }

    /// Everything the workspace offers, de-duplicated.
    public func gather(promptName: String?, retriever: (any ChunkRetriever)?, runs: Bool = true, evals: Bool = true)
        async throws -> Gathered
    {
        var candidates: [FineTuningCandidate] = []
        var skipped: [String] = []
        if runs {
            let rated = fromRatedRuns()
            candidates += rated.candidates
            skipped += rated.skipped
        }
        if evals {
            let cases = try await fromEvalCases(promptName: promptName, retriever: retriever)
            candidates += cases.candidates
            skipped += cases.skipped
        }
        let (kept, duplicates, conflicts) = FineTuningExporter.deduplicate(candidates)
        return Gathered(candidates: kept, duplicates: duplicates, skipped: skipped, conflicts: conflicts)
    }

    /// `examples` as the bytes of a JSONL file.
    public static func jsonl(_ examples: [FineTuningCandidate]) throws -> Data {
        let lines = try examples.map { try $0.example.jsonLine() }
        return Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8)
    }

    /// Writes `examples` as JSON lines to `url` atomically.
    public static func write(_ examples: [FineTuningCandidate], to url: URL) throws {
        try DurableFile.writeAtomically(try jsonl(examples), to: url)
    }
}
