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
    /// headers (the body of an error status is collected and returned instead of streamed).
    func send(_ request: Request, activity: Activity, onChunk: (ByteBuffer) throws -> Void) async throws -> (status: Int, headers: HTTPHeaders, errorBody: Data?) {
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
                if collected.count < 65_536 { collected.append(contentsOf: buffer.readableBytesView) }
            }
            return (status, response.headers, collected)
        }
        for try await buffer in response.body {
            activity.touch()
            try onChunk(buffer)
        }
        return (status, response.headers, nil)
    }

    /// When data last arrived, for the watchdog.
    final class Activity: @unchecked Sendable {
        // @unchecked: both stored properties are guarded by `lock`.
        private let lock = NSLock()
        private var started = Date()
        private var last: Date? = nil

        func touch() { lock.lock(); last = Date(); lock.unlock() }

        /// What is overdue, if anything.
        func overdue(firstByte: Double, idle: Double, now: Date = Date()) -> (what: String, seconds: Double)? {
            lock.lock(); defer { lock.unlock() }
            if let last { return now.timeIntervalSince(last) > idle ? ("data for", idle) : nil }
            return now.timeIntervalSince(started) > firstByte ? ("response", firstByte) : nil
        }
    }

    final class ClientCache: @unchecked Sendable {
        // @unchecked: `clients` is guarded by `lock`.
        private let lock = NSLock()
        private var clients: [Int64: HTTPClient] = [:]

        func client(connectTimeout: Double) -> HTTPClient {
            let milliseconds = Int64(connectTimeout * 1000)
            lock.lock(); defer { lock.unlock() }
            if let client = clients[milliseconds] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .milliseconds(milliseconds))
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[milliseconds] = client
            return client
        }
    }
}

/// Runs `body` with a watchdog that cancels it when `activity` shows no first byte, or no data for too long,
/// and reports which timeout fired; cancellation from outside passes through as cancellation.
func withTimeoutWatchdog<T: Sendable>(firstByte: Double, idle: Double, activity: HTTPTransport.Activity,
                                      timeoutError: @escaping @Sendable (String, Double) -> Error,
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let work = Task { try await body() }
    let fired = TimeoutFlag()
    let watchdog = Task {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            if let (what, seconds) = activity.overdue(firstByte: firstByte, idle: idle) {
                fired.set(what, seconds)
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
            if let (what, seconds) = fired.value { throw timeoutError(what, seconds) }
            throw error
        }
    } onCancel: {
        work.cancel()
    }
}

final class TimeoutFlag: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: (String, Double)? = nil
    func set(_ what: String, _ seconds: Double) { lock.lock(); stored = (what, seconds); lock.unlock() }
    var value: (String, Double)? { lock.lock(); defer { lock.unlock() }; return stored }
}
