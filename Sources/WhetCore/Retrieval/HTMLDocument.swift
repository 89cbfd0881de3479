import CLibXML2
import Foundation

/// An HTML page read by libxml2's HTML parser, the forgiving one: unclosed and misnested tags, attributes
/// holding `>`, scripts holding `</div>`, every named entity (`&auml;`, `&euro;`), comments anywhere and
/// encodings declared in the page are handled as browsers handle them. Its text is what `HTMLText` indexes.
enum HTMLDocument {
    /// Elements whose content is not the page's text.
    static let skipped: Set<String> = ["script", "style", "head", "nav", "footer", "noscript", "template", "svg"]
    /// Elements that start a new block (a blank line around them).
    static let blocks: Set<String> = [
        "p", "div", "pre", "ul", "ol", "table", "section", "article", "main", "aside", "blockquote", "dl", "figure",
        "header", "form", "fieldset", "details", "summary", "hr",
    ]
    /// Elements that start a new line.
    static let lines: Set<String> = ["br", "li", "tr", "dt", "dd", "caption", "figcaption"]

    /// The page's text: headings as Markdown `#` lines, blocks separated by blank lines, table cells by
    /// tabs; nil when libxml2 cannot make a document of it at all.
    static func text(_ html: String) -> String? {
        var html = html
        return html.withUTF8 { bytes -> String? in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return "" }
            let options =
                HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue
            let document = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                htmlReadMemory($0, Int32(clamping: bytes.count), nil, "UTF-8", Int32(options))
            }
            guard let document else { return nil }
            defer { xmlFreeDoc(document) }
            var output = ""
            var node = document.pointee.children
            while let current = node {
                append(current, to: &output)
                node = current.pointee.next
            }
            return output
        }
    }

    /// Appends the text of `node` and what is below it.
    private static func append(_ node: UnsafeMutablePointer<xmlNode>, to output: inout String) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            // A no-break space (`&nbsp;`) is a space to a reader and to the tokenizer.
            if let content = node.pointee.content {
                output += String(cString: content).replacingOccurrences(of: "\u{00A0}", with: " ")
            }
        case XML_ELEMENT_NODE:
            let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            if skipped.contains(name) { return }
            let heading = name.count == 2 && name.first == "h" ? Int(String(name.last ?? "x")) : nil
            if let level = heading, (1...6).contains(level) {
                // A heading is one line, however the page wraps it, so the chunker sees a heading.
                var title = ""
                var child = node.pointee.children
                while let current = child {
                    append(current, to: &title)
                    child = current.pointee.next
                }
                let words = title.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                output += "\n\n" + String(repeating: "#", count: level) + " " + words + "\n\n"
                return
            } else if blocks.contains(name) {
                output += "\n\n"
            } else if lines.contains(name) {
                output += "\n"
            } else if name == "td" || name == "th" {
                output += "\t"
            }
            var child = node.pointee.children
            while let current = child {
                append(current, to: &output)
                child = current.pointee.next
            }
            if blocks.contains(name) { output += "\n\n" }
        default:
            break
        }
    }
}
