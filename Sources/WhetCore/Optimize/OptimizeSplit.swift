import Foundation

/// The eval's cases split once into a search set (every candidate is scored there, and the winner chosen there)
/// and a held-out validation set (only the winner is run there, against the baseline). Searching and judging on
/// the same cases would report the luck of the search as a gain; a split made the same way every time (by each
/// case's hash, not at random) keeps a resumed run on the same cases.
public struct OptimizeSplit: Sendable {
    /// Where a case's stratum comes from: the advisor's class of its failure, or "passing".
    public static let passing = "passing"

    /// The cases candidates are searched on.
    public var search: [EvalCase]
    /// The held-out cases the winner is checked on.
    public var validation: [EvalCase]
    /// How the split was made, for the plan and the log.
    public var how: String

    /// A case's identity in the split and in results: its file and line.
    public static func caseID(_ item: EvalCase) -> String { "\(item.location.file):\(item.location.line ?? 0)" }

    /// A case's identity as its results name it.
    public static func caseID(_ result: EvalResult) -> String { "\(result.caseRef.file):\(result.caseRef.line)" }

    /// Splits `cases` by hash within each stratum (`strata[caseID]`, e.g. `knowledge` or `passing`), putting
    /// `validationShare` of each stratum in validation, so both sets hold failures of every class in the same
    /// proportion. Within a stratum the cases are ordered by the hash of what they are (location, variables,
    /// assertions) and every case whose place crosses a multiple of the share goes to validation.
    public static func stratified(_ cases: [EvalCase], strata: [String: String], validationShare: Double)
        -> OptimizeSplit
    {
        let share = min(0.9, max(0.1, validationShare))
        var byStratum: [String: [EvalCase]] = [:]
        for item in cases { byStratum[strata[caseID(item)] ?? passing, default: []].append(item) }
        var validationIDs = Set<String>()
        for (_, members) in byStratum {
            let ordered = members.sorted { hash($0) < hash($1) }
            for (index, item) in ordered.enumerated()
            where Int((Double(index + 1) * share).rounded(.down)) > Int((Double(index) * share).rounded(.down)) {
                validationIDs.insert(caseID(item))
            }
        }
        let names = byStratum.keys.sorted().map { "\($0) \(byStratum[$0]?.count ?? 0)" }.joined(separator: ", ")
        return OptimizeSplit(
            search: cases.filter { !validationIDs.contains(caseID($0)) },
            validation: cases.filter { validationIDs.contains(caseID($0)) },
            how: "split by case hash, \(Int((share * 100).rounded()))% held out in each stratum (\(names))")
    }

    /// The split `--validation FILE` asks for: its cases are held out, every other case is searched on.
    public static func explicit(_ cases: [EvalCase], validation: [EvalCase], file: String) -> OptimizeSplit {
        let held = Set(validation.map(caseID))
        return OptimizeSplit(
            search: cases.filter { !held.contains(caseID($0)) }, validation: validation,
            how: "validation cases from \(file)")
    }

    /// The split made from parts (tests, a resumed run).
    public init(search: [EvalCase], validation: [EvalCase], how: String) {
        self.search = search
        self.validation = validation
        self.how = how
    }

    static func hash(_ item: EvalCase) -> String { EvalRunner.hash("\(caseID(item)) \(EvalRunner.caseHash(item))") }
}
