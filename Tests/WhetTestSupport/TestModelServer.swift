import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP server on 127.0.0.1, started by a test, that answers each request with a scripted sequence:
/// a status line and headers, body pieces (each its own write, so the client sees them split), pauses, a cut
/// connection, or nothing at all. It records what it was sent.
public final class TestModelServer: @unchecked Sendable {
    // @unchecked: `received` and `scripts` are guarded by `lock`; NIO objects stay on their event loop.
    public enum Step: Sendable {
        case head(Int, [(String, String)])
        case chunk(String)
        case pause(milliseconds: Int64)
        case end
        case cut
    }

    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: String
    }

    private let lock = NSLock()
    private var scripts: [[Step]] = []
    private var fallback: [Step] = [.head(500, []), .chunk("{\"error\":{\"message\":\"no script\"}}"), .end]
    private var received: [Received] = []
    private var responder: (@Sendable (Received) -> [Step])?
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel?
    public private(set) var port = 0

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening; every request is answered by `responder`, which sees what was sent (an embeddings
    /// endpoint that embeds whatever text arrives, a model that grades whatever passage it is shown).
    public convenience init(responder: @escaping @Sendable (Received) -> [Step]) throws {
        try self.init([])
        lock.lock()
        self.responder = responder
        lock.unlock()
    }

    /// Starts listening; each request takes the next script (the last one repeats).
    public init(_ scripts: [[Step]]) throws {
        self.scripts = scripts
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
        let bound = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        channel = bound
        port = bound.localAddress?.port ?? 0
    }

    public func stop() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    fileprivate func nextScript(for request: Received) -> [Step] {
        lock.lock()
        defer { lock.unlock() }
        received.append(request)
        if let responder { return responder(request) }
        if scripts.count > 1 { return scripts.removeFirst() }
        return scripts.first ?? fallback
    }

    public var requests: [Received] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// A JSON response with status 200.
    public static func json(_ body: String) -> [Step] {
        [.head(200, [("Content-Type", "application/json")]), .chunk(body), .end]
    }

    /// An OpenAI-style SSE stream of `pieces`, with usage in the last chunk, then [DONE].
    public static func openAIStream(
        _ pieces: [String], promptTokens: Int = 11, completionTokens: Int = 7, done: Bool = true
    ) -> [Step] {
        var steps: [Step] = [.head(200, [("Content-Type", "text/event-stream")])]
        for piece in pieces {
            let escaped = piece.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\""
            )
            .replacingOccurrences(of: "\n", with: "\\n")
            steps.append(
                .chunk(
                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(escaped)\"},\"finish_reason\":null}]}\n\n"
                ))
        }
        steps.append(.chunk("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"))
        steps.append(
            .chunk(
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":\(promptTokens),\"completion_tokens\":\(completionTokens),\"total_tokens\":\(promptTokens + completionTokens)}}\n\n"
            ))
        if done { steps.append(.chunk("data: [DONE]\n\n")) }
        steps.append(.end)
        return steps
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: TestModelServer
        var head: HTTPRequestHead?
        var body = ""

        init(server: TestModelServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body = ""
            case .body(var buffer): body += buffer.readString(length: buffer.readableBytes) ?? ""
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let steps = server.nextScript(
                    for: Received(method: "\(head.method)", path: head.uri, headers: headers, body: body))
                play(steps[...], context: context)
            }
        }

        func play(_ steps: ArraySlice<Step>, context: ChannelHandlerContext) {
            guard let step = steps.first else { return }
            let rest = steps.dropFirst()
            switch step {
            case .head(let status, let headers):
                var fields = HTTPHeaders(headers)
                fields.add(name: "Transfer-Encoding", value: "chunked")
                let responseHead = HTTPResponseHead(
                    version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: fields)
                context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: nil)
                play(rest, context: context)
            case .chunk(let text):
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                play(rest, context: context)
            case .pause(let milliseconds):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(milliseconds)) {
                    bound.value.0.play(rest, context: bound.value.1)
                }
            case .end:
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .cut:
                context.close(promise: nil)
            }
        }
    }
}
