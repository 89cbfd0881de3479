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
            if let content = node.pointee.content { appendText(content, to: &output) }
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

    /// Appends a text node's UTF-8 bytes with every no-break space (C2 A0) made a space. Done on the bytes:
    /// Foundation's `replacingOccurrences` searched every text node through NSString, a twentieth of indexing
    /// time. A no-break space followed by a combining mark (a scalar from U+0300, lead byte CC or above) is
    /// left to Foundation, whose search compares such clusters as a whole.
    static func appendText(_ content: UnsafePointer<xmlChar>, to output: inout String) {
        let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
        let bytes = UnsafeBufferPointer(start: content, count: length)
        var found = false
        var index = 0
        while index + 1 < length {
            if bytes[index] == 0xC2, bytes[index + 1] == 0xA0 {
                if index + 2 < length, bytes[index + 2] >= 0xCC {
                    output += String(cString: content).replacingOccurrences(of: "\u{00A0}", with: " ")
                    return
                }
                found = true
            }
            index += 1
        }
        guard found else {
            output += String(decoding: bytes, as: UTF8.self)
            return
        }
        var replaced: [UInt8] = []
        replaced.reserveCapacity(length)
        index = 0
        while index < length {
            if index + 1 < length, bytes[index] == 0xC2, bytes[index + 1] == 0xA0 {
                replaced.append(0x20)
                index += 2
            } else {
                replaced.append(bytes[index])
                index += 1
            }
        }
        output += String(decoding: replaced, as: UTF8.self)
    }
}
