import Crypto
import Foundation
import Yams

/// A Prompty-style prompt file: YAML front matter (name, description, model parameters, inputs with sample
/// values) between `---` lines, then `system:` / `user:` / `assistant:` sections whose text may hold
/// `{{variable}}` placeholders. Parsed completely on load, so every mistake is reported with its line before
/// a run spends anything.
public struct PromptFile: Sendable {
    /// One declared input: its sample value fills the variable when the user gives none.
    public struct Input: Sendable, Equatable {
        /// The variable's name.
        public var name: String
        /// The value used when no `--var` is given.
        public var sample: String?
        /// What the input is for, shown in the variables form.
        public var description: String?
        /// The declared type (`string`, `number`, `integer`, `boolean`, `object`, `array`), if any: values of
        /// the structured types are read as JSON, numbers and booleans as such.
        public var type: String? = nil
    }

    /// One role section of the body.
    public struct Section: Sendable, Equatable {
        /// Whose message this section becomes.
        public var role: ChatMessage.Role
        /// The section's text, parsed.
        public var template: PromptTemplate
        /// The file line where the section's text starts.
        public var firstLine: Int
        /// A thread input (`kind: thread`) standing alone on a line here: its messages take this place.
        public var thread: String? = nil
        /// `name` from the role line's attributes (`system[name="seth"]:`), sent with the message.
        public var name: String? = nil
        /// Text after a thread in the same section: left out when it renders empty.
        var continuation = false
        /// The section may print role lines (in a loop, from a variable or an included file): its rendered text is
        /// split on them.
        var splitsRendered = false
    }

    /// The front-matter keys Prompty defines; anything else is warned about.
    static let knownKeys: Set<String> = [
        "name", "description", "version", "authors", "tags", "model", "inputs",
        "outputs", "sample", "template", "metadata", "inputSchema", "id", "outputSchema", "tools", "base", "kind",
    ]

    /// The path shown in messages (relative to the workspace).
    public let path: String
    /// `name:` from the front matter, or the file's base name.
    public let name: String
    /// `description:` from the front matter.
    public let description: String?
    /// `model.parameters` (temperature, max_tokens …), passed through to the backend.
    public let parameters: [String: JSONValue]
    /// `model.configuration.model` or a plain `model: NAME`, when the prompt asks for one.
    public let model: String?
    /// Declared inputs with their samples.
    public let inputs: [Input]
    /// The shape the answer must have, when the prompt declares one (`outputSchema:`).
    public let outputSchema: OutputSchema?
    /// Functions the model may call (`tools:`).
    public let tools: [ToolDefinition]
    /// The role sections in order.
    public let sections: [Section]
    /// SHA-256 of the file's bytes, hex: which version of the prompt a run used.
    public let contentHash: String
    /// The raw text, so editors can show exactly what is on disk.
    public let source: String
    /// Problems that did not stop loading (unknown keys).
    public let warnings: [Warning]

    /// Every variable the sections use, in order of first use.
    public var variables: [String] {
        var seen = Set<String>()
        return sections.flatMap { $0.template.variables }.filter { seen.insert($0).inserted }
    }

    /// Reads and parses the prompt at `url`, naming it `displayPath` in messages.
    public static func load(_ url: URL, displayPath: String, limits: InputLimits = .standard) throws -> PromptFile {
        guard let data = try BoundedFile.contents(of: url, displayPath: displayPath, limit: limits.maxFileBytes),
            let text = String(data: data, encoding: .utf8)
        else {
            throw PromptError.unreadable(SourceLocation(file: displayPath))
        }
        return try PromptFile(
            parsing: text, path: displayPath,
            defaultName: url.deletingPathExtension().lastPathComponent, baseDirectory: url.deletingLastPathComponent())
    }

