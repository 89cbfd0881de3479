import Foundation
import WhetCore

/// The parsers of everything whet reads from outside, as fuzz targets: each takes arbitrary bytes and must
/// return (an error is fine) without crashing, trapping or touching memory it does not own. The same
/// functions run under libFuzzer (`whet-fuzz`, built with `-sanitize=fuzzer,address`) and in the unit tests,
/// which replay every committed seed and every crasher ever found (`Tests/fuzz/corpus`, `Tests/fuzz/regressions`).
public enum FuzzTargets {
    /// Every target by name.
    public static let all: [String: @Sendable (Data) -> Void] = [
        "sse": sse, "json": json, "prompty": prompty, "template": template, "toml": toml, "eval-jsonl": evalJSONL,
        "eval-yaml": evalYAML, "session-log": sessionLog, "html": html, "chunker": chunker, "bpe": bpe,
        "finetune-validator": fineTuneValidator,
    ]

    /// The names, sorted, for usage lines.
    public static var names: [String] { all.keys.sorted() }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// Server-sent events split at every position the first byte chooses, with a small limit so overflows
    /// are exercised too.
    static func sse(_ data: Data) {
        guard let first = data.first else { return }
        let bytes = Array(data.dropFirst())
        var parser = ServerSentEventParser(limit: 64 + Int(first) * 16)
        let step = max(1, Int(first % 17))
        var index = 0
        while index < bytes.count {
            guard (try? parser.feed(bytes[index..<min(index + step, bytes.count)])) != nil else { return }
            index += step
        }
        _ = try? parser.finish()
    }

    static func json(_ data: Data) {
        _ = try? JSONParser.parse(data)
    }

    static func prompty(_ data: Data) {
        guard let prompt = try? PromptFile(parsing: text(data), path: "fuzz.prompty", defaultName: "fuzz") else {
            return
        }
        var values: [String: String] = [:]
        for name in prompt.variables { values[name] = "v" }
        _ = try? prompt.render(values)
    }

    static func template(_ data: Data) {
        guard let parsed = try? PromptTemplate(parsing: text(data), file: "fuzz", firstLine: 1) else { return }
        _ = try? parsed.render(
            Dictionary(parsed.variables.map { ($0, "x{{y}}") }, uniquingKeysWith: { a, _ in a }), file: "fuzz")
    }

    static func toml(_ data: Data) {
        var loader = ConfigLoader(source: text(data), displayPath: "whet.toml")
        _ = try? loader.load()
    }

    static func evalJSONL(_ data: Data) {
        _ = try? EvalFile.parse(text(data), displayPath: "fuzz.jsonl")
    }

    static func evalYAML(_ data: Data) {
        _ = try? EvalFile.parseYAML(text(data), displayPath: "fuzz.yaml")
    }

    static func sessionLog(_ data: Data) {
        _ = JSONLines.decode(RunRecord.self, from: data, displayPath: "runs.jsonl", maxLineBytes: 4096)
    }

    static func html(_ data: Data) {
        _ = HTMLText.plainText(text(data))
        _ = try? CorpusDocument.decode(data, path: "fuzz.html", hash: "")
    }

    /// Every chunking strategy over the same text, with sizes taken from the first bytes.
    static func chunker(_ data: Data) {
        guard data.count >= 2 else { return }
        let body = text(data.dropFirst(2))
        for strategy in ["heading", "paragraph", "fixed", "sentence"] {
            var loader = ConfigLoader(
                source: """
                    [retrieval]
                    chunking = "\(strategy)"
                    chunk_size = \(Int(data[data.startIndex]) + 20)
                    chunk_overlap = \(Int(data[data.startIndex]) / 2)
                    chunk_tokens = \(Int(data[data.startIndex + 1]) % 64 + 8)
                    chunk_overlap_tokens = \(Int(data[data.startIndex + 1]) % 8)
                    """)
            guard let config = try? loader.load() else { continue }
            _ = DocumentChunker(settings: config.retrieval, counter: .estimate).chunks(of: body)
        }
    }

    /// A vocabulary (the bytes before the first NUL) and a text to count (the rest).
    static func bpe(_ data: Data) {
        let parts = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2,
            let tokenizer = try? BPETokenizer(vocabulary: Data(parts[0]), displayPath: "fuzz.tiktoken")
        else {
            _ = BPETokenizer.pieces(of: text(data))
            return
        }
        _ = tokenizer.count(text(Data(parts[1])))
    }

    static func fineTuneValidator(_ data: Data) {
        _ = FineTuningValidator(tokenLimit: 4096).validate(data, displayPath: "train.jsonl")
    }
}
