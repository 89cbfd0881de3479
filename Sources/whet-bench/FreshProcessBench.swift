import Foundation
import WhetCore

/// `whet-bench first-search DIR QUERY`: what a new `whet search` pays before its first answer, measured in a
/// process of its own (the caller starts it): opening the chunk store and its inverted index (the snapshot,
/// or a build from every stored chunk when there is none), then one search; and the process's peak memory by
/// then.
/// Prints one JSON line.
func benchmarkFirstSearch(_ directory: URL, query: String) throws {
    let workspace = try Workspace.open(root: directory)
    var results = 0
    var origin = ""
    let open = try seconds {
        let index = try LexicalIndex(url: workspace.indexURL, parameters: workspace.config.retrieval.bm25)
        results = try index.search(query, topK: 5).count
        origin = "\(index.origin.map { "\($0)" } ?? "none")"
    }
    let peak = highWaterMarkMegabytes()
    // The same, as `whet search` does it: the no-change walk over the corpus first (stat of every file).
    var check = 0.0
    let walk = try seconds { check = try workspace.openIndex().1.phases.walk }
    let line: [String: Any] = [
        "first_search_seconds": open, "update_walk_seconds": walk, "corpus_check_seconds": check,
        "results": results, "origin": origin,
        "peak_rss_mb": peak,
    ]
    let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// Runs `first-search` in a new process of this executable and reads its line.
func firstSearchInFreshProcess(_ directory: URL, query: String) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: process.executableURL?.path ?? "") {
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
    }
    process.arguments = ["first-search", directory.path, query]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}

/// This process's own peak resident memory (`VmHWM`): unlike `getrusage`'s, which Linux carries over from the
/// process that started this one, it counts only what this program touched.
func highWaterMarkMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return peakRSSMegabytes() }
    return kilobytes / 1024
}
