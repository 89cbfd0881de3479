import Foundation
import TOMLKit

/// Reads `whet.toml` into a `WorkspaceConfig`, reporting the first problem as `whet.toml:LINE:COL` with what
/// was expected and what was found, and collecting warnings for keys it does not know (a typo should be
/// visible, not silently ignored, but should not stop the user either).
public struct ConfigLoader {
    /// The path shown in messages (normally `whet.toml`).
    let displayPath: String
    let source: String
    let lines: [Substring]
    /// Problems that did not stop loading.
    public private(set) var warnings: [Warning] = []

    /// Prepares to parse `source`, naming it `displayPath` in messages.
    public init(source: String, displayPath: String = "whet.toml") {
        self.source = source
        self.displayPath = displayPath
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Parses and validates the whole file.
    public mutating func load() throws -> WorkspaceConfig {
        let table: TOMLTable
        do {
            table = try SafeTOML.parse(source)
        } catch let failure as SafeTOML.Failure {
            throw WorkspaceError.malformedConfig(
                SourceLocation(file: displayPath, line: failure.line, column: failure.column), failure.message)
        } catch let error as TOMLParseError {
            throw WorkspaceError.malformedConfig(
                SourceLocation(file: displayPath, line: error.source.begin.line, column: error.source.begin.column),
                error.description)
        }
        var config = WorkspaceConfig.defaults
        config.name = try string(table, "name", section: nil) ?? config.name
        config.defaultPrompt = try string(table, "default_prompt", section: nil)
        let defaultBackend = try string(table, "default_backend", section: nil)
        warnUnknown(
            table,
            known: [
                "name", "default_prompt", "default_backend", "backends", "retrieval", "ui", "prices", "evals", "limits",
                "loaders", "store", "optimize",
            ], section: nil)
        if let store = try subtable(table, "store", section: nil) {
            guard let url = try string(store, "url", section: "store") else {
                throw invalid(
                    "store", section: "store", key: "url", expected: "url = \"postgresql://user@host:5432/database\"",
                    found: "nothing")
            }
            do {
                _ = try PostgresAddress(parsing: url)
            } catch let error as StoreError {
                guard case .badURL(_, let expected) = error else { throw error }
                throw invalid("store", section: "store", key: "url", expected: expected, found: "\"\(url)\"")
            }
            var settings = StoreSettings(url: url)
            settings.passwordEnv = try string(store, "password_env", section: "store") ?? settings.passwordEnv
            settings.schema = try string(store, "schema", section: "store") ?? settings.schema
            warnUnknown(store, known: ["url", "password_env", "schema"], section: "store")
            config.store = settings
        }
        if let loaders = try subtable(table, "loaders", section: nil) {
            for type in loaders.keys.sorted() {
                guard let command = try string(loaders, type, section: "loaders"),
                    !command.trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    throw invalid(
                        "loaders", section: "loaders", key: type,
                        expected:
                            "a command that prints the file's text, with the file as $1 (\"pdftotext \\\"$1\\\" -\")",
                        found: "an empty string")
                }
                config.loaders.set(type, command: command)
            }
        }
        if let prices = try subtable(table, "prices", section: nil) {
            for model in prices.keys.sorted() {
                let section = "prices.\(model)"
                guard let entry = prices[model]?.table, let input = number(entry["input"]),
                    let output = number(entry["output"])
                else {
                    throw invalid(
                        section, section: "prices", key: model,
                        expected: "a table { input = DOLLARS, output = DOLLARS } per million tokens",
                        found: describe(prices[model]))
                }
                config.prices[model] = ModelPrice(inputPerMillion: input, outputPerMillion: output)
            }
        }

        if let backends = try subtable(table, "backends", section: nil) {
            config.backends = [:]
            for name in backends.keys.sorted() {
                guard let entry = backends[name]?.table else {
                    throw invalid(
                        "backends.\(name)", section: "backends", key: name,
                        expected: "a table [backends.\(name)]", found: describe(backends[name]))
                }
                config.backends[name] = try backend(name, entry)
            }
        }
        if let retrieval = try subtable(table, "retrieval", section: nil) {
            config.retrieval = try retrievalSettings(retrieval)
        }
        if let ui = try subtable(table, "ui", section: nil) {
            config.ui.theme = try string(ui, "theme", section: "ui") ?? config.ui.theme
            warnUnknown(ui, known: ["theme"], section: "ui")
        }
        if let evals = try subtable(table, "evals", section: nil) {
            config.evalGrader = try backendName(evals, "grader", section: "evals", in: config) ?? config.evalGrader
            warnUnknown(evals, known: ["grader"], section: "evals")
        }
        if let optimize = try subtable(table, "optimize", section: nil) {
            config.optimizeProposer =
                try backendName(optimize, "proposer", section: "optimize", in: config) ?? config.optimizeProposer
            warnUnknown(optimize, known: ["proposer"], section: "optimize")
        }
        if let limits = try subtable(table, "limits", section: nil) {
            config.limits.maxFileBytes =
                try positiveInt(limits, "max_file_bytes", section: "limits") ?? config.limits.maxFileBytes
            config.limits.maxLineBytes =
                try positiveInt(limits, "max_line_bytes", section: "limits") ?? config.limits.maxLineBytes
            warnUnknown(limits, known: ["max_file_bytes", "max_line_bytes"], section: "limits")
        }
        if let defaultBackend {
            guard config.backends[defaultBackend] != nil else {
                throw invalid(
                    "default_backend", section: nil, key: "default_backend",
                    expected: "the name of a [backends.NAME] table (\(config.backendNames.joined(separator: ", ")))",
                    found: "'\(defaultBackend)'")
            }
            config.defaultBackend = defaultBackend
        } else if config.backends[config.defaultBackend] == nil, let first = config.backendNames.first {
            config.defaultBackend = first
        }
        return config
    }

