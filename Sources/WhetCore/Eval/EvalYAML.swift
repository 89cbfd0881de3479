import Foundation
import Yams

extension EvalFile {
    /// Parses a YAML eval file, for people coming from promptfoo: a list of cases, or a mapping whose `tests`
    /// key holds the list (promptfoo's config shape). Each case has the JSONL shape; errors name the line.
    public static func parseYAML(_ text: String, displayPath: String) throws -> [EvalCase] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw EvalError.malformedLine(
                SourceLocation(file: displayPath), found: "YAML that does not parse (\(error))")
        }
        guard let root else { return [] }
        guard let list = root.sequence ?? root.mapping?["tests"]?.sequence else {
            throw EvalError.malformedLine(
                SourceLocation(file: displayPath, line: root.mark?.line ?? 1),
                found: "a YAML document that is neither a list of cases nor a mapping with a 'tests' list")
        }
        return try list.map { node in
            // A key's mark is where it starts (Yams marks are 1-based); the first key locates the case.
            let mark = node.mapping?.first?.key.mark ?? node.mark
            let location = SourceLocation(file: displayPath, line: mark?.line ?? 1, column: mark?.column ?? 1)
            guard let object = PromptFile.json(node).objectValue else {
                throw EvalError.malformedLine(location, found: "a list item that is not a mapping (vars:, assert: …)")
            }
            return try makeCase(object, at: location)
        }
    }
}
