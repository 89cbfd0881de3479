import Foundation
import TOMLKit

/// One retrieval setting to compare: `[retrieval]` keys overridden on top of `whet.toml`, written as
/// `key=value` pairs separated by spaces or commas (`method=hybrid top_k=8`). The overrides go through the
/// same checks as `whet.toml`, so a typo fails with the key named.
public struct RetrievalVariant: Sendable, Equatable {
    /// How the variant is shown: the overrides as written, or `whet.toml` for none.
    public var name: String
    /// Key and value pairs, in the order given.
    public var overrides: [(key: String, value: String)]

    /// Parses `key=value` pairs; an item without `=` is an error naming it.
    public init(parsing text: String) throws {
        let items = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var overrides: [(String, String)] = []
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw RetrievalError.comparison("expected KEY=VALUE in '\(text)', found '\(item)'")
            }
            overrides.append((String(item[..<equals]), String(item[item.index(after: equals)...])))
        }
        self.overrides = overrides
        self.name = overrides.isEmpty ? "whet.toml" : items.joined(separator: " ")
    }

    /// The workspace's own settings.
    public static let baseline = RetrievalVariant(name: "whet.toml", overrides: [])

    init(name: String, overrides: [(key: String, value: String)]) {
        self.name = name
        self.overrides = overrides
    }

    public static func == (a: RetrievalVariant, b: RetrievalVariant) -> Bool {
        a.name == b.name && a.overrides.map(\.key) == b.overrides.map(\.key)
            && a.overrides.map(\.value) == b.overrides.map(\.value)
    }

    /// `workspace` with this variant's `[retrieval]` values: `whet.toml` is re-read, the values set, and the
    /// result loaded with the usual validation. Nothing is written.
    public func apply(to workspace: Workspace) throws -> Workspace {
        guard !overrides.isEmpty else { return workspace }
        // A key [retrieval] does not have would give a row identical to the baseline under another name.
        let known = RetrievalSettings.tomlKeys
        for (key, _) in overrides where !known.contains(key) {
            throw RetrievalError.comparison(
                "--with '\(name)': [retrieval] has no setting '\(key)'" + Suggestion.hint(for: key, in: known)
                    + "; settings: \(known.sorted().joined(separator: ", "))")
        }
        let url = workspace.root.appendingPathComponent(Workspace.configFileName)
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let table = try SafeTOML.parse(text)
        let retrieval = table["retrieval"]?.table ?? TOMLTable()
        for (key, value) in overrides {
            if let integer = Int(value) {
                retrieval[key] = integer
            } else if let number = Double(value) {
                retrieval[key] = number
            } else if value == "true" || value == "false" {
                retrieval[key] = value == "true"
            } else {
                retrieval[key] = value
            }
        }
        table["retrieval"] = retrieval
        var loader = ConfigLoader(source: table.convert(), displayPath: "--with '\(name)'")
        return Workspace(root: workspace.root, config: try loader.load(), warnings: loader.warnings)
    }
}
