import Foundation
import TOMLKit

extension ConfigLoader {
    /// Reads `[retrieval]`; every value is checked here so a typo fails at load with the key named, not later
    /// in a search.
    mutating func retrievalSettings(_ table: TOMLTable) throws -> RetrievalSettings {
        var settings = RetrievalSettings()
        let section = "retrieval"
        settings.enabled = try flag(table, "enabled", section: section) ?? settings.enabled
        settings.kind = try choice(table, "kind", section: section) ?? settings.kind
        settings.url = try string(table, "url", section: section)
        settings.command = try string(table, "command", section: section)
        settings.timeout = try positiveNumber(table, "timeout", section: section) ?? settings.timeout
        switch settings.kind {
        case .http:
            guard let url = settings.url, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw invalid(
                    section, section: section, key: "url",
                    expected: "an http:// or https:// address for kind = \"http\"",
                    found: settings.url.map { "\"\($0)\"" } ?? "nothing")
            }
        case .command:
            guard let command = settings.command, !command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw invalid(
                    section, section: section, key: "command",
                    expected: "the program to run for kind = \"command\"",
                    found: settings.command.map { "\"\($0)\"" } ?? "nothing")
            }
        case .builtin: break
        }
        settings.method = try choice(table, "method", section: section) ?? settings.method
        settings.topK = try positiveInt(table, "top_k", section: section) ?? settings.topK
        if let query = try string(table, "query_variable", section: section) {
            settings.queryVariable = query.isEmpty ? nil : query
        }
        settings.contextTokenBudget =
            try positiveInt(table, "context_token_budget", section: section) ?? settings.contextTokenBudget
        settings.corpus = try string(table, "corpus", section: section) ?? settings.corpus

        settings.chunking = try choice(table, "chunking", section: section) ?? settings.chunking
        settings.chunkSize = try positiveInt(table, "chunk_size", section: section) ?? settings.chunkSize
        settings.chunkOverlap = try wholeNumber(table, "chunk_overlap", section: section) ?? settings.chunkOverlap
        guard settings.chunkOverlap < settings.chunkSize else {
            throw invalid(
                section, section: section, key: "chunk_overlap",
                expected: "chunk_overlap smaller than chunk_size (\(settings.chunkSize))",
                found: "\(settings.chunkOverlap)")
        }
        settings.chunkTokens = try positiveInt(table, "chunk_tokens", section: section) ?? settings.chunkTokens
        settings.chunkOverlapTokens =
            try wholeNumber(table, "chunk_overlap_tokens", section: section) ?? settings.chunkOverlapTokens
        guard settings.chunkOverlapTokens < settings.chunkTokens else {
            throw invalid(
                section, section: section, key: "chunk_overlap_tokens",
                expected: "chunk_overlap_tokens smaller than chunk_tokens (\(settings.chunkTokens))",
                found: "\(settings.chunkOverlapTokens)")
        }
        settings.sentencesPerChunk =
            try positiveInt(table, "sentences_per_chunk", section: section) ?? settings.sentencesPerChunk
        settings.sentenceOverlap =
            try wholeNumber(table, "sentence_overlap", section: section) ?? settings.sentenceOverlap
        guard settings.sentenceOverlap < settings.sentencesPerChunk else {
            throw invalid(
                section, section: section, key: "sentence_overlap",
                expected: "sentence_overlap smaller than sentences_per_chunk (\(settings.sentencesPerChunk))",
                found: "\(settings.sentenceOverlap)")
        }
        settings.tokenizer = try string(table, "tokenizer", section: section) ?? settings.tokenizer

        settings.bm25.k1 = try positiveNumber(table, "k1", section: section) ?? settings.bm25.k1
        if let b = try fraction(table, "b", section: section) { settings.bm25.b = b }
        if let weight = table["heading_weight"] {
            guard let value = number(weight), value >= 0 else {
                throw invalid(
                    section, section: section, key: "heading_weight", expected: "a number ≥ 0", found: describe(weight))
            }
            settings.bm25.headingWeight = value
        }
        settings.bm25.stemming = try flag(table, "stemming", section: section) ?? settings.bm25.stemming
        if let language = try string(table, "language", section: section) {
            guard language.lowercased() == "auto" || Language.named(language) != nil else {
                throw invalid(
                    section, section: section, key: "language",
                    expected: "\"auto\" or one of " + Language.all.map { "\"\($0.code)\"" }.joined(separator: ", "),
                    found: "\"\(language)\"")
            }
            settings.language = Language.named(language)?.code ?? "auto"
        }

        settings.embeddingBackend = try string(table, "embedding_backend", section: section)
        settings.embeddingModel = try string(table, "embedding_model", section: section)
        settings.embeddingBatchSize =
            try positiveInt(table, "embedding_batch_size", section: section) ?? settings.embeddingBatchSize
        settings.embeddingConcurrency =
            try positiveInt(table, "embedding_concurrency", section: section) ?? settings.embeddingConcurrency

        settings.fusion = try choice(table, "fusion", section: section) ?? settings.fusion
        settings.rrfK = try positiveInt(table, "rrf_k", section: section) ?? settings.rrfK
        if let weight = try fraction(table, "dense_weight", section: section) { settings.denseWeight = weight }

        settings.rerank = try flag(table, "rerank", section: section) ?? settings.rerank
        settings.rerankBackend = try string(table, "rerank_backend", section: section)
        settings.rerankTopN = try positiveInt(table, "rerank_top_n", section: section) ?? settings.rerankTopN
        settings.rerankPrompt = try string(table, "rerank_prompt", section: section)
        settings.queryExpansion = try choice(table, "query_expansion", section: section) ?? settings.queryExpansion
        settings.expansionBackend = try string(table, "expansion_backend", section: section)

        warnUnknown(table, known: Set(RetrievalSettings.tomlKeys), section: section)
        return settings
    }

    func flag(_ table: TOMLTable, _ key: String, section: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            throw invalid(section, section: section, key: key, expected: "true or false", found: describe(value))
        }
        return flag
    }

    func wholeNumber(_ table: TOMLTable, _ key: String, section: String) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, number >= 0 else {
            throw invalid(section, section: section, key: key, expected: "a whole number ≥ 0", found: describe(value))
        }
        return number
    }

    func fraction(_ table: TOMLTable, _ key: String, section: String) throws -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = number(value), (0...1).contains(number) else {
            throw invalid(section, section: section, key: key, expected: "a number from 0 to 1", found: describe(value))
        }
        return number
    }

    /// A string that must be one of an enumeration's raw values; the error lists them.
    func choice<Choice: RawRepresentable & CaseIterable>(_ table: TOMLTable, _ key: String, section: String) throws
        -> Choice?
    where Choice.RawValue == String {
        guard let text = try string(table, key, section: section) else { return nil }
        guard let value = Choice(rawValue: text) else {
            let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw invalid(section, section: section, key: key, expected: "one of \(names)", found: "'\(text)'")
        }
        return value
    }
}
