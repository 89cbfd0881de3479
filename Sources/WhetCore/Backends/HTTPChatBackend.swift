import Foundation
import NIOCore
import NIOHTTP1

/// A model server reached over HTTP (`kind = "openai"` or `"anthropic"`): streams the answer, retries 429,
/// 5xx and dropped connections with exponential backoff and jitter (honouring `Retry-After`) but never once
/// output has started, applies first-byte and idle timeouts, and turns every failure into a message that
/// names the backend, the URL, the status and the provider's own words — never the key.
public struct HTTPChatBackend: ModelBackend {
    public let name: String
    public let model: String
    let config: BackendConfig
    let workspaceRoot: URL?
    let wire: any ChatWireProtocol
    /// Base of the exponential backoff, in seconds (tests shorten it).
    let backoffBase: Double

    /// Makes the backend for `config`; `workspaceRoot` is where key files must not be.
    public init(config: BackendConfig, workspaceRoot: URL?, backoffBase: Double = 0.5) {
        self.name = config.name
        self.model = config.model
        self.config = config
        self.workspaceRoot = workspaceRoot
        self.wire = config.kind == .anthropic ? AnthropicChatProtocol() : OpenAIChatProtocol()
        self.backoffBase = backoffBase
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<BackendEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await run(request, continuation: continuation)
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish(throwing: BackendError.cancelled)
                } catch let error as BackendError {
                    continuation.finish(throwing: error)
                } catch {
                    continuation.finish(
                        throwing: BackendError.connection(backend: name, url: config.http.baseURL, message: "\(error)"))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run(_ request: ModelRequest, continuation: AsyncThrowingStream<BackendEvent, Error>.Continuation)
        async throws
    {
        let key = try APIKey.resolve(config, workspaceRoot: workspaceRoot)
        let gate = ConcurrencyGate.forBackend(name, limit: config.http.maxConcurrency)
        await gate.acquire()
        defer { Task { await gate.release() } }
        let stream = config.http.stream
        let outgoing = try wire.request(request, config: config, key: key, stream: stream)
        let started = OutputStarted()
        var attempt = 0
        while true {
            try Task.checkCancellation()
            do {
                try await attemptOnce(
                    outgoing, stream: stream, key: key, started: started, toolNames: Set(request.tools.map(\.name)),
                    continuation: continuation)
                return
            } catch let failure as AttemptFailure {
                guard failure.error.isRetryable, !started.value, attempt < config.http.maxRetries else {
                    throw failure.error
                }
                attempt += 1
                let backoff = backoffBase * Foundation.pow(2, Double(attempt - 1)) * Double.random(in: 0.8...1.2)
                let delay = min(failure.retryAfter ?? backoff, 60)
                continuation.yield(.retrying(seconds: delay, reason: failure.reason))
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// One HTTP attempt; failures that may be retried come out as `AttemptFailure`.
    private func attemptOnce(
        _ outgoing: HTTPTransport.Request, stream: Bool, key: String, started: OutputStarted, toolNames: Set<String>,
        continuation: AsyncThrowingStream<BackendEvent, Error>.Continuation
    ) async throws {
        let transport = HTTPTransport(connectTimeout: config.http.connectTimeout)
        let activity = HTTPTransport.Activity()
        let url = outgoing.url
        let backendName = name
        let wire = self.wire
        let result: (Int, HTTPHeaders, Data?, StreamState, Data)
        do {
            let limit = config.http.maxResponseBytes
            result = try await withTimeoutWatchdog(
                HTTPTransport.TimeLimits(config.http), activity: activity,
                timeoutError: { kind, seconds in
                    BackendError.timeout(backend: backendName, url: url, kind: kind, seconds: seconds)
                }
            ) {
                var parser = ServerSentEventParser(limit: limit)
                var state = StreamState()
                state.toolNames = toolNames
                var whole = Data()
                do {
                    let (status, headers, errorBody) = try await transport.send(outgoing, activity: activity) {
                        buffer in
                        guard stream else {
                            guard whole.count + buffer.readableBytes <= limit else {
                                throw ServerSentEventParser.Overflow(limit: limit)
                            }
                            whole.append(contentsOf: buffer.readableBytesView)
                            return
                        }
                        for event in try parser.feed(buffer.readableBytesView) where !state.done {
                            for item in try wire.events(from: event, state: &state) {
                                switch item {
                                case .delta, .toolCall: started.set()
                                default: break
                                }
                                continuation.yield(item)
                            }
                        }
                    }
                    if errorBody == nil, stream {
                        for event in try parser.finish() where !state.done {
                            for item in try wire.events(from: event, state: &state) { continuation.yield(item) }
                        }
                    }
                    return (status, headers, errorBody, state, whole)
                } catch let overflow as ServerSentEventParser.Overflow {
                    throw BackendError.tooLarge(
                        backend: backendName, url: url, what: stream ? "one streamed event" : "the response body",
                        limit: overflow.limit)
                }
            }
        } catch let error as BackendError {
            if case .timeout = error, !started.value {
                throw AttemptFailure(error: error, retryAfter: nil, reason: "timeout")
            }
            throw error
        } catch let error as WireError {
            switch error {
            case .malformed(let message): throw BackendError.protocolError(backend: name, url: url, message: message)
            case .streamError(let type, let message):
                throw BackendError.http(
                    backend: name, url: url, status: 200, type: type, message: APIKey.redact(message, key: key),
                    hint: nil)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let failure = BackendError.connection(backend: name, url: url, message: APIKey.redact("\(error)", key: key))
            if started.value { throw failure }
            throw AttemptFailure(error: failure, retryAfter: nil, reason: "connection dropped")
        }
        let (status, headers, errorBody, state, whole) = result
        if let errorBody {
            let (type, message) = wire.error(from: errorBody)
            let error = BackendError.http(
                backend: name, url: url, status: status, type: type,
                message: APIKey.redact(message ?? "no message", key: key), hint: hint(status))
            let retryAfter = headers.first(name: "retry-after").flatMap(Double.init)
            throw AttemptFailure(error: error, retryAfter: retryAfter, reason: "\(status)")
        }
        if !stream {
            do {
                for item in try wire.events(fromResponse: whole) { continuation.yield(item) }
            } catch {
                throw BackendError.protocolError(backend: name, url: url, message: "\(error)")
            }
            return
        }
        if let prompt = state.promptTokens, let completion = state.completionTokens {
            continuation.yield(.usage(TokenUsage(promptTokens: prompt, completionTokens: completion, estimated: false)))
        }
        continuation.yield(.finished(state.finish ?? .stop))
    }

    func hint(_ status: Int) -> String? {
        switch status {
        case 401:
            return
                "check the key (\(config.http.apiKeyEnvironment ?? APIKey.defaultVariable(config.kind)) or api_key_file)"
        case 403: return "the key lacks access to this model or endpoint"
        case 404: return "check model = \"\(config.model)\" and base_url"
        case 429: return "rate limited; retried \(config.http.maxRetries) times (max_retries)"
        case 400, 422: return "the server rejected the request: check the prompt's parameters"
        case 500...: return "the server failed; retried \(config.http.maxRetries) times"
        default: return nil
        }
    }
}

/// A failed attempt that the retry loop may repeat.
struct AttemptFailure: Error {
    var error: BackendError
    var retryAfter: Double?
    var reason: String
}

/// Whether any output reached the caller (after which nothing is retried silently).
final class OutputStarted: @unchecked Sendable {
    // @unchecked: `flag` is guarded by `lock`.
    private let lock = NSLock()
    private var flag = false
    func set() {
        lock.lock()
        flag = true
        lock.unlock()
    }
    var value: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
}
