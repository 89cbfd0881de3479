import Foundation

/// Writes small, valid PDF files for the loader tests: one text page per entry, Helvetica in WinAnsi
/// encoding (so German and French letters survive), each line its own text line, real cross-reference
/// offsets — what `pdftotext` reads like any PDF a word processor writes.
public enum TestPDF {
    /// A PDF whose pages hold `pages`' lines.
    public static func make(pages: [[String]]) -> Data {
        var objects: [String] = []
        let pageCount = pages.count
        // 1: catalog, 2: pages, 3: font, then a page and its content stream per page.
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = (0..<pageCount).map { "\(4 + $0 * 2) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pageCount) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        for (index, lines) in pages.enumerated() {
            let content =
                "BT /F1 12 Tf 72 720 Td 16 TL "
                + lines.map { "(\(escape($0))) Tj T*" }.joined(separator: " ") + " ET"
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    + "/Contents \(5 + index * 2) 0 R >>")
            objects.append("<< /Length \(latin1(content).count) >>\nstream\n\(content)\nendstream")
        }
        var data = latin1("%PDF-1.4\n")
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(data.count)
            data += latin1("\(index + 1) 0 obj\n\(object)\nendobj\n")
        }
        let xref = data.count
        data += latin1("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n")
        for offset in offsets { data += latin1(String(format: "%010d 00000 n \n", offset)) }
        data += latin1("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        return data
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
            .replacingOccurrences(of: ")", with: "\\)")
    }

    private static func latin1(_ text: String) -> Data { text.data(using: .isoLatin1) ?? Data(text.utf8) }
}
