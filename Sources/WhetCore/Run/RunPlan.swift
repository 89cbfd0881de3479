// The Run folder: one run as data, from prompt and variables to a recorded answer. The CLI and the UI both
// go through here, so they cannot disagree about what a run is.

import Foundation

/// What the user asks for: which prompt, which values, which backend, and any retrieval overrides.
public struct RunInput: Sendable, Equatable {
    /// `prompts/NAME.prompty`, or nil for the workspace's default prompt.
    public var promptName: String?
    /// Values given by the user; they override the prompt's samples.
    public var variables: [String: String] = [:]
    /// The backend to use, or nil for the default.
    public var backendName: String?
    /// Force retrieval on or off; nil follows `whet.toml`.
    public var retrievalEnabled: Bool?
    /// Override `[retrieval] top_k`.
    public var topK: Int?
    /// Chunk locations (`path:start-end`) to leave out of the context.
    public var excludedChunks: Set<ChunkLocation> = []
    /// The prompt's text as the editor holds it (unsaved edits included); nil reads the file.
    public var promptSource: String? = nil
    /// Chunks the user pinned: placed in context first, whatever the search returns.
    public var pinnedChunks: [RetrievedChunk] = []
    /// The prompt already loaded and parsed (an eval parses each variant once, not once per cell); when set,
    /// `promptName` and `promptSource` are not read.
    public var loadedPrompt: LoadedPrompt? = nil
    /// A backend given as a whole (a promptfoo provider run with `--from-config`) instead of by name.
    public var backendOverride: BackendConfig? = nil

    /// A parsed prompt carried in an input; equal when the content is (for `RunInput`'s equality).
    public struct LoadedPrompt: Sendable, Equatable {
        public let prompt: PromptFile
        /// Wraps `prompt`.
        public init(_ prompt: PromptFile) { self.prompt = prompt }
        /// Same path and content: the same prompt version.
        public static func == (a: LoadedPrompt, b: LoadedPrompt) -> Bool {
            a.prompt.contentHash == b.prompt.contentHash && a.prompt.path == b.prompt.path
        }
    }

    /// Makes an input; everything not given follows the workspace.
    public init(
        promptName: String? = nil, variables: [String: String] = [:], backendName: String? = nil,
        retrievalEnabled: Bool? = nil, topK: Int? = nil, excludedChunks: Set<ChunkLocation> = [],
        promptSource: String? = nil
    ) {
        self.promptName = promptName
        self.variables = variables
        self.backendName = backendName
        self.retrievalEnabled = retrievalEnabled
        self.topK = topK
        self.excludedChunks = excludedChunks
        self.promptSource = promptSource
    }
}

/// A run ready to send: the prompt loaded, variables resolved, context retrieved and placed, messages
/// rendered. Building it spends nothing, so the UI can show all of this before the user presses run.
public struct RunPlan: Sendable {
    public var prompt: PromptFile
    public var variables: [String: String]
    public var retrieval: RetrievalRecord?
    public var messages: [ChatMessage]
    public var backend: BackendConfig
    public var request: ModelRequest
    /// Non-fatal problems (unknown front-matter keys …).
    public var warnings: [Warning]
    /// For a follow-up turn: the run it continues, and which follow-up this is (1 for the first).
    public var continues: Int? = nil
    public var turn: Int? = nil

    /// The name of the variable retrieval fills.
    public static let contextVariable = "context"
    /// The retrieved chunks as a list, for templates that loop over them: `{% for chunk in chunks %}` with
    /// `chunk.citation`, `chunk.text`, `chunk.source` (`path:12-24`), `chunk.path`, `chunk.lines`,
    /// `chunk.heading`, `chunk.score`, `chunk.rank`.
    public static let chunksVariable = "chunks"
    /// The variables whet fills from retrieval, never asked of the user.
    public static let retrievalVariables: Set<String> = [contextVariable, chunksVariable]

    /// The chunks placed in context as the template's `chunks` list, numbered as they are cited.
    public static func chunkList(_ chunks: [RetrievedChunk]) -> JSONValue {
        .array(
            chunks.enumerated().map { index, chunk in
                .object([
                    "citation": .number(Double(index + 1)), "text": .string(chunk.text),
                    "source": .string(chunk.citedLocation), "path": .string(chunk.path),
                    "lines": .string("\(chunk.startLine)-\(chunk.endLine)"),
                    "page": chunk.pages.map { .number(Double($0.first)) } ?? .null,
                    "heading": .string(chunk.headingPath.joined(separator: " > ")), "score": .number(chunk.score),
                    "rank": .number(Double(chunk.rank)),
                ])
            })
    }

    /// Loads the prompt, resolves variables, retrieves context (when on) and renders the messages.
    public static func make(_ input: RunInput, in workspace: Workspace, retriever: (any ChunkRetriever)?) async throws
        -> RunPlan
    {
        let settings = workspace.config.retrieval
        var outcome: RetrievalOutcome? = nil
        if input.retrievalEnabled ?? settings.enabled, let retriever {
            let prompt = try loadPrompt(input, in: workspace)
            let query = try queryText(
                prompt: prompt, variables: prompt.resolveVariables(input.variables), settings: settings)
            outcome = try await retriever.retrieve(query, topK: input.topK ?? settings.topK)
        }
        return try make(input, in: workspace, retrieved: outcome)
    }

    /// The prompt a run uses: the editor's text when given, else the file.
    static func loadPrompt(_ input: RunInput, in workspace: Workspace) throws -> PromptFile {
        if let loaded = input.loadedPrompt { return loaded.prompt }
        let promptURL = try workspace.promptURL(named: input.promptName)
        return try input.promptSource.map {
            try PromptFile(
                parsing: $0, path: workspace.display(promptURL),
                defaultName: promptURL.deletingPathExtension().lastPathComponent,
                baseDirectory: promptURL.deletingLastPathComponent())
        } ?? PromptFile.load(promptURL, displayPath: workspace.display(promptURL), limits: workspace.config.limits)
    }

