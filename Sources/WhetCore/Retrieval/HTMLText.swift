import Foundation

/// Turns an HTML page into readable plain text for indexing: tags removed, `script`/`style` dropped, block
/// elements become line breaks, headings become Markdown `#` lines (so the chunker keeps the heading path),
/// and the common character entities are decoded.
public enum HTMLText {
    /// The text of `html`, with blank lines between blocks.
    public static func plainText(_ html: String) -> String {
        var output = ""
        var index = html.startIndex
        var skipUntil: String? = nil
        while index < html.endIndex {
            let character = html[index]
            if character == "<", html[index...].hasPrefix("<!--") {
                index = html[index...].range(of: "-->")?.upperBound ?? html.endIndex
                continue
            }
            if character == "<" {
                guard let close = html[index...].firstIndex(of: ">") else { break }
                let tag = html[html.index(after: index)..<close].lowercased()
                let name =
                    tag.split(whereSeparator: {
                        $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "/" && !tag.hasPrefix("/")
                    }).first.map(String.init) ?? ""
                index = html.index(after: close)
                if let skip = skipUntil {
                    if name == "/" + skip { skipUntil = nil }
                    continue
                }
                switch name {
                case "script", "style", "head", "nav", "footer":
                    skipUntil = name
                case "h1", "h2", "h3", "h4", "h5", "h6":
                    let level = Int(String(name.last ?? "1")) ?? 1
                    output += "\n\n" + String(repeating: "#", count: level) + " "
                case "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "p", "/p", "div", "/div", "pre", "/pre", "ul", "/ul",
                    "ol", "/ol", "table", "/table", "section", "/section", "blockquote", "/blockquote", "dl", "/dl":
                    output += "\n\n"
                case "br", "li", "tr", "dt", "dd":
                    output += "\n"
                default:
                    break
                }
                continue
            }
            if skipUntil == nil { output.append(character) }
            index = html.index(after: index)
        }
        return normalize(decodeEntities(output))
    }

    /// Decodes named entities people actually use and every numeric one.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named: [String: String] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
            "mdash": "—", "ndash": "–", "hellip": "…", "copy": "©", "para": "¶",
            "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“",
        ]
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(10).firstIndex(of: ";") {
                let entity = String(after[..<semi])
                var replacement: String? = named[entity]
                if entity.hasPrefix("#") {
                    let digits = entity.dropFirst()
                    let value =
                        digits.hasPrefix("x") || digits.hasPrefix("X")
                        ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    replacement = value.flatMap(Unicode.Scalar.init).map { String($0) }
                }
                if let replacement {
                    output += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            output += "&"
            rest = after
        }
        return output + rest
    }

    /// Trims trailing spaces and squeezes runs of blank lines to one.
    static func normalize(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" }).isEmpty ? Substring("") : line
            if trimmed.isEmpty {
                blank += 1
                if blank > 1 { continue }
            } else {
                blank = 0
            }
            var end = trimmed.endIndex
            while end > trimmed.startIndex, trimmed[trimmed.index(before: end)] == " " {
                end = trimmed.index(before: end)
            }
            lines.append(trimmed[..<end])
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }
}
