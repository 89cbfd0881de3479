import Foundation

/// What differs between chat APIs: how a request is written, how streamed events and whole responses are
/// read, and how an error body is read. The HTTP handling (keys, retries, timeouts, cancellation) is shared.
protocol ChatWireProtocol: Sendable {
    /// The request for `messages` (URL, headers without the key's value filled, JSON body).
    func request(_ request: ModelRequest, config: BackendConfig, key: String, stream: Bool) throws
        -> HTTPTransport.Request
    /// The events one server-sent event carries; `nil` data means the stream said it is done.
    func events(from event: ServerSentEvent, state: inout StreamState) throws -> [BackendEvent]
    /// The events of a complete (non-streamed) response body.
    func events(fromResponse body: Data) throws -> [BackendEvent]
    /// The provider's error type and message from an error body.
    func error(from body: Data) -> (type: String?, message: String?)
}

/// What a stream has said so far that later events complete (Anthropic sends input tokens first and
/// output tokens last).
struct StreamState: Sendable {
    var promptTokens: Int? = nil
    var completionTokens: Int? = nil
    var finish: FinishReason? = nil
    var done = false
    /// The prompt's tools by name (a call to one of them is a tool call, not the answer).
    var toolNames: Set<String> = []
    /// Content blocks that are calls to those tools, by index.
    var toolBlocks: Set<Int> = []
}

/// JSON helpers for wire formats: small, because the shapes read are small.
enum WireJSON {
    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A JSONValue as Foundation JSON.
    static func foundation(_ value: JSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number): return number.rounded() == number && abs(number) < 1e15 ? Int(number) as Any : number
        case .string(let text): return text
        case .array(let items): return items.map(foundation)
        case .object(let fields): return fields.mapValues(foundation)
        }
    }
}
