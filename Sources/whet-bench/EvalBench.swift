import Foundation
import WhetCore
import WhetTestSupport

/// Eval throughput: cells per second through the whole eval path (retrieval, rendering, the backend, every
/// assertion, the fsynced results line), at concurrency 1 and 8, against three backends:
///   - the offline backend as shipped: it paces its stream (8 ms per piece of 24 characters), like a model;
///   - the offline backend unpaced (one piece): whet's own work per cell;
///   - an OpenAI-compatible server on loopback answering at once (the HTTP client, SSE parsing included).
/// The cache is off and the results file is removed before each measurement, so every cell really runs.
func benchmarkEvals(_ source: URL, repeats: Int, casesPerCell: Int) async throws {
    let copy = try copyWorkspace(source, scale: 1)
    defer { try? FileManager.default.removeItem(at: copy) }
    let answer = "To rotate your API key, create a new key first, deploy it everywhere, then revoke the old key. [1]"
    let server = try TestModelServer { _ in
        TestModelServer.openAIStream(
            answer.split(separator: " ").map { $0 + " " }, promptTokens: 600, completionTokens: 40)
    }
    defer { server.stop() }
    let config = copy.appendingPathComponent("whet.toml")
    let original = try String(contentsOf: config, encoding: .utf8)
    try
        (original + """

            [backends.offline-unpaced]
            kind = "offline"
            stream_piece_size = 1000000

            [backends.loopback]
            kind = "openai"
            model = "bench-model"
            base_url = "\(server.baseURL)/v1"
            max_concurrency = 16

            """).write(to: config, atomically: true, encoding: .utf8)
    let workspace = try Workspace.open(root: copy)
    var cases: [EvalCase] = []
    for url in workspace.evalFiles() {
        cases += try EvalFile.load(url, displayPath: workspace.display(url), limits: workspace.config.limits)
    }
    let (retriever, _) = try await workspace.openRetriever()
    let runner = EvalRunner(workspace: workspace)
    print(
        "eval throughput: \(cases.count) cases × \(casesPerCell) repeats = \(cases.count * casesPerCell) cells per measurement, cache off, median of \(repeats)"
    )
    for backend in ["offline", "offline-unpaced", "loopback"] {
        var line = backend.padding(toLength: 17, withPad: " ", startingAt: 0)
        for concurrency in [1, 8] {
            var rates: [Double] = []
            for _ in 0..<repeats {
                try? FileManager.default.removeItem(at: workspace.evalsDirectory.appendingPathComponent("results"))
                var plan = EvalRunner.Plan(
                    cases: cases, caseFiles: workspace.evalFiles().map { workspace.display($0) }, backends: [backend])
                plan.repeats = casesPerCell
                plan.concurrency = concurrency
                plan.useCache = false
                var cells = 0
                let elapsed = try await asyncSeconds {
                    let (_, results, _) = try await runner.run(plan, retriever: retriever)
                    cells = results.count
                    if let error = results.compactMap(\.error).first {
                        throw BenchError(message: "\(backend): \(error)")
                    }
                }
                rates.append(Double(cells) / elapsed)
            }
            line += String(format: "  concurrency %d: %7.1f cells/s", concurrency, median(rates))
        }
        print(line)
    }
    print(String(format: "peak RSS %.1f MB", peakRSSMegabytes()))
}
