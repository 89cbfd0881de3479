/// Where the pages of a converted document begin, so a chunk (which knows its lines in the extracted text)
/// can say which page it is on: `manual.pdf p. 12`. Built from `pdftotext`'s output, whose pages each end
/// with a form feed.
public struct PageMap: Sendable, Equatable {
    /// The first line of each page in the extracted text, 1-based, ascending; page 1 starts at line 1.
    public let pageStarts: [Int]

    /// A map from page start lines.
    public init(pageStarts: [Int]) { self.pageStarts = pageStarts }

    /// Splits text with form-feed page breaks into the text without them (every page on lines of its own)
    /// and the map; nil map when the text has no page breaks.
    public static func split(_ text: String) -> (text: String, pages: PageMap?) {
        guard text.contains("\u{0C}") else { return (text, nil) }
        var pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        // pdftotext ends the last page with a form feed too: nothing follows it.
        if pages.count > 1, pages.last?.allSatisfy(\.isWhitespace) == true { pages.removeLast() }
        var joined = ""
        var starts: [Int] = []
        var line = 1
        for var page in pages {
            if !page.hasSuffix("\n") { page += "\n" }
            starts.append(line)
            line += page.utf8.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            joined += page
        }
        return (joined, PageMap(pageStarts: starts))
    }

    /// The page (1-based) that line `line` is on.
    public func page(ofLine line: Int) -> Int {
        var low = 0
        var high = pageStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if pageStarts[middle] <= line { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The pages of lines `start...end`, with the lines counted within their pages.
    public func span(startLine: Int, endLine: Int) -> PageSpan {
        let first = page(ofLine: startLine)
        let last = page(ofLine: endLine)
        return PageSpan(
            first: first, last: last, firstLine: startLine - pageStarts[first - 1] + 1,
            lastLine: endLine - pageStarts[last - 1] + 1)
    }
}

/// The page(s) a chunk of a paged document covers, and its lines within them.
public struct PageSpan: Sendable, Equatable, Codable {
    /// The page the chunk starts on (1-based).
    public var first: Int
    /// The page it ends on.
    public var last: Int
    /// Its first line, counted from the top of page `first`.
    public var firstLine: Int
    /// Its last line, counted from the top of page `last`.
    public var lastLine: Int

    /// Makes a span.
    public init(first: Int, last: Int, firstLine: Int, lastLine: Int) {
        self.first = first
        self.last = last
        self.firstLine = firstLine
        self.lastLine = lastLine
    }

    /// `p. 12:3-20` on one page, `pp. 12-13` across pages, `p. 12` when the lines are not known (an
    /// outside retriever's chunk): how citations name it.
    public var label: String {
        guard first == last else { return "pp. \(first)-\(last)" }
        return firstLine == 0 ? "p. \(first)" : "p. \(first):\(firstLine)-\(lastLine)"
    }

    enum CodingKeys: String, CodingKey {
        case first, last
        case firstLine = "first_line"
        case lastLine = "last_line"
    }
}
