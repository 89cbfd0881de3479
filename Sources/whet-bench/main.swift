// whet-bench: speed measurements for whet's core, reported as medians. Not a test: numbers depend on the
// machine, so compare ratios taken in one run.
//
//   whet-bench index DIR [--scale N] [--repeat N] [--queries N]
//   whet-bench ui DIR [--repeat N]
//   whet-bench stream DIR [--queries N]   (N = streamed tokens per run, default 20000)
//   whet-bench retrieval DIR [--method bm25|dense|hybrid] [--json] [--k1 X] [--b X] [--heading-weight X] [--no-stem]
//                                          (a collection in BEIR's layout, e.g. ../shared/bench/cranfield)
//   whet-bench dense [--rows N] [--dims D]  (exact cosine top-10 over a random N × D matrix; default 100000 × 384)
//   whet-bench eval DIR [--repeat N] [--queries R]  (eval cells/s at concurrency 1 and 8; R repeats per case, default 4)
//   whet-bench loaders [--files N] [--pages P]  (PDFs through pdftotext: pages/s with the extraction cache cold and warm)
//   whet-bench store DIR --url postgresql://… [--vectors N] [--dims D]  (the PostgreSQL store against the local one)
//   whet-bench first-search DIR QUERY      (one search in this new process; `index` starts it to measure a fresh process)
//
// Copies the workspace DIR to a temporary directory (its corpus repeated N times under scale-K/ folders, to
// show how time and memory grow with corpus size), then measures: a full index build, an incremental update
// with nothing changed, and searches (the eval questions of the workspace, cycled), and prints the medians
// and the process's peak resident memory.

import Foundation
import WhetCore

struct Options {
    var json = false
    var mode = "index"
    var directory = ""
    var scale = 1
    var repeats = 5
    var queries = 500
    var method = "bm25"
    var bm25 = BM25Parameters()
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "retrieval", arguments.count >= 2 {
        options.mode = "retrieval"
        options.directory = arguments[1]
        options.json = arguments.contains("--json")
        func value(_ flag: String) -> String? {
            arguments.firstIndex(of: flag).map { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : "" }
        }
        if let method = value("--method") {
            guard ["bm25", "dense", "hybrid"].contains(method) else {
                FileHandle.standardError.write(
                    Data("whet-bench: --method expects bm25, dense or hybrid, found '\(method)'\n".utf8))
                exit(2)
            }
            options.method = method
        }
        if let k1 = value("--k1").flatMap(Double.init) { options.bm25.k1 = k1 }
        if let b = value("--b").flatMap(Double.init) { options.bm25.b = b }
        if let weight = value("--heading-weight").flatMap(Double.init) { options.bm25.headingWeight = weight }
        if arguments.contains("--no-stem") { options.bm25.stemming = false }
        return options
    }
    if arguments.first == "dense" {
        options.mode = "dense"
        options.scale =
            arguments.firstIndex(of: "--rows").flatMap {
                arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil
            } ?? 100_000
        options.queries =
            arguments.firstIndex(of: "--dims").flatMap {
                arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil
            } ?? 384
        return options
    }
    guard let mode = arguments.first, ["index", "ui", "stream", "eval"].contains(mode), arguments.count >= 2 else {
        FileHandle.standardError.write(
            Data(
                "usage: whet-bench index DIR [--scale N] [--repeat N] [--queries N]\n       whet-bench ui DIR [--repeat N]\n"
                    .utf8))
        exit(2)
    }
    options.mode = mode
    arguments.removeFirst()
    options.directory = arguments.removeFirst()
    while arguments.count >= 2 {
        let value = Int(arguments[1]) ?? 0
        switch arguments[0] {
        case "--scale": options.scale = max(1, value)
        case "--repeat": options.repeats = max(1, value)
        case "--queries": options.queries = max(1, value)
        default:
            FileHandle.standardError.write(Data("whet-bench: unknown option \(arguments[0])\n".utf8))
            exit(2)
        }
        arguments.removeFirst(2)
    }
    return options
}

