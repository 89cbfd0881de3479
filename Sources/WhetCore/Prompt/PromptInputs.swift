import Foundation
import Yams

/// Reads a Prompty file's inputs, in every form the format has had: v1's `inputs:` (a map of name → sample, or
/// name → {type, description, sample, default}) with `sample:` values (inline, or a JSON/YAML file named by
/// `${file:PATH}` or by its plain path, relative to the prompt), the current specification's `inputs:` list of
/// {name, kind, default, example, required, description}, and the v2 draft's `inputSchema:` (`properties` as such
/// a list or a map). `${env:NAME}` and `${file:PATH}` in a value are resolved as Prompty resolves them.
struct PromptInputs {
    var inputs: [PromptFile.Input] = []
    var warnings: [Warning] = []

    init(_ mapping: Node.Mapping?, path: String, directory: URL?) throws {
        let references = FrontMatterReferences(path: path, directory: directory)
        let samples = try PromptInputs.samples(mapping?["sample"], references: references)
        var declared: [(String, Node)] = []
        var inputsNode = mapping?["inputs"]
        if let node = inputsNode, node.scalar != nil {
            // `inputs: ${file:context.json}`: the inputs and their values in a file next to the prompt.
            inputsNode = try PromptInputs.samples(node, references: references, key: "inputs").map { Node.mapping($0) }
        }
        if let list = inputsNode?.sequence {
            for item in list {
                guard let name = item.mapping?["name"]?.string else { continue }
                declared.append((name, item))
            }
        } else {
            for (key, value) in inputsNode?.mapping ?? Node.Mapping([]) {
                if let name = key.string { declared.append((name, value)) }
            }
        }
        for (name, value) in declared {
            let detail = value.mapping
            let sample =
                detail?["sample"] ?? detail?["default"] ?? detail?["example"] ?? samples?[name]
                ?? (detail == nil ? value : nil)
            inputs.append(
                PromptFile.Input(
                    name: name, sample: try sample.map { try references.resolve(PromptFile.sampleText($0), at: $0) },
                    description: detail?["description"]?.string,
                    type: (detail?["type"] ?? detail?["kind"])?.string?.lowercased()))
        }
        if let schema = mapping?["inputSchema"]?.mapping {
            try readSchema(schema, references: references)
        }
        for (key, value) in samples ?? Node.Mapping([]) {
            if let name = key.string, !inputs.contains(where: { $0.name == name }) {
                inputs.append(
                    PromptFile.Input(
                        name: name, sample: try references.resolve(PromptFile.sampleText(value), at: value),
                        description: nil))
            }
        }
    }

    /// The inputs of the prompt `name` (Prompty's `base:`), read from its front matter next to this prompt.
    static func ofBase(_ name: String, in directory: URL, path: String, at node: Node?) throws -> [PromptFile.Input] {
        let url = directory.appendingPathComponent(name)
        let location = SourceLocation(file: path, line: (node?.mark?.line ?? 0) + 2, column: 1)
        guard let whole = try? String(contentsOf: url, encoding: .utf8) else {
            throw PromptError.malformedFrontMatter(location, "base: cannot read '\(name)' next to the prompt")
        }
        let lines = whole.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let close = lines.indices.dropFirst().first(where: {
                lines[$0].trimmingCharacters(in: .whitespaces) == "---"
            })
        else { return [] }
        let front = try? Yams.compose(yaml: lines[1..<close].joined(separator: "\n"))
        return try PromptInputs(front?.mapping, path: name, directory: url.deletingLastPathComponent()).inputs
    }

    /// `sample:` as a map of name → value, or a string naming a JSON or YAML file that holds one
    /// (`${file:chat.json}`, or `chat.json` as older runtimes read it), relative to the prompt.
    static func samples(_ node: Node?, references: FrontMatterReferences, key: String = "sample") throws
        -> Node.Mapping?
    {
        guard let node else { return nil }
        if let map = node.mapping { return map }
        guard let text = node.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let location = SourceLocation(file: references.path, line: (node.mark?.line ?? 0) + 2, column: 1)
        let reference = text.hasPrefix("${file:") && text.hasSuffix("}") ? text : "${file:\(text)}"
        let contents: String
        do {
            contents = try references.resolve(reference, at: node)
        } catch {
            throw PromptError.malformedFrontMatter(
                location, "\(key): expected a map of input values or a JSON/YAML file of them, cannot read '\(text)'")
        }
        guard let parsed = try? Yams.compose(yaml: contents), let map = parsed.mapping else {
            throw PromptError.malformedFrontMatter(
                location, "\(key): expected '\(text)' to hold a JSON or YAML object of input values")
        }
        return map
    }

    /// v2: `inputSchema: {properties: [...]}` (or a map of name → property).
    private mutating func readSchema(_ schema: Node.Mapping, references: FrontMatterReferences) throws {
        var properties: [(String, Node.Mapping?)] = []
        if let list = schema["properties"]?.sequence {
            for item in list {
                guard let name = item.mapping?["name"]?.string else { continue }
                properties.append((name, item.mapping))
            }
        } else if let map = schema["properties"]?.mapping {
            for (key, value) in map { if let name = key.string { properties.append((name, value.mapping)) } }
        }
        for (name, detail) in properties where !inputs.contains(where: { $0.name == name }) {
            let sample = detail?["default"] ?? detail?["example"] ?? detail?["sample"]
            inputs.append(
                PromptFile.Input(
                    name: name, sample: try sample.map { try references.resolve(PromptFile.sampleText($0), at: $0) },
                    description: detail?["description"]?.string,
                    type: (detail?["kind"] ?? detail?["type"])?.string?.lowercased()))
        }
    }
}

/// `${env:NAME}` (an environment variable; `${env:NAME:default}` with a fallback) and `${file:PATH}` (a file
/// next to the prompt, its text) inside front-matter values.
struct FrontMatterReferences {
    let path: String
    let directory: URL?

    /// `text` with every reference replaced; an unset variable without a default, or a file that cannot be
    /// read, is an error at the value's line.
    func resolve(_ text: String, at node: Node?) throws -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let reference = String(rest[open.upperBound..<close])
            result += try value(of: reference, at: node)
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private func value(of reference: String, at node: Node?) throws -> String {
        let location = SourceLocation(file: path, line: (node?.mark?.line ?? 0) + 2, column: 1)
        let parts = reference.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "env":
            let name = parts.count > 1 ? parts[1] : ""
            if let value = ProcessInfo.processInfo.environment[name] { return value }
            if parts.count > 2 { return parts[2] }
            throw PromptError.malformedFrontMatter(
                location, "${env:\(name)}: the environment variable \(name) is not set (write ${env:\(name):DEFAULT})")
        case "file":
            let file = parts.dropFirst().joined(separator: ":")
            let url =
                file.hasPrefix("/")
                ? URL(fileURLWithPath: file)
                : (directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(
                    file)
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw PromptError.malformedFrontMatter(location, "${file:\(file)}: cannot read '\(file)'")
            }
            return text.hasSuffix("\n") ? String(text.dropLast()) : text
        default:
            return "${\(reference)}"
        }
    }
}
