import Foundation

/// Asks a proposer model (`--proposer BACKEND`, `[optimize] proposer`) for better versions of a prompt, as GEPA's
/// reflection step does: it reads the prompt and a few failing search cells — the inputs, what retrieval put in
/// the context, the answer, each failed check's reason and the advisor's class — and writes whole prompt files
/// in fenced blocks. What it writes is checked by `PromptCandidates.check` before anything runs it.
public struct PromptProposer: Sendable {
    /// One failing cell as the proposer is shown it.
    public struct FailingCell: Sendable, Equatable {
        public var variables: [String: String]
        public var context: String
        public var answer: String
        public var failedChecks: [String]
        public var failureClass: String

        /// The cell from its result and its class.
        public init(_ result: EvalResult, failureClass: FailureClass) {
            variables = result.variables
            context = String(
                (result.retrieval?.chunks.filter { $0.citation != nil }.map { $0.chunk.text }.joined(separator: "\n…\n")
                    ?? "").prefix(800))
            answer = String(result.output.prefix(600))
            failedChecks = result.assertions.filter { $0.status == .failed }.map { "\($0.type): \($0.reason)" }
            self.failureClass = failureClass.rawValue
        }
    }

    /// What one call returned.
    public struct Answer: Sendable {
        /// The prompt texts found in the answer's fenced blocks.
        public var proposals: [String]
        public var cached: Bool
        public var costUSD: Double
    }

    let backend: any ModelBackend
    let price: ModelPrice?

    /// A proposer calling `config`'s backend through the response cache in `cacheDirectory` (so a resumed
    /// optimisation pays nothing twice).
    public init(config: BackendConfig, workspace: Workspace) {
        backend = makeBackend(config, workspaceRoot: workspace.root, cacheDirectory: workspace.cacheDirectory)
        price = workspace.config.prices[config.model]
    }

    /// Asks for `count` versions of `prompt` that fix `failures`.
    public func propose(_ prompt: PromptFile, failures: [FailingCell], count: Int) async throws -> Answer {
        let request = Self.request(prompt, failures: failures, count: count)
        var text = ""
        var cached = false
        var usage: TokenUsage? = nil
        do {
            for try await event in backend.stream(request) {
                switch event {
                case .delta(let piece): text += piece
                case .servedFromCache: cached = true
                case .usage(let counts): usage = counts
                default: break
                }
            }
        } catch {
            throw OptimizeError.proposer("the proposer '\(backend.name)' failed: \(error)")
        }
        let cost = cached ? 0 : (usage.flatMap { counts in price.map { $0.cost(of: counts) } } ?? 0)
        return Answer(proposals: Self.fencedBlocks(text), cached: cached, costUSD: cost)
    }

    /// The request: instructions, the prompt, the failing cells.
    static func request(_ prompt: PromptFile, failures: [FailingCell], count: Int) -> ModelRequest {
        let system = """
            You improve the prompts of an LLM application. You are shown a prompt file (Prompty: YAML front matter \
            between --- lines, then system: and user: sections with {{variables}}) and cases where the \
            application's answer failed its checks. Write \(count) improved versions of the whole prompt file. \
            Keep the front matter exactly as it is and every {{variable}}; change only the instructions. Put each \
            version in its own fenced block that starts with ```prompty and ends with ```, and write nothing else.
            """
        var user = "The prompt file:\n```prompty\n\(prompt.source)\n```\n\nFailing cases:\n"
        for (index, cell) in failures.enumerated() {
            user += "\n### Case \(index + 1) (\(cell.failureClass))\n"
            for key in cell.variables.keys.sorted() { user += "\(key): \(cell.variables[key] ?? "")\n" }
            user += "Context given:\n\(cell.context)\nAnswer:\n\(cell.answer)\nFailed checks:\n"
            user += cell.failedChecks.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return ModelRequest(
            messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: user)],
            parameters: ["temperature": .number(0.7)])
    }

    /// The contents of every fenced block (```prompty, ``` or ~~~) in `text`, in order.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                current = []
            } else if current != nil, trimmed == "```" || trimmed == "~~~" {
                blocks.append((current ?? []).joined(separator: "\n") + "\n")
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }
}
