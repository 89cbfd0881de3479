import Foundation
import Mustache
import Stencil

/// A variable's value as a template sees it. Values travel through whet as text (`--var`, eval `vars`, the
/// variables form, run records); text that is a JSON object or array is given to the template as that
/// structure, so `{{ customer.firstName }}` and `{% for item in documentation %}` work, while any other text
/// (a question, a number, `[1] see above`) stays the text it is.
public enum TemplateValue {
    /// The value for the engine: an object (printed as JSON, members by name), an array, or the text.
    static func parse(_ text: String) -> Any {
        guard let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[",
            let json = try? JSONParser.parse(text)
        else { return text }
        switch json {
        case .object, .array: return engineValue(json)
        default: return text
        }
    }

    /// A JSON value as the engine takes it: objects wrapped so they print as JSON, arrays as arrays (so loops
    /// work), numbers as integers when they are whole.
    static func engineValue(_ json: JSONValue) -> Any {
        switch json {
        case .null: return Optional<Any>.none as Any
        case .bool(let value): return value
        case .number(let value):
            return value.rounded() == value && abs(value) < 1e15 ? Int(value) : value
        case .string(let value): return value
        case .array(let items): return items.map(engineValue)
        case .object: return TemplateObject(json)
        }
    }

    /// Back from the engine to JSON (for `tojson`).
    static func json(fromEngine value: Any?) -> JSONValue {
        switch value {
        case nil: return .null
        case let object as TemplateObject: return object.json
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(Double(number))
        case let number as Double: return .number(number)
        case let items as [Any]: return .array(items.map { json(fromEngine: $0) })
        case let object as [String: Any]: return .object(object.mapValues { json(fromEngine: $0) })
        default: return .string("\(value.map { "\($0)" } ?? "")")
        }
    }
}

/// A JSON object inside a template: `.name` reads a member, printing it writes JSON (not Swift's dictionary
/// description), and it counts as true in `{% if %}`.
final class TemplateObject: DynamicMemberLookup, MustacheParent, CustomStringConvertible {
    let json: JSONValue

    init(_ json: JSONValue) { self.json = json }

    subscript(dynamicMember member: String) -> Any? {
        guard case .object(let members) = json, let value = members[member] else { return nil }
        return TemplateValue.engineValue(value)
    }

    /// The same member for mustache's `{{ customer.firstName }}`.
    func child(named member: String) -> Any? { self[dynamicMember: member] }

    var description: String { json.description }
}
