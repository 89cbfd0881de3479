import Foundation

// The Layers folder: what covers the panes (help, a chunk, a diff, the variables form, dialogs, the eval
// results, the command line…), each a layer with its own state, keys and drawing, kept on a stack.

/// A layer type's keys as the F1 help lists them, under the title the user knows it by.
@MainActor
public struct LayerHelp {
    public var title: String
    public var bindings: [KeyBinding]
    /// The sets of bindings active at one time (a form and a value being edited in it); each must give a key
    /// one meaning. By default the listed bindings are one context.
    public var contexts: [[KeyBinding]]

    /// The section `title` listing `bindings`.
    public init(_ title: String, _ bindings: [KeyBinding], contexts: [[KeyBinding]]? = nil) {
        self.title = title
        self.bindings = bindings
        self.contexts = contexts ?? [bindings]
    }
}

/// What a layer did with a key; the stack acts on it.
@MainActor
public enum LayerAnswer {
    /// Taken (a binding ran, text was typed, a dialog ignored it): nothing else sees the key.
    case consumed
    /// Not this layer's: the everywhere keys that reach through layers (Ctrl-Q, F1) get it.
    case passDown
    /// Close this layer.
    case close
    /// Open `layer` over this one.
    case push(any Layer)
}

/// Something drawn over the panes. The top layer answers every key first (`answer`: its bindings, then keys
/// that reach through, then Esc, then `unbound`) and the stack does what the answer says. Layers draw from
/// their own state and the workbench's, never changing either while drawing.
@MainActor
public protocol Layer: AnyObject {
    /// The layer type's section of the F1 help (titled as the user opens it), or nil when it has no keys of its
    /// own to list. Every layer type says (no default), and `LayerCatalog.all` lists every type once.
    static func help(_ state: WorkbenchState) -> LayerHelp?
    /// The keys it answers to now.
    func bindings(_ state: WorkbenchState) -> [KeyBinding]
    /// What the layer does with `key`; by default its bindings, else `passDown` for the keys that reach through
    /// layers, else close on Esc, else `unbound`.
    func answer(_ key: Key, _ workbench: Workbench) -> LayerAnswer
    /// A key no binding took: text for an input line (`consumed`); by default, close.
    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer
    /// Draws the layer over the panes; returns where the cursor goes, if it should show.
    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)?
    /// Whether the status bar stays visible under it (input lines draw there).
    var drawsOnStatusLine: Bool { get }
}

extension Layer {
    public func answer(_ key: Key, _ workbench: Workbench) -> LayerAnswer {
        if let binding = bindings(workbench.state).binding(for: key) {
            workbench.perform(binding, key)
            return binding.closesLayer ? .close : .consumed
        }
        if Workbench.reachThrough.contains(key) { return .passDown }
        return key == .escape ? .close : unbound(key, workbench)
    }
    public func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .close }
    public var drawsOnStatusLine: Bool { false }
}

/// What drawing needs: the state (read-only), the screen, and the time (for elapsed counters).
public struct DrawContext {
    public let state: WorkbenchState
    public let screen: Rect
    public let layout: Layout
    public let now: Foundation.Date
}

/// The overlays, bottom to top. Esc pops the top; opening a view from another (versions from the eval
/// results) pushes it, so closing it returns to the one below without flags to keep in step.
@MainActor
public struct LayerStack {
    public private(set) var layers: [any Layer] = []

    /// The layer that gets keys, if any.
    public var top: (any Layer)? { layers.last }

    public var isEmpty: Bool { layers.isEmpty }

    /// Puts `layer` on top.
    public mutating func push(_ layer: any Layer) { layers.append(layer) }

    /// Removes the top layer.
    public mutating func pop() { if !layers.isEmpty { layers.removeLast() } }

    /// Removes `layer` wherever it is (a dialog answered while something was pushed over it).
    public mutating func remove(_ layer: any Layer) { layers.removeAll { $0 === layer } }

    /// The topmost layer of type `T`.
    public func first<T: Layer>(_ type: T.Type) -> T? { layers.last { $0 is T } as? T }

    /// Whether the top layer is a `T`.
    public func topIs<T: Layer>(_ type: T.Type) -> Bool { top is T }
}

/// Every layer type, listed once: the F1 help is made from their sections in this order, and the key-conflict
/// test checks each of them. A new layer type joins here.
@MainActor
enum LayerCatalog {
    static let all: [any Layer.Type] = [
        VariablesLayer.self, ThreadLayer.self, ChunkLayer.self, DocumentLayer.self, DiffLayer.self,
        DatasetLayer.self, MessagesLayer.self, EvalsLayer.self, VersionsLayer.self, OptimizeLayer.self,
        SessionsLayer.self, LineInputLayer.self, ConfirmQuitLayer.self, RecoveryLayer.self, HelpLayer.self,
    ]
}
