import Foundation
import Yams

/// A `promptfooconfig.yaml` (or any YAML eval file shaped like one) read as promptfoo reads it, so a suite
/// people already have runs as it is: `tests` inline or from `file://` paths and globs (YAML, JSON, JSONL, CSV
/// with `__expected`/`__description` columns), `defaultTest` merged into every test, `assertionTemplates`
/// referenced with `$ref`, `vars` values from `file://`, and per-test `prompts`. Paths resolve relative to the
/// config, as promptfoo does. Keys whet does not act on are reported once each by name (`warnings`), never
/// silently dropped and never fatal to the rest.
public struct PromptfooConfig {
    /// The tests, with `defaultTest` merged and every reference resolved.
    public var cases: [EvalCase] = []
    /// Keys and values whet read but does not act on, each once.
    public var warnings: [Warning] = []
    /// `prompts` as written (for `--from-config`).
    public var prompts: [JSONValue] = []
    /// `providers` as written (for `--from-config`).
    public var providers: [JSONValue] = []

    /// Top-level keys whet acts on; the rest are named in a warning.
    static let knownKeys: Set<String> = [
        "description", "tests", "defaultTest", "assertionTemplates", "prompts", "providers",
    ]
    /// Keys of a test (or of `defaultTest`) whet acts on.
    static let knownTestKeys: Set<String> = [
        "description", "vars", "assert", "metadata", "threshold", "options", "prompts", "tool_results",
    ]

    let directory: URL
    let displayDirectory: String
    let displayPath: String
    var templates: [String: JSONValue] = [:]
    var defaultTest: [String: JSONValue] = [:]
    var reported = Set<String>()

    /// Whether a parsed YAML root is a promptfoo config (a mapping with promptfoo's keys) rather than a list.
    static func looksLikeConfig(_ root: Node) -> Bool {
        guard let mapping = root.mapping else { return false }
        return ["tests", "defaultTest", "prompts", "providers", "assertionTemplates"].contains { mapping[$0] != nil }
    }

    /// Reads the config at `url` (named `displayPath` in messages).
    public static func load(_ url: URL, displayPath: String, limits: InputLimits = .standard) throws -> PromptfooConfig
    {
        guard let data = try BoundedFile.contents(of: url, displayPath: displayPath, limit: limits.maxFileBytes),
            let text = String(data: data, encoding: .utf8)
        else {
            throw EvalError.unreadable(SourceLocation(file: displayPath))
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw EvalError.malformedLine(
                SourceLocation(file: displayPath), found: "YAML that does not parse (\(error))")
        }
        guard let root, root.mapping != nil else {
            throw EvalError.malformedLine(
                SourceLocation(file: displayPath), found: "a YAML document that is not a mapping")
        }
        var config = PromptfooConfig(
            directory: url.deletingLastPathComponent(),
            displayDirectory: (displayPath as NSString).deletingLastPathComponent, displayPath: displayPath)
        try config.read(root, limits: limits)
        return config
    }

    private mutating func warn(_ key: String, _ message: String, at line: Int? = nil) {
        guard reported.insert(key).inserted else { return }
        warnings.append(Warning(message, at: SourceLocation(file: displayPath, line: line)))
    }

    private mutating func read(_ root: Node, limits: InputLimits) throws {
        guard let mapping = root.mapping else { return }
        for (key, _) in mapping {
            guard let name = key.string, !PromptfooConfig.knownKeys.contains(name) else { continue }
            warn("top:\(name)", "'\(name)' is not used by whet (ignored)", at: key.mark?.line)
        }
        let object = PromptFile.json(root).objectValue ?? [:]
        templates = object["assertionTemplates"]?.objectValue ?? [:]
        defaultTest = object["defaultTest"]?.objectValue ?? [:]
        for key in defaultTest.keys.sorted() where !PromptfooConfig.knownTestKeys.contains(key) {
            warn(
                "test:\(key)", "'defaultTest.\(key)' is not used by whet (ignored)",
                at: mapping["defaultTest"]?.mark?.line)
        }
        prompts = object["prompts"].map { $0.arrayValue ?? [$0] } ?? []
        providers = object["providers"].map { $0.arrayValue ?? [$0] } ?? []
        if !prompts.isEmpty {
            warn(
                "top:prompts",
                "'prompts' is used only with --from-config; without it whet runs the workspace's prompts (--prompt NAME)",
                at: mapping["prompts"]?.mark?.line)
        }
        if !providers.isEmpty {
            warn(
                "top:providers",
                "'providers' is used only with --from-config; without it whet runs the workspace's backends (--backend NAME)",
                at: mapping["providers"]?.mark?.line)
        }
        guard let tests = mapping["tests"] else { return }
        if let list = tests.sequence {
            for node in list {
                if let reference = node.string {
                    try loadTests(from: reference, limits: limits, line: node.mark?.line)
                } else {
                    try addTest(node, file: displayPath)
                }
            }
        } else if let reference = tests.string {
            try loadTests(from: reference, limits: limits, line: tests.mark?.line)
        } else {
            throw EvalError.invalidField(
                SourceLocation(file: displayPath, line: tests.mark?.line), field: "tests",
                expected: "a list of tests or a file:// path", found: "\(PromptFile.json(tests))")
        }
    }

