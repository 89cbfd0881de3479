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
///
/// Memory is bounded by `limit`: a line or an event's data longer than that is an error as soon as it passes
/// the limit (a server that sends one endless line cannot make whet hold more than `limit` bytes of it).
/// Lines are scanned a buffer at a time and only `data:` and `event:` values become Strings, once per event.
public struct ServerSentEventParser: Sendable {
    /// A line or event over the limit.
    public struct Overflow: Error, Equatable {
        /// The limit in bytes.
        public var limit: Int
    }

    /// Most bytes one line or one event's data may hold.
    public let limit: Int
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var eventName: String? = nil
    private var data: [UInt8] = []
    private var hasData = false

    /// The default limit: 8 MiB, far above any real event, far below what would hurt.
    public static let defaultLimit = 8 << 20

    /// Makes a parser at the start of a stream.
    public init(limit: Int = ServerSentEventParser.defaultLimit) {
        self.limit = limit
    }

    /// Feeds the next bytes; returns the events they complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws -> [ServerSentEvent]
    where Bytes.Element == UInt8 {
        if let events = try bytes.withContiguousStorageIfAvailable({ try feed(buffer: $0) }) { return events }
        return try Array(bytes).withUnsafeBufferPointer { try feed(buffer: $0) }
    }

    /// Feeds bytes in place (what `feed` does once it has a contiguous buffer).
    public mutating func feed(buffer: UnsafeBufferPointer<UInt8>) throws -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        var index = 0
        let count = buffer.count
        guard count > 0 else { return [] }
        if lastWasCR, buffer[0] == UInt8(ascii: "\n") { index = 1 }
        lastWasCR = false
        while index < count {
            // Find the end of this line in the buffer.
            var end = index
            while end < count, buffer[end] != UInt8(ascii: "\n"), buffer[end] != UInt8(ascii: "\r") { end += 1 }
            guard line.count + (end - index) <= limit else { throw Overflow(limit: limit) }
            if end == count {
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<end]))
                break
            }
            let event: ServerSentEvent?
            if line.isEmpty {
                event = try endLine(UnsafeBufferPointer(rebasing: buffer[index..<end]))
            } else {
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<end]))
                let whole = line
                line.removeAll(keepingCapacity: true)
                event = try whole.withUnsafeBufferPointer { try endLine($0) }
            }
            if let event { events.append(event) }
            if buffer[end] == UInt8(ascii: "\r") {
                if end + 1 < count {
                    if buffer[end + 1] == UInt8(ascii: "\n") { end += 1 }
                } else {
                    lastWasCR = true
                }
            }
            index = end + 1
        }
        return events
    }

    /// Ends the stream: a pending line and event are delivered even without their terminating blank line.
    public mutating func finish() throws -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty {
            let whole = line
            line = []
            if let event = try whole.withUnsafeBufferPointer({ try endLine($0) }) { events.append(event) }
        }
        if let event = dispatch() { events.append(event) }
        return events
    }

    private mutating func endLine(_ text: UnsafeBufferPointer<UInt8>) throws -> ServerSentEvent? {
        if text.isEmpty { return dispatch() }
        if text[0] == UInt8(ascii: ":") { return nil }
        let colon = text.firstIndex(of: UInt8(ascii: ":")) ?? text.count
        var valueStart = min(colon + 1, text.count)
        if valueStart < text.count, text[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = UnsafeBufferPointer(rebasing: text[0..<colon])
        let value = UnsafeBufferPointer(rebasing: text[valueStart..<text.count])
        if field.elementsEqual("data".utf8) {
            guard data.count + value.count + 1 <= limit else { throw Overflow(limit: limit) }
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        }
        // id:, retry: and unknown fields are not needed here.
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventName = nil
            data.removeAll(keepingCapacity: true)
            hasData = false
        }
        guard hasData else { return nil }
        return ServerSentEvent(name: eventName, data: String(decoding: data, as: UTF8.self))
    }
}
