import Foundation

/// The end of an optimisation: the search's winner run on the held-out cases and compared with the baseline
/// case by case; proposed only when the gain's interval lies above zero, and then written beside the user's
/// files (the prompt as `prompts/NAME.optimized.prompty`, the retrieval settings as a block to paste).
extension Optimizer {
    func validate(
        _ winner: Scored, baseline: OptimizeScore, baselineCandidate: OptimizeCandidate, split: OptimizeSplit,
        classes: [String: FailureClass], prompt: PromptFile
    ) async throws -> OptimizeOutcome {
        await notePersistingFailures(under: winner, prompt: prompt)
        let searchIDs = Set(split.search.map(OptimizeSplit.caseID))
        let baselineSearch = baseline.restricted(to: searchIDs)
        guard winner.candidate.id != baselineCandidate.id else {
            return finish(
                .noImprovement,
                "no improvement beyond noise: nothing tried beat the baseline on the \(split.search.count) search "
                    + "cases (\(baselineSearch.text)); the table lists what was tried")
        }
        outcome.winner = winner.candidate
        let heldIDs = split.validation.map(OptimizeSplit.caseID)
        let baselineHeld = baseline.restricted(to: Set(heldIDs))
        guard let held = try await score(winner.candidate, cases: split.validation, set: "validation") else {
            return finish(
                .noImprovement,
                "\(winner.candidate.id) (\(winner.candidate.label)) was best on the search cases "
                    + "(\(winner.score.text)), but the budget ran out before the "
                    + "held-out check: nothing is proposed")
        }
        let difference = held.difference(from: baselineHeld, over: heldIDs)
        outcome.validation = difference
        let sameCases = baseline.restricted(to: Set(winner.score.perCase.keys))
        let searchLine =
            "\(winner.candidate.id) (\(winner.candidate.label)) passed \(winner.score.text) of the search cases "
            + "against the baseline's \(sameCases.text)"
        let heldLine =
            "on the \(heldIDs.count) held-out cases \(held.text) against \(baselineHeld.text): "
            + "\(difference.fixed) fixed, \(difference.regressed) broken · \(difference.text)"
        guard difference.verdict == .better, difference.lower > 0 else {
            let why =
                difference.difference < 0 || difference.verdict == .worse
                ? "it fitted the search cases and does worse on cases it never saw: not proposed"
                : "no improvement beyond noise on cases it never saw: not proposed"
                    + (difference.settleHint.map { " (\($0))" } ?? "")
            return finish(.noImprovement, "\(searchLine); \(heldLine) — \(why)")
        }
        var message = "proposed: \(searchLine); \(heldLine)"
        if winner.candidate.prompt.contentHash != prompt.contentHash {
            outcome.writtenPrompt = try writePrompt(winner.candidate, original: prompt, difference: difference)
        }
        if !winner.candidate.variant.overrides.isEmpty {
            outcome.tomlBlock = OptimizeOutcome.tomlBlock(winner.candidate.variant)
        }
        if let heldHit = held.hitRate, let baseHit = baselineHeld.hitRate {
            message += String(
                format: "; retrieval on the held-out cases: hit rate %.0f%% → %.0f%%, MRR %.2f → %.2f", baseHit * 100,
                heldHit * 100, baselineHeld.meanReciprocalRank ?? 0, held.meanReciprocalRank ?? 0)
        }
        return finish(.proposed, message)
    }

    /// Writes the winning prompt beside the original with its provenance; an earlier optimised file whet wrote is
    /// replaced, a file of the same name someone else wrote is left alone (the id goes into the new name).
    func writePrompt(_ winner: OptimizeCandidate, original: PromptFile, difference: PairedDifference) throws -> String {
        let baseName = ((original.path as NSString).lastPathComponent as NSString).deletingPathExtension
        var url = base.promptsDirectory.appendingPathComponent("\(baseName).optimized.prompty")
        if let existing = try? String(contentsOf: url, encoding: .utf8), !existing.contains("optimized_by") {
            url = base.promptsDirectory.appendingPathComponent("\(baseName).optimized-\(outcome.id).prompty")
        }
        let text = OptimizeOutcome.annotated(
            winner.prompt.source,
            provenance: [
                ("optimized_by", "whet optimize \(outcome.id)"),
                ("optimized_from", "\(original.path)@\(String(original.contentHash.prefix(12)))"),
                ("optimized_candidate", "\(winner.id): \(winner.label) (\(winner.how))"),
                ("optimized_held_out", difference.text),
            ])
        try DurableFile.writeAtomically(Data(text.utf8), to: url)
        return base.display(url)
    }

