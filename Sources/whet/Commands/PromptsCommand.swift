import ArgumentParser
import Foundation
import WhetCore

/// `whet prompts`: the workspace's prompts, checked, with their variables.
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "List and check the prompts in prompts/: name, variables, version hash.",
        discussion: """
            With --versions NAME: the versions of that prompt that were run or evaluated, with their eval pass \
            rates; add --diff OLD NEW (hash prefixes) for a line diff of two of them.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "List the versions of prompt NAME that were run or evaluated.")
    var versions: String?

    @Option(parsing: .upToNextOption, help: "With --versions: diff two versions, given as hash prefixes (OLD NEW).")
    var diff: [String] = []

    func validate() throws {
        if !diff.isEmpty && diff.count != 2 {
            throw ValidationError("--diff expects two version hashes (OLD NEW), found \(diff.count)")
        }
        if !diff.isEmpty && versions == nil { throw ValidationError("--diff needs --versions NAME") }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            if let versions {
                try listVersions(of: versions, in: workspace)
                return
            }
            let names = workspace.promptNames()
            guard !names.isEmpty else {
                Terminal.write("no prompts in prompts/; add a NAME.prompty file\n")
                return
            }
            var failed = false
            for name in names {
                let url = workspace.promptsDirectory.appendingPathComponent("\(name).prompty")
                do {
                    let prompt = try PromptFile.load(
                        url, displayPath: workspace.display(url), limits: workspace.config.limits)
                    for warning in prompt.warnings { Terminal.warn(warning.description) }
                    let marker = name == workspace.config.defaultPrompt ? "*" : " "
                    Terminal.write(
                        "\(marker) \(name)  \(prompt.contentHash.prefix(12))  vars: \(prompt.variables.joined(separator: ", "))\n"
                    )
                    if let description = prompt.description { Terminal.write("    \(description)\n") }
                } catch {
                    Terminal.warn("\(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    /// `--versions NAME [--diff OLD NEW]`.
    func listVersions(of name: String, in workspace: Workspace) throws {
        let url = try workspace.promptURL(named: name)
        let path = workspace.display(url)
        let store = PromptVersions(workspace: workspace)
        let versions = store.list(promptPath: path)
        if diff.count == 2 {
            func find(_ prefix: String) throws -> PromptVersions.Version {
                let matches = versions.filter { $0.hash.hasPrefix(prefix.lowercased()) }
                guard matches.count == 1, let match = matches.first else {
                    throw ValidationError(
                        "\(matches.isEmpty ? "no" : "more than one") version of \(path) starts with '\(prefix)'; versions: \(versions.map { String($0.hash.prefix(8)) }.joined(separator: ", "))"
                    )
                }
                return match
            }
            let old = try find(diff[0])
            let new = try find(diff[1])
            guard let a = store.text(old.hash, promptPath: path), let b = store.text(new.hash, promptPath: path) else {
                throw ValidationError(
                    "the text of one of these versions was not kept (it ran before versions were recorded)")
            }
            Terminal.write("--- \(path) @ \(old.hash.prefix(12))\n+++ \(path) @ \(new.hash.prefix(12))\n")
            for line in LineDiff.diff(a, b) { Terminal.write(line + "\n") }
            return
        }
        guard !versions.isEmpty else {
            Terminal.write("\(path) has not been run or evaluated yet\n")
            return
        }
        let onDisk = try? PromptFile.load(url, displayPath: path).contentHash
        Terminal.write("VERSION   FIRST RUN         RUNS  EVAL PASS RATE (each case once, newest answer)\n")
        for version in versions {
            let rate = version.rate?.text ?? "–"
            var line =
                String(version.hash.prefix(8)).padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(version.firstSeen.prefix(16)).replacingOccurrences(of: "T", with: " ").padding(
                    toLength: 18, withPad: " ", startingAt: 0)
                + String(version.runs).padding(toLength: 6, withPad: " ", startingAt: 0) + rate
            if version.hash == onDisk { line += "  (on disk)" }
            Terminal.write(line + "\n")
        }
    }
}

/// A line diff in the unified style's markers: ` ` same, `-` removed, `+` added.
enum LineDiff {
    static func diff(_ old: String, _ new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let steps = SequenceDiff.diff(a, b) else { return a.map { "-" + $0 } + b.map { "+" + $0 } }
        return steps.map { step in
            switch step {
            case .same(let line): " " + line
            case .removed(let line): "-" + line
            case .added(let line): "+" + line
            }
        }
    }
}
