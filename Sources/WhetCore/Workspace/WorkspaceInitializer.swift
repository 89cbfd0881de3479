import Foundation

/// Creates a new workspace with everything needed for a first offline run: `whet.toml`, a sample prompt,
/// a one-page corpus and an eval file, plus a `.gitignore` that keeps the derived `.whet/` out of git.
public enum WorkspaceInitializer {
    /// Writes a new workspace into `directory` (created if needed); refuses to touch an existing one.
    public static func create(at directory: URL, name: String) throws -> Workspace {
        let config = directory.appendingPathComponent(Workspace.configFileName)
        if FileManager.default.fileExists(atPath: config.path) { throw WorkspaceError.alreadyExists(config.path) }
        try DurableFile.makeDirectory(directory)
        guard isWritableDirectory(directory) else {
            throw WorkspaceError.readOnly(path: directory.path, reason: "cannot create a workspace here")
        }
        for sub in ["prompts", "corpus", "evals", "sessions"] {
            try DurableFile.makeDirectory(directory.appendingPathComponent(sub))
        }
        let files: [(String, String)] = [
            ("prompts/answer.prompty", samplePrompt),
            ("corpus/getting-started.md", sampleDocument),
            ("evals/basic.jsonl", sampleEvals),
            (".gitignore", ".whet/\n"),
            (Workspace.configFileName, sampleConfig(name: name)),
        ]
        for (path, text) in files {
            try DurableFile.writeAtomically(Data(text.utf8), to: directory.appendingPathComponent(path))
        }
        return try Workspace.open(root: directory)
    }

    static func sampleConfig(name: String) -> String {
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return """
            # whet workspace: see docs/workspace-format.md in the whet repository.
            name = "\(escaped)"
            default_prompt = "answer"
            default_backend = "offline"

            [backends.offline]
            kind = "offline"          # extractive answers from the retrieved text; no network, not an LLM

            [retrieval]
            enabled = true
            method = "bm25"
            top_k = 5
            query_variable = "question"
            context_token_budget = 1500
            chunk_size = 1200         # characters
            chunk_overlap = 200       # characters

            [ui]
            theme = "default"

            """
    }

    static let samplePrompt = """
        ---
        name: answer
        description: Answer a question from the workspace's documents, citing them.
        model:
          parameters:
            temperature: 0.2
            max_tokens: 400
        inputs:
          question:
            type: string
            sample: What is whet for?
        ---
        system:
        You answer questions using only the numbered context below. Cite the passages you use as [1], [2].
        If the context does not contain the answer, say so.

        Context:
        {{context}}

        user:
        {{question}}

        """

    static let sampleDocument = """
        # Getting started

        whet is a terminal workbench for making LLM applications better. Put the documents your application
        should know about in this corpus directory; whet chunks and indexes them for retrieval.

        ## Running a prompt

        Run the sample prompt with `whet run --var question="What is whet for?"`. Each run is recorded in the
        sessions directory, so you can compare runs later with `whet show latest`.

        """

    static let sampleEvals = """
        {"description": "explains the purpose", "vars": {"question": "What is whet for?"}, "assert": [{"type": "icontains", "value": "workbench"}]}

        """
}
