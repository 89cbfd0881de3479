import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange for a backend: POST (or GET) a body, get the status, headers and the body as it streams.
/// Built on async-http-client; whet adds the first-byte and idle timeouts itself (a watchdog), because a
/// request deadline would also cut off a long, healthy stream.
struct HTTPTransport: Sendable {
    struct Request: Sendable {
        var method: HTTPMethod = .POST
        var url: String
        var headers: [(String, String)]
        var body: Data?
    }

    let connectTimeout: Double

    /// The shared clients, one per connect timeout; they live for the whole process (async-http-client
    /// requires a client to be shut down before it is released, so they are never released).
    private static let clients = ClientCache()

    /// Sends `request` and calls `onChunk` with each piece of the body as it arrives. Returns the status and
    /// headers (the body of an error status is collected, up to `errorBodyLimit` bytes, and returned instead of
    /// streamed; the rest of it is not read, so a hostile error page cannot fill memory).
    func send(_ request: Request, activity: Activity, onChunk: (ByteBuffer) throws -> Void) async throws -> (
        status: Int, headers: HTTPHeaders, errorBody: Data?
    ) {
        let client = HTTPTransport.clients.client(connectTimeout: connectTimeout)
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(outgoing, timeout: .hours(24))
        activity.touch()
        let status = Int(response.status.code)
        if status >= 400 {
            var collected = Data()
            for try await buffer in response.body {
                activity.touch()
                collected.append(
                    contentsOf: buffer.readableBytesView.prefix(HTTPTransport.errorBodyLimit - collected.count))
                if collected.count >= HTTPTransport.errorBodyLimit { break }
            }
            return (status, response.headers, collected)
        }
        for try await buffer in response.body {
            activity.touch()
            try onChunk(buffer)
        }
        return (status, response.headers, nil)
    }

    /// How much of an error response is read: enough for any provider's message.
    static let errorBodyLimit = 64 << 10

    /// When the request started and when data last arrived, for the watchdog.
    final class Activity: @unchecked Sendable {
        // @unchecked: both stored properties are guarded by `lock`.
        private let lock = NSLock()
        private let started = Date()
        private var last: Date? = nil

        func touch() {
            lock.lock()
            last = Date()
            lock.unlock()
        }

        /// Which limit is overdue, if any: the whole request (`request`, however steadily bytes arrive), the
        /// first byte, or the gap since the last byte.
        func overdue(_ limits: TimeLimits, now: Date = Date()) -> (kind: BackendError.TimeoutKind, seconds: Double)? {
            lock.lock()
            defer { lock.unlock() }
            if now.timeIntervalSince(started) > limits.request { return (.request, limits.request) }
            if let last { return now.timeIntervalSince(last) > limits.idle ? (.idle, limits.idle) : nil }
            return now.timeIntervalSince(started) > limits.firstByte ? (.firstByte, limits.firstByte) : nil
        }
    }

    /// The three time limits of one request.
    struct TimeLimits: Sendable {
        var firstByte: Double
        var idle: Double
        var request: Double

        /// Limits as given, in seconds.
        init(firstByte: Double, idle: Double, request: Double) {
            self.firstByte = firstByte
            self.idle = idle
            self.request = request
        }

        init(_ settings: HTTPSettings) {
            firstByte = settings.firstByteTimeout
            idle = settings.idleTimeout
            request = settings.requestTimeout
        }
    }

    final class ClientCache: @unchecked Sendable {
        // @unchecked: `clients` is guarded by `lock`.
        private let lock = NSLock()
        private var clients: [Int64: HTTPClient] = [:]

        func client(connectTimeout: Double) -> HTTPClient {
            let milliseconds = Int64(connectTimeout * 1000)
            lock.lock()
            defer { lock.unlock() }
            if let client = clients[milliseconds] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .milliseconds(milliseconds))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[milliseconds] = client
            return client
        }
    }
}

/// Runs `body` with a watchdog that cancels it when `activity` shows no first byte, no data for too long, or
/// a request that has run past its overall limit, and reports which limit fired; cancellation from outside
/// passes through as cancellation.
func withTimeoutWatchdog<T: Sendable>(
    _ limits: HTTPTransport.TimeLimits, activity: HTTPTransport.Activity,
    timeoutError: @escaping @Sendable (BackendError.TimeoutKind, Double) -> Error,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let work = Task { try await body() }
    let fired = TimeoutFlag()
    let watchdog = Task {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            if let (kind, seconds) = activity.overdue(limits) {
                fired.set(kind, seconds)
                work.cancel()
                return
            }
        }
    }
    defer { watchdog.cancel() }
    return try await withTaskCancellationHandler {
        do {
            return try await work.value
        } catch {
            if let (kind, seconds) = fired.value { throw timeoutError(kind, seconds) }
            throw error
        }
    } onCancel: {
        work.cancel()
    }
}

final class TimeoutFlag: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: (BackendError.TimeoutKind, Double)? = nil
    func set(_ kind: BackendError.TimeoutKind, _ seconds: Double) {
        lock.lock()
        stored = (kind, seconds)
        lock.unlock()
    }
    var value: (BackendError.TimeoutKind, Double)? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
