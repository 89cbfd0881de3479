import Foundation

/// Evaluates promptfoo-style assertions. Types, what passes, and the options each takes are listed in
/// docs/evals.md; `weight`, `threshold` and `metric` work on every type.
public enum AssertionEvaluator {
    /// Every built-in check whet knows (`AssertionType` without the script and grouping types); an unknown type
    /// is reported by `whet evals` and fails as "not run".
    public static let knownTypes: Set<String> = Set(
        AssertionType.allCases.filter { !$0.isScriptOrGroup }.map(\.rawValue))

    /// Every type a case may name: the built-in checks, script and grouping types, and `not-` forms.
    public static var allTypes: Set<String> {
        let base = Set(AssertionType.allCases.map(\.rawValue))
        return base.union(base.map { "not-" + $0 })
    }

    /// Types judged by a model (they need a grader backend).
    public static let modelGradedTypes: Set<String> = Set(
        AssertionType.allCases.filter(\.isModelGraded).map(\.rawValue))

    /// Evaluates one assertion. A `not-` prefix (promptfoo's negation) inverts pass and fail of any type.
    public static func evaluate(_ assertion: EvalCase.Assertion, in context: AssertionContext) async -> AssertionResult
    {
        var type = assertion.type
        var negated = false
        if type.hasPrefix("not-") && type != "not-contains" {
            negated = true
            type = String(type.dropFirst(4))
        }
        let weight =
            assertion.raw["weight"].flatMap { if case .number(let n) = $0 { return n } else { return nil } } ?? 1
        let threshold = assertion.raw["threshold"].flatMap {
            if case .number(let n) = $0 { return n } else { return nil }
        }
        let metric = assertion.raw["metric"]?.stringValue
        var result: AssertionResult
        do {
            var context = context
            if let transform = assertion.raw["transform"]?.stringValue {
                context.output = try await ScriptAssertions.transform(transform, context: context)
            }
            result = try await evaluateType(
                type, value: assertion.value, threshold: threshold, raw: assertion.raw, context: context)
        } catch {
            result = AssertionResult(type: type, status: .notRun, score: 0, reason: "\(error)")
        }
        result.type = assertion.type
        if AssertionType(rawValue: type)?.namesFacts == true {
            result.expected = strings(assertion.value)
        }
        result.weight = weight
        result.metric = metric
        if negated, result.status != .notRun {
            result.status = result.status == .passed ? .failed : .passed
            result.score = 1 - result.score
            result.reason = "negated: " + result.reason
        }
        return result
    }

    /// promptfoo's `assert-set`: its assertions as one, passing when their weighted score reaches `threshold`
    /// (default: when every one that ran passed). Children that could not run count neither way.
    static func assertSet(_ raw: [String: JSONValue], threshold: Double?, context: AssertionContext) async throws
        -> AssertionResult
    {
        guard let children = raw["assert"]?.arrayValue, !children.isEmpty else {
            throw CannotRun(description: "assert-set needs an 'assert' list")
        }
        var results: [AssertionResult] = []
        for child in children {
            guard let object = child.objectValue, let type = object["type"]?.stringValue else {
                throw CannotRun(description: "assert-set: every item needs a string \"type\"")
            }
            results.append(
                await evaluate(EvalCase.Assertion(type: type, value: object["value"], raw: object), in: context))
        }
        let ran = results.filter { $0.status != .notRun }
        guard !ran.isEmpty else {
            throw CannotRun(description: "assert-set: none of its assertions could run (\(results[0].reason))")
        }
        let weight = ran.reduce(0) { $0 + $1.weight }
        let score = weight > 0 ? ran.reduce(0) { $0 + $1.weight * $1.score } / weight : 0
        let passed = threshold.map { score >= $0 } ?? ran.allSatisfy { $0.status == .passed }
        let reasons = ran.map { "\($0.status == .passed ? "✓" : "✗") \($0.type): \($0.reason)" }.joined(separator: "; ")
        return AssertionResult(type: "assert-set", status: passed ? .passed : .failed, score: score, reason: reasons)
    }

    /// Why an assertion could not run.
    struct CannotRun: Error, CustomStringConvertible {
        var description: String
    }

    static func pass(_ ok: Bool, _ type: String, _ reason: String) -> AssertionResult {
        AssertionResult(type: type, status: ok ? .passed : .failed, score: ok ? 1 : 0, reason: reason)
    }

