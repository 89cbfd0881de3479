import Foundation
import WhetCore
import WhetTestSupport

/// Client overhead per streamed token: a loopback server streams N one-token SSE events as fast as it can;
/// the same bytes are timed twice, once only received (transport alone, via a backend whose events are
/// dropped unparsed is not possible, so: the `stream = false` path reads the whole body without SSE parsing),
/// and once through the full path a run takes (SSE parse, JSON decode, event hand-off, record building).
func benchmarkStreaming(_ source: URL, tokens: Int, repeats: Int) async throws {
    let copy = try copyWorkspace(source, scale: 1)
    defer { try? FileManager.default.removeItem(at: copy) }
    let workspace = try Workspace.open(root: copy)
    let (index, _) = try workspace.openIndex()
    let plan = try await RunPlan.make(RunInput(), in: workspace, retriever: index)
    let pieces = (0..<tokens).map { "t\($0 % 100) " }
    let stream = TestModelServer.openAIStream(pieces, promptTokens: 100, completionTokens: tokens)
    let whole =
        "{\"choices\":[{\"message\":{\"content\":\"\(pieces.joined())\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":\(tokens)}}"
    let server = try TestModelServer([stream])
    // The same bytes in 64 KiB writes: the server's cost per event (a write and flush each) mostly leaves the
    // measurement, so what remains is the client's own cost per event.
    var sse = ""
    for case .chunk(let text) in stream { sse += text }
    var coalesced: [TestModelServer.Step] = [.head(200, [("Content-Type", "text/event-stream")])]
    var rest = Substring(sse)
    while !rest.isEmpty {
        coalesced.append(.chunk(String(rest.prefix(65_536))))
        rest = rest.dropFirst(65_536)
    }
    coalesced.append(.end)
    let coalescedServer = try TestModelServer([coalesced])
    defer { coalescedServer.stop() }
    let wholeServer = try TestModelServer([[.head(200, [("Content-Type", "application/json")]), .chunk(whole), .end]])
    defer {
        server.stop()
        wholeServer.stop()
    }

    func config(_ base: String, stream: Bool) -> BackendConfig {
        var config = BackendConfig(name: "bench", kind: .openai, model: "bench-model")
        config.http.baseURL = base + "/v1"
        config.http.stream = stream
        return config
    }
    var streamed: [Double] = []
    var streamedCoalesced: [Double] = []
    var received: [Double] = []
    for _ in 0..<max(3, repeats) {
        let handedOff = Counter()
        streamedCoalesced.append(
            try await asyncSeconds {
                let record = await RunExecutor().execute(
                    plan,
                    on: HTTPChatBackend(config: config(coalescedServer.baseURL, stream: true), workspaceRoot: nil),
                    runNumber: 1)
                guard record.error == nil else { throw BenchError(message: record.error ?? "") }
            })
        streamed.append(
            try await asyncSeconds {
                let record = await RunExecutor().execute(
                    plan, on: HTTPChatBackend(config: config(server.baseURL, stream: true), workspaceRoot: nil),
                    runNumber: 1
                ) { if case .delta = $0 { handedOff.add() } }
                guard record.error == nil else { throw BenchError(message: record.error ?? "") }
            })
        received.append(
            try await asyncSeconds {
                let record = await RunExecutor().execute(
                    plan, on: HTTPChatBackend(config: config(wholeServer.baseURL, stream: false), workspaceRoot: nil),
                    runNumber: 1)
                guard record.error == nil else { throw BenchError(message: record.error ?? "") }
            })
        guard handedOff.value == tokens else {
            throw BenchError(message: "expected \(tokens) deltas, got \(handedOff.value)")
        }
    }
    let perToken = (median(streamed) - median(received)) / Double(tokens) * 1e6
    print(
        String(
            format: "streamed run, %d tokens:      median %.1f ms (%.0f tokens/s through parse + hand-off + record)",
            tokens, median(streamed) * 1000, Double(tokens) / median(streamed)))
    print(String(format: "same text, one response:     median %.1f ms", median(received) * 1000))
    print(String(format: "client overhead per streamed token: %.2f µs (median difference / tokens)", perToken))
    print(
        String(
            format: "same events in 64 KiB writes: median %.1f ms; client cost per event: %.2f µs",
            median(streamedCoalesced) * 1000, (median(streamedCoalesced) - median(received)) / Double(tokens) * 1e6))
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

func asyncSeconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let (whole, fraction) = (ContinuousClock.now - start).components
    return Double(whole) + Double(fraction) / 1e18
}