    /// Says which knowledge failures no retrieval setting can fix because no text file of the corpus holds the
    /// fact: said once the baseline is classified, so it is said even when the run stops there.
    func noteMissingFacts(_ cases: [EvalCase], classes: [String: FailureClass]) {
        let knowledge = cases.filter { classes[OptimizeSplit.caseID($0)] == .knowledge }
        guard !knowledge.isEmpty, base.config.retrieval.enabled else { return }
        let corpusText = CorpusText(workspace: base)
        var lacking: [String] = []
        for item in knowledge {
            var facts = item.metadata["expected_facts"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for assertion in item.assertions where assertion.type == "context-recall" {
                facts +=
                    assertion.value?.stringValue.map { [$0] } ?? assertion.value?.arrayValue?.compactMap(\.stringValue)
                    ?? []
            }
            for fact in facts where !corpusText.contains(fact) {
                lacking.append("\"\(fact)\" (\(item.description ?? OptimizeSplit.caseID(item)))")
            }
        }
        if !lacking.isEmpty {
            outcome.notes.append(
                "the corpus lacks \(lacking.count) expected fact(s) — no retrieval setting can find them; add "
                    + "documents: " + lacking.prefix(5).joined(separator: ", "))
        }
    }

    /// Says which search cases still fail for grounding or behaviour under the winner of both axes: fine-tuning's
    /// ground. The dataset `whet finetune export` would write is exported beside the run's cells
    /// (`evals/optimize/ID/finetune/`, never the user's `finetune/`) and validated, so the next lever starts from
    /// a checked file and its numbers.
    func notePersistingFailures(under winner: Scored, prompt: PromptFile) async {
        let persisting = winner.score.results.filter { $0.status == .failed && $0.repeatIndex == 0 }.filter {
            let kind = FailureClassifier.classify($0).failureClass
            return kind == .grounding || kind == .behaviour
        }
        guard !persisting.isEmpty, outcome.tried.contains(where: { $0.candidate.axis == .prompt }) else { return }
        var note =
            "\(persisting.count) search case(s) still fail for grounding or behaviour under the best candidate of "
            + "both axes (\(persisting.prefix(4).map(\.label).joined(separator: ", "))): fine-tuning is the next lever"
        let folder = directory.appendingPathComponent("finetune")
        do {
            let retriever = base.config.retrieval.enabled ? try await base.openRetriever().0 : nil
            let counter =
                (try? TokenCounter.forSettings(base.config.retrieval, workspaceRoot: base.root)) ?? .estimate
            let prepared = try await FineTuningExporter(workspace: base).prepare(
                promptName: prompt.name, retriever: retriever, validationFraction: 0.2, counter: counter,
                trainPath: base.display(folder.appendingPathComponent("train.jsonl")))
            if base.isWritable { try prepared.write(to: folder) }
            let errors = prepared.report.findings.filter { $0.severity == .error }.count
            note +=
                "; its dataset: \(prepared.summary), validated (\(errors) error\(errors == 1 ? "" : "s")), "
                + (base.isWritable ? "in \(base.display(folder))/" : "not written (read-only workspace)")
                + " — `whet finetune export` writes it to finetune/"
        } catch FineTuningError.nothingToExport {
            note += "; no dataset yet: rate runs good or corrected, or give the cases metadata.expected_answer"
        } catch {
            note += "; the dataset could not be prepared: \(error)"
        }
        outcome.notes.append(note)
    }
}

/// The corpus's text files, read once, lowercased, to tell "retrieval missed the fact" from "no document holds
/// it". Binary documents (PDF, office files) are not converted here, so a fact only they hold counts as held.
struct CorpusText {
    let texts: [String]
    let opaque: Bool

    init(workspace: Workspace) {
        var texts: [String] = []
        var opaque = false
        let readable: Set<String> = ["md", "markdown", "txt", "rst", "html", "htm", "text"]
        if let walker = FileManager.default.enumerator(at: workspace.corpusDirectory, includingPropertiesForKeys: nil) {
            for case let url as URL in walker {
                let ext = url.pathExtension.lowercased()
                guard readable.contains(ext) else {
                    if !ext.isEmpty { opaque = true }
                    continue
                }
                guard let size = try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize, size < 8 << 20,
                    let text = try? String(contentsOf: url, encoding: .utf8)
                else { continue }
                texts.append(text.lowercased())
            }
        }
        self.texts = texts
        self.opaque = opaque
    }

    /// Whether some file holds `fact` (case-insensitively), or might (a file whet cannot read here).
    func contains(_ fact: String) -> Bool {
        let needle = fact.lowercased()
        return opaque || texts.contains { $0.contains(needle) }
    }
}
