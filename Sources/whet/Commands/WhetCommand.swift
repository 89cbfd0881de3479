import ArgumentParser
import Foundation
import WhetCore

/// The `whet` command: a workbench for making LLM applications better. Each subcommand is a thin front end
/// on WhetCore, so everything here can also be done from the full-screen UI and from tests.
@main
struct WhetCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "whet",
        abstract: "A terminal workbench for making LLM applications better: prompts, retrieval, runs and evals.",
        discussion: """
            `whet` alone (or `whet DIR`) opens the full-screen workbench; `whet review` opens saved sessions
            read-only. whet works on a workspace: a directory with whet.toml, prompts/, corpus/, evals/ and sessions/.
            It is found like git finds a repository: the current directory or the nearest parent holding
            whet.toml. Use -C DIR (before or after the subcommand) to act as if started in DIR.

            Example: whet -C workspaces/demo run --var question="How do I rotate my API key?"
            """,
        version: version,
        subcommands: [
            OpenCommand.self, ReviewCommand.self, InitCommand.self, IndexCommand.self, SearchCommand.self,
            RunCommand.self,
            SessionsCommand.self, ShowCommand.self, PromptsCommand.self, EvalsCommand.self, ModelsCommand.self,
            RetrievalCommand.self, StoreCommand.self, EvalCommand.self, ReportCommand.self, AdviseCommand.self,
            RateCommand.self,
            FineTuneCommand.self, OptimizeCommand.self,
        ],
        defaultSubcommand: OpenCommand.self)

    /// Handles a leading `-C DIR` the way git does (change directory first, then parse), then runs the command.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        while arguments.count >= 2, arguments[0] == "-C" || arguments[0] == "--directory" {
            let directory = arguments[1]
            guard FileManager.default.changeCurrentDirectoryPath(directory) else {
                FileHandle.standardError.write(Data("error: cannot change to directory '\(directory)'\n".utf8))
                Foundation.exit(1)
            }
            arguments.removeFirst(2)
        }
        if let first = arguments.first { refuseUnknownCommand(first) }
        // `whet help foo` would print the general help and exit 0, as if `foo` were fine.
        if arguments.first == "help", arguments.count > 1 { refuseUnknownCommand(arguments[1], after: "help ") }
        arguments = negativeNumbers(bareFailOnRegression(arguments))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Help, --version and exit codes a command chose pass through as ArgumentParser prints them.
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            // A usage mistake the parser caught: one line in the same form as every other error, exit 1.
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            var text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            let subcommand = arguments.first { names.contains($0) }.map { " \($0)" } ?? ""
            text += optionHint(text, subcommand: arguments.first { names.contains($0) })
            FileHandle.standardError.write(
                Data("error: \(TerminalText.visible(text)) (see `whet\(subcommand) --help`)\n".utf8))
            Foundation.exit(1)
        }
    }

    /// `--fail-on-regression` takes a rule, but scripts written before it did pass it bare: a bare one means
    /// `significant` (argument parsers have no options with an optional value).
    static func bareFailOnRegression(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for (index, argument) in arguments.enumerated() {
            out.append(argument)
            guard argument == "--fail-on-regression" else { continue }
            let following: String = arguments.indices.contains(index + 1) ? arguments[index + 1] : ""
            if EvalGate.RegressionRule(rawValue: following) == nil { out.append("significant") }
        }
        return out
    }

    /// Numeric options given a negative number (`--top-k -3`) would read as a missing value followed by an
    /// unknown option; joined as `--top-k=-3`, the command's own check says what is wrong with the number.
    static func negativeNumbers(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
                arguments[index + 1].hasPrefix("-"), Double(arguments[index + 1]) != nil
            {
                out.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            out.append(argument)
            index += 1
        }
        return out
    }

    /// " (did you mean '--help'?)" for an unknown option close to one the command has (`--hlep`).
    static func optionHint(_ message: String, subcommand: String?) -> String {
        guard message.hasPrefix("Unknown option '"), let end = message.dropFirst(16).firstIndex(of: "'") else {
            return ""
        }
        let typed = String(message.dropFirst(16)[..<end])
        let command = configuration.subcommands.first { $0.configuration.commandName == subcommand } ?? Self.self
        // The command's options, as its own help names them.
        let help = helpMessage(for: command)
        var options = Set(["--help"])
        var word = ""
        for character in help + " " {
            if character.isLetter || character.isNumber || character == "-" {
                word.append(character)
            } else {
                if word.hasPrefix("--"), word.count > 3 { options.insert(word) }
                word = ""
            }
        }
        return Suggestion.closest(to: typed, in: options.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The subcommands' names.
    static var names: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// `whet evl` would otherwise open the workbench on a directory named "evl": a first word that is neither a
    /// command, an option nor an existing directory is an error, with the command it most likely meant.
    static func refuseUnknownCommand(_ word: String, after prefix: String = "") {
        guard !word.hasPrefix("-"), !names.contains(word) else { return }
        var isDirectory: ObjCBool = false
        if prefix.isEmpty, FileManager.default.fileExists(atPath: word, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            return
        }
        let hint =
            Suggestion.closest(to: word, in: names).map { "; did you mean 'whet \(prefix)\($0)'?" }
            ?? (prefix.isEmpty ? " and no directory of that name exists" : "")
        FileHandle.standardError.write(
            Data(
                "error: unknown command '\(TerminalText.visible(word))'\(hint) (`whet --help` lists the commands)\n"
                    .utf8))
        Foundation.exit(1)
    }
}
