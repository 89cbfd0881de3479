import Foundation

/// `whet report evals/optimize/ID.jsonl`: an optimisation as Markdown for a pull request, read from its log
/// alone (no model is called): the result, the plan and split, what was tried and scored where, the winner's
/// lineage, the held-out cases it fixed and broke, its prompt's diff against the original, and the proposals
/// discarded with their reasons.
public struct OptimizeReport: Sendable {
    public let id: String
    public let entries: [OptimizeLog.Entry]
    /// The prompt texts by path (candidates' files, the original), where they could be read.
    let prompts: [String: String]
    /// Case labels (descriptions) and their order, by case id, from the winner's held-out cells.
    let labels: [String: (order: Int, label: String)]

    /// Whether `url` is an optimisation's log (its first entry is the plan), not an eval's results.
    public static func isLog(_ url: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return head.hasPrefix("{") && head.components(separatedBy: "\n").first?.contains("\"kind\":\"plan\"") == true
    }

    /// The report of the log at `url`; `root` is the workspace the paths in it are relative to (nil: the log's
    /// grandparent, as `evals/optimize/ID.jsonl` sits two levels below the workspace).
    public init(logURL url: URL, displayPath: String, root: URL? = nil) {
        id = url.deletingPathExtension().lastPathComponent
        entries = OptimizeLog.read(url, displayPath: displayPath)
        let workspace = root ?? url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var prompts: [String: String] = [:]
        for path in Set(entries.compactMap(\.promptPath)) {
            prompts[path] = try? String(contentsOf: workspace.appendingPathComponent(path), encoding: .utf8)
        }
        self.prompts = prompts
        var labels: [String: (order: Int, label: String)] = [:]
        let winner = entries.last { $0.kind == "result" }?.candidate
        if let evalID = entries.last(where: { $0.candidate == winner && $0.set == "validation" })?.evalID {
            let cells = url.deletingPathExtension().appendingPathComponent("\(evalID).jsonl")
            for result in EvalResultsFile.read(cells, displayPath: cells.lastPathComponent).results {
                let id = OptimizeSplit.caseID(result)
                if labels[id] == nil { labels[id] = (labels.count, result.label) }
            }
        }
        self.labels = labels
    }

    /// The report as Markdown; every outside string escaped.
    public func markdown() -> String {
        let text = MarkdownReport.text
        let result = entries.last { $0.kind == "result" }
        var out = "# whet optimize `\(MarkdownReport.code(id))`\n\n"
        var message = result?.message ?? "the run has not finished; run the same command again to resume it"
        if message.hasPrefix("proposed: ") { message = String(message.dropFirst("proposed: ".count)) }
        out += "**\(result?.proposed == true ? "Proposed" : "Not proposed")**: " + text(message) + "\n\n"
        for kind in ["plan", "split"] {
            if let message = entries.last(where: { $0.kind == kind })?.message { out += "- \(text(message))\n" }
        }
        let candidates = entries.filter { $0.kind == "candidate" }
        out += "\n## What was tried\n\n| id | parent | axis | made by | what | cases | passed | hit | MRR | calls |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|\n"
        for entry in candidates {
            let passed = entry.passed.map { String(format: "%g", $0) } ?? "–"
            out +=
                "| \(text(entry.candidate ?? "")) | \(text(entry.parent ?? "")) | \(text(entry.axis ?? "")) | "
                + "\(text(entry.how ?? "")) | \(text(entry.label ?? "")) | \(text(entry.set ?? "")) | "
                + "\(passed)/\(entry.answered ?? 0) | \(entry.hitRate.map { String(format: "%.2f", $0) } ?? "–") | "
                + "\(entry.mrr.map { String(format: "%.2f", $0) } ?? "–") | \(entry.calls ?? 0) |\n"
        }
        if let winner = result?.candidate {
            out += "\n## The winner\n\n" + lineage(of: winner, in: candidates) + "\n"
            out += heldOutChanges(winner: winner, in: candidates)
            out += promptDiff(winner: winner, in: candidates)
        }
        let discarded = entries.filter { $0.kind == "discarded" }
        if !discarded.isEmpty {
            out += "\n## Discarded proposals\n\n"
            for entry in discarded { out += "- \(text(entry.label ?? "")): \(text(entry.message ?? ""))\n" }
        }
        return out
    }

    /// `c0 → r3 (top_k=10)`: the winner's ancestors.
    func lineage(of winner: String, in candidates: [OptimizeLog.Entry]) -> String {
        var chain: [String] = []
        var current: String? = winner
        var seen = Set<String>()
        while let id = current, seen.insert(id).inserted {
            let entry = candidates.first { $0.candidate == id }
            chain.insert(id + (entry?.label.map { " (\(MarkdownReport.text($0)))" } ?? ""), at: 0)
            current = entry?.parent
        }
        return "Lineage: " + chain.joined(separator: " → ")
    }

    /// The held-out cases the winner fixed and broke against the baseline.
    func heldOutChanges(winner: String, in candidates: [OptimizeLog.Entry]) -> String {
        guard let held = candidates.last(where: { $0.candidate == winner && $0.set == "validation" })?.cases,
            let baseline = candidates.first(where: { $0.candidate == "c0" })?.cases
        else { return "" }
        let before = Dictionary(baseline.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        func share(_ line: OptimizeLog.Entry.CaseLine?) -> Double? {
            guard let line, line.answered > 0 else { return nil }
            return Double(line.passed) / Double(line.answered)
        }
        var fixed: [String] = []
        var broken: [String] = []
        for line in held {
            guard let after = share(line), let old = share(before[line.id]) else { continue }
            if after > old { fixed.append(line.id) }
            if after < old { broken.append(line.id) }
        }
        var out = "\nOn the held-out cases: \(fixed.count) fixed, \(broken.count) broken.\n"
        for (title, ids) in [("Fixed", fixed), ("Broken", broken)] where !ids.isEmpty {
            let ordered = ids.sorted { (labels[$0]?.order ?? .max, $0) < (labels[$1]?.order ?? .max, $1) }
            out +=
                "\n\(title):\n"
                + ordered.map { id in
                    "- " + (labels[id].map { MarkdownReport.text($0.label) + " " } ?? "")
                        + "`\(MarkdownReport.code(id))`"
                }.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// The winner's prompt against the baseline's, line by line, when the prompt changed.
    func promptDiff(winner: String, in candidates: [OptimizeLog.Entry]) -> String {
        guard let newPath = candidates.first(where: { $0.candidate == winner })?.promptPath,
            let oldPath = candidates.first(where: { $0.candidate == "c0" })?.promptPath, newPath != oldPath,
            let new = prompts[newPath], let old = prompts[oldPath]
        else { return "" }
        let oldLines = old.components(separatedBy: "\n")
        let newLines = new.components(separatedBy: "\n")
        let steps =
            SequenceDiff.diff(oldLines, newLines)
            ?? oldLines.map { SequenceDiff.Step<String>.removed($0) } + newLines.map { .added($0) }
        let body = steps.compactMap { step -> String? in
            switch step {
            case .same: return nil
            case .removed(let line): return "- " + line
            case .added(let line): return "+ " + line
            }
        }.joined(separator: "\n")
        let longest =
            body.split(separator: "\n").map { line in
                line.reduce((run: 0, best: 0)) { state, character in
                    character == "`" ? (state.run + 1, max(state.best, state.run + 1)) : (0, state.best)
                }.best
            }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return
            "\nThe prompt against the original (\(MarkdownReport.code(oldPath)) → \(MarkdownReport.code(newPath))):\n\n"
            + "\(fence)diff\n\(body)\n\(fence)\n"
    }
}
