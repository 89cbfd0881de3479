/// What can go wrong with a shared store: each case is one line naming the server (never the password) and
/// what to do.
public enum StoreError: Diagnosable, Equatable {
    /// `[store] url` (or `--store`) is not a usable PostgreSQL address.
    case badURL(url: String, expected: String)
    /// The server could not be reached.
    case unreachable(server: String, message: String)
    /// The server refused the user or the password.
    case authentication(server: String, user: String, passwordEnv: String, message: String)
    /// The database named in the URL does not exist.
    case missingDatabase(server: String, database: String)
    /// The connection was lost during an operation (what was being committed was rolled back).
    case lost(server: String, message: String)
    /// Any other error the server reported.
    case server(server: String, message: String)
    /// Dense search in the store needs pgvector, which this server does not have.
    case noPgvector(server: String)
    /// Another process holds the indexing lock and waiting was not asked for.
    case busy(server: String, holder: String)
    /// The store was written by another version of whet's schema.
    case schema(server: String, message: String)

    public var diagnosis: Diagnosis {
        switch self {
        case .badURL(let url, let expected):
            return Diagnosis(at: nil, "[store] url '\(url)': expected \(expected)")
        case .unreachable(let server, let message):
            return Diagnosis(
                at: nil, "store \(server): cannot connect (\(message)); is the server running and listening there?")
        case .authentication(let server, let user, let passwordEnv, let message):
            return
                Diagnosis(
                    at: nil,
                    "store \(server): the server refused user \"\(user)\" (\(message)); the password is read from $\(passwordEnv)"
                )
        case .missingDatabase(let server, let database):
            return
                Diagnosis(
                    at: nil,
                    "store \(server): database \"\(database)\" does not exist; create it (createdb \(database)) or fix [store] url"
                )
        case .lost(let server, let message):
            return
                Diagnosis(
                    at: nil,
                    "store \(server): the connection was lost (\(message)); nothing of the unfinished batch was committed: run `whet index` again to resume"
                )
        case .server(let server, let message):
            return Diagnosis(at: nil, "store \(server): \(message)")
        case .noPgvector(let server):
            return
                Diagnosis(
                    at: nil,
                    "store \(server): the server has no pgvector extension, so dense search cannot run in it; install pgvector there (CREATE EXTENSION vector) or use method = \"bm25\""
                )
        case .busy(let server, let holder):
            return Diagnosis(at: nil, "store \(server): \(holder) is indexing; try again when it has finished")
        case .schema(let server, let message):
            return Diagnosis(at: nil, "store \(server): \(message)")
        }
    }
}