    private mutating func backend(_ name: String, _ table: TOMLTable) throws -> BackendConfig {
        let section = "backends.\(name)"
        guard let kindText = try string(table, "kind", section: section) else {
            throw invalid(
                section, section: section, key: nil,
                expected: "a 'kind' key (\(BackendKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                found: "none")
        }
        guard let kind = BackendKind(rawValue: kindText) else {
            throw invalid(
                section, section: section, key: "kind",
                expected: "kind to be one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))",
                found: "'\(kindText)'")
        }
        var config = BackendConfig(name: name, kind: kind, model: OfflineBackend.modelName)
        if kind == .offline {
            config.model = try string(table, "model", section: section) ?? config.model
            config.maxSentences = try positiveInt(table, "max_sentences", section: section) ?? config.maxSentences
            config.streamPieceSize =
                try positiveInt(table, "stream_piece_size", section: section) ?? config.streamPieceSize
            warnUnknown(table, known: ["kind", "model", "max_sentences", "stream_piece_size"], section: section)
            return config
        }
        guard let model = try string(table, "model", section: section) else {
            throw invalid(
                section, section: section, key: nil, expected: "a 'model' key naming the model to call", found: "none")
        }
        config.model = model
        var http = HTTPSettings()
        http.baseURL =
            try string(table, "base_url", section: section)
            ?? (kind == .openai ? "https://api.openai.com/v1" : "https://api.anthropic.com")
        http.apiKeyEnvironment = try string(table, "api_key_env", section: section)
        http.apiKeyFile = try string(table, "api_key_file", section: section)
        if table["api_key"] != nil {
            throw invalid(
                section, section: section, key: "api_key",
                expected:
                    "api_key_env = \"VARIABLE\" or api_key_file = \"/path/outside/the/workspace\" (keys never go in the workspace)",
                found: "a key written in whet.toml")
        }
        if let headers = try subtable(table, "headers", section: section) {
            for key in headers.keys {
                guard let value = headers[key]?.string else {
                    throw invalid(
                        section, section: section, key: "headers", expected: "string header values",
                        found: describe(headers[key]))
                }
                http.headers[key] = value
            }
        }
        http.connectTimeout = try positiveNumber(table, "connect_timeout", section: section) ?? http.connectTimeout
        http.firstByteTimeout =
            try positiveNumber(table, "first_byte_timeout", section: section) ?? http.firstByteTimeout
        http.idleTimeout = try positiveNumber(table, "idle_timeout", section: section) ?? http.idleTimeout
        http.requestTimeout = try positiveNumber(table, "request_timeout", section: section) ?? http.requestTimeout
        http.maxResponseBytes = try positiveInt(table, "max_response_bytes", section: section) ?? http.maxResponseBytes
        if let retries = table["max_retries"] {
            guard let value = retries.int, value >= 0 else {
                throw invalid(
                    section, section: section, key: "max_retries", expected: "a whole number ≥ 0",
                    found: describe(retries))
            }
            http.maxRetries = value
        }
        http.maxConcurrency = try positiveInt(table, "max_concurrency", section: section) ?? http.maxConcurrency
        if let stream = table["stream"] {
            guard let flag = stream.bool else {
                throw invalid(
                    section, section: section, key: "stream", expected: "true or false", found: describe(stream))
            }
            http.stream = flag
        }
        http.anthropicVersion = try string(table, "anthropic_version", section: section) ?? http.anthropicVersion
        http.defaultMaxTokens = try positiveInt(table, "max_tokens", section: section) ?? http.defaultMaxTokens
        config.http = http
        warnUnknown(
            table,
            known: [
                "kind", "model", "base_url", "api_key_env", "api_key_file", "headers", "connect_timeout",
                "first_byte_timeout", "idle_timeout", "request_timeout", "max_response_bytes", "max_retries",
                "max_concurrency", "stream",
                "anthropic_version", "max_tokens",
            ], section: section)
        return config
    }

    // MARK: Typed access with located errors

    func string(_ table: TOMLTable, _ key: String, section: String?) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            throw invalid(section ?? key, section: section, key: key, expected: "a string", found: describe(value))
        }
        return text
    }

    /// A string that must name a `[backends.NAME]` table of `config` (a grader, a proposer).
    func backendName(_ table: TOMLTable, _ key: String, section: String, in config: WorkspaceConfig) throws -> String? {
        guard let name = try string(table, key, section: section) else { return nil }
        guard config.backends[name] != nil else {
            throw invalid(
                section, section: section, key: key,
                expected: "the name of a [backends.NAME] table (\(config.backendNames.joined(separator: ", ")))",
                found: "'\(name)'")
        }
        return name
    }

    func positiveInt(_ table: TOMLTable, _ key: String, section: String?) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, number > 0 else {
            throw invalid(
                section ?? key, section: section, key: key, expected: "a whole number > 0", found: describe(value))
        }
        return number
    }

    func positiveNumber(_ table: TOMLTable, _ key: String, section: String?) throws -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = number(value), number > 0 else {
            throw invalid(
                section ?? key, section: section, key: key, expected: "a number of seconds > 0", found: describe(value))
        }
        return number
    }

    func number(_ value: TOMLValueConvertible?) -> Double? {
        value?.double ?? value?.int.map(Double.init)
    }

    func subtable(_ table: TOMLTable, _ key: String, section: String?) throws -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else {
            throw invalid(key, section: section, key: key, expected: "a table [\(key)]", found: describe(value))
        }
        return sub
    }

    mutating func warnUnknown(_ table: TOMLTable, known: Set<String>, section: String?) {
        for key in table.keys.sorted() where !known.contains(key) {
            let name = section.map { "\($0).\(key)" } ?? key
            warnings.append(Warning("unknown key '\(name)' ignored", at: locate(section: section, key: key)))
        }
    }

    func invalid(_ what: String, section: String?, key: String?, expected: String, found: String) -> WorkspaceError {
        .invalidConfig(locate(section: section, key: key), expected: expected, found: found)
    }

    func describe(_ value: TOMLValueConvertible?) -> String {
        guard let value else { return "nothing" }
        switch value.type {
        case .string: return "the string \"\(value.string ?? "")\""
        case .int: return "the integer \(value.int ?? 0)"
        case .double: return "the number \(value.double ?? 0)"
        case .bool: return "\(value.bool ?? false)"
        case .table: return "a table"
        case .array: return "an array"
        default: return "a \(value.type)"
        }
    }

    /// Finds the line of `key` inside `[section]` (or of the section header itself) by scanning the text,
    /// since the TOML library reports positions only for syntax errors.
    func locate(section: String?, key: String?) -> SourceLocation {
        var current: String? = nil
        var headerLine: Int? = nil
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                current = name.split(separator: "#").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? name
                if current == section { headerLine = index + 1 }
                continue
            }
            guard current == section, let key else { continue }
            if line.hasPrefix(key), line.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                let column = (raw.range(of: key).map { raw.distance(from: raw.startIndex, to: $0.lowerBound) } ?? 0) + 1
                return SourceLocation(file: displayPath, line: index + 1, column: column)
            }
        }
        return SourceLocation(file: displayPath, line: headerLine ?? 1, column: 1)
    }
}
