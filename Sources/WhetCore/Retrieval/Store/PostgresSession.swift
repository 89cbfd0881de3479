import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to a PostgreSQL server, used synchronously: the lexical index's store API is synchronous
/// (it runs under the index's lock, between a search and the next), so each query waits on postgres-nio's
/// future from the calling thread, never on one of NIO's event loops. Queries are serialised by `lock`, as a
/// connection runs one at a time anyway. Public for whet-bench, which measures other schemas on the same
/// connection.
public final class PostgresSession: @unchecked Sendable {
    // @unchecked: `connection` is used under `lock`; PostgresConnection itself is Sendable.
    let address: PostgresAddress
    let passwordEnv: String
    private let connection: PostgresConnection
    private let lock = NSLock()
    private let logger: Logger = {
        var logger = Logger(label: "whet.store")
        logger.logLevel = .critical
        return logger
    }()

    /// How messages name the server.
    var display: String { address.display }

    /// Connects (TLS as `sslmode` asks), naming itself to the server as `applicationName` so another indexer
    /// waiting for the lock can say who holds it.
    init(_ address: PostgresAddress, passwordEnv: String, applicationName: String) throws {
        self.address = address
        self.passwordEnv = passwordEnv
        let password = ProcessInfo.processInfo.environment[passwordEnv]
        let tls: PostgresConnection.Configuration.TLS
        switch address.sslMode {
        case "disable", "allow": tls = .disable
        default:
            var configuration = TLSConfiguration.makeClientConfiguration()
            if address.sslMode != "verify-full" && address.sslMode != "verify-ca" {
                configuration.certificateVerification = .none
            }
            let context = try NIOSSLContext(configuration: configuration)
            tls = address.sslMode == "prefer" ? .prefer(context) : .require(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: password,
            database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", String(applicationName.prefix(63)))]
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw PostgresSession.translate(error, address: address, passwordEnv: passwordEnv, connecting: true)
        }
    }

    /// Closes the connection without waiting (a deinit may run anywhere); the callback keeps the connection
    /// alive until it is closed, as postgres-nio requires.
    deinit {
        let connection = self.connection
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs `sql` with `binds` ($1, $2 …) and returns every row. A connection that is already closed fails at
    /// once, and no query waits longer than `timeout` seconds: a query sent as the server went away is not
    /// always answered with an error, and a search must not hang on it.
    @discardableResult
    public func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), timeout: Int64 = 600) throws
        -> [PostgresRow]
    {
        lock.lock()
        defer { lock.unlock() }
        guard !connection.isClosed else {
            throw StoreError.lost(server: display, message: "the server closed the connection")
        }
        let answer = connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        let bounded = answer.eventLoop.makePromise(of: PostgresQueryResult.self)
        answer.cascade(to: bounded)
        let timer = answer.eventLoop.scheduleTask(in: .seconds(timeout)) {
            bounded.fail(StoreError.lost(server: self.display, message: "no answer within \(timeout) s"))
        }
        let checker = answer.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200))
        {
            [connection] _ in
            if connection.isClosed {
                bounded.fail(StoreError.lost(server: self.display, message: "the server closed the connection"))
            }
        }
        defer {
            timer.cancel()
            checker.cancel()
        }
        do {
            return Array(try bounded.futureResult.wait())
        } catch let error as StoreError {
            throw error
        } catch {
            throw PostgresSession.translate(error, address: address, passwordEnv: passwordEnv, connecting: false)
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws. A connection lost
    /// half-way leaves nothing of it in the store (the server rolls back what was not committed).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Calls `handler` with the payload of every NOTIFY on `channel` (on a NIO thread).
    func listen(_ channel: String, _ handler: @escaping @Sendable (String) -> Void) throws {
        connection.addListener(channel: channel) { _, notification in handler(notification.payload) }
        try query("LISTEN \"\(channel)\"")
    }

    /// The server's error as one of whet's, by its SQLSTATE where it has one.
    static func translate(_ error: Error, address: PostgresAddress, passwordEnv: String, connecting: Bool)
        -> StoreError
    {
        let server = address.display
        guard let psql = error as? PSQLError else {
            return connecting
                ? .unreachable(server: server, message: "\(error)")
                : .lost(server: server, message: "\(error)")
        }
        if let info = psql.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "unknown error"
            switch state {
            case "28P01", "28000":
                return .authentication(server: server, user: address.user, passwordEnv: passwordEnv, message: message)
            case "3D000": return .missingDatabase(server: server, database: address.database)
            case "57P01", "57P02", "57P03": return .lost(server: server, message: message)
            default: return .server(server: server, message: "\(message) (SQLSTATE \(state))")
            }
        }
        switch psql.code {
        case .authMechanismRequiresPassword:
            return .authentication(
                server: server, user: address.user, passwordEnv: passwordEnv,
                message: "a password is required and $\(passwordEnv) is not set")
        case .connectionError, .sslUnsupported:
            let underlying = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
            return connecting
                ? .unreachable(server: server, message: underlying) : .lost(server: server, message: underlying)
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            // While connecting this is also how a connect timeout arrives: say the underlying cause when known.
            let cause =
                psql.underlying.map { "\($0)" }
                ?? "no answer within the 10 s connect timeout, or the connection was closed before the server spoke"
            return connecting
                ? .unreachable(server: server, message: cause)
                : .lost(server: server, message: "the server closed the connection")
        default:
            return connecting
                ? .unreachable(server: server, message: "\(psql.code)") : .lost(server: server, message: "\(psql.code)")
        }
    }
}
