/// One server-sent event: its `event:` name (nil for the default "message") and its data lines joined by "\n".
public struct ServerSentEvent: Sendable, Equatable {
    public var name: String?
    public var data: String

    public init(name: String? = nil, data: String) {
        self.name = name
        self.data = data
    }
}

/// An incremental parser for `text/event-stream` (the WHATWG rules): bytes may arrive split at any point —
/// inside a line, inside a UTF-8 sequence, between CR and LF — and events come out only when complete. Lines
/// end with LF, CRLF or CR; `:` lines are comments; several `data:` lines join with newlines; a blank line
/// ends an event; a stream that stops without a final blank line still yields its last event on `finish()`.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var eventName: String? = nil
    private var dataLines: [String] = []
    private var hasData = false

    /// Makes a parser at the start of a stream.
    public init() {}

    /// Feeds the next bytes; returns the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if lastWasCR { lastWasCR = false; continue }
                if let event = endLine() { events.append(event) }
            } else if byte == UInt8(ascii: "\r") {
                lastWasCR = true
                if let event = endLine() { events.append(event) }
            } else {
                lastWasCR = false
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream: a pending line and event are delivered even without their terminating blank line.
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty, let event = endLine() { events.append(event) }
        if let event = dispatch() { events.append(event) }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var rest = text[text.index(after: colon)...]
            if rest.first == " " { rest = rest.dropFirst() }
            value = rest
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data":
            dataLines.append(String(value))
            hasData = true
        case "event":
            eventName = String(value)
        default:
            break  // id:, retry: and unknown fields are not needed here
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer { eventName = nil; dataLines = []; hasData = false }
        guard hasData else { return nil }
        return ServerSentEvent(name: eventName, data: dataLines.joined(separator: "\n"))
    }
}
