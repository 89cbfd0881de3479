import Foundation
import TOMLKit

/// The `sessions/` directory: one sub-directory per session, named by a sortable id
/// (`20261125-011710-3f9a`), holding `runs.jsonl` and optionally `session.toml` with a title.
public struct SessionStore: Sendable {
    /// A row of `whet sessions`.
    public struct Summary: Sendable, Equatable {
        public var id: String
        public var title: String?
        public var runs: Int
        public var models: [String]
        public var lastChange: Date?
        public var warnings: [Warning]
        /// The session's total cost in US dollars, over the runs whose model has a price.
        public var costUSD: Double?
    }

    let workspace: Workspace

    /// Works on `workspace`'s sessions.
    public init(workspace: Workspace) { self.workspace = workspace }

    /// Session ids, oldest first.
    public func ids() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: workspace.sessionsDirectory.path)) ?? []
        return entries.filter { entry in
            var isDirectory: ObjCBool = false
            return !entry.hasPrefix(".")
                && FileManager.default.fileExists(
                    atPath: workspace.sessionsDirectory.appendingPathComponent(entry).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Finds a session by full id, unique prefix, or `latest`.
    public func resolve(_ idOrPrefix: String) throws -> String {
        let all = ids()
        if idOrPrefix == "latest", let last = all.last { return last }
        if all.contains(idOrPrefix) { return idOrPrefix }
        let matches = all.filter { $0.hasPrefix(idOrPrefix) }
        if matches.count == 1, let only = matches.first { return only }
        if matches.count > 1 { throw SessionError.ambiguousSession(idOrPrefix, matches: matches) }
        throw SessionError.unknownSession(idOrPrefix, known: all)
    }

    /// The log of session `id`.
    public func log(_ id: String) -> SessionLog {
        let url = workspace.sessionsDirectory.appendingPathComponent(id).appendingPathComponent("runs.jsonl")
        var log = SessionLog(url: url, displayPath: workspace.display(url))
        log.maxLineBytes = workspace.config.limits.maxLineBytes
        return log
    }

    /// The title from `sessions/<id>/session.toml`, if any.
    public func title(_ id: String) -> String? {
        let url = workspace.sessionsDirectory.appendingPathComponent(id).appendingPathComponent("session.toml")
        guard let text = try? String(contentsOf: url, encoding: .utf8), let table = try? SafeTOML.parse(text) else {
            return nil
        }
        return table["title"]?.string
    }

    /// Creates a new, empty session (with a title file when `title` is given) and makes it current.
    public func create(title: String?, now: Date = Date()) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let id = "\(formatter.string(from: now))-\(String(format: "%04x", UInt16.random(in: 0...UInt16.max)))"
        let directory = workspace.sessionsDirectory.appendingPathComponent(id)
        try DurableFile.makeDirectory(directory)
        if let title {
            let table = TOMLTable()
            table["title"] = title
            try DurableFile.writeAtomically(
                Data((table.convert() + "\n").utf8), to: directory.appendingPathComponent("session.toml"))
        }
        try setCurrent(id)
        return id
    }

    /// The session new runs go to: the one recorded in `.whet/current-session` if it still exists, else a new one.
    public func currentOrNew() throws -> String {
        let pointer = workspace.derivedDirectory.appendingPathComponent("current-session")
        if let text = try? String(contentsOf: pointer, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if ids().contains(id) { return id }
        }
        return try create(title: nil)
    }

    /// Records `id` as the session new runs go to.
    public func setCurrent(_ id: String) throws {
        let pointer = workspace.derivedDirectory.appendingPathComponent("current-session")
        let data = Data((id + "\n").utf8)
        // A script's 1,000 runs into one session: no 1,000 renames.
        if FileManager.default.contents(atPath: pointer.path) == data { return }
        try DurableFile.makeDirectory(workspace.derivedDirectory)
        try DurableFile.writeAtomically(data, to: pointer)
    }

    /// One summary per session, oldest first.
    public func summaries() -> [Summary] {
        ids().map { id in
            let log = log(id)
            let (records, warnings) = log.read()
            var models: [String] = []
            for record in records where !models.contains(record.model) { models.append(record.model) }
            let modified =
                (try? FileManager.default.attributesOfItem(atPath: log.url.path))?[.modificationDate] as? Date
            let costs = records.compactMap(\.costUSD)
            return Summary(
                id: id, title: title(id), runs: records.count, models: models, lastChange: modified, warnings: warnings,
                costUSD: costs.isEmpty ? nil : costs.reduce(0, +))
        }
    }
}
