import Foundation

/// How corpus files that are not text become text: an external command per file extension, in the spirit of
/// aichat's `document_loaders`. PDFs go through poppler's `pdftotext` (its form feeds mark the pages, which
/// whet keeps), office and e-book formats through `pandoc` (as Markdown, so their headings become chunk
/// headings). `[loaders]` in whet.toml adds or replaces commands (`pdf = "pdftotext -layout \"$1\" -"`); a
/// command runs under `sh -c` with the file as `$1` and writes the text to standard output.
public struct DocumentLoaders: Sendable, Equatable {
    /// One extension's command.
    public struct Loader: Sendable, Equatable {
        /// The extension, lowercased, without the dot.
        public var fileExtension: String
        /// The shell command; `$1` is the file.
        public var command: String
        /// The Debian package that provides the command's program, for the message when it is missing.
        public var package: String?

        /// The program the command starts (its first word): what must be on PATH.
        public var program: String {
            String(command.split(whereSeparator: \.isWhitespace).first ?? "").trimmingCharacters(
                in: .init(charactersIn: "\"'"))
        }

        /// How the file type is named in messages: `PDF`, `DOCX`.
        public var typeName: String { fileExtension.uppercased() }
    }

    /// The loaders by extension.
    public private(set) var byExtension: [String: Loader]

    /// The defaults: PDF through pdftotext, DOCX/ODT/EPUB/RTF through pandoc.
    public static let defaults: DocumentLoaders = {
        var loaders = DocumentLoaders(byExtension: [:])
        loaders.set("pdf", command: "pdftotext -layout -enc UTF-8 \"$1\" -", package: "poppler-utils")
        for type in ["docx", "odt", "epub", "rtf"] {
            loaders.set(type, command: "pandoc --to=gfm --wrap=none \"$1\"", package: "pandoc")
        }
        return loaders
    }()

    /// Sets (or replaces) the command for `fileExtension`.
    public mutating func set(_ fileExtension: String, command: String, package: String? = nil) {
        let key = fileExtension.lowercased().trimmingCharacters(in: .init(charactersIn: "."))
        byExtension[key] = Loader(fileExtension: key, command: command, package: package)
    }

    /// The loader for a path, by its extension.
    public func loader(for path: String) -> Loader? {
        byExtension[(path as NSString).pathExtension.lowercased()]
    }

    /// What the index records with its chunking settings: another command for a type re-reads every file.
    var signature: String {
        byExtension == DocumentLoaders.defaults.byExtension
            ? ""
            : " loaders="
                + byExtension.keys.sorted().map { "\($0):\(byExtension[$0]?.command ?? "")" }.joined(separator: ";")
    }

    /// How long one file may take to convert.
    static let timeoutSeconds = 120.0

    /// Why a file could not be converted.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The program is not installed: said once per file type.
        case missingProgram(Loader)
        /// The program ran and failed (an encrypted or damaged file): said per file.
        case failed(Loader, status: Int32, message: String?)
        /// The program ran past the time limit.
        case timedOut(Loader)
        /// It ran but gave no text (a scanned PDF without a text layer).
        case noText(Loader)

        public var description: String {
            switch self {
            case .missingProgram(let loader):
                let package = loader.package.map { " (Debian package \($0): apt-get install -y \($0))" } ?? ""
                return "\(loader.typeName) files need `\(loader.program)`\(package), which is not on PATH"
            case .failed(let loader, let status, let message):
                return "skipped: \(loader.program) could not read it (exit status \(status))"
                    + (message.map { ": \($0)" } ?? "")
            case .timedOut(let loader):
                return "skipped: \(loader.program) ran longer than \(Int(DocumentLoaders.timeoutSeconds)) s"
            case .noText(let loader):
                return "skipped: \(loader.program) found no text in it"
                    + (loader.fileExtension == "pdf" ? " (a scanned PDF needs OCR first)" : "")
            }
        }
    }

    /// Where the extraction cache keeps the text of bytes hashing to `contentHash` converted by `loader`.
    static func cachedTextURL(_ loader: Loader, contentHash: String, cache: URL) -> URL {
        let key = HexDigest.sha256(loader.command + "\u{0}" + contentHash)
        return cache.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".txt")
    }

    /// The text of the file at `absolutePath` (whose bytes hash to `contentHash`) through `loader`, from the
    /// extraction cache when the same bytes were converted by the same command before.
    public func extract(
        _ loader: Loader, absolutePath: String, contentHash: String, cache: URL?
    ) throws -> String {
        let cached = cache.map { DocumentLoaders.cachedTextURL(loader, contentHash: contentHash, cache: $0) }
        if let cached, let data = FileManager.default.contents(atPath: cached.path) {
            return String(decoding: data, as: UTF8.self)
        }
        guard ChildProcess.find(loader.program) != nil else { throw Failure.missingProgram(loader) }
        let outcome = try ChildProcess.run(
            "/bin/sh", ["-c", loader.command, "sh", absolutePath], timeout: DocumentLoaders.timeoutSeconds)
        if outcome.timedOut { throw Failure.timedOut(loader) }
        guard outcome.status == 0 else {
            if outcome.status == 127 { throw Failure.missingProgram(loader) }
            throw Failure.failed(loader, status: outcome.status, message: outcome.lastErrorLine)
        }
        let text = String(decoding: outcome.stdout, as: UTF8.self)
        guard text.contains(where: { !$0.isWhitespace && $0 != "\u{0C}" }) else { throw Failure.noText(loader) }
        if let cached {
            try? DurableFile.makeDirectory(cached.deletingLastPathComponent())
            try? DurableFile.writeAtomically(Data(text.utf8), to: cached)
        }
        return text
    }
}

extension Workspace {
    /// The folder of converted documents' text, by content hash.
    public var extractionCacheURL: URL { derivedDirectory.appendingPathComponent("extracted") }

    /// The extracted text of a converted corpus file as it is now (what its chunks' line numbers count), or
    /// nil for a file read as text, or one not converted yet: what `o` opens for a PDF's chunk.
    public func extractedText(of path: String) -> URL? {
        guard let loader = config.loaders.loader(for: path),
            let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path)
        else { return nil }
        let hash = HexDigest.sha256(data)
        let url = DocumentLoaders.cachedTextURL(loader, contentHash: hash, cache: extractionCacheURL)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
