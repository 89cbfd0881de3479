/// What one assertion concluded about one output. "Not run" is its own status, never a pass: an assertion
/// that needs a grader or an embedder the workspace lacks says so and does not count either way.
public struct AssertionResult: Sendable, Equatable, Codable {
    /// Passed, failed, or not run (could not be checked; counts neither way).
    public enum Status: String, Sendable, Codable {
        case passed, failed
        /// Could not be evaluated (no grader configured, a schema file missing); excluded from pass rates.
        case notRun = "not-run"

        /// The one-character mark every view shows for it: ✓, ✗, or · for not run.
        public var mark: String {
            switch self {
            case .passed: "✓"
            case .failed: "✗"
            case .notRun: "·"
            }
        }
    }

    /// The assertion's type as written (`icontains`, `llm-rubric` …).
    public var type: String
    /// The `metric` name it reports under, when given.
    public var metric: String?
    public var status: Status
    /// 0…1: 1 or 0 for yes/no checks, a similarity or grade for graded ones.
    public var score: Double
    /// How much it counts in the case's weighted score.
    public var weight: Double
    /// Why: what was looked for and what was found, or the grader's reasoning.
    public var reason: String
    /// The texts a content assertion looked for (contains, contains-any …), kept so the advisor can check
    /// them against the answer and the retrieved context.
    public var expected: [String]? = nil

    /// Makes a result.
    public init(type: String, metric: String? = nil, status: Status, score: Double, weight: Double = 1, reason: String)
    {
        self.type = type
        self.metric = metric
        self.status = status
        self.score = score
        self.weight = weight
        self.reason = reason
    }
}

/// Everything an assertion may look at: the output, the run's numbers, the retrieved context, and the
/// optional grader and embedder for model-graded checks.
public struct AssertionContext: Sendable {
    public var output: String
    public var query: String
    public var variables: [String: String]
    public var latencyMs: Double?
    public var costUSD: Double?
    /// The chunks that were put in the context.
    public var chunks: [RetrievedChunk]
    /// A chat model that grades (llm-rubric, answer-relevance, context-faithfulness); nil: those are not run.
    public var grader: (any ModelBackend)?
    /// An embedder for `similar`; nil: not run.
    public var embedder: (any TextEmbedder)?
    /// Where relative paths in assertions (schema files) are resolved.
    public var workspaceRoot: String
    /// Whether the run retrieved context at all: with retrieval off, context metrics cannot be measured
    /// (an empty context would read as "nothing recalled", a failure nobody caused).
    public var retrievalRan = true
    /// The prompt's output schema: `json-schema` without a value checks against it.
    public var outputSchema: JSONValue? = nil
    /// The prompt's tools, and the calls the model made to them.
    public var tools: [ToolDefinition] = []
    public var toolCalls: [ToolCall] = []

    /// Makes a context.
    public init(
        output: String, query: String = "", variables: [String: String] = [:], latencyMs: Double? = nil,
        costUSD: Double? = nil, chunks: [RetrievedChunk] = [], grader: (any ModelBackend)? = nil,
        embedder: (any TextEmbedder)? = nil, workspaceRoot: String = "."
    ) {
        self.output = output
        self.query = query
        self.variables = variables
        self.latencyMs = latencyMs
        self.costUSD = costUSD
        self.chunks = chunks
        self.grader = grader
        self.embedder = embedder
        self.workspaceRoot = workspaceRoot
    }
}
