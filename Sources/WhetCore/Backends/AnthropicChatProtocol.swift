import Foundation

/// Anthropic's Messages API (`POST {base_url}/v1/messages`): the system prompt is its own field, `max_tokens`
/// is required, and a stream is a sequence of typed events (message_start, content_block_delta,
/// message_delta with usage, message_stop, ping, error).
struct AnthropicChatProtocol: ChatWireProtocol {
    func request(_ request: ModelRequest, config: BackendConfig, key: String, stream: Bool) throws
        -> HTTPTransport.Request
    {
        var parameters = request.parameters
        let maxTokens =
            parameters.removeValue(forKey: "max_tokens") ?? parameters.removeValue(forKey: "max_completion_tokens")
        if let stop = parameters.removeValue(forKey: "stop") {
            parameters["stop_sequences"] = stop.arrayValue.map { .array($0) } ?? .array([stop])
        }
        for unsupported in ["seed", "presence_penalty", "frequency_penalty", "response_format"] {
            parameters.removeValue(forKey: unsupported)
        }
        var body: [String: Any] = parameters.mapValues(WireJSON.foundation)
        body["model"] = config.model
        body["max_tokens"] = maxTokens.map(WireJSON.foundation) ?? config.http.defaultMaxTokens
        let system = request.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        if !system.isEmpty { body["system"] = system }
        body["messages"] = AnthropicChatProtocol.messages(request.messages)
        body["stream"] = stream
        var tools: [[String: Any]] = request.tools.map { tool in
            var entry: [String: Any] = ["name": tool.name, "input_schema": WireJSON.foundation(tool.parameters)]
            if let description = tool.description { entry["description"] = description }
            return entry
        }
        if !tools.isEmpty, request.outputSchema == nil { body["tools"] = tools }
        if let output = request.outputSchema {
            // Anthropic has no response format: a tool whose input is the schema, and the model made to call
            // it, gives the same guarantee; its input (streamed as JSON pieces) is the answer.
            tools.append([
                "name": output.name, "description": "Give the answer in this shape.",
                "input_schema": WireJSON.foundation(output.schema),
            ])
            body["tools"] = tools
            body["tool_choice"] = ["type": "tool", "name": output.name]
        }
        let headers = [("Content-Type", "application/json")] + HTTPTransport.standardHeaders(config, key: key)
        return HTTPTransport.Request(
            url: joinURL(config.http.baseURL, "v1/messages"), headers: headers, body: try WireJSON.encode(body))
    }

    /// The conversation as the Messages API takes it: an assistant's calls become `tool_use` blocks (their
    /// arguments as an object), and results become `tool_result` blocks in one user message, as the API
    /// requires them to follow the call.
    static func messages(_ messages: [ChatMessage]) -> [[String: Any]] {
        var result: [[String: Any]] = []
        for message in messages where message.role != .system {
            switch message.role {
            case .tool:
                let block: [String: Any] = [
                    "type": "tool_result", "tool_use_id": message.toolCallID ?? "", "content": message.content,
                ]
                if result.last?["role"] as? String == "user", var blocks = result.last?["content"] as? [[String: Any]],
                    blocks.first?["type"] as? String == "tool_result"
                {
                    blocks.append(block)
                    result[result.count - 1]["content"] = blocks
                } else {
                    result.append(["role": "user", "content": [block]])
                }
            case .assistant where !(message.toolCalls ?? []).isEmpty:
                var blocks: [[String: Any]] =
                    message.content.isEmpty ? [] : [["type": "text", "text": message.content]]
                for (index, call) in (message.toolCalls ?? []).enumerated() {
                    let input = (try? JSONParser.parse(call.arguments)).map(WireJSON.foundation) ?? [String: Any]()
                    blocks.append([
                        "type": "tool_use", "id": call.id ?? "toolu_\(index)", "name": call.name, "input": input,
                    ])
                }
                result.append(["role": "assistant", "content": blocks])
            default:
                result.append(["role": message.role.rawValue, "content": message.content])
            }
        }
        return result
    }

