import ArgumentParser
import Foundation
import WhetCore

/// `whet store …`: the shared chunk store named by `[store] url`.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Inspect the shared PostgreSQL store ([store] url).",
        subcommands: [StoreStatusCommand.self])
}

/// `whet store status [--store URL] [--json]`.
struct StoreStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Size, documents, chunks, embedding models, last update and who holds the indexing lock.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The store (postgresql://user@host:5432/db) instead of [store] url.")
    var store: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            var settings = workspace.config.store
            if let store { settings = StoreSettings(url: store, passwordEnv: settings?.passwordEnv ?? "PGPASSWORD") }
            guard let settings else {
                throw ValidationError("no store: set [store] url in whet.toml or pass --store postgresql://…")
            }
            let chunkStore = try PostgresChunkStore(
                settings, owner: workspace.storeOwner, applicationName: "whet store status")
            let status = try chunkStore.status()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Terminal.write(String(decoding: try encoder.encode(status), as: UTF8.self) + "\n")
                return
            }
            let vector: String = status.pgvector.map { "pgvector \($0)" } ?? "no pgvector (dense search runs in whet)"
            let models: [String] = status.embeddings.keys.sorted().map { "\($0) \(status.embeddings[$0] ?? 0) vectors" }
            let size: String = ByteCount.describe(Int(status.bytes))
            let last: String = status.lastUpdate.map { "\($0) by \(status.lastUpdateBy ?? "?")" } ?? "never"
            var lines: [String] = []
            lines.append(
                "store \(status.server) (schema \(status.schema)), PostgreSQL \(status.serverVersion), \(vector)")
            lines.append(
                "size: \(size) · \(status.documents) documents · \(status.chunks) chunks · generation \(status.generation)"
            )
            lines.append("chunking: \(status.chunking ?? "(nothing indexed yet)")")
            lines.append("embeddings: \(models.isEmpty ? "none" : models.joined(separator: " · "))")
            lines.append("last update: \(last)")
            for owner in status.documentsBy.keys.sorted() {
                lines.append("  \(status.documentsBy[owner] ?? 0) documents indexed by \(owner)")
            }
            lines.append("indexing lock: " + (status.lockHolder.map { "held by \($0)" } ?? "free"))
            Terminal.write(lines.joined(separator: "\n") + "\n")
        }
    }
}
