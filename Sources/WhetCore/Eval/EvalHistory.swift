import Foundation

/// Every eval run recorded in `evals/results/`, oldest first: for the results browser, comparing two evals,
/// the pass-rate sparkline and prompt versions.
public struct EvalHistory: Sendable {
    /// One results file.
    public struct File: Sendable {
        public var id: String
        public var path: String
        public var results: [EvalResult]
        /// The latest cell's time: when the eval last ran.
        public var time: String
        /// What the eval found (computed when asked; a view that reads it often keeps it).
        public var verdict: EvalVerdict { EvalVerdict(id: id, results: results) }

        /// A results file's contents.
        public init(id: String, path: String, results: [EvalResult], time: String) {
            self.id = id
            self.path = path
            self.results = results
            self.time = time
        }
    }

    let workspace: Workspace

    /// The history of `workspace`.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// The results files that hold at least one result, ordered by when they last ran.
    public func files() -> [File] {
        EvalHistory.files(
            in: workspace.evalsDirectory.appendingPathComponent("results"),
            display: { workspace.display($0) }, maxLineBytes: workspace.config.limits.maxLineBytes)
    }

    /// The same for any folder of results files (a copied `evals/results/`, outside a workspace).
    public static func files(
        in directory: URL, display: (URL) -> String = { $0.lastPathComponent },
        maxLineBytes: Int = InputLimits.standard.maxLineBytes
    ) -> [File] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var files: [File] = []
        for name in names where name.hasSuffix(".jsonl") {
            let url = directory.appendingPathComponent(name)
            let results = EvalResultsFile.read(url, displayPath: display(url), maxLineBytes: maxLineBytes).results
            guard let time = results.map(\.time).max() else { continue }
            files.append(File(id: String(name.dropLast(6)), path: display(url), results: results, time: time))
        }
        return files.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
    }

    /// The eval `reference` names among `files` (oldest first): an id or a unique-enough prefix, `latest`, or
    /// `previous` (the latest other than `excluding` that checked anything: an eval whose runs all failed is no
    /// baseline). The one rule `--baseline`, `whet report`, the results view and the CLI share.
    public static func pick(_ reference: String, in files: [File], excluding: String? = nil) -> File? {
        let candidates = files.filter { $0.id != excluding }
        switch reference {
        case "latest": return candidates.last
        case "previous": return candidates.last { $0.verdict.checkedAnything }
        default: return candidates.first { $0.id.hasPrefix(reference) }
        }
    }
}
