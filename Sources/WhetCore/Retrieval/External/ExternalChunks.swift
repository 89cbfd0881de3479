import Foundation

/// Reads the chunks an outside retriever answers with. One chunk is a JSON object:
///
///     {"text": "…", "source": "docs/sso.md", "score": 12.5, "lines": [10, 24], "page": 3,
///      "heading": ["Security", "Single sign-on"]}
///
/// `text` and `source` are required; `score` (a number), `lines` (`[start, end]`, `"10-24"` or one line
/// number), `page` (a number or `[first, last]`) and `heading` (a string or a list of strings) are optional.
/// The retriever's order is the ranking. Anything else is refused with the chunk's place and what was found,
/// because a silently dropped field would make citations and eval scores quietly wrong.
enum ExternalChunks {
    /// The chunks of an HTTP answer: `{"chunks": [...]}` or a bare list.
    static func fromResponse(_ data: Data) throws -> [RetrievedChunk] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            throw Problem("the answer is not JSON (\(error)); expected {\"chunks\": [...]}, found \(preview(data))")
        }
        let items: [JSONValue]
        if let list = value.arrayValue {
            items = list
        } else if let list = value.objectValue?["chunks"]?.arrayValue {
            items = list
        } else {
            throw Problem("expected {\"chunks\": [...]} or a list of chunks, found \(preview(data))")
        }
        return try items.enumerated().map { offset, item in
            do {
                return try chunk(item, rank: offset + 1)
            } catch let problem as Problem {
                throw Problem("chunk \(offset + 1): \(problem.message)")
            }
        }
    }

    /// The chunks of a command's output: one JSON object per line (blank lines are skipped).
    static func fromLines(_ data: Data) throws -> [RetrievedChunk] {
        var chunks: [RetrievedChunk] = []
        for (offset, line) in String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        ).enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            do {
                let value: JSONValue
                do {
                    value = try JSONParser.parse(text)
                } catch {
                    throw Problem("expected a JSON object, found \(preview(Data(text.utf8)))")
                }
                chunks.append(try chunk(value, rank: chunks.count + 1))
            } catch let problem as Problem {
                throw Problem("output line \(offset + 1): \(problem.message)")
            }
        }
        return chunks
    }

    /// One chunk object.
    static func chunk(_ value: JSONValue, rank: Int) throws -> RetrievedChunk {
        guard let object = value.objectValue else {
            throw Problem("expected an object with \"text\" and \"source\", found \(describe(value))")
        }
        guard let text = object["text"]?.stringValue else {
            throw Problem("\"text\" must be a string, found \(describe(object["text"]))")
        }
        guard let source = object["source"]?.stringValue, !source.isEmpty else {
            throw Problem("\"source\" must be a non-empty string, found \(describe(object["source"]))")
        }
        var score = 0.0
        if let given = object["score"], given != .null {
            guard case .number(let number) = given, number.isFinite else {
                throw Problem("\"score\" must be a number, found \(describe(given))")
            }
            score = number
        }
        let (start, end) = try lines(object["lines"])
        var chunk = RetrievedChunk(
            rank: rank, path: source, startLine: start, endLine: end, headingPath: try heading(object["heading"]),
            score: score, matchedTerms: [], text: text)
        if let (first, last) = try pages(object["page"]) {
            chunk.pages = PageSpan(first: first, last: last, firstLine: start, lastLine: end)
        }
        return chunk
    }

    /// `[start, end]`, `"start-end"` or one line; absent is 0-0 (no lines known: citations show the source).
    static func lines(_ value: JSONValue?) throws -> (Int, Int) {
        let problem = Problem(
            "\"lines\" must be [start, end], \"start-end\" or a line number, found \(describe(value))")
        switch value {
        case nil, .null?: return (0, 0)
        case .number(let line)?:
            guard let line = whole(line) else { throw problem }
            return (line, line)
        case .array(let pair)?:
            guard pair.count == 2, case .number(let a) = pair[0], case .number(let b) = pair[1],
                let start = whole(a), let end = whole(b), start <= end
            else { throw problem }
            return (start, end)
        case .string(let text)?:
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let start = Int(parts[0]), let end = Int(parts.last ?? ""),
                start >= 1, start <= end
            else { throw problem }
            return (start, end)
        default: throw problem
        }
    }

    /// A page number or `[first, last]`; nil when absent.
    static func pages(_ value: JSONValue?) throws -> (Int, Int)? {
        let problem = Problem("\"page\" must be a page number or [first, last], found \(describe(value))")
        switch value {
        case nil, .null?: return nil
        case .number(let page)?:
            guard let page = whole(page) else { throw problem }
            return (page, page)
        case .array(let pair)?:
            guard pair.count == 2, case .number(let a) = pair[0], case .number(let b) = pair[1],
                let first = whole(a), let last = whole(b), first <= last
            else { throw problem }
            return (first, last)
        default: throw problem
        }
    }

    /// A heading path: one string (split on ` > `) or a list of strings.
    static func heading(_ value: JSONValue?) throws -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let text)?:
            return text.isEmpty ? [] : text.components(separatedBy: " > ")
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
            return items.compactMap(\.stringValue)
        default:
            throw Problem("\"heading\" must be a string or a list of strings, found \(describe(value))")
        }
    }

    /// A positive whole number, or nil.
    private static func whole(_ number: Double) -> Int? {
        guard number >= 1, number <= Double(Int32.max), number.rounded() == number else { return nil }
        return Int(number)
    }

    /// A value as an error message shows it: its kind and a short preview.
    static func describe(_ value: JSONValue?) -> String {
        switch value {
        case nil: return "nothing"
        case .null?: return "null"
        case .bool(let flag)?: return "\(flag)"
        case .number?: return "the number \(value?.description ?? "")"
        case .string(let text)?: return "the string \"\(text.prefix(40))\(text.count > 40 ? "…" : "")\""
        case .array?: return "a list"
        case .object?: return "an object"
        }
    }

    /// The start of an answer that was not what was expected, on one line.
    static func preview(_ data: Data) -> String {
        let text = String(decoding: data.prefix(80), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return text.isEmpty ? "an empty answer" : "'\(text)\(data.count > 80 ? "…" : "")'"
    }

    /// What was wrong with an answer; the retriever adds its name.
    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
