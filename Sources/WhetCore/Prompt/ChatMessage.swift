/// One message of a chat conversation, as every chat API takes it.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// The speaker of a message.
    public enum Role: String, Sendable, Equatable, Codable, CaseIterable {
        /// `tool` carries a tool's result back to the model; it never starts a prompt section.
        case system, user, assistant, tool
    }

    /// Who says it.
    public var role: Role
    /// What is said, already rendered (no placeholders left).
    public var content: String
    /// The calls an assistant message made (a conversation going on after a tool call).
    public var toolCalls: [ToolCall]? = nil
    /// Which call a `tool` message answers.
    public var toolCallID: String? = nil
    /// The participant's name (`system[name="seth"]:` in a prompt), for APIs that tell speakers of one role apart.
    public var name: String? = nil

    /// Makes a message.
    public init(
        role: Role, content: String, toolCalls: [ToolCall]? = nil, toolCallID: String? = nil, name: String? = nil
    ) {
        self.name = name
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    enum CodingKeys: String, CodingKey {
        case role, content
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
        case name
    }

    /// The roles a prompt's `system:` / `user:` / `assistant:` lines name.
    static let sectionRoles: Set<Role> = [.system, .user, .assistant]
}