    func events(from event: ServerSentEvent, state: inout StreamState) throws -> [BackendEvent] {
        guard let object = try? JSONParser.parse(event.data), object.objectValue != nil else {
            throw WireError.malformed("an event whose data is not a JSON object: \(event.data.prefix(80))")
        }
        switch object["type"]?.stringValue ?? event.name {
        case "message_start":
            state.promptTokens = object["message"]?["usage"]?["input_tokens"]?.intValue
            return []
        case "content_block_delta":
            if let text = object["delta"]?["text"]?.stringValue, !text.isEmpty { return [.delta(text)] }
            // A tool's input arrives as pieces of JSON text: a call to one of the prompt's tools, or (the
            // forced output-schema tool) the answer itself.
            if let json = object["delta"]?["partial_json"]?.stringValue, !json.isEmpty {
                let index = object["index"]?.intValue ?? 0
                if state.toolBlocks.contains(index) {
                    return [.toolCall(index: index, id: nil, name: nil, arguments: json)]
                }
                return [.delta(json)]
            }
            return []
        case "content_block_start":
            let block = object["content_block"]
            guard block?["type"]?.stringValue == "tool_use", let name = block?["name"]?.stringValue,
                state.toolNames.contains(name)
            else { return [] }
            let index = object["index"]?.intValue ?? 0
            state.toolBlocks.insert(index)
            return [.toolCall(index: index, id: block?["id"]?.stringValue, name: name, arguments: "")]
        case "message_delta":
            if let reason = object["delta"]?["stop_reason"]?.stringValue { state.finish = finishReason(reason) }
            if let output = object["usage"]?["output_tokens"]?.intValue { state.completionTokens = output }
            return []
        case "message_stop":
            state.done = true
            return []
        case "error":
            let error = object["error"]
            throw WireError.streamError(
                type: error?["type"]?.stringValue, message: error?["message"]?.stringValue ?? "error in stream")
        default:
            return []  // ping, content_block_start/stop
        }
    }

    func events(fromResponse body: Data) throws -> [BackendEvent] {
        guard let object = WireJSON.object(body), let content = object["content"] as? [[String: Any]] else {
            throw WireError.malformed("a response without content")
        }
        var events: [BackendEvent] = []
        var text = content.compactMap { $0["text"] as? String }.joined()
        var calls: [BackendEvent] = []
        for (index, block) in content.enumerated() where block["type"] as? String == "tool_use" {
            guard let input = block["input"],
                let data = try? JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])
            else { continue }
            let json = String(decoding: data, as: UTF8.self)
            // Without the request's tool names here, a whole response's tool block is a call unless it is the
            // only content (the forced output-schema tool, whose input is the answer).
            if content.count == 1, index == 0, text.isEmpty {
                text = json
            } else {
                calls.append(
                    .toolCall(index: index, id: block["id"] as? String, name: block["name"] as? String, arguments: json)
                )
            }
        }
        if !text.isEmpty { events.append(.delta(text)) }
        events += calls
        if let usage = object["usage"] as? [String: Any], let input = usage["input_tokens"] as? Int,
            let output = usage["output_tokens"] as? Int
        {
            events.append(.usage(TokenUsage(promptTokens: input, completionTokens: output, estimated: false)))
        }
        events.append(.finished(finishReason(object["stop_reason"] as? String ?? "end_turn")))
        return events
    }

    func error(from body: Data) -> (type: String?, message: String?) {
        if let error = WireJSON.object(body)?["error"] as? [String: Any] {
            return (error["type"] as? String, error["message"] as? String)
        }
        return (nil, String(data: body.prefix(300), encoding: .utf8))
    }

    func finishReason(_ text: String) -> FinishReason {
        text == "max_tokens" ? .length : .stop
    }
}
