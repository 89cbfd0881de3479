import Foundation
import WhetCore
import WhetTestSupport

/// `whet-bench loaders [--files N] [--pages P]`: converted documents through the real converters. Writes N
/// PDFs of P text pages each (and N DOCX files through pandoc, when it is installed) into a new workspace,
/// then times `whet index` with the extraction cache cold (every file converted) and warm (a rebuild that
/// reads the cached text): pages per second, and what the cache saves.
func benchmarkLoaders(files: Int, pages: Int) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("whet-bench-loaders-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let corpus = root.appendingPathComponent("corpus")
    try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
    try Data("name = \"loaders\"\n".utf8).write(to: root.appendingPathComponent("whet.toml"))
    let sentences = [
        "The warranty covers manufacturing defects for three years from the date of purchase.",
        "Hold the reset button for ten seconds to restore the factory settings.",
        "The router supports WPA3 and creates a separate network for guests.",
        "Firmware updates are installed automatically at night unless disabled.",
    ]
    for file in 0..<files {
        let document = (0..<pages).map { page in
            ["Manual \(file), page \(page + 1)"] + (0..<30).map { sentences[($0 + page) % sentences.count] }
        }
        try TestPDF.make(pages: document).write(to: corpus.appendingPathComponent("manual-\(file).pdf"))
    }
    let workspace = try Workspace.open(root: root)
    var cold: [Double] = []
    var warm: [Double] = []
    for _ in 0..<3 {
        try? FileManager.default.removeItem(at: workspace.derivedDirectory)
        cold.append(try seconds { _ = try workspace.openIndex() })
        warm.append(try seconds { _ = try workspace.openIndex(rebuild: true) })
    }
    let total = Double(files * pages)
    print("loaders: \(files) PDFs × \(pages) pages (30 lines a page), pdftotext, 3 runs")
    print(
        String(
            format: "cold cache: median %.3f s = %.0f pages/s (conversion, chunking, indexing)", median(cold),
            total / median(cold)))
    print(
        String(
            format: "warm cache: median %.3f s = %.0f pages/s (a rebuild reading the cached text)", median(warm),
            total / median(warm)))
}
