import Foundation

// The Layers folder: what covers the panes (help, a chunk, a diff, the variables form, dialogs, the eval
// results, the command line…), each a layer with its own state, keys and drawing, kept on a stack.

/// What a layer does with a key none of its bindings took.
public enum UnboundKey: Sendable, Equatable {
    /// Swallow it (a dialog waiting for its answer).
    case ignore
    /// Close the layer (a viewer that any other key dismisses).
    case close
}

/// Something drawn over the panes. The top layer gets every key first: its bindings, then `unbound`. Esc
/// pops it unless a binding takes Esc. Layers draw from their own state and the workbench's, never changing
/// either while drawing.
@MainActor
public protocol Layer: AnyObject {
    /// The layer's name in the help (`Eval results`), nil to leave it out.
    var helpTitle: String? { get }
    /// The keys it answers to now.
    func bindings(_ state: WorkbenchState) -> [KeyBinding]
    /// A key no binding took: text for an input line; by default, close.
    func unbound(_ key: Key, _ workbench: Workbench) -> UnboundKey
    /// Draws the layer over the panes; returns where the cursor goes, if it should show.
    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)?
    /// Whether the status bar stays visible under it (input lines draw there).
    var drawsOnStatusLine: Bool { get }
}

extension Layer {
    public var helpTitle: String? { nil }
    public func unbound(_ key: Key, _ workbench: Workbench) -> UnboundKey { .close }
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
