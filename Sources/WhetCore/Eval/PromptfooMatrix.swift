import Foundation
import Yams

/// A promptfoo config's own matrix (`whet eval --from-config`): its `prompts` as prompt files and its
/// `providers` as whet backends, so a suite runs against what it names rather than the workspace's defaults.
/// Providers whet speaks: `openai:MODEL` (`openai:chat:MODEL`), `anthropic:messages:MODEL`
/// (`anthropic:MODEL`), `ollama:chat:MODEL` (`ollama:MODEL`, on localhost:11434), and any of those as an
/// object `{id, label, config: {apiBaseUrl, apiKeyEnvar}}` (an OpenAI-compatible server at another address).
/// Anything else is one clear error naming the provider. A provider that names no server of its own goes where
/// promptfoo and the vendors' SDKs send it: `OPENAI_BASE_URL` (or `OPENAI_API_BASE_URL`), `ANTHROPIC_BASE_URL`,
/// `OLLAMA_BASE_URL` when set. With whet's own backends instead (`--from-config --backend NAME`, as promptfoo's
/// `--providers`), the providers are not read at all, so any config's prompts and cases run, offline too.
public struct PromptfooMatrix {
    /// The prompt variants, parsed.
    public var prompts: [PromptFile]
    /// The backends, with whet's defaults for everything the provider does not say.
    public var backends: [BackendConfig]

    /// Builds the matrix of `config` (read from `displayPath`, relative paths resolved against it); with
    /// `providers` false only its prompts (the caller runs them on whet's backends). `environment` supplies the
    /// base URLs of providers that name none.
    public init(
        _ config: PromptfooConfig, limits: InputLimits = .standard, providers: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        guard !config.prompts.isEmpty else {
            throw EvalError.noCases("\(config.displayPath) names no 'prompts' for --from-config")
        }
        guard !providers || !config.providers.isEmpty else {
            throw EvalError.noCases(
                "\(config.displayPath) names no 'providers' for --from-config (or give --backend NAME to use whet's)")
        }
        prompts = try config.prompts.enumerated().map {
            try PromptfooMatrix.prompt($0.element, index: $0.offset, config: config, limits: limits)
        }
        backends =
            providers
            ? try config.providers.map { try PromptfooMatrix.backend($0, config: config, environment: environment) }
            : []
    }

    static func prompt(_ value: JSONValue, index: Int, config: PromptfooConfig, limits: InputLimits) throws
        -> PromptFile
    {
        var reference = value.stringValue
        var label = value["label"]?.stringValue
        if reference == nil { reference = value["id"]?.stringValue ?? value["raw"]?.stringValue }
        guard let reference else {
            throw EvalError.invalidField(
                SourceLocation(file: config.displayPath), field: "prompts", expected: "a string or {id|raw, label}",
                found: value.description)
        }
        guard reference.hasPrefix("file://") else {
            // An inline prompt: the text is the user message.
            return try PromptFile(
                parsing: "---\nname: \(label ?? "prompt \(index + 1)")\n---\nuser:\n\(reference)\n",
                path: "\(config.displayPath) prompt \(index + 1)", defaultName: "prompt\(index + 1)")
        }
        let (url, display) = config.resolve(reference)
        let kind = url.pathExtension.lowercased().split(separator: ":").first.map(String.init) ?? ""
        if ["py", "js", "ts", "mjs", "cjs"].contains(kind) {
            // A prompt function's source is no prompt: sending it as one would be a silent wrong answer.
            throw EvalError.invalidField(
                SourceLocation(file: config.displayPath), field: "prompts",
                expected: "a prompt whet can render (text, Prompty, a JSON/YAML chat); prompt functions are not run",
                found: "'\(display)'")
        }
        guard let data = try BoundedFile.contents(of: url, displayPath: display, limit: limits.maxFileBytes),
            let text = String(data: data, encoding: .utf8)
        else {
            throw EvalError.invalidField(
                SourceLocation(file: config.displayPath), field: "prompts", expected: "a readable prompt file",
                found: "'\(display)'")
        }
        let base = url.deletingPathExtension().lastPathComponent
        label = label ?? base
        switch url.pathExtension.lowercased() {
        case "prompty":
            return try PromptFile(
                parsing: text, path: display, defaultName: base, baseDirectory: url.deletingLastPathComponent())
        case "json", "yaml", "yml":
            // A chat: a list of {role, content}.
            let parsed =
                url.pathExtension.lowercased() == "json"
                ? try? JSONParser.parse(text)
                : (try? Yams.compose(yaml: text)).flatMap { $0.map(PromptFile.json) }
            guard let messages = parsed?.arrayValue, !messages.isEmpty else {
                throw EvalError.invalidField(
                    SourceLocation(file: display), field: "prompts", expected: "a list of {role, content} messages",
                    found: "something else")
            }
            var body = "---\nname: \(label ?? base)\n---\n"
            for message in messages {
                guard let role = message["role"]?.stringValue, let content = message["content"]?.stringValue,
                    ["system", "user", "assistant"].contains(role)
                else {
                    throw EvalError.invalidField(
                        SourceLocation(file: display), field: "prompts",
                        expected: "{role: system|user|assistant, content}",
                        found: message.description)
                }
                body += "\(role):\n\(content)\n\n"
            }
            return try PromptFile(parsing: body, path: display, defaultName: base)
        default:
            return try PromptFile(
                parsing: "---\nname: \(label ?? base)\n---\nuser:\n\(text)\n", path: display, defaultName: base)
        }
    }