    /// Builds the plan from an outcome already retrieved (the UI's context pane holds one); nil means
    /// retrieval is off for this run.
    public static func make(_ input: RunInput, in workspace: Workspace, retrieved outcome: RetrievalOutcome?) throws
        -> RunPlan
    {
        let prompt = try loadPrompt(input, in: workspace)
        let backend = try input.backendOverride ?? workspace.config.backend(named: input.backendName)
        var variables = prompt.resolveVariables(input.variables)
        var warnings = prompt.warnings + prompt.inputWarnings(variables)
        let settings = workspace.config.retrieval
        var retrieval: RetrievalRecord? = nil
        var grounding: Grounding? = nil
        var chunkValues = JSONValue.array([])

        if let outcome {
            let query = outcome.queries.first ?? ""
            let topK = input.topK ?? settings.topK
            let placed = place(
                outcome.chunks, pinned: input.pinnedChunks, budget: settings.contextTokenBudget,
                excluded: input.excludedChunks)
            retrieval = RetrievalRecord(
                method: outcome.method, topK: topK, query: query,
                contextTokenBudget: settings.contextTokenBudget, chunks: placed)
            if outcome.queries.count > 1 { retrieval?.expandedQueries = Array(outcome.queries.dropFirst()) }
            let used = placed.filter { $0.citation != nil }.map(\.chunk)
            grounding = Grounding(query: query, chunks: used)
            variables[contextVariable] = formatContext(used)
            chunkValues = chunkList(used)
            warnings += outcome.warnings.map { Warning($0, at: SourceLocation(file: prompt.path)) }
        } else if variables[contextVariable] == nil, prompt.variables.contains(contextVariable) {
            variables[contextVariable] = ""
            warnings.append(Warning("retrieval is off, so {{context}} is empty", at: SourceLocation(file: prompt.path)))
        }
        let messages = try prompt.render(variables, structured: [chunksVariable: chunkValues])
        var parameters = prompt.parameters
        parameters.removeValue(forKey: "model")
        var request = ModelRequest(
            messages: messages, parameters: parameters, grounding: grounding, outputSchema: prompt.outputSchema)
        request.tools = prompt.tools
        var recorded = variables
        recorded.removeValue(forKey: contextVariable)
        return RunPlan(
            prompt: prompt, variables: recorded, retrieval: retrieval, messages: messages,
            backend: backend, request: request, warnings: warnings)
    }

    /// The messages a recorded run or eval cell sent, rebuilt from its prompt version, variables and the chunks
    /// it placed in context (the same rendering as `make`, without retrieving again).
    public static func messages(prompt: PromptFile, variables: [String: String], retrieval: RetrievalRecord?) throws
        -> [ChatMessage]
    {
        var resolved = prompt.resolveVariables(variables)
        let used = retrieval?.chunks.filter { $0.citation != nil }.map(\.chunk) ?? []
        if retrieval != nil {
            resolved[contextVariable] = formatContext(used)
        } else if resolved[contextVariable] == nil {
            resolved[contextVariable] = ""
        }
        return try prompt.render(resolved, structured: [chunksVariable: chunkList(used)])
    }

    /// The search query: the configured query variable's value, else the user message rendered without context.
    public static func queryText(prompt: PromptFile, variables: [String: String], settings: RetrievalSettings) throws
        -> String
    {
        if let name = settings.queryVariable, let value = variables[name], prompt.variables.contains(name) {
            return value
        }
        var withoutContext = variables
        withoutContext[contextVariable] = ""
        let messages = try prompt.render(withoutContext, structured: [chunksVariable: .array([])])
        return messages.last(where: { $0.role == .user })?.content ?? ""
    }

    /// Numbers the results that fit the token budget as [1], [2] … in rank order; excluded chunks and those
    /// that would overflow the budget are kept in the record with the reason they were left out.
    /// Pinned chunks come first, marked as pinned, and are not repeated if the search also returned them;
    /// ranks are renumbered in the final order, so no two chunks of one context share a rank.
    static func place(
        _ results: [RetrievedChunk], pinned: [RetrievedChunk] = [], budget: Int, excluded: Set<ChunkLocation>
    )
        -> [ContextChunk]
    {
        var used = 0
        var citation = 0
        let pinnedLocations = Set(pinned.map(\.location))
        let ordered =
            pinned.map { chunk -> RetrievedChunk in
                var marked = chunk
                marked.pinned = true
                return marked
            } + results.filter { !pinnedLocations.contains($0.location) }
        return ordered.enumerated().map { position, found in
            var chunk = found
            chunk.rank = position + 1
            if excluded.contains(chunk.location) {
                return ContextChunk(chunk: chunk, citation: nil, omitted: "excluded")
            }
            let cost = estimateTokens(chunk.text) + 12
            if used + cost > budget { return ContextChunk(chunk: chunk, citation: nil, omitted: "over token budget") }
            used += cost
            citation += 1
            return ContextChunk(chunk: chunk, citation: citation, omitted: nil)
        }
    }

    /// The text that fills `{{context}}`: each chunk headed by its citation number and source.
    public static func formatContext(_ chunks: [RetrievedChunk]) -> String {
        chunks.enumerated().map { index, chunk in
            let heading = chunk.headingPath.isEmpty ? "" : " (\(chunk.headingPath.joined(separator: " > ")))"
            return "[\(index + 1)] \(chunk.citedLocation)\(heading)\n\(chunk.text)"
        }.joined(separator: "\n\n")
    }
}
