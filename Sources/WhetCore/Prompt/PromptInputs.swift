import Foundation
import Yams

/// Reads a Prompty file's inputs, in either version of the format: v1's `inputs:` (a map of name → sample, or
/// name → {type, description, sample, default}) with `sample:` values, and v2's `inputSchema:` (`properties`
/// as a list of {name, kind, description, default, example, required} or a map). `${env:NAME}` and
/// `${file:PATH}` in a value are resolved as Prompty resolves them.
struct PromptInputs {
    var inputs: [PromptFile.Input] = []
    var warnings: [Warning] = []

    init(_ mapping: Node.Mapping?, path: String, directory: URL?) throws {
        let references = FrontMatterReferences(path: path, directory: directory)
        let samples = mapping?["sample"]?.mapping
        for (key, value) in mapping?["inputs"]?.mapping ?? Node.Mapping([]) {
            guard let name = key.string else { continue }
            let detail = value.mapping
            let sample = detail?["sample"] ?? detail?["default"] ?? samples?[name] ?? (detail == nil ? value : nil)
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
