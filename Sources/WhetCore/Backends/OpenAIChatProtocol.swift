import Foundation

/// OpenAI's Chat Completions wire format (`POST {base_url}/chat/completions`), which vLLM, llama.cpp's server,
/// Ollama, LM Studio, OpenRouter, Groq and most gateways also speak.
struct OpenAIChatProtocol: ChatWireProtocol {
    func request(_ request: ModelRequest, config: BackendConfig, key: String, stream: Bool) throws
        -> HTTPTransport.Request
    {
        var body: [String: Any] = request.parameters.mapValues(WireJSON.foundation)
        body["model"] = config.model
        body["messages"] = request.messages.map(OpenAIChatProtocol.message)
        body["stream"] = stream
        if stream { body["stream_options"] = ["include_usage": true] }
        if !request.tools.isEmpty {
            body["tools"] = request.tools.map { tool in
                var function: [String: Any] = ["name": tool.name, "parameters": WireJSON.foundation(tool.parameters)]
                if let description = tool.description { function["description"] = description }
                return ["type": "function", "function": function] as [String: Any]
            }
        }
        if let output = request.outputSchema {
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": [
                    "name": output.name, "schema": WireJSON.foundation(output.schema), "strict": output.strict,
                ] as [String: Any],
            ]
        }
        let headers =
            [("Content-Type", "application/json"), ("Accept", stream ? "text/event-stream" : "application/json")]
            + HTTPTransport.standardHeaders(config, key: key)
        return HTTPTransport.Request(
            url: joinURL(config.http.baseURL, "chat/completions"), headers: headers, body: try WireJSON.encode(body))
    }

    /// A message as Chat Completions takes it: an assistant's calls as `tool_calls`, a result as a `tool`
    /// message naming its call.
    static func message(_ message: ChatMessage) -> [String: Any] {
        var entry: [String: Any] = ["role": message.role.rawValue, "content": message.content]
        if let calls = message.toolCalls, !calls.isEmpty {
            entry["tool_calls"] = calls.enumerated().map { index, call in
                [
                    "id": call.id ?? "call_\(index)", "type": "function",
                    "function": ["name": call.name, "arguments": call.arguments],
                ] as [String: Any]
            }
            if message.content.isEmpty { entry["content"] = NSNull() }
        }
        if let id = message.toolCallID { entry["tool_call_id"] = id }
        if let name = message.name { entry["name"] = name }
        return entry
    }

    func events(from event: ServerSentEvent, state: inout StreamState) throws -> [BackendEvent] {
        if event.data.utf8.count < 16, event.data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
            state.done = true
            return []
        }
        guard let object = try? JSONParser.parse(event.data), object.objectValue != nil else {
            throw WireError.malformed("an event whose data is not a JSON object: \(event.data.prefix(80))")
        }
        if let error = object["error"], error.objectValue != nil {
            throw WireError.streamError(
                type: error["type"]?.stringValue, message: error["message"]?.stringValue ?? "error in stream")
        }
        var events: [BackendEvent] = []
        if let choice = object["choices"]?[0] {
            if let text = choice["delta"]?["content"]?.stringValue, !text.isEmpty { events.append(.delta(text)) }
            for call in choice["delta"]?["tool_calls"]?.arrayValue ?? [] {
                events.append(
                    .toolCall(
                        index: call["index"]?.intValue ?? 0, id: call["id"]?.stringValue,
                        name: call["function"]?["name"]?.stringValue,
                        arguments: call["function"]?["arguments"]?.stringValue ?? ""))
            }
            if let reason = choice["finish_reason"]?.stringValue { state.finish = finishReason(reason) }
        }
        if let usage = object["usage"], usage.objectValue != nil {
            state.promptTokens = usage["prompt_tokens"]?.intValue
            state.completionTokens = usage["completion_tokens"]?.intValue
        }
        return events
    }

    func events(fromResponse body: Data) throws -> [BackendEvent] {
        guard let object = WireJSON.object(body), let choice = (object["choices"] as? [[String: Any]])?.first else {
            throw WireError.malformed("a response without choices")
        }
        var events: [BackendEvent] = []
        let message = choice["message"] as? [String: Any]
        if let text = message?["content"] as? String { events.append(.delta(text)) }
        for (index, call) in ((message?["tool_calls"] as? [[String: Any]]) ?? []).enumerated() {
            let function = call["function"] as? [String: Any]
            events.append(
                .toolCall(
                    index: index, id: call["id"] as? String, name: function?["name"] as? String,
                    arguments: function?["arguments"] as? String ?? ""))
        }
        if let usage = object["usage"] as? [String: Any], let prompt = usage["prompt_tokens"] as? Int,
            let completion = usage["completion_tokens"] as? Int
        {
            events.append(.usage(TokenUsage(promptTokens: prompt, completionTokens: completion, estimated: false)))
        }
        events.append(.finished(finishReason(choice["finish_reason"] as? String ?? "stop")))
        return events
    }

    func error(from body: Data) -> (type: String?, message: String?) {
        let error = WireJSON.object(body)?["error"]
        if let fields = error as? [String: Any] {
            return (fields["type"] as? String ?? fields["code"] as? String, fields["message"] as? String)
        }
        if let text = error as? String { return (nil, text) }
        return (nil, String(data: body.prefix(300), encoding: .utf8))
    }

    func finishReason(_ text: String) -> FinishReason {
        switch text {
        case "length": return .length
        case "content_filter": return .error
        default: return .stop
        }
    }
}

/// Problems inside an otherwise successful response.
enum WireError: Error {
    case malformed(String)
    case streamError(type: String?, message: String)
}

/// `base` + `/` + `path`, without doubling or dropping the slash.
func joinURL(_ base: String, _ path: String) -> String {
    (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + path
}
