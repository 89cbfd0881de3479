import Foundation

/// `[store]` in `whet.toml`: where the chunk store lives when it is not the workspace's own
/// `.whet/index.sqlite`. A team points every workspace at one PostgreSQL database, indexes once, and measures
/// prompts against the same retrieval.
public struct StoreSettings: Sendable, Equatable {
    /// `postgresql://user@host:5432/database`, with `?sslmode=require` (or `verify-full`) for TLS. A password
    /// in the URL is refused: it would be written in a file people commit.
    public var url: String
    /// The environment variable holding the password (`PGPASSWORD` when not given).
    public var passwordEnv: String = "PGPASSWORD"
    /// The PostgreSQL schema whet's tables live in, so they sit beside an application's own.
    public var schema: String = "whet"

    /// Settings for `url` with the defaults.
    public init(url: String, passwordEnv: String = "PGPASSWORD", schema: String = "whet") {
        self.url = url
        self.passwordEnv = passwordEnv
        self.schema = schema
    }
}

/// A PostgreSQL address taken apart, without a password.
public struct PostgresAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// `disable`, `prefer` (the default, as libpq's) , `require`, `verify-full`.
    public var sslMode: String

    /// How messages name the server: the URL without a password.
    public var display: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// Parses `postgresql://user@host:port/database?sslmode=…`; the error says what was expected.
    public init(parsing text: String) throws {
        func bad(_ expected: String) -> StoreError { .badURL(url: text, expected: expected) }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgresql", "postgres"].contains(scheme)
        else { throw bad("postgresql://user@host:5432/database") }
        guard components.password == nil else {
            throw bad(
                "no password in the URL (it would be written in whet.toml): set PGPASSWORD or [store] password_env")
        }
        guard let host = components.host, !host.isEmpty else {
            throw bad("a host: postgresql://user@HOST:5432/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw bad("a database name: postgresql://user@host:5432/DATABASE")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        self.database = database
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else {
            throw bad("sslmode disable, prefer, require, verify-ca or verify-full, found '\(mode)'")
        }
        self.sslMode = mode
    }
}