    static func strings(_ value: JSONValue?) -> [String] {
        if let text = value?.stringValue { return [text] }
        return value?.arrayValue?.map(\.description) ?? []
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number): return number
        case .string(let text): return Double(text)
        default: return nil
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + (text.count > 60 ? String(text.prefix(57)) + "…" : text) + "\""
    }

    static func evaluateType(
        _ type: String, value: JSONValue?, threshold: Double?, raw: [String: JSONValue],
        context: AssertionContext
    ) async throws -> AssertionResult {
        let output = context.output
        switch AssertionType(rawValue: type) {
        case .equals:
            let expected = value?.description ?? ""
            return pass(
                output.trimmingCharacters(in: .whitespacesAndNewlines)
                    == expected.trimmingCharacters(in: .whitespacesAndNewlines),
                type, "expected the output to equal \(quoted(expected))")
        case .contains, .icontains, .notContains:
            let needle = value?.description ?? ""
            let found =
                type == "icontains" ? output.lowercased().contains(needle.lowercased()) : output.contains(needle)
            let wanted = type != "not-contains"
            return pass(found == wanted, type, "\(quoted(needle)) \(found ? "found" : "not found") in the output")
        case .containsAny, .containsAll:
            let needles = strings(value)
            let folded = output.lowercased()
            let found = needles.filter { folded.contains($0.lowercased()) }
            let ok = type == "contains-any" ? !found.isEmpty : found.count == needles.count
            let missing = needles.filter { !found.contains($0) }
            return pass(
                ok, type,
                found.isEmpty
                    ? "none of \(needles.map(quoted).joined(separator: ", ")) found"
                    : "found \(found.map(quoted).joined(separator: ", "))"
                        + (missing.isEmpty ? "" : "; missing \(missing.map(quoted).joined(separator: ", "))"))
        case .startsWith:
            let prefix = value?.description ?? ""
            return pass(
                output.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(prefix), type,
                "expected the output to start with \(quoted(prefix))")
        case .regex:
            let pattern = value?.description ?? ""
            guard let expression = try? Regex(pattern) else {
                throw CannotRun(description: "invalid regular expression \(quoted(pattern))")
            }
            return pass(
                output.contains(expression), type,
                "pattern \(quoted(pattern)) \(output.contains(expression) ? "matched" : "did not match")")
        case .isJSON, .containsJSON, .jsonSchema:
            // json-schema with no schema of its own checks the prompt's outputSchema.
            let schema = type == "json-schema" && value == nil ? context.outputSchema : value
            // An answer given as a tool call has its JSON in the call's arguments.
            let answersInText = JSONAssertions.parse(output) != nil || JSONAssertions.embeddedJSON(in: output) != nil
            let checked =
                type == "contains-json" && !answersInText ? context.toolCalls.first?.arguments ?? output : output
            return try JSONAssertions.evaluate(
                type, value: schema, output: checked, workspaceRoot: context.workspaceRoot)
        case .isValidOpenAIToolsCall, .toolCall:
            return try ToolCallAssertions.evaluate(type, value: value, context: context)
        case .levenshtein:
            let expected = value?.description ?? ""
            let distance = Levenshtein.distance(output.trimmingCharacters(in: .whitespacesAndNewlines), expected)
            let limit = Int(threshold ?? 5)
            return AssertionResult(
                type: type, status: distance <= limit ? .passed : .failed,
                score: distance <= limit ? 1 : 0, reason: "edit distance \(distance) (at most \(limit))")
        case .latency:
            guard let latency = context.latencyMs else {
                throw CannotRun(description: "no latency was measured (cached or failed run)")
            }
            let limit = threshold ?? number(value) ?? 0
            return pass(latency <= limit, type, String(format: "%.0f ms (at most %.0f ms)", latency, limit))
        case .cost:
            guard let cost = context.costUSD else {
                throw CannotRun(
                    description: "no cost is known: add [prices.\"MODEL\"] to whet.toml (cached runs cost nothing)")
            }
            let limit = threshold ?? number(value) ?? 0
            return pass(cost <= limit, type, String(format: "$%.6f (at most $%.6f)", cost, limit))
        case .contextRecall:
            let facts = strings(value)
            guard !facts.isEmpty else {
                throw CannotRun(description: "context-recall needs the facts to look for as its value")
            }
            guard context.retrievalRan else {
                throw CannotRun(description: "no context to measure: retrieval is off for this run")
            }
            let text = context.chunks.map(\.text).joined(separator: "\n").lowercased()
            let found = facts.filter { text.contains($0.lowercased()) }
            let score = facts.isEmpty ? 0 : Double(found.count) / Double(facts.count)
            let limit = threshold ?? 1
            let missing = facts.filter { !found.contains($0) }
            return AssertionResult(
                type: type, status: score >= limit ? .passed : .failed, score: score,
                reason: "\(found.count) of \(facts.count) expected facts in the retrieved context"
                    + (missing.isEmpty ? "" : "; missing \(missing.map(quoted).joined(separator: ", "))"))
        case .similar:
            guard let embedder = context.embedder else {
                throw CannotRun(
                    description:
                        "similar needs embeddings: set [retrieval] embedding_backend (or pass --grader-embeddings)")
            }
            let expected = value?.description ?? ""
            let vectors = try await embedder.embed([output, expected])
            guard vectors.count == 2 else {
                throw CannotRun(description: "the embedder returned \(vectors.count) vectors for 2 texts")
            }
            let similarity = Double(zip(normalized(vectors[0]), normalized(vectors[1])).reduce(0) { $0 + $1.0 * $1.1 })
            let limit = threshold ?? 0.75
            return AssertionResult(
                type: type, status: similarity >= limit ? .passed : .failed, score: max(0, similarity),
                reason: String(
                    format: "cosine similarity %.3f to %@ (at least %.2f, %@)", similarity, quoted(expected), limit,
                    embedder.model))
        case .python, .javascript:
            return try await ScriptAssertions.evaluate(
                type == "python" ? .python : .javascript, value: value, threshold: threshold, context: context)
        case .assertSet:
            return try await assertSet(raw, threshold: threshold, context: context)
        case .llmRubric, .answerRelevance, .contextFaithfulness:
            return try await ModelGradedAssertions.evaluate(type, value: value, threshold: threshold, context: context)
        case nil:
            throw CannotRun(
                description: "unknown assertion type '\(type)'" + Suggestion.hint(for: type, in: allTypes.sorted())
                    + "; known: \(knownTypes.sorted().joined(separator: ", "))")
        }
    }
}

/// Edit distance between two strings, by characters.
enum Levenshtein {
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
