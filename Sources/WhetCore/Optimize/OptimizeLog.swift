import Foundation

/// `evals/optimize/ID.jsonl`: everything an optimisation did, one JSON object a line, appended as it happens
/// (under the file's lock, flushed): the plan and the split, every candidate with its parent, how it was made,
/// its per-case results and what it cost, every proposal discarded with the reason, and the result. A resumed
/// run (the same id) reads it and appends only what it had not written, so the log tells one story.
public struct OptimizeLog: Sendable {
    /// One line of the log.
    public struct Entry: Codable, Sendable, Equatable {
        /// One case's result under a candidate.
        public struct CaseLine: Codable, Sendable, Equatable {
            public var id: String
            public var passed: Int
            public var answered: Int
        }

        /// `plan`, `split`, `candidate`, `discarded`, `proposer`, `note` or `result`.
        public var kind: String
        public var time: String
        public var candidate: String?
        public var parent: String?
        public var axis: String?
        public var label: String?
        public var how: String?
        /// Which cases: `search sample`, `search`, `validation`, `all`.
        public var set: String?
        public var evalID: String?
        public var passed: Double?
        public var answered: Int?
        public var cases: [CaseLine]?
        public var hitRate: Double?
        public var mrr: Double?
        public var calls: Int?
        public var cached: Int?
        public var costUSD: Double?
        /// The retrieval overrides (`top_k=10`) or the prompt file a candidate ran.
        public var retrieval: String?
        public var promptPath: String?
        /// Why a proposal was discarded, what a note says, or the result's verdict line.
        public var message: String?
        public var proposed: Bool?

        enum CodingKeys: String, CodingKey {
            case kind, time, candidate, parent, axis, label, how, set, passed, answered, cases, mrr, calls, cached
            case retrieval, message, proposed
            case evalID = "eval_id"
            case hitRate = "hit_rate"
            case costUSD = "cost_usd"
            case promptPath = "prompt_path"
        }

        /// An entry of `kind`, stamped now.
        public init(kind: String) {
            self.kind = kind
            time = RunExecutor.timestamp(Date())
        }

        /// What makes an entry the same event when a resumed run meets it again (a run resumed with a larger
        /// budget that ends differently logs its own result).
        var key: Key { Key(kind: kind, candidate: candidate, set: set, evalID: evalID, label: label, message: message) }

        /// The fields that make two entries the same event.
        struct Key: Hashable {
            var kind: String
            var candidate: String?
            var set: String?
            var evalID: String?
            var label: String?
            var message: String?
        }
    }

    public let url: URL
    let displayPath: String
    private let written: Set<Entry.Key>

    /// The log at `url`, reading what an earlier run of the same optimisation wrote.
    public init(url: URL, displayPath: String) {
        self.url = url
        self.displayPath = displayPath
        written = Set(Self.read(url, displayPath: displayPath).map(\.key))
    }

    /// Every readable entry of the log at `url`.
    public static func read(_ url: URL, displayPath: String) -> [Entry] {
        JSONLines.read(Entry.self, from: url, displayPath: displayPath, what: "optimize log entry").records
    }

    /// Appends `entry` unless an earlier run of this optimisation already logged the same event.
    public func append(_ entry: Entry) throws {
        guard !written.contains(entry.key) else { return }
        try JSONLines.append(entry, to: url)
    }

    /// A candidate's score as a log entry.
    static func entry(_ candidate: OptimizeCandidate, score: OptimizeScore, set: String) -> Entry {
        var entry = Entry(kind: "candidate")
        entry.candidate = candidate.id
        entry.parent = candidate.parent
        entry.axis = candidate.axis.rawValue
        entry.label = candidate.label
        entry.how = candidate.how
        entry.set = set
        entry.evalID = score.evalID
        entry.passed = score.passed
        entry.answered = score.answered
        entry.cases = score.perCase.keys.sorted().map { id in
            Entry.CaseLine(id: id, passed: score.perCase[id]?.passed ?? 0, answered: score.perCase[id]?.answered ?? 0)
        }
        entry.hitRate = score.hitRate
        entry.mrr = score.meanReciprocalRank
        entry.calls = score.calls
        entry.cached = score.cached
        entry.costUSD = score.costUSD
        entry.retrieval = candidate.variant.overrides.isEmpty ? nil : candidate.variant.name
        entry.promptPath = candidate.prompt.path
        return entry
    }
}
