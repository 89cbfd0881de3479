import ArgumentParser
import Foundation
import WhetCore

/// `whet retrieval …`: experiments on retrieval settings.
struct RetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Experiment with retrieval settings.",
        subcommands: [RetrievalCompareCommand.self])
}

/// `whet retrieval compare --with "method=hybrid" --with "chunking=sentence"`: the eval cases that say what
/// should be found, searched under whet.toml's settings and each variant, with hit rate, recall@k and MRR.
struct RetrievalCompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Score retrieval settings on the eval cases that carry expected sources or facts.",
        discussion: """
            Cases qualify when they have metadata.expected_sources (paths of the files that should be found) or \
            context-recall assertions (facts the retrieved text should contain). whet.toml's settings are always \
            the first row; each --with adds a row with [retrieval] keys overridden, e.g. \
            --with "method=hybrid" --with "chunking=sentence sentences_per_chunk=4" --with "k1=1.5 b=0.5". \
            Nothing is written: a different chunking is indexed in memory.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("with"), help: "A setting to compare: [retrieval] KEY=VALUE pairs (repeatable).")
    var variants: [String] = []

    @Option(name: .customLong("eval"), help: "Eval files to use (default: every evals/*.jsonl).")
    var evalFiles: [String] = []

    @Option(help: "The prompt whose query variable is searched (default: the workspace's default prompt).")
    var prompt: String?

    @Option(name: .customLong("top-k"), help: "Results per query (default: each setting's top_k).")
    var topK: Int?

    @Flag(help: "List the cases whose hit changed against the first row.")
    var verbose = false

    @Flag(help: "Print the scores as JSON.")
    var json = false

    func validate() throws {
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, found \(topK)") }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let settings = try [RetrievalVariant.baseline] + variants.map { try RetrievalVariant(parsing: $0) }
            let files =
                evalFiles.isEmpty
                ? nil : evalFiles.map { URL(fileURLWithPath: $0, relativeTo: workspace.root).standardizedFileURL }
            let cases = try RetrievalComparison.judgedCases(in: workspace, files: files)
            guard !cases.isEmpty else {
                throw RetrievalError.comparison(
                    "no eval case says what retrieval should find; add \"metadata\": {\"expected_sources\": [\"corpus/FILE\"]} or a context-recall assertion to cases in evals/*.jsonl"
                )
            }
            var scores: [RetrievalComparison.Score] = []
            for (number, variant) in settings.enumerated() {
                Terminal.progress("scoring \(number + 1)/\(settings.count): \(variant.name)")
                scores.append(
                    try await RetrievalComparison.score(
                        variant, base: workspace, cases: cases, promptName: prompt, topK: topK))
            }
            Terminal.clearProgress()
            if json {
                try Terminal.writeJSON(scores.map(ScoreJSON.init))
                return
            }
            print(scores, cases: cases.count)
        }
    }

    func print(_ scores: [RetrievalComparison.Score], cases: Int) {
        let k = topK.map(String.init) ?? "k"
        let width = max(24, scores.map(\.variant.count).max() ?? 0)
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.1f%%", $0 * 100) } ?? "      –" }
        Terminal.write("\(cases) judged cases\n")
        Terminal.write(
            "setting".padding(toLength: width, withPad: " ", startingAt: 0)
                + "  method            hit@\(k)  recall@\(k)      MRR  facts    ms/query\n")
        for score in scores {
            Terminal.write(
                score.variant.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + score.method.padding(toLength: 16, withPad: " ", startingAt: 0)
                    + percent(score.hitRate) + "   " + percent(score.recall)
                    + String(format: "   %6.3f", score.meanReciprocalRank)
                    + " " + percent(score.factRecall) + String(format: "   %8.1f\n", score.secondsPerQuery * 1000))
        }
        guard verbose, let first = scores.first else { return }
        for score in scores.dropFirst() {
            let changes = zip(first.cases, score.cases).filter { $0.0.hit != $0.1.hit }
            guard !changes.isEmpty else { continue }
            Terminal.write("\n\(score.variant) vs \(first.variant):\n")
            for (before, after) in changes {
                Terminal.write("  \(after.hit ? "+ found " : "- lost  ") \(before.label)\n")
            }
        }
    }

    /// The JSON shape of one row.
    struct ScoreJSON: Encodable {
        var setting: String
        var method: String
        var cases: Int
        var hitRate: Double
        var recall: Double?
        var mrr: Double
        var factRecall: Double?
        var msPerQuery: Double

        init(_ score: RetrievalComparison.Score) {
            setting = score.variant
            method = score.method
            cases = score.cases.count
            hitRate = score.hitRate
            recall = score.recall
            mrr = score.meanReciprocalRank
            factRecall = score.factRecall
            msPerQuery = score.secondsPerQuery * 1000
        }

        enum CodingKeys: String, CodingKey {
            case setting, method, cases, recall, mrr
            case hitRate = "hit_rate"
            case factRecall = "fact_recall"
            case msPerQuery = "ms_per_query"
        }
    }
}
