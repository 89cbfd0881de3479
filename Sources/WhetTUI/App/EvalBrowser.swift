import Foundation
import WhetCore

/// The eval results view as plain data: which eval is shown (and which it is compared with), the case ×
/// variant matrix, the filter, the cursor, and a drilled-into cell. Key handling changes it; the view draws it.
public struct EvalBrowser: Sendable {
    /// What the view shows.
    public enum Mode: Sendable, Equatable {
        case matrix
        /// One cell in full: prompt, context, output, every verdict; scrolled.
        case cell(scroll: Int)
        /// Two evals side by side, case by case.
        case compare
    }

    /// One case × variant cell: its repeats summarised.
    public struct Cell: Sendable, Equatable {
        public var results: [EvalResult]
        public var passed: Int { results.filter { $0.status == .passed }.count }
        /// Repeats that were evaluated (not `notRun`).
        public var evaluated: Int { results.filter { $0.status != .notRun }.count }
        public var allPassed: Bool { evaluated > 0 && passed == evaluated }
        /// Nothing could check any repeat of this cell.
        public var notEvaluated: Bool { !results.isEmpty && evaluated == 0 }
        public var score: Double { results.isEmpty ? 0 : results.map(\.score).reduce(0, +) / Double(results.count) }
        public var latencyMs: Double? {
            let values = results.compactMap(\.latencyMs).sorted()
            return values.isEmpty ? nil : values[values.count / 2]
        }
        public var costUSD: Double? {
            let values = results.compactMap(\.costUSD)
            return values.isEmpty ? nil : values.reduce(0, +)
        }
    }

    public var files: [EvalHistory.File]
    /// Index into `files` of the eval shown.
    public var current: Int { didSet { reindex() } }
    /// The shown eval's cases in file order, and its results by case and by (case, variant): built once per
    /// eval shown, so drawing a frame does not rescan every result for every cell.
    private var caseOrder: [(key: EvalCaseKey, label: String)] = []
    private var byCase: [EvalCaseKey: [EvalResult]] = [:]
    private var byCell: [EvalCellKey: [EvalResult]] = [:]
    /// The shown eval's variants in first-seen order.
    public private(set) var columns: [String] = []
    /// What the shown eval found (the core's verdict, computed once per eval shown), and each column's rate
    /// from it (nil: nothing checked in that column).
    public private(set) var verdict: EvalVerdict?
    public private(set) var columnRates: [RateEstimate?] = []
    /// Index into `files` of the baseline in compare mode.
    public var baseline: Int? { didSet { recompare() } }
    public var mode: Mode = .matrix
    public var failuresOnly = false { didSet { refilter() } }
    /// Show only the cases whose repeats disagree (`~`).
    public var flakyOnly = false { didSet { refilter() } }
    /// Show only the cases whose failures the advisor put in this class.
    public var classFilter: FailureClass? { didSet { refilter() } }
    /// (case label, variant) pairs per class, from the advisor.
    var classified: [FailureClass: Set<LabelVariant>] = [:] { didSet { refilter() } }
    public var row = 0
    public var column = 0

    /// A browser on `files` showing the latest.
    public init(files: [EvalHistory.File], advice: Advice? = nil) {
        self.files = files
        self.current = max(0, files.count - 1)
        self.sparkline = Self.sparkline(files)
        reindex()
        var classes: [FailureClass: Set<LabelVariant>] = [:]
        for failure in advice?.failures ?? [] {
            classes[failure.failureClass, default: []].insert(Self.key(failure.label, failure.variant))
        }
        classified = classes
    }

    /// A (case label, variant) pair: how the advisor's classified failures and flaky cells are named.
    struct LabelVariant: Hashable, Sendable {
        var label: String
        var variant: String
    }

    static func key(_ label: String, _ variant: String) -> LabelVariant { LabelVariant(label: label, variant: variant) }

    /// The eval shown.
    public var file: EvalHistory.File? { files.indices.contains(current) ? files[current] : nil }

    mutating func reindex() {
        caseOrder = []
        byCase = [:]
        byCell = [:]
        guard let file else {
            columns = []
            columnRates = []
            verdict = nil
            comparison = nil
            rows = []
            return
        }
        let ordered = file.results.sorted { ($0.caseRef.file, $0.caseRef.line) < ($1.caseRef.file, $1.caseRef.line) }
        for result in ordered {
            let key = EvalCaseKey(result)
            if byCase[key] == nil { caseOrder.append((key, result.label)) }
            byCase[key, default: []].append(result)
            let variant = result.variant
            byCell[EvalCellKey(case: key, variant: variant), default: []].append(result)
        }
        // Columns in the order the eval ran them (results are appended per prompt × backend).
        var seen = Set<String>()
        columns = file.results.map(\.variant).filter { seen.insert($0).inserted }
        let verdict = file.verdict
        self.verdict = verdict
        columnRates = columns.map { column in verdict.variants.first { $0.variant == column }?.rate }
        flakyKeys = Set(verdict.flaky.map { Self.key($0.label, $0.variant) })
        recompare()
        refilter()
    }

    /// The cases shown as rows (key, label), in file order, after the filters: filtered when the eval or a
    /// filter changes, not per frame or key.
    public private(set) var rows: [(key: EvalCaseKey, label: String)] = []

