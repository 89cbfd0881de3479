import Foundation

/// Asks a chat backend one question and returns the whole answer: what reranking and query expansion need
/// (they read the answer, they do not stream it).
func completeText(_ backend: any ModelBackend, system: String, user: String) async throws -> String {
    let request = ModelRequest(
        messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: user)],
        parameters: ["temperature": .number(0)])
    var text = ""
    for try await event in backend.stream(request) {
        if case .delta(let piece) = event { text += piece }
    }
    return text
}

/// Fills `{{name}}` placeholders in a small built-in or user-edited template.
func fillTemplate(_ template: String, _ values: [String: String]) -> String {
    var text = template
    for (name, value) in values {
        text = text.replacingOccurrences(of: "{{\(name)}}", with: value).replacingOccurrences(
            of: "{{ \(name) }}", with: value)
    }
    return text
}