/// The corpus files a workspace indexes, for the change benchmark.
enum CorpusIndexerFiles {
    static func list(_ directory: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if ["md", "txt"].contains(url.pathExtension) { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let (whole, fraction) = (ContinuousClock.now - start).components
    return Double(whole) + Double(fraction) / 1e18
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Bytes of every regular file under `directory`.
func corpusSize(_ directory: URL) -> Int {
    let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey])
    var total = 0
    while let url = enumerator?.nextObject() as? URL {
        total += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
    }
    return total
}

func copyWorkspace(_ source: URL, scale: Int) throws -> URL {
    let target = FileManager.default.temporaryDirectory.appendingPathComponent("whet-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
    for name in ["whet.toml", "prompts", "evals"] {
        let from = source.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: from.path) {
            try FileManager.default.copyItem(at: from, to: target.appendingPathComponent(name))
        }
    }
    let workspace = try Workspace.open(root: source)
    let corpus = target.appendingPathComponent(workspace.config.retrieval.corpus)
    try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
    for copy in 1...scale {
        try FileManager.default.copyItem(
            at: workspace.corpusDirectory, to: corpus.appendingPathComponent("scale-\(copy)"))
    }
    return target
}

func benchQueries(_ workspace: Workspace) -> [String] {
    var queries: [String] = []
    for url in workspace.evalFiles() {
        for item in (try? EvalFile.load(url, displayPath: url.path)) ?? [] {
            if let value = item.vars.values.compactMap(\.stringValue).first { queries.append(value) }
        }
    }
    return queries.isEmpty ? ["how do I get started", "configuration options"] : queries
}

if CommandLine.arguments.count >= 4, CommandLine.arguments[1] == "first-search" {
    do {
        try benchmarkFirstSearch(URL(fileURLWithPath: CommandLine.arguments[2]), query: CommandLine.arguments[3])
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if CommandLine.arguments.count >= 2, CommandLine.arguments[1] == "loaders" {
    let arguments = CommandLine.arguments
    func value(_ flag: String, _ fallback: Int) -> Int {
        arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil }
            ?? fallback
    }
    do {
        try benchmarkLoaders(files: value("--files", 20), pages: value("--pages", 50))
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "store" {
    let arguments = CommandLine.arguments
    func value(_ flag: String) -> String? {
        arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
    }
    guard let url = value("--url") else {
        FileHandle.standardError.write(Data("usage: whet-bench store DIR --url postgresql://… [--vectors N]\n".utf8))
        exit(2)
    }
    do {
        try benchmarkStore(
            URL(fileURLWithPath: arguments[2]), url: url, vectors: value("--vectors").flatMap(Int.init) ?? 0,
            dimensions: value("--dims").flatMap(Int.init) ?? 384)
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
let options = parseOptions()
let source = URL(fileURLWithPath: options.directory).standardizedFileURL
if options.mode == "dense" {
    benchmarkDense(rows: options.scale, dimensions: options.queries)
    exit(0)
}
if options.mode == "retrieval" {
    do {
        try await benchmarkRetrieval(source, method: options.method, json: options.json, parameters: options.bm25)
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if options.mode == "stream" {
    do {
        try await benchmarkStreaming(
            source, tokens: options.queries == 500 ? 20_000 : options.queries, repeats: options.repeats)
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if options.mode == "eval" {
    do {
        try await benchmarkEvals(
            source, repeats: options.repeats == 5 ? 3 : options.repeats,
            casesPerCell: options.queries == 500 ? 4 : options.queries)
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if options.mode == "ui" {
    do {
        try await benchmarkUI(source, repeats: max(options.repeats, 50))
    } catch {
        FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
do {
    let copy = try copyWorkspace(source, scale: options.scale)
    defer { try? FileManager.default.removeItem(at: copy) }
    let workspace = try Workspace.open(root: copy)

    var fullTimes: [Double] = []
    var report = CorpusIndexer.Report()
    for _ in 0..<options.repeats {
        try? FileManager.default.removeItem(at: workspace.derivedDirectory)
        fullTimes.append(try seconds { report = try workspace.openIndex().1 })
    }
    var incrementalTimes: [Double] = []
    var checkTimes: [Double] = []
    var index: LexicalIndex? = nil
    for _ in 0..<options.repeats {
        incrementalTimes.append(
            try seconds {
                let (opened, report) = try workspace.openIndex()
                index = opened
                checkTimes.append(report.phases.walk)
            })
    }
    guard let index else { exit(1) }
    let queries = benchQueries(workspace)
    // The same no-change check with a corpus watch kept (as `whet index --watch` or a workbench keeps it):
    // in this process, then in a fresh one that reads the journal.
    let watcher = CorpusWatcher(workspace: workspace)
    let watchStarted = Date()
    while case .starting = watcher.state, Date().timeIntervalSince(watchStarted) < 60 { usleep(10_000) }
    let watchSetUp = Date().timeIntervalSince(watchStarted)
    var watchedCheckTimes: [Double] = []
    var watchedChecks = 0
    for _ in 0..<max(options.repeats, 5) {
        let (_, report) = try workspace.openIndex()
        watchedCheckTimes.append(report.phases.walk)
        if report.checkedByWatch { watchedChecks += 1 }
    }
    var watchedFresh: [[String: Any]] = []
    for _ in 0..<3 { watchedFresh.append(try firstSearchInFreshProcess(copy, query: queries[0])) }
    let watchState = "\(watcher.state)"
    watcher.stop()
    // A new process's first search: with the snapshot `whet index` wrote, then without it (built from the
    // store, as before snapshots), medians of three each.
    let snapshot = workspace.derivedDirectory.appendingPathComponent("bm25.idx")
    var withSnapshot: [[String: Any]] = []
    for _ in 0..<3 { withSnapshot.append(try firstSearchInFreshProcess(copy, query: queries[0])) }
    let saved = try Data(contentsOf: snapshot)
    var withoutSnapshot: [[String: Any]] = []
    for _ in 0..<3 {
        try? FileManager.default.removeItem(at: snapshot)
        withoutSnapshot.append(try firstSearchInFreshProcess(copy, query: queries[0]))
    }
    try saved.write(to: snapshot)
    func medianOf(_ runs: [[String: Any]], _ key: String) -> Double { median(runs.compactMap { $0[key] as? Double }) }
    // The first search builds the in-memory BM25 index from the chunk store.
    let firstSearch = try seconds { _ = try index.search(queries[0], topK: 5) }
    // One file changed: the update re-chunks only it; the next search rebuilds the in-memory index.
    var changedTimes: [Double] = []
    var rebuildTimes: [Double] = []
    let files = CorpusIndexerFiles.list(workspace.corpusDirectory)
    for number in 0..<options.repeats {
        guard let file = files.first else { break }
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data("\nAppended line \(number) for the change benchmark.\n".utf8))
        try handle.close()
        // The same index object, as the workbench keeps it: the in-memory BM25 index is updated, not rebuilt.
        changedTimes.append(try seconds { _ = try CorpusIndexer(workspace: workspace, index: index).update() })
        rebuildTimes.append(try seconds { _ = try index.search(queries[0], topK: 5) })
    }
    for query in queries { _ = try index.search(query, topK: 5) }  // warm-up
    var searchTimes: [Double] = []
    for number in 0..<options.queries {
        let query = queries[number % queries.count]
        searchTimes.append(try seconds { _ = try index.search(query, topK: 5) })
    }
    let counts = try index.counts()
    let indexBytes =
        (try? FileManager.default.attributesOfItem(atPath: workspace.indexURL.path)[.size] as? NSNumber)?.intValue ?? 0
    print(
        "corpus: \(counts.files) files, \(counts.chunks) chunks (scale \(options.scale)); index file \(indexBytes / 1024) KiB"
    )
    let corpusBytes = corpusSize(workspace.corpusDirectory)
    let full = max(median(fullTimes), 1e-9)
    print(
        String(
            format: "full index:          median %.3f s over %d builds (%.0f files/s, %.1f MB/s, %.0f chunks/s)",
            median(fullTimes), fullTimes.count, Double(report.filesSeen) / full,
            Double(corpusBytes) / 1_048_576 / full, Double(counts.chunks) / full))
    print(
        String(
            format:
                "  phases, last build: walk %.3f s, read+hash+chunk %.3f s (%d cores), store %.3f s, "
                + "BM25 build+snapshot %.3f s",
            report.phases.walk, report.phases.files, ProcessInfo.processInfo.activeProcessorCount,
            report.phases.store, report.phases.searchIndex))
    print(
        String(
            format:
                "no-change update:    median %.4f s over %d updates (comparing the corpus with its record: %.1f ms; "
                + "the rest opens the store and loads the BM25 snapshot)",
            median(incrementalTimes), incrementalTimes.count, median(checkTimes) * 1000))
    print(
        String(
            format:
                "with a corpus watch: comparing the corpus %.2f ms (median of %d, %d through the journal); in a fresh "
                + "process %.2f ms; the watch set up and compared the corpus in %.2f s (%@)",
            median(watchedCheckTimes) * 1000, watchedCheckTimes.count, watchedChecks,
            median(watchedFresh.compactMap { $0["corpus_check_seconds"] as? Double }) * 1000, watchSetUp,
            watchState))
    print(
        String(
            format:
                "one file changed:    median %.4f s update + %.4f s next search, in-memory index updated (%.1f%% of a full index)",
            median(changedTimes), median(rebuildTimes),
            (median(changedTimes) + median(rebuildTimes)) / max(median(fullTimes), 1e-9) * 100))
    print(String(format: "first search:        %.3f s (in this process, which built the index)", firstSearch))
    print(
        String(
            format:
                "fresh process:       first search %.3f s with the snapshot (%@; %.1f MB snapshot), %.3f s without "
                + "(built from the store); peak RSS %.1f MB vs %.1f MB; the no-change update before it %.3f s "
                + "(comparing the corpus %.1f ms)",
            medianOf(withSnapshot, "first_search_seconds"), (withSnapshot.first?["origin"] as? String ?? "?"),
            Double(saved.count) / 1_048_576, medianOf(withoutSnapshot, "first_search_seconds"),
            medianOf(withSnapshot, "peak_rss_mb"), medianOf(withoutSnapshot, "peak_rss_mb"),
            medianOf(withSnapshot, "update_walk_seconds"), medianOf(withSnapshot, "corpus_check_seconds") * 1000))
    print(
        String(
            format: "search (top 5):      median %.3f ms over %d queries (%d distinct)", median(searchTimes) * 1000,
            searchTimes.count, queries.count))
    print(String(format: "peak RSS:            %.1f MB", peakRSSMegabytes()))
} catch {
    FileHandle.standardError.write(Data("whet-bench: \(error)\n".utf8))
    exit(1)
}