    static func backend(_ value: JSONValue, config: PromptfooConfig, environment: [String: String] = [:]) throws
        -> BackendConfig
    {
        let id = value.stringValue ?? value["id"]?.stringValue ?? ""
        let options = value["config"]?.objectValue ?? [:]
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var kind = "openai"
        var model = ""
        var baseURL: String? = nil
        func fromEnvironment(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        switch parts.first {
        case "openai" where parts.count >= 2:
            baseURL = fromEnvironment("OPENAI_BASE_URL", "OPENAI_API_BASE_URL")
            model =
                parts.count >= 3 && ["chat", "responses"].contains(parts[1])
                ? parts[2...].joined(separator: ":") : parts[1...].joined(separator: ":")
        case "anthropic" where parts.count >= 2:
            kind = "anthropic"
            baseURL = fromEnvironment("ANTHROPIC_BASE_URL")
            model =
                parts.count >= 3 && parts[1] == "messages"
                ? parts[2...].joined(separator: ":") : parts[1...].joined(separator: ":")
        case "ollama" where parts.count >= 2:
            model =
                parts.count >= 3 && ["chat", "completion"].contains(parts[1])
                ? parts[2...].joined(separator: ":") : parts[1...].joined(separator: ":")
            baseURL =
                fromEnvironment("OLLAMA_BASE_URL").map { $0.hasSuffix("/v1") ? $0 : $0 + "/v1" }
                ?? "http://localhost:11434/v1"
        default:
            throw EvalError.invalidField(
                SourceLocation(file: config.displayPath), field: "providers",
                expected:
                    "a provider whet speaks: openai:MODEL, anthropic:messages:MODEL, ollama:chat:MODEL, or {id, config: {apiBaseUrl}} with one of those",
                found: "'\(id)'")
        }
        if let url = options["apiBaseUrl"]?.stringValue ?? options["apiHost"]?.stringValue { baseURL = url }
        let name = (value["label"]?.stringValue ?? id).map {
            $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-"
        }
        var toml =
            "[backends.\"\(String(name))\"]\nkind = \"\(kind)\"\nmodel = \"\(model.replacingOccurrences(of: "\"", with: ""))\"\n"
        if let baseURL { toml += "base_url = \"\(baseURL.replacingOccurrences(of: "\"", with: ""))\"\n" }
        if let variable = options["apiKeyEnvar"]?.stringValue {
            toml += "api_key_env = \"\(variable.replacingOccurrences(of: "\"", with: ""))\"\n"
        }
        var loader = ConfigLoader(source: toml, displayPath: "\(config.displayPath) providers")
        guard let backend = try loader.load().backends[String(name)] else {
            throw EvalError.invalidField(
                SourceLocation(file: config.displayPath), field: "providers", expected: "a provider", found: "'\(id)'")
        }
        return backend
    }
}