    /// Parses prompt text; `defaultName` is used when the front matter has no `name:`. `baseDirectory` is
    /// where `${file:…}` references are read from (the prompt's folder).
    public init(parsing text: String, path: String, defaultName: String, baseDirectory: URL? = nil) throws {
        self.path = path
        self.source = text
        self.contentHash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var bodyStart = 0
        var front: Node? = nil
        // Blank lines may stand above the opening `---`, as Prompty's loader allows.
        let open = lines.firstIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? 0
        if lines[open].trimmingCharacters(in: .whitespaces) == "---" {
            guard
                let close = lines.indices.dropFirst(open + 1).first(where: {
                    lines[$0].trimmingCharacters(in: .whitespaces) == "---"
                })
            else {
                throw PromptError.unclosedFrontMatter(SourceLocation(file: path, line: open + 1, column: 1))
            }
            let yaml = lines[(open + 1)..<close].joined(separator: "\n")
            do {
                front = try Yams.compose(yaml: yaml)
            } catch let error as YamlError {
                throw PromptFile.located(error, path: path, lineOffset: open + 1)
            }
            bodyStart = close + 1
        }
        var warnings: [Warning] = []
        let mapping = front?.mapping
        if front != nil, mapping == nil, front?.scalar?.string.isEmpty == false {
            throw PromptError.malformedFrontMatter(
                SourceLocation(file: path, line: 2, column: 1),
                "expected a mapping of keys (name:, inputs: …)")
        }
        for (key, _) in mapping ?? Node.Mapping([]) {
            let keyName = key.string ?? ""
            if !PromptFile.knownKeys.contains(keyName) {
                let line = (key.mark?.line ?? 0) + 1
                warnings.append(
                    Warning(
                        "unknown front-matter key '\(keyName)' ignored",
                        at: SourceLocation(file: path, line: line, column: key.mark?.column ?? 1)))
            }
        }
        self.name = mapping?["name"]?.string ?? defaultName
        self.description = mapping?["description"]?.string
        let model = mapping?["model"]
        self.model =
            model?.string ?? model?.mapping?["id"]?.string
            ?? model?.mapping?["configuration"]?.mapping?["model"]?.string ?? model?.mapping?["name"]?.string
        // v1 `parameters`, v2 `options`: both are the request's settings.
        let parameters = (model?.mapping?["parameters"] ?? model?.mapping?["options"]).map(PromptFile.json)
        self.parameters = parameters?.objectValue ?? [:]
        let directory = path.isEmpty ? nil : URL(fileURLWithPath: path).deletingLastPathComponent()
        let read = try PromptInputs(mapping, path: path, directory: baseDirectory ?? directory)
        var inputs = read.inputs
        warnings += read.warnings
        // Prompty's `base:` names the prompt this one extends: its inputs (and samples) count here too.
        if let base = mapping?["base"]?.string {
            let folder = baseDirectory ?? directory ?? URL(fileURLWithPath: ".")
            let inherited = try PromptInputs.ofBase(base, in: folder, path: path, at: mapping?["base"])
            inputs += inherited.filter { input in !inputs.contains { $0.name == input.name } }
        }
        self.inputs = inputs
        self.outputSchema = OutputSchema.read(mapping?["outputSchema"], promptName: name)
        let declared = ToolDefinition.read(mapping?["tools"] ?? mapping?["model"]?.mapping?["tools"], path: path)
        self.tools = declared.tools
        warnings += declared.warnings
        warnings += PromptFile.unsupported(mapping, path: path)
        let threads = Set(inputs.filter { $0.kind == .thread }.map(\.name))
        self.sections = try PromptFile.sections(
            lines: lines, from: bodyStart, path: path, threads: threads, engine: PromptFile.engine(mapping),
            directory: baseDirectory ?? directory)
        self.warnings = warnings
    }

