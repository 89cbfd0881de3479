import Foundation

/// A person's verdict on one run: good or bad, and optionally the answer it should have given. Ratings live
/// beside the session's runs in `ratings.jsonl`, appended, never rewritten: `runs.jsonl` stays exactly as the
/// runs were recorded, and re-rating a run appends a newer line that wins.
public struct RunRating: Sendable, Equatable, Codable {
    /// Good (+1) or bad (−1).
    public enum Verdict: String, Sendable, Equatable, Codable {
        case good, bad
    }

    /// The run's id (`RunRecord.id`).
    public var runID: String
    /// The run's number in its session, for people reading the file.
    public var run: Int
    public var verdict: Verdict
    /// What the answer should have been; exported to fine-tuning data instead of the recorded output.
    public var corrected: String?
    public var time: String

    /// A rating of `record`.
    public init(of record: RunRecord, verdict: Verdict, corrected: String? = nil, time: String) {
        self.runID = record.id
        self.run = record.run
        self.verdict = verdict
        self.corrected = corrected.flatMap { $0.isEmpty ? nil : $0 }
        self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case run, verdict, corrected, time
        case runID = "run_id"
    }

    /// `good`, `+`, `+1`, `up` → good; `bad`, `-`, `-1`, `down` → bad.
    public static func verdict(parsing text: String) -> Verdict? {
        switch text.lowercased() {
        case "good", "+", "+1", "1", "up", "yes": .good
        case "bad", "-", "-1", "down", "no": .bad
        default: nil
        }
    }

    /// The latest rating per run id from `ratings`, in file order (later lines win).
    public static func latest(_ ratings: [RunRating]) -> [String: RunRating] {
        var byRun: [String: RunRating] = [:]
        for rating in ratings { byRun[rating.runID] = rating }
        return byRun
    }
}

extension SessionStore {
    /// `sessions/<id>/ratings.jsonl`.
    public func ratingsURL(_ id: String) -> URL {
        workspace.sessionsDirectory.appendingPathComponent(id).appendingPathComponent("ratings.jsonl")
    }

    /// The ratings of session `id`, latest per run, and a warning for each line that does not parse.
    public func ratings(_ id: String) -> (byRun: [String: RunRating], warnings: [Warning]) {
        let url = ratingsURL(id)
        let (records, warnings) = JSONLines.read(
            RunRating.self, from: url, displayPath: workspace.display(url), what: "rating",
            maxLineBytes: workspace.config.limits.maxLineBytes)
        return (RunRating.latest(records), warnings)
    }

    /// Appends `rating` to session `id`'s ratings (fsynced).
    public func rate(_ rating: RunRating, inSession id: String) throws {
        try workspace.requireWritable(for: "rating runs in sessions/\(id)/ratings.jsonl")
        try JSONLines.append(rating, to: ratingsURL(id))
    }
}
