import Foundation
import Stencil

/// The filters and tests prompts written for Jinja2 use, for Stencil: `upper`, `lower`, `title`, `capitalize`,
/// `trim`, `length`/`count`, `first`, `last`, `join`, `replace`, `tojson`, `string`, `int`, `float`, `abs`,
/// `round`, `reverse`, `sort`, `unique`, `wordcount`, `list`, `safe`, plus `default`/`join` from Stencil itself;
/// Jinja's tests (`x is defined`, `x is not none` …) become the filters `__is_defined` … that `TemplateScanner`
/// writes for them. Stencil's `{% if %}` reads a filter's true/false result like any value.
enum JinjaFilters {
    /// Jinja's tests whet knows, by name.
    static let tests: [String: @Sendable (Any?) -> Bool] = [
        "defined": { $0 != nil },
        "undefined": { $0 == nil },
        "none": { $0 == nil || $0 is NSNull },
        "string": { $0 is String },
        "number": { number($0) != nil && !($0 is Bool) },
        "integer": { $0 is Int },
        "float": { $0 is Double },
        "boolean": { $0 is Bool },
        "true": { ($0 as? Bool) == true },
        "false": { ($0 as? Bool) == false },
        "mapping": { $0 is TemplateObject || $0 is [String: Any] },
        "sequence": { $0 is [Any] || $0 is String },
        "iterable": { $0 is [Any] || $0 is String || $0 is TemplateObject },
        "even": { ($0 as? Int).map { $0 % 2 == 0 } ?? false },
        "odd": { ($0 as? Int).map { $0 % 2 != 0 } ?? false },
        "lower": { ($0 as? String).map { $0 == $0.lowercased() } ?? false },
        "upper": { ($0 as? String).map { $0 == $0.uppercased() } ?? false },
    ]

    /// Registers the filters and tests on `extension`.
    static func register(on extension: Extension) {
        for (name, test) in tests { `extension`.registerFilter("__is_" + name) { value in test(value) } }
        `extension`.registerFilter("upper") { text($0).uppercased() }
        `extension`.registerFilter("lower") { text($0).lowercased() }
        `extension`.registerFilter("trim") { text($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        `extension`.registerFilter("title") { text($0).capitalized }
        `extension`.registerFilter("capitalize") { value in
            let string = text(value)
            return string.prefix(1).uppercased() + string.dropFirst().lowercased()
        }
        `extension`.registerFilter("length", filter: count)
        `extension`.registerFilter("count", filter: count)
        `extension`.registerFilter("first") { value in
            if let items = value as? [Any] { return items.first }
            return text(value).first.map(String.init)
        }
        `extension`.registerFilter("last") { value in
            if let items = value as? [Any] { return items.last }
            return text(value).last.map(String.init)
        }
        `extension`.registerFilter("tojson") { value in TemplateValue.json(fromEngine: value).description }
        `extension`.registerFilter("replace") { (value: Any?, arguments: [Any?]) in
            guard arguments.count == 2, let old = arguments[0].map({ "\($0)" }), let new = arguments[1].map({ "\($0)" })
            else { throw TemplateSyntaxError("'replace' expects two arguments: replace(\"old\", \"new\")") }
            return text(value).replacingOccurrences(of: old, with: new)
        }
        `extension`.registerFilter("string") { text($0) }
        `extension`.registerFilter("safe") { $0 }
        `extension`.registerFilter("int") { value in number(value).map { Int($0) } ?? 0 }
        `extension`.registerFilter("float") { value in number(value) ?? 0.0 }
        `extension`.registerFilter("abs") { value -> Any? in
            if let integer = value as? Int { return abs(integer) }
            return number(value).map { abs($0) }
        }
        `extension`.registerFilter("round") { (value: Any?, arguments: [Any?]) -> Any? in
            let places = arguments.first.flatMap { $0 as? Int } ?? 0
            let scale = pow(10.0, Double(places))
            return number(value).map { ($0 * scale).rounded() / scale }
        }
        `extension`.registerFilter("wordcount") { text($0).split(whereSeparator: \.isWhitespace).count }
        `extension`.registerFilter("list") { value -> Any? in
            if let items = value as? [Any] { return items }
            return text(value).map(String.init)
        }
        `extension`.registerFilter("reverse") { value -> Any? in
            if let items = value as? [Any] { return Array(items.reversed()) }
            return String(text(value).reversed())
        }
        `extension`.registerFilter("sort") { value -> Any? in
            guard let items = value as? [Any] else { return value }
            if let numbers = items as? [Int] { return numbers.sorted() }
            return items.map { text($0) }.sorted()
        }
        `extension`.registerFilter("unique") { value -> Any? in
            guard let items = value as? [Any] else { return value }
            var seen = Set<String>()
            return items.filter { seen.insert(text($0)).inserted }
        }
    }

    /// A value as the text Jinja prints for it.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil: return ""
        case let flag as Bool: return flag ? "True" : "False"
        case let some?: return "\(some)"
        }
    }

    /// A value's number, when it is one (or text that reads as one).
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let integer as Int: return Double(integer)
        case let double as Double: return double
        case let text as String: return Double(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// `length`: items of a list or object, characters of text.
    static func count(_ value: Any?) -> Any? {
        switch value {
        case let array as [Any]: return array.count
        case let object as TemplateObject: return object.json.objectValue?.count ?? 0
        case let object as [String: Any]: return object.count
        case let text as String: return text.count
        default: return 0
        }
    }
}
