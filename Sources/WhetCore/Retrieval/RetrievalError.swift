/// What can go wrong with the local index.
public enum RetrievalError: Error, CustomStringConvertible, Equatable {
    /// The index file could not be opened or written.
    case index(path: String, message: String)
    /// The corpus directory named in `whet.toml` does not exist.
    case missingCorpus(String)

    public var description: String {
        switch self {
        case .index(let path, let message):
            return diagnostic("error", at: SourceLocation(file: path), "index: \(message) (it is derived data: delete it to rebuild)")
        case .missingCorpus(let path):
            return diagnostic("error", at: SourceLocation(file: path), "corpus directory does not exist; expected the directory named by [retrieval] corpus")
        }
    }
}
