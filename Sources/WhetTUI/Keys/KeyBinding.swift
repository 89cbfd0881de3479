// The Keys folder: key bindings as data. Every component says which keys it answers to, what each does,
// whether it changes the workspace and why it is disabled now; the help, the status-bar hints, overlay
// footers and review mode's refusals are generated from those values, so they cannot drift from the keys.

/// One key (or several keys that do the same) a component answers to.
@MainActor
public struct KeyBinding {
    /// The keys that trigger it; empty for what is listed in the help but not a key (a mouse click).
    public var keys: [Key]
    /// How the help writes the keys: `Ctrl-R`, `j k / arrows`.
    public var label: String
    /// What it does, for the help; nil when the binding before it already describes it (`k` after `j`).
    public var help: String?
    /// A short word for the status bar or an overlay's footer (`run`, `save`); nil keeps it out of them.
    public var hint: String?
    /// How the hint writes the key (`^R`); defaults to the label.
    public var hintKey: String?
    /// True when it writes, runs or spends anything: review mode refuses it and says so.
    public var changesWorkspace: Bool
    /// Why it does nothing now (said when the key is pressed), or nil when it is available.
    public var disabledReason: String?
    /// True for a layer's key that closes it (after `perform`): the layer answers `close` and the stack removes
    /// it, instead of the binding reaching into the stack itself.
    public var closesLayer = false
    let perform: @MainActor (Workbench, Key) -> Void

    /// A binding of `keys`, described as `label` — `help` in the help overlay.
    public init(
        _ keys: [Key], _ label: String, _ help: String?, hint: String? = nil, hintKey: String? = nil,
        changesWorkspace: Bool = false, disabledReason: String? = nil,
        perform: @escaping @MainActor (Workbench) -> Void
    ) {
        self.init(
            keyed: keys, label, help, hint: hint, hintKey: hintKey, changesWorkspace: changesWorkspace,
            disabledReason: disabledReason
        ) { workbench, _ in perform(workbench) }
    }

    /// A binding whose action depends on which of its keys was pressed (the arrows of an editor).
    public init(
        keyed keys: [Key], _ label: String, _ help: String?, hint: String? = nil, hintKey: String? = nil,
        changesWorkspace: Bool = false, disabledReason: String? = nil,
        perform: @escaping @MainActor (Workbench, Key) -> Void
    ) {
        self.keys = keys
        self.label = label
        self.help = help
        self.hint = hint
        self.hintKey = hintKey
        self.changesWorkspace = changesWorkspace
        self.disabledReason = disabledReason
        self.perform = perform
    }

    /// A layer's key that closes it (Esc in a viewer), after `perform` when it has more to do.
    public static func closing(
        _ keys: [Key], _ label: String, _ help: String?, hint: String? = nil,
        perform: @escaping @MainActor (Workbench) -> Void = { _ in }
    ) -> KeyBinding {
        var binding = KeyBinding(keys, label, help, hint: hint, perform: perform)
        binding.closesLayer = true
        return binding
    }

    /// A binding listed in the help that no key triggers (a mouse click, typing text).
    public static func documented(_ label: String, _ help: String) -> KeyBinding {
        KeyBinding(keyed: [], label, help) { _, _ in }
    }

    /// The key as the status bar writes it: `^R` for `Ctrl-R`.
    var shortKey: String {
        if let hintKey { return hintKey }
        return label.hasPrefix("Ctrl-") ? "^" + label.dropFirst(5) : label
    }

    /// The help's entry for this binding, if it has one.
    var helpEntry: HelpEntry? {
        help.map { HelpEntry(keys: label, action: $0, changesWorkspace: changesWorkspace) }
    }
}

/// One line of the help: keys, what they do, and whether review mode allows it.
public struct HelpEntry: Sendable, Equatable {
    public var keys: String
    public var action: String
    public var changesWorkspace: Bool
}

/// A titled group of the help, one per component.
public struct HelpSection: Sendable, Equatable {
    public var title: String
    public var entries: [HelpEntry]

    /// The section of `bindings` under `title`.
    @MainActor
    init(_ title: String, _ bindings: [KeyBinding]) {
        self.title = title
        self.entries = bindings.compactMap(\.helpEntry)
    }

    init(title: String, entries: [HelpEntry]) {
        self.title = title
        self.entries = entries
    }
}

extension Array where Element == KeyBinding {
    /// The first binding that answers to `key`.
    @MainActor
    func binding(for key: Key) -> KeyBinding? { first { $0.keys.contains(key) } }

    /// `key label` pairs for a status bar or footer, first binding per hint word.
    @MainActor
    var hints: [(key: String, label: String)] {
        var seen: Set<String> = []
        return compactMap { binding in
            guard let hint = binding.hint, seen.insert(hint).inserted else { return nil }
            return (binding.shortKey, hint)
        }
    }

    /// `j/k move · Enter open · Esc close`: the hints as one footer line.
    @MainActor
    var footer: String {
        hints.map { "\($0.key) \($0.label)" }.joined(separator: " · ")
    }
}
