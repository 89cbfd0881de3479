import Foundation

/// The pass rate of each version of a prompt over every eval that ran it, each case counted once: for a version
/// and a case, the answers from the newest eval that checked that case with that version are the case's
/// answers (an eval run twice, or two evals sharing cases, do not count the case twice; the newest is what the
/// version does now, with the cases as they are now). `whet prompts --versions`, the versions view and the
/// report's history chart all read this.
public struct VersionRate: Sendable, Equatable {
    public var prompt: RunRecord.PromptReference
    /// When an eval first used this version (the records' time format).
    public var firstSeen: String
    /// Over distinct cases, clustered when a case answered more than once.
    public var estimate: RateEstimate
    /// The evals whose answers it rests on.
    public var evals: Int

    /// Each version of the prompts at `promptPaths` (all prompts when nil) in `files` (oldest first), in the
    /// order versions were first evaluated. Versions with no checked answer are left out.
    public static func compute(files: [EvalHistory.File], promptPaths: Set<String>? = nil) -> [VersionRate] {
        struct Version: Hashable {
            var path: String
            var hash: String
        }
        // version → case → (file time, answers)
        var newest: [Version: [EvalCaseKey: (time: String, passed: Int, answered: Int, eval: String)]] = [:]
        var references: [Version: RunRecord.PromptReference] = [:]
        var firstSeen: [Version: String] = [:]
        for file in files {
            var inFile: [Version: [EvalCaseKey: (passed: Int, answered: Int)]] = [:]
            for result in file.results where promptPaths?.contains(result.prompt.path) ?? true {
                let version = Version(path: result.prompt.path, hash: result.prompt.hash)
                references[version] = references[version] ?? result.prompt
                firstSeen[version] = min(firstSeen[version] ?? result.time, result.time)
                guard result.status == .passed || result.status == .failed else { continue }
                let key = EvalCaseKey(result)
                inFile[version, default: [:]][key, default: (0, 0)].answered += 1
                if result.status == .passed { inFile[version, default: [:]][key, default: (0, 0)].passed += 1 }
            }
            for (version, cases) in inFile {
                for (key, value) in cases {
                    if let kept = newest[version]?[key], kept.time > file.time { continue }
                    newest[version, default: [:]][key] = (file.time, value.passed, value.answered, file.id)
                }
            }
        }
        return newest.compactMap { version, cases -> VersionRate? in
            guard let reference = references[version], !cases.isEmpty else { return nil }
            let clusters = cases.keys.sorted().compactMap { cases[$0] }.map {
                (passed: $0.passed, answered: $0.answered)
            }
            return VersionRate(
                prompt: reference, firstSeen: firstSeen[version] ?? "", estimate: RateEstimate(clusters: clusters),
                evals: Set(cases.values.map(\.eval)).count)
        }.sorted { ($0.firstSeen, $0.prompt.hash) < ($1.firstSeen, $1.prompt.hash) }
    }

    /// `support-answer@a06d1c3e`.
    public var label: String { "\(prompt.name)@\(prompt.hash.prefix(8))" }
}
