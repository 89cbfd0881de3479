import Crypto
import Foundation

/// A backend wrapper that answers repeated requests from `.whet/cache`: the key is a hash of the exact request
/// (backend kind, URL, model, messages, parameters — never the key), only complete answers are stored (no
/// errors, no cancelled runs), and an answer served from the cache says so (`.servedFromCache`, recorded as
/// `cached: true`). On by default for eval runs; a switch for interactive ones.
public struct CachingBackend: ModelBackend {
    public var name: String { inner.name }
    public var model: String { inner.model }
    let inner: any ModelBackend
    let config: BackendConfig
    let directory: URL
    /// Which sample of the same request this is: an eval's repeats are separate samples (each cached on its
    /// own), so `--repeat` shows the model's variance instead of the first answer N times.
    let sample: Int

    /// Wraps `inner`, keeping answers under `directory`.
    public init(_ inner: any ModelBackend, config: BackendConfig, directory: URL, sample: Int = 0) {
        self.inner = inner
        self.config = config
        self.directory = directory
        self.sample = sample
    }

    /// The cache key of a request.
    func key(_ request: ModelRequest) -> String {
        var fields: [String: Any] = [
            "kind": config.kind.rawValue, "base_url": config.http.baseURL, "model": config.model,
            "messages": request.messages.map(OpenAIChatProtocol.message),
            "parameters": request.parameters.mapValues(WireJSON.foundation),
        ]
        // Only when present, so the keys of answers cached before tools existed stay the same.
        if !request.tools.isEmpty {
            fields["tools"] = request.tools.map {
                [
                    "name": $0.name, "description": $0.description ?? "",
                    "parameters": WireJSON.foundation($0.parameters),
                ]
            }
        }
        if let output = request.outputSchema {
            fields["output_schema"] = ["schema": WireJSON.foundation(output.schema), "strict": output.strict]
        }
        if sample > 0 { fields["sample"] = sample }
        if config.kind == .offline {
            fields["grounding"] = request.grounding.map { $0.chunks.map(\.location.description) + [$0.query] } ?? []
        }
        let data = (try? WireJSON.encode(fields)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    struct Entry: Codable {
        var output: String
        var usage: TokenUsage?
        var finishReason: FinishReason
        /// The calls the answer made, replayed as the stream gave them (absent in entries without any).
        var toolCalls: [ToolCall]? = nil
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<BackendEvent, Error> {
        let file = directory.appendingPathComponent(key(request) + ".json")
        if let data = FileManager.default.contents(atPath: file.path),
            let entry = try? JSONDecoder().decode(Entry.self, from: data)
        {
            return AsyncThrowingStream { continuation in
                continuation.yield(.servedFromCache)
                if !entry.output.isEmpty || entry.toolCalls == nil { continuation.yield(.delta(entry.output)) }
                for (index, call) in (entry.toolCalls ?? []).enumerated() {
                    continuation.yield(.toolCall(index: index, id: call.id, name: call.name, arguments: call.arguments))
                }
                if let usage = entry.usage { continuation.yield(.usage(usage)) }
                continuation.yield(.finished(entry.finishReason))
                continuation.finish()
            }
        }
        let inner = self.inner
        let directory = self.directory
        return AsyncThrowingStream { continuation in
            let task = Task {
                var output = ""
                var usage: TokenUsage? = nil
                var calls = ToolCallAssembler()
                do {
                    for try await event in inner.stream(request) {
                        switch event {
                        case .delta(let text): output += text
                        case .usage(let value): usage = value
                        case .toolCall(let index, let id, let name, let arguments):
                            calls.add(index: index, id: id, name: name, arguments: arguments)
                        case .finished(let reason) where reason == .stop || reason == .length:
                            if !Task.isCancelled {
                                try? DurableFile.makeDirectory(directory)
                                if let data = try? JSONEncoder().encode(
                                    Entry(
                                        output: output, usage: usage, finishReason: reason,
                                        toolCalls: calls.assembled))
                                {
                                    try? DurableFile.writeAtomically(data, to: file)
                                }
                            }
                        default: break
                        }
                        continuation.yield(event)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
