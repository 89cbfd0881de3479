import Foundation

/// Splits prose into sentences for the offline backend: wrapped lines of a paragraph are joined, headings,
/// code and interactive-session lines are left out (they are not answers), and sentences end at `.`, `!`,
/// `?` followed by a space, or at the CJK full stops `。！？`.
public enum SentenceSplitter {
    /// The sentences of `text`, in order, trimmed.
    public static func sentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var paragraph: [String] = []
        var inFence = false

        func flushParagraph() {
            if !paragraph.isEmpty { sentences += split(paragraph.joined(separator: " ")) }
            paragraph = []
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmedWhitespace
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence.toggle()
                flushParagraph()
                continue
            }
            if inFence || line.isEmpty || line.hasPrefix("#") || line.hasPrefix(">>>") || line.hasPrefix("...")
                || rawLine.hasPrefix("    ") || rawLine.hasPrefix("\t")
            {
                flushParagraph()
                continue
            }
            let unbulleted = line.hasPrefix("- ") || line.hasPrefix("* ") ? String(line.dropFirst(2)) : line
            paragraph.append(unbulleted)
        }
        flushParagraph()
        return sentences
    }

    static func split(_ paragraph: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(paragraph)
        for (index, character) in characters.enumerated() {
            current.append(character)
            let isCJKStop = "。！？".contains(character)
            let isStop =
                ".!?".contains(character)
                && (index + 1 == characters.count || characters[index + 1] == " ")
                && !endsWithAbbreviation(current)
            if isCJKStop || isStop {
                let sentence = current.trimmedWhitespace
                if !sentence.isEmpty { result.append(sentence) }
                current = ""
            }
        }
        let rest = current.trimmedWhitespace
        if !rest.isEmpty { result.append(rest) }
        return result
    }

    /// Whether the text so far ends in an abbreviation whose dot does not end a sentence.
    static func endsWithAbbreviation(_ text: String) -> Bool {
        let lastWord = text.split(separator: " ").last.map { $0.lowercased() } ?? ""
        return ["e.g.", "i.e.", "etc.", "vs.", "mr.", "dr.", "cf.", "no."].contains(lastWord)
    }
}
