/// One finished cell of an eval matrix (a case, run with one prompt variant on one backend, once), as a line
/// of `evals/results/<id>.jsonl`. It holds what the advisor and the results view need later: the output,
/// the context the run used, the numbers, and every assertion's verdict with its reason.
public struct EvalResult: Sendable, Equatable, Codable {
    /// What decides a cell: every assertion that ran passed, and at least one ran. A cell that nothing
    /// checked is `notRun`, never a pass: it is left out of pass rates and always reported apart.
    public enum Status: String, Sendable, Codable {
        case passed, failed
        /// The run itself failed (backend error); assertions were not evaluated. Counts against the pass rate.
        case error
        /// The run succeeded but no assertion could be evaluated (none given, or each needed something missing:
        /// a grader, an interpreter, a schema file). Not a pass, not a failure: "not evaluated".
        case notRun = "not-run"
    }

    /// Where the case is defined, and its description.
    public struct CaseReference: Sendable, Equatable, Codable {
        public var file: String
        public var line: Int
        public var description: String?

        /// Where a case is defined.
        public init(file: String, line: Int, description: String?) {
            self.file = file
            self.line = line
            self.description = description
        }
    }

    public var evalID: String
    /// The cell's identity in the matrix; a resumed eval skips cells already recorded.
    public var cell: String
    public var time: String
    public var caseRef: CaseReference
    public var prompt: RunRecord.PromptReference
    public var backend: String
    public var model: String
    public var repeatIndex: Int
    public var variables: [String: String]
    public var retrieval: RetrievalRecord?
    public var output: String
    public var latencyMs: Double?
    public var costUSD: Double?
    public var cached: Bool?
    public var error: String?
    public var assertions: [AssertionResult]
    public var status: Status
    /// Σ weight · score / Σ weight over the assertions that ran (0 when none ran).
    public var score: Double
    /// The calls the model made to the prompt's tools (nil: none).
    public var toolCalls: [ToolCall]? = nil

    /// A cell's result, field by field (the runner builds these; tools and benchmarks may too).
    public init(
        evalID: String, cell: String, time: String, caseRef: CaseReference, prompt: RunRecord.PromptReference,
        backend: String, model: String, repeatIndex: Int, variables: [String: String], retrieval: RetrievalRecord?,
        output: String, latencyMs: Double?, costUSD: Double?, cached: Bool?, error: String?,
        assertions: [AssertionResult], status: Status, score: Double
    ) {
        self.evalID = evalID
        self.cell = cell
        self.time = time
        self.caseRef = caseRef
        self.prompt = prompt
        self.backend = backend
        self.model = model
        self.repeatIndex = repeatIndex
        self.variables = variables
        self.retrieval = retrieval
        self.output = output
        self.latencyMs = latencyMs
        self.costUSD = costUSD
        self.cached = cached
        self.error = error
        self.assertions = assertions
        self.status = status
        self.score = score
    }

    /// Decodes a results line. Lines written before the `not-run` status existed recorded a cell whose
    /// assertions were all "not run" (or that had none) as passed; they are read as `notRun`, so an old eval
    /// never shows a pass that nothing verified.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        evalID = try container.decode(String.self, forKey: .evalID)
        cell = try container.decode(String.self, forKey: .cell)
        time = try container.decode(String.self, forKey: .time)
        caseRef = try container.decode(CaseReference.self, forKey: .caseRef)
        prompt = try container.decode(RunRecord.PromptReference.self, forKey: .prompt)
        backend = try container.decode(String.self, forKey: .backend)
        model = try container.decode(String.self, forKey: .model)
        repeatIndex = try container.decode(Int.self, forKey: .repeatIndex)
        variables = try container.decode([String: String].self, forKey: .variables)
        retrieval = try container.decodeIfPresent(RetrievalRecord.self, forKey: .retrieval)
        output = try container.decode(String.self, forKey: .output)
        latencyMs = try container.decodeIfPresent(Double.self, forKey: .latencyMs)
        costUSD = try container.decodeIfPresent(Double.self, forKey: .costUSD)
        cached = try container.decodeIfPresent(Bool.self, forKey: .cached)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        assertions = try container.decode([AssertionResult].self, forKey: .assertions)
        status = try container.decode(Status.self, forKey: .status)
        score = try container.decode(Double.self, forKey: .score)
        toolCalls = try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls)
        if status == .passed, !assertions.contains(where: { $0.status != .notRun }) {
            status = .notRun
            score = 0
        }
    }

    /// Why nothing was evaluated in a `notRun` cell, in a few words.
    public var notRunReason: String {
        guard let first = assertions.first(where: { $0.status == .notRun }) else { return "the case has no assertions" }
        return "\(first.type): \(first.reason)"
    }

    enum CodingKeys: String, CodingKey {
        case cell, time, prompt, backend, model, variables, retrieval, output, cached, error, assertions, status, score
        case evalID = "eval_id"
        case caseRef = "case"
        case repeatIndex = "repeat"
        case latencyMs = "latency_ms"
        case costUSD = "cost_usd"
        case toolCalls = "tool_calls"
    }

    /// The case's label for tables: its description, else `file:line`.
    public var label: String { caseRef.description ?? "\(caseRef.file):\(caseRef.line)" }

    /// The column it belongs to in the results matrix: prompt variant and backend.
    public var variant: String { "\(prompt.name)@\(String(prompt.hash.prefix(8))) · \(backend)/\(model)" }
}
