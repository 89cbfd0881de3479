import Foundation

/// A section's text split into literal text and `{{variable}}` placeholders, parsed once when the prompt is
/// loaded so that a malformed placeholder is reported before anything runs.
public struct PromptTemplate: Sendable, Equatable {
    /// A piece of a template.
    public enum Segment: Sendable, Equatable {
        /// Text copied as is.
        case text(String)
        /// A placeholder, with where it stands in the file for error messages.
        case variable(String, line: Int, column: Int)
    }

    /// The pieces in order.
    public let segments: [Segment]

    /// The distinct variable names used, in order of first use.
    public var variables: [String] {
        var seen = Set<String>()
        return segments.compactMap {
            if case .variable(let name, _, _) = $0, seen.insert(name).inserted { return name }
            return nil
        }
    }

    /// Parses `text`, whose first line is line `firstLine` of `file`.
    public init(parsing text: String, file: String, firstLine: Int) throws {
        var segments: [Segment] = []
        var literal = ""
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if offset > 0 { literal += "\n" }
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                literal += rest[rest.startIndex..<open.lowerBound]
                let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
                let location = SourceLocation(file: file, line: firstLine + offset, column: column)
                guard let close = rest[open.upperBound...].range(of: "}}") else {
                    throw PromptError.unclosedPlaceholder(location)
                }
                let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                guard PromptTemplate.isValidName(name) else {
                    throw PromptError.invalidVariableName(location, found: name)
                }
                if !literal.isEmpty {
                    segments.append(.text(literal))
                    literal = ""
                }
                segments.append(.variable(name, line: firstLine + offset, column: column))
                rest = rest[close.upperBound...]
            }
            literal += rest
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        self.segments = segments
    }

    /// Fills every placeholder from `values`; the first variable without a value is an error naming it.
    public func render(_ values: [String: String], file: String) throws -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .text(let text): output += text
            case .variable(let name, let line, let column):
                guard let value = values[name] else {
                    throw PromptError.missingVariable(name, SourceLocation(file: file, line: line, column: column))
                }
                output += value
            }
        }
        return output
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "." || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
        }
    }
}
