/// One message of a chat conversation, as every chat API takes it.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// The speaker of a message.
    public enum Role: String, Sendable, Equatable, Codable, CaseIterable {
        case system, user, assistant
    }

    /// Who says it.
    public var role: Role
    /// What is said, already rendered (no placeholders left).
    public var content: String

    /// Makes a message.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
