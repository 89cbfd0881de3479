import Foundation
import XCTest

@testable import WhetCore

/// What Prompty's Python runtime makes of a prompt body: rendered by Jinja2 3.1 (files for `{% include %}` and
/// `{% extends %}` read next to the prompt, a `.prompty` file as its body, as the runtime registers a base prompt),
/// then split on its role-line pattern (`system:`, `# user:`, `assistant[name="x"]:`). Run in a python3
/// subprocess, so whet's output is compared with the reference engine's, not with text written by hand.
enum Jinja2Reference {
    /// One message as the reference parser yields it.
    struct Message: Equatable, CustomStringConvertible {
        var role: String
        var content: String
        var name: String?
        var description: String { "\(role)\(name.map { "[\($0)]" } ?? ""): \(content.debugDescription)" }
    }

    static let script = #"""
        import json, os, re, sys
        from jinja2 import BaseLoader, Environment, TemplateNotFound

        class Loader(BaseLoader):
            def __init__(self, folder):
                self.folder = folder
            def get_source(self, environment, name):
                path = os.path.join(self.folder, name)
                if not os.path.exists(path):
                    raise TemplateNotFound(name)
                text = open(path, encoding="utf-8").read()
                if name.endswith(".prompty"):
                    lines = text.split("\n")
                    if lines and lines[0].strip() == "---":
                        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
                        text = "\n".join(lines[close + 1:]).strip("\n")
                return text, path, lambda: True

        request = json.load(sys.stdin)
        rendered = Environment(loader=Loader(request["folder"])).from_string(request["body"]).render(**request["vars"])
        boundary = r'(?i)^\s*#?\s*(assistant|function|system|user)(\[((\w+)*\s*=\s*\"?([^\"]*)\"?\s*(,?)\s*)+\])?\s*:\s*$'
        messages, buffer, current = [], [], {"role": "system"}
        def flush():
            if buffer and (messages or "\n".join(buffer).strip()):
                messages.append(dict(current, content="\n".join(buffer).strip()))
        for line in rendered.splitlines():
            match = re.match(boundary, line)
            if match:
                flush()
                buffer = []
                current = {"role": match.group(1).lower()}
                if match.group(2):
                    for key, value in re.findall(r'(\w+)\s*=\s*"?([^",\]]*)"?', match.group(2)):
                        current[key] = value
            else:
                buffer.append(line)
        flush()
        print(json.dumps(messages))
        """#

    /// The messages the reference makes of `body` with `vars`, reading other templates from `folder`; skips the
    /// test when python3 with Jinja2 is not installed (scripts/install-deps.sh installs it).
    static func messages(body: String, vars: [String: JSONValue], folder: URL) throws -> [Message] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let request = JSONValue.object([
            "body": .string(body), "vars": .object(vars), "folder": .string(folder.path),
        ])
        input.fileHandleForWriting.write(Data(request.description.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The comparison is the test: without the reference engine it fails (scripts/install-deps.sh installs
        // Jinja2), rather than passing on whet's word alone.
        if problem.contains("No module named 'jinja2'") {
            throw ReferenceUnavailable(reason: "Jinja2 is not installed (scripts/install-deps.sh installs it)")
        }
        guard process.terminationStatus == 0,
            let parsed = try JSONParser.parse(String(decoding: data, as: UTF8.self)).arrayValue
        else {
            throw ReferenceUnavailable(reason: "python3 with Jinja2 did not run: \(problem)")
        }
        return parsed.map {
            Message(
                role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "",
                name: $0["name"]?.stringValue)
        }
    }

    /// The reference's messages for the prompt file `file` (its body, its resolved sample values).
    static func messages(of file: PromptFile, values: [String: String], folder: URL) throws -> [Message] {
        var vars: [String: JSONValue] = [:]
        for (name, text) in values {
            let first = text.first { !$0.isWhitespace }
            let json = first == "{" || first == "[" ? try? JSONParser.parse(text) : nil
            vars[name] = json ?? .string(text)
        }
        let body = TemplateFileLoader.promptyBody(file.source)
        return try messages(body: body, vars: vars, folder: folder)
    }

    /// whet's messages in the same shape, content trimmed as the reference trims it.
    static func whet(_ messages: [ChatMessage]) -> [Message] {
        messages.map {
            Message(
                role: $0.role.rawValue, content: $0.content.trimmingCharacters(in: .whitespacesAndNewlines),
                name: $0.name)
        }
    }
}

/// The reference renderer could not run: the comparison test fails with the reason.
struct ReferenceUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
