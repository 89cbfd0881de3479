import Foundation

extension FineTuningExporter {
    /// A dataset ready to write: what was gathered, how it splits, and the validator's report on the
    /// training set. `whet finetune export` and the workbench's dataset view (`:finetune`) both build one.
    public struct Prepared: Sendable {
        public var gathered: Gathered
        public var split: Split
        /// The training set, checked as `whet finetune validate` would check the written file.
        public var report: FineTuningValidator.Report

        /// `4 examples (1 from rated runs, 3 from eval cases), 1 duplicate dropped`.
        public var summary: String {
            let fromRuns = gathered.candidates.filter { $0.source.hasPrefix("sessions/") }.count
            var text =
                "\(gathered.candidates.count) examples (\(fromRuns) from rated runs, \(gathered.candidates.count - fromRuns) from eval cases)"
            if !gathered.duplicates.isEmpty {
                text += ", \(gathered.duplicates.count) duplicate\(gathered.duplicates.count == 1 ? "" : "s") dropped"
            }
            return text
        }

        /// Writes `train.jsonl` and, when the split holds any, `validation.jsonl` into `directory`
        /// (atomically); a validation file left from an earlier export is removed so the pair always matches.
        public func write(to directory: URL) throws {
            try DurableFile.makeDirectory(directory)
            try FineTuningExporter.write(split.train, to: directory.appendingPathComponent("train.jsonl"))
            let validation = directory.appendingPathComponent("validation.jsonl")
            if !split.validation.isEmpty {
                try FineTuningExporter.write(split.validation, to: validation)
            } else if FileManager.default.fileExists(atPath: validation.path) {
                try FileManager.default.removeItem(at: validation)
            }
        }
    }

    /// Gathers, de-duplicates, splits and checks; fails when there is nothing to export, saying how to get
    /// examples.
    public func prepare(
        promptName: String?, retriever: (any ChunkRetriever)?, runs: Bool = true, evals: Bool = true,
        validationFraction: Double, counter: TokenCounter, trainPath: String
    ) async throws -> Prepared {
        let gathered = try await gather(promptName: promptName, retriever: retriever, runs: runs, evals: evals)
        guard !gathered.candidates.isEmpty else { throw FineTuningError.nothingToExport }
        let split = FineTuningExporter.split(gathered.candidates, validationFraction: validationFraction)
        let report = FineTuningValidator(counter: counter).validate(
            try FineTuningExporter.jsonl(split.train), displayPath: trainPath)
        return Prepared(gathered: gathered, split: split, report: report)
    }
}

/// What can stop a fine-tuning export.
public enum FineTuningError: Error, CustomStringConvertible, Equatable {
    /// No rated run and no eval case with an expected answer.
    case nothingToExport

    public var description: String {
        switch self {
        case .nothingToExport:
            return
                "nothing to export: rate runs good (`whet rate SESSION RUN good`, or + in the output pane) or give eval cases metadata.expected_answer"
        }
    }
}
