import Foundation

/// Reads `evals/results/<id>.jsonl`, the one way every consumer does. The file is append-only; a cell whose
/// run failed is run again when the eval resumes and appended anew, so the newest line of a cell is the cell.
public enum EvalResultsFile {
    /// The cells of the results file at `url` (the newest line per cell, in the order cells first appeared),
    /// with what was unreadable in it.
    public static func read(
        _ url: URL, displayPath: String, maxLineBytes: Int = InputLimits.standard.maxLineBytes
    ) -> (results: [EvalResult], warnings: [Warning]) {
        let (records, warnings) = JSONLines.read(
            EvalResult.self, from: url, displayPath: displayPath, what: "eval result", maxLineBytes: maxLineBytes)
        return (newestPerCell(records), warnings)
    }

    /// Keeps the last record of each cell, at the place its cell first appeared.
    public static func newestPerCell(_ records: [EvalResult]) -> [EvalResult] {
        var position: [String: Int] = [:]
        var out: [EvalResult] = []
        for record in records {
            if let index = position[record.cell] {
                out[index] = record
            } else {
                position[record.cell] = out.count
                out.append(record)
            }
        }
        return out
    }
}