    /// Splits the body on role lines (`system:`, `# user:`, `assistant[name="x"]:`; see `RoleLine`) outside any
    /// `{% for %}`, `{% if %}` or other block; a body with no role line is one user message. A role line inside a
    /// block, or one a template prints (`{{ item.role }}:`), splits the rendered text instead, as Prompty renders
    /// the whole body before reading its role lines.
    static func sections(
        lines: [String], from start: Int, path: String, threads: Set<String> = [],
        engine: PromptTemplate.Engine = .jinja, directory: URL? = nil
    ) throws -> [Section] {
        typealias Draft = (
            role: ChatMessage.Role, first: Int, lines: [String], thread: String?, continuation: Bool,
            name: String?
        )
        var result: [Draft] = []
        var preamble: [String] = []
        var depth = 0
        for index in start..<lines.count {
            let line = lines[index]
            if depth == 0, let roleLine = RoleLine(line) {
                result.append((roleLine.role, index + 2, [], nil, false, roleLine.attributes["name"]))
            } else if depth == 0, let thread = threadName(line, among: threads) {
                // A conversation in place: the section so far, the thread's messages, then the rest of the section.
                let role = result.last?.role ?? .user
                result.append((role, index + 1, [], thread, false, nil))
                result.append((role, index + 2, [], nil, true, result.last?.name))
            } else if result.isEmpty {
                preamble.append(line)
            } else {
                result[result.count - 1].lines.append(line)
            }
            if engine == .jinja { depth = max(0, depth + TemplateBlocks.depthChange(line)) }
        }
        if result.isEmpty {
            result = [(.user, start + 1, preamble, nil, false, nil)]
        } else if let offset = preamble.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            // Text above the first role line would silently vanish from every run: say so instead.
            throw PromptError.textBeforeFirstRole(SourceLocation(file: path, line: start + offset + 1, column: 1))
        }
        return try result.map { section in
            let text =
                section.thread.map { "{{ \($0) }}" }
                ?? section.lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            let leading = section.lines.prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            return Section(
                role: section.role,
                template: try PromptTemplate(
                    parsing: text, file: path, firstLine: section.first + leading, engine: engine,
                    directory: directory),
                firstLine: section.first + leading, thread: section.thread, name: section.name,
                continuation: section.continuation,
                splitsRendered: section.thread == nil && TemplateBlocks.mayPrintRoleLines(section.lines))
        }
    }

    /// One warning per Prompty feature whet reads but does not act on yet, naming it, so nothing is dropped
    /// silently.
    static func unsupported(_ mapping: Node.Mapping?, path: String) -> [Warning] {
        func warn(_ node: Node?, _ message: String) -> Warning {
            Warning(message, at: SourceLocation(file: path, line: (node?.mark?.line ?? 0) + 2, column: 1))
        }
        var warnings: [Warning] = []
        if let schema = mapping?["outputSchema"], OutputSchema.read(schema, promptName: "x") == nil {
            warnings.append(warn(schema, "outputSchema has no properties and no type: the answer is not checked"))
        }
        let template = mapping?["template"]
        if let format = templateFormat(mapping), !["jinja2", "jinja", "prompty", "mustache"].contains(format) {
            warnings.append(warn(template, "template format '\(format)' is not supported; rendered as Jinja"))
        }
        if let connection = mapping?["model"]?.mapping?["connection"] {
            warnings.append(warn(connection, "model.connection is not used: whet.toml's backend sends the request"))
        }
        return warnings
    }

    /// `template:` (v1), `template.format` / `template.kind` (the v2 draft) or `template.format.kind` (the
    /// current specification), lowercased.
    static func templateFormat(_ mapping: Node.Mapping?) -> String? {
        let template = mapping?["template"]
        let format = template?.mapping?["format"]
        let name =
            template?.string ?? format?.string ?? format?.mapping?["kind"]?.string
            ?? template?.mapping?["kind"]?.string
        return name?.lowercased()
    }

    /// The engine the front matter asks for: mustache when it says so, Jinja otherwise (Prompty's default).
    static func engine(_ mapping: Node.Mapping?) -> PromptTemplate.Engine {
        templateFormat(mapping) == "mustache" ? .mustache : .jinja
    }

    /// The thread input named by a line that holds only `{{ NAME }}`, if NAME is one.
    static func threadName(_ line: String, among threads: Set<String>) -> String? {
        guard !threads.isEmpty else { return nil }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}") else { return nil }
        let name = trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
        return threads.contains(name) ? name : nil
    }

    /// Renders every section into chat messages; a variable without a value is an error naming it.
    /// `structured` holds values that are lists or objects already (the retrieved chunks); inputs declared as
    /// `object`, `array`, `number`, `integer` or `boolean` are read from their text as such when they can be
    /// (otherwise as they are: `inputWarnings` names them), and a thread input with no value is an empty
    /// conversation, as Prompty's runtime has it.
    public func render(_ values: [String: String], structured: [String: JSONValue] = [:]) throws -> [ChatMessage] {
        var text = values
        var typed = structured
        for input in inputs {
            guard input.kind != .string, let value = values[input.name] else { continue }
            typed[input.name] = PromptFile.typedValue(value, kind: input.kind).value
            text.removeValue(forKey: input.name)
        }
        var messages: [ChatMessage] = []
        for section in sections {
            if let thread = section.thread {
                let value = typed[thread] ?? values[thread].map { PromptFile.typedValue($0, kind: .thread).value }
                messages += try PromptFile.threadMessages(value ?? .array([]), input: thread, path: path)
                continue
            }
            let content = try section.template.render(text, structured: typed, file: path)
            if section.continuation, content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            if section.splitsRendered {
                messages += TemplateBlocks.split(content, role: section.role, name: section.name)
            } else {
                messages.append(ChatMessage(role: section.role, content: content, name: section.name))
            }
        }
        return messages
    }

    /// One warning per value that does not fit its input's declared kind (a list for `type: object`, text for
    /// `number`): rendered as it is, as Prompty's runtime renders it, but said.
    public func inputWarnings(_ values: [String: String]) -> [Warning] {
        inputs.compactMap { input in
            guard let type = input.type, input.kind != .string, let value = values[input.name],
                let problem = PromptFile.typedValue(value, kind: input.kind).problem
            else { return nil }
            return Warning(
                "input '\(input.name)' is declared \(type) but its value is \(problem); used as it is",
                at: SourceLocation(file: path))
        }
    }

    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if node.null != nil && scalar.style == .plain { return .null }
            if scalar.style == .plain {
                if let value = node.bool { return .bool(value) }
                if let value = node.int { return .number(Double(value)) }
                if let value = node.float { return .number(value) }
            }
            return .string(scalar.string)
        case .sequence(let sequence): return .array(sequence.map(json))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = json(value) }
            return .object(object)
        case .alias: return .null
        }
    }

    static func located(_ error: YamlError, path: String, lineOffset: Int) -> PromptError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .malformedFrontMatter(
                SourceLocation(file: path, line: mark.line + lineOffset, column: mark.column), problem)
        default:
            return .malformedFrontMatter(SourceLocation(file: path, line: 2, column: 1), "\(error)")
        }
    }
}

/// Parses `NAME=VALUE` arguments into a dictionary, so `--var` behaves the same in every command.
/// `NAME=@PATH` takes the value from a file (JSON for a structured input, or any text); `@@` starts a value
/// with a literal `@`.
public func parseAssignments(_ items: [String], relativeTo directory: URL? = nil) throws -> [String: String] {
    var values: [String: String] = [:]
    for item in items {
        guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
            throw PromptError.malformedAssignment(item)
        }
        let name = String(item[..<equals])
        var value = String(item[item.index(after: equals)...])
        if value.hasPrefix("@@") {
            value.removeFirst()
        } else if value.hasPrefix("@") {
            let path = String(value.dropFirst())
            let base = directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw PromptError.unreadableValueFile(name, path: path)
            }
            value = text.hasSuffix("\n") ? String(text.dropLast()) : text
        }
        values[name] = value
    }
    return values
}
