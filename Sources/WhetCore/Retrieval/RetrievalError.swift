/// What can go wrong with the local index.
public enum RetrievalError: Diagnosable, Equatable {
    /// The index file could not be opened or written.
    case index(path: String, message: String)
    /// Another whet process kept the index busy for longer than the busy timeout.
    case busy(path: String, seconds: Int)
    /// The index file is not a readable SQLite database any more (it holds derived data, so it can go).
    case damaged(path: String, message: String)
    /// The corpus directory named in `whet.toml` does not exist.
    case missingCorpus(String)
    /// A BPE vocabulary file could not be read or parsed.
    case tokenizer(path: String, line: Int?, message: String)
    /// Dense or hybrid search was asked for without what it needs (an embedding backend, a model).
    case dense(String)
    /// `whet retrieval compare` was given something it cannot compare.
    case comparison(String)
    /// An outside retriever (`[retrieval] kind = "http"` or `"command"`) failed or answered with something
    /// that is not a list of chunks; `retriever` is its address or command.
    case external(retriever: String, message: String)

    public var diagnosis: Diagnosis {
        switch self {
        case .index(let path, let message):
            return Diagnosis(at: SourceLocation(file: path), "index: \(message)")
        case .busy(let path, let seconds):
            return Diagnosis(
                at: SourceLocation(file: path),
                "index: another whet process kept it busy for over \(seconds) s (a long `whet index`?); try again when it has finished"
            )
        case .damaged(let path, let message):
            return Diagnosis(
                at: SourceLocation(file: path),
                "index: the file is damaged (\(message)); it holds only derived data: delete it and run `whet index` to rebuild"
            )
        case .missingCorpus(let path):
            return Diagnosis(
                at: SourceLocation(file: path),
                "corpus directory does not exist; expected the directory named by [retrieval] corpus")
        case .tokenizer(let path, let line, let message):
            return Diagnosis(at: SourceLocation(file: path, line: line), "tokenizer vocabulary: \(message)")
        case .dense(let message), .comparison(let message):
            return Diagnosis(at: nil, message)
        case .external(let retriever, let message):
            return Diagnosis(at: nil, "retriever \(retriever): \(message)")
        }
    }
}