    /// One inline test (a YAML node) with defaults merged.
    private mutating func addTest(_ node: Node, file: String) throws {
        let mark = node.mapping?.first?.key.mark ?? node.mark
        let location = SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        guard let object = PromptFile.json(node).objectValue else {
            throw EvalError.malformedLine(location, found: "a test that is not a mapping (vars:, assert: …)")
        }
        try addTest(object, at: location)
    }

    private mutating func addTest(_ test: [String: JSONValue], at location: SourceLocation) throws {
        for key in test.keys.sorted() where !PromptfooConfig.knownTestKeys.contains(key) {
            warn("test:\(key)", "tests' '\(key)' is not used by whet (ignored)", at: location.line)
        }
        var merged = test
        // defaultTest: its vars under the test's own, its assertions before the test's, options and metadata merged.
        var vars = defaultTest["vars"]?.objectValue ?? [:]
        for (key, value) in test["vars"]?.objectValue ?? [:] { vars[key] = value }
        merged["vars"] = .object(try vars.mapValues { try resolveVar($0, at: location) })
        let asserts = (defaultTest["assert"]?.arrayValue ?? []) + (test["assert"]?.arrayValue ?? [])
        merged["assert"] = .array(try asserts.map { try resolveAssertion($0, at: location) })
        for key in ["metadata", "options"] {
            var fields = defaultTest[key]?.objectValue ?? [:]
            for (name, value) in test[key]?.objectValue ?? [:] { fields[name] = value }
            if !fields.isEmpty { merged[key] = .object(fields) }
        }
        if merged["threshold"] == nil, let threshold = defaultTest["threshold"] { merged["threshold"] = threshold }
        if let options = merged["options"]?.objectValue {
            for key in options.keys.sorted() where !["transform", "prefix", "suffix"].contains(key) {
                warn("option:\(key)", "test option '\(key)' is not used by whet (ignored)", at: location.line)
            }
            if let transform = options["transform"]?.stringValue {
                merged["transform"] = .string(
                    transform.hasPrefix("file://") ? "file://" + resolve(transform).url.path : transform)
            }
        }
        for key in ["prefix", "suffix"] {
            if let text = merged["options"]?[key] { merged[key] = text }
        }
        merged.removeValue(forKey: "options")
        cases.append(try EvalFile.makeCase(merged, at: location))
    }

    /// `$ref: "#/assertionTemplates/NAME"` replaced by the template; `assert-set` children resolved too.
    private func resolveAssertion(_ value: JSONValue, at location: SourceLocation) throws -> JSONValue {
        guard var object = value.objectValue else { return value }
        if let reference = object["$ref"]?.stringValue {
            let prefix = "#/assertionTemplates/"
            guard reference.hasPrefix(prefix), let template = templates[String(reference.dropFirst(prefix.count))]
            else {
                throw EvalError.invalidField(
                    location, field: "$ref",
                    expected: "#/assertionTemplates/NAME naming one of: "
                        + (templates.keys.sorted().joined(separator: ", ").nonEmpty ?? "none defined"),
                    found: "'\(reference)'")
            }
            return try resolveAssertion(template, at: location)
        }
        if let children = object["assert"]?.arrayValue {
            object["assert"] = .array(try children.map { try resolveAssertion($0, at: location) })
        }
        if let text = object["value"]?.stringValue, text.hasPrefix("file://") {
            if object["type"]?.stringValue.map(Self.loadsValueFile) == true {
                object["value"] = .string(try readFile(text, at: location))
            } else {
                // A script's path is relative to the config, wherever whet runs from.
                var path = String(text.dropFirst(7))
                var function = ""
                if let colon = path.lastIndex(of: ":"), !path[path.index(after: colon)...].contains("/") {
                    function = String(path[colon...])
                    path = String(path[..<colon])
                }
                object["value"] = .string("file://" + resolve(path).url.path + function)
            }
        }
        return .object(object)
    }

    /// Assertion types whose `file://` value is text to compare with (script types keep the path).
    static func loadsValueFile(_ type: String) -> Bool {
        !["python", "javascript", "json-schema", "contains-json", "is-json"].contains(type)
    }