    /// (case label, variant) of the shown eval's flaky cells.
    private var flakyKeys: Set<LabelVariant> = []

    private mutating func refilter() {
        rows = caseOrder.filter { row in
            let results = byCase[row.key] ?? []
            if flakyOnly, !results.contains(where: { flakyKeys.contains(Self.key($0.label, $0.variant)) }) {
                return false
            }
            if failuresOnly, results.allSatisfy({ $0.status == .passed }) { return false }
            if let classFilter {
                let keys = classified[classFilter] ?? []
                return results.contains { $0.status != .passed && keys.contains(Self.key($0.label, $0.variant)) }
            }
            return true
        }
    }

    /// The cell at (row key, variant).
    public func cell(_ rowKey: EvalCaseKey, _ variant: String) -> Cell {
        Cell(results: byCell[EvalCellKey(case: rowKey, variant: variant)] ?? [])
    }

    /// Which repeat of the cell the cell view shows.
    public var repeatShown = 0

    /// The cell under the cursor.
    public var selectedCell: Cell? {
        let rows = rows
        let columns = columns
        guard rows.indices.contains(row), columns.indices.contains(column) else { return nil }
        return cell(rows[row].key, columns[column])
    }

    /// The result under the cursor: the repeat shown (the first, unless `r` stepped on).
    public var selectedResult: EvalResult? {
        guard let results = selectedCell?.results, !results.isEmpty else { return nil }
        return results[min(repeatShown, results.count - 1)]
    }

    /// The prompt part of the cell view: the messages as sent, rebuilt from the kept version text, the cell's
    /// variables and the chunks in context; the template when it no longer renders; a note when the text was
    /// not kept. Lines are `(message role or nil, text)`.
    public struct CellPrompt: Sendable {
        public var heading: String
        public var lines: [(role: String?, text: String)]
    }

    /// The prompt of the cell shown. Built once when the cell view opens or moves to another cell (it reads a
    /// file and parses the prompt), never per frame.
    public private(set) var cellPrompt: CellPrompt?

    /// Opens (or moves) the cell view on the cell under the cursor, at its first repeat unless `keepRepeat`.
    public mutating func showCell(in workspace: Workspace, keepRepeat: Bool = false) {
        clamp()
        if !keepRepeat { repeatShown = 0 }
        mode = .cell(scroll: 0)
        cellPrompt = selectedResult.map { Self.prompt(of: $0, in: workspace) }
    }

    static func prompt(of result: EvalResult, in workspace: Workspace) -> CellPrompt {
        guard let text = PromptVersions(workspace: workspace).text(result.prompt.hash, promptPath: result.prompt.path)
        else {
            return CellPrompt(
                heading: "prompt",
                lines: [(nil, "the text of this version was not kept (it ran before versions were recorded)")])
        }
        func split(_ text: String) -> [(role: String?, text: String)] {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { (nil, String($0)) }
        }
        guard let prompt = try? PromptFile(parsing: text, path: result.prompt.path, defaultName: result.prompt.name),
            let messages = try? RunPlan.messages(
                prompt: prompt, variables: result.variables, retrieval: result.retrieval)
        else {
            return CellPrompt(heading: "prompt", lines: split(text))
        }
        return CellPrompt(
            heading: "prompt as sent",
            lines: messages.flatMap { [($0.role.rawValue, $0.role.rawValue + ":")] + split($0.content) })
    }

    /// The shown eval against the baseline: the core's comparison (changes and the paired verdict), made when
    /// the eval or the baseline changes — not per frame, as both verdicts read every cell.
    public private(set) var comparison: EvalComparison?

    private mutating func recompare() {
        guard let verdict, let baseline, files.indices.contains(baseline) else {
            comparison = nil
            return
        }
        comparison = EvalComparison(before: files[baseline].verdict, after: verdict)
    }

    /// The comparison's cases, all or only those that changed (`f`).
    public var changes: [EvalComparison.Change] {
        (comparison?.changes ?? []).filter { !failuresOnly || $0.kind != .same }
    }

    /// The baseline `c` starts from: the newest earlier eval that checked anything (an eval whose runs all
    /// failed is no baseline), else the one before, else the one after.
    public var defaultBaseline: Int? {
        guard files.count >= 2 else { return nil }
        if let checked = files[..<current].lastIndex(where: { $0.verdict.checkedAnything }) { return checked }
        return current > 0 ? current - 1 : 1
    }

    /// Pass rates of every eval, oldest first, as a one-line sparkline (▁…█; `·` for an eval that checked
    /// nothing, which has no rate to draw).
    public private(set) var sparkline = ""

    static func sparkline(_ files: [EvalHistory.File]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        return String(
            files.map { file in
                let verdict = file.verdict
                guard verdict.checkedAnything else { return "·" }
                return blocks[min(blocks.count - 1, Int((verdict.passRate * Double(blocks.count - 1)).rounded()))]
            })
    }

    /// Keeps the cursor inside the rows and columns there are.
    public mutating func clamp() {
        row = max(0, min(row, rows.count - 1))
        column = max(0, min(column, columns.count - 1))
    }
}
