/// The two questions the workbench asks: quit with unsaved edits, and what to do with edits recovered
/// from an earlier session. Each waits for its answer (other keys are ignored) and says every answer,
/// Esc included.
@MainActor
final class ConfirmQuitLayer: Layer {
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        LayerHelp("Quit with unsaved edits (Ctrl-Q)", ConfirmQuitLayer().bindings(state))
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        [
            KeyBinding([.character("s")], "s", "save and quit", hint: "save and quit") { wb in
                wb.prompt.save()
                if !wb.prompt.state.buffer.isModified { wb.requestQuit(force: true) } else { wb.layers.remove(self) }
            },
            KeyBinding([.character("q")], "q", "quit without saving", hint: "quit without saving") { wb in
                RecoveryFile.remove(for: wb.prompt.state.path, in: wb.app.workspace)
                wb.requestQuit(force: true)
            },
            KeyBinding.closing([.escape], "Esc", "stay", hint: "stay"),
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .consumed }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        OverlayDrawing.question(
            title: "Unsaved changes", lines: ["The prompt has unsaved edits."],
            answers: bindings(context.state).footer, context: context, canvas: &canvas)
        return nil
    }
}

/// Offered at start when `.whet/recovery/` holds edits of this prompt that differ from the file.
@MainActor
final class RecoveryLayer: Layer {
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        LayerHelp("Recovered edits (at start)", RecoveryLayer(text: "").bindings(state))
    }

    let text: String

    init(text: String) { self.text = text }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        [
            KeyBinding.closing([.character("r")], "r", "restore them", hint: "restore them") { [unowned self] wb in
                wb.prompt.editPrompt { $0.replaceAll(with: self.text) }
                wb.notify(.info("recovered edits restored (unsaved: Ctrl-S to keep them)"))
            },
            KeyBinding.closing([.character("d")], "d", "discard them", hint: "discard them") { wb in
                RecoveryFile.remove(for: wb.prompt.state.path, in: wb.app.workspace)
                wb.notify(.info("recovered edits discarded"))
            },
            // Dismissing is deciding later: the edits stay where they are, and are offered again next time.
            KeyBinding.closing([.escape], "Esc", "decide later (kept in .whet/recovery/)", hint: "decide later") {
                wb in
                wb.notify(.info("recovered edits kept in .whet/recovery/; offered again at the next start"))
            },
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .consumed }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        OverlayDrawing.question(
            title: "Recovered edits",
            lines: ["Unsaved edits of this prompt from an earlier session", "were kept in a recovery file."],
            answers: bindings(context.state).footer, context: context, canvas: &canvas)
        return nil
    }
}