    /// A `file://` var is the file's contents (JSON and YAML files parsed), as promptfoo loads it.
    private func resolveVar(_ value: JSONValue, at location: SourceLocation) throws -> JSONValue {
        guard let text = value.stringValue, text.hasPrefix("file://") else { return value }
        let contents = try readFile(text, at: location)
        let ext = (text as NSString).pathExtension.lowercased()
        if ext == "json", let parsed = try? JSONParser.parse(contents) { return parsed }
        if ext == "yaml" || ext == "yml", let node = try? Yams.compose(yaml: contents) { return PromptFile.json(node) }
        return .string(contents)
    }

    func resolve(_ reference: String) -> (url: URL, display: String) {
        let path = reference.hasPrefix("file://") ? String(reference.dropFirst(7)) : reference
        if path.hasPrefix("/") { return (URL(fileURLWithPath: path), path) }
        let display = displayDirectory.isEmpty ? path : (displayDirectory as NSString).appendingPathComponent(path)
        return (directory.appendingPathComponent(path).standardizedFileURL, display)
    }

    private func readFile(_ reference: String, at location: SourceLocation) throws -> String {
        let (url, display) = resolve(reference)
        guard let data = try BoundedFile.contents(of: url, displayPath: display),
            let text = String(data: data, encoding: .utf8)
        else {
            throw EvalError.invalidField(
                location, field: "file://", expected: "a readable UTF-8 file", found: "'\(display)'")
        }
        return text
    }

    /// `file://tests/*.yaml` and friends: every matching file, in name order.
    private mutating func loadTests(from reference: String, limits: InputLimits, line: Int?) throws {
        let (url, display) = resolve(reference)
        let matches = PromptfooConfig.glob(url)
        guard !matches.isEmpty else {
            throw EvalError.invalidField(
                SourceLocation(file: displayPath, line: line), field: "tests",
                expected: "a file:// path or glob that names test files", found: "no file matches '\(display)'")
        }
        for match in matches {
            let shown = ((display as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                match.lastPathComponent)
            guard let data = try BoundedFile.contents(of: match, displayPath: shown, limit: limits.maxFileBytes),
                let text = String(data: data, encoding: .utf8)
            else { throw EvalError.unreadable(SourceLocation(file: shown)) }
            switch match.pathExtension.lowercased() {
            case "csv":
                for (row, line) in try PromptfooCSV.tests(text, displayPath: shown) {
                    try addTest(row, at: SourceLocation(file: shown, line: line, column: 1))
                }
            case "jsonl":
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    guard !trimmed.isEmpty else { continue }
                    let location = SourceLocation(file: shown, line: index + 1, column: 1)
                    guard let object = (try? JSONParser.parse(trimmed))?.objectValue else {
                        throw EvalError.malformedLine(location, found: "'\(trimmed.prefix(40))' (not a JSON object)")
                    }
                    try addTest(object, at: location)
                }
            case "json":
                guard let list = (try? JSONParser.parse(text))?.arrayValue else {
                    throw EvalError.malformedLine(
                        SourceLocation(file: shown), found: "JSON that is not a list of tests")
                }
                for item in list {
                    guard let object = item.objectValue else {
                        throw EvalError.malformedLine(
                            SourceLocation(file: shown), found: "a test that is not an object")
                    }
                    try addTest(object, at: SourceLocation(file: shown))
                }
            default:
                let root: Node?
                do { root = try Yams.compose(yaml: text) } catch {
                    throw EvalError.malformedLine(
                        SourceLocation(file: shown), found: "YAML that does not parse (\(error))")
                }
                for node in root?.sequence ?? [] { try addTest(node, file: shown) }
            }
        }
    }

    /// Files matching `url`'s last component, which may hold `*` and `?` (and a `**/` directory part is read
    /// as "this directory and below").
    static func glob(_ url: URL) -> [URL] {
        let pattern = url.lastPathComponent
        var directory = url.deletingLastPathComponent()
        var recursive = false
        if directory.lastPathComponent == "**" {
            directory = directory.deletingLastPathComponent()
            recursive = true
        }
        guard pattern.contains("*") || pattern.contains("?") || recursive else {
            return FileManager.default.fileExists(atPath: url.path) ? [url] : []
        }
        let names: [String]
        if recursive {
            names = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String]) ?? []
        } else {
            names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        }
        return names.filter { fnmatch(pattern, ($0 as NSString).lastPathComponent, 0) == 0 }.sorted()
            .map { directory.appendingPathComponent($0) }
    }
}

extension String {
    /// nil for the empty string, for `??` chains in messages.
    var nonEmpty: String? { isEmpty ? nil : self }
}
