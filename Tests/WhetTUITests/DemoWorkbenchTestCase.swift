import XCTest

@testable import WhetCore
@testable import WhetTUI

/// A workbench on a fresh copy of the demo workspace at 120×40, with the keys, commands and waits the
/// walkthrough tests drive it by.
/// Runs `:eval` on `file` in `workbench` and applies its events until it ends (30 s at most).
@MainActor
func runEvalToTheEnd(_ workbench: Workbench, _ file: String) async throws {
    workbench.evals.startEval(files: [file])
    for _ in 0..<1_500 where workbench.evals.evalJob.isBusy {
        try await Task.sleep(nanoseconds: 20_000_000)
        workbench.applyEvents()
    }
    XCTAssertFalse(workbench.evals.evalJob.isBusy, "the eval finished")
}

@MainActor
class DemoWorkbenchTestCase: XCTestCase {
    var root: URL!
    let layout = Layout.make(width: 120, height: 40)

    override func setUp() async throws {
        DisplayWidth.prepareLocale()
        root = try copyOfDemoWorkspace()
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    /// The workbench opened as `whet` opens it (or `whet review`), its start-up finished in place.
    func opened(readOnly: Bool = false) throws -> Workbench {
        let workbench = try openWorkbench(root: root, readOnly: readOnly)
        workbench.finishStartup()
        workbench.resize(to: layout)
        return workbench
    }

    func press(_ workbench: Workbench, _ keys: Key..., at layout: Layout? = nil) {
        for key in keys { workbench.handle(key, layout: layout ?? self.layout) }
    }

    /// Types `:text` and Enter.
    func command(_ workbench: Workbench, _ text: String) {
        press(workbench, .control("p"))
        for character in text { press(workbench, .character(character)) }
        press(workbench, .enter)
    }

    /// Applies jobs' updates until `done` (or five seconds).
    func settle(_ workbench: Workbench, until done: () -> Bool) async throws {
        for _ in 0..<500 where !done() {
            try await Task.sleep(for: .milliseconds(10))
            workbench.applyEvents()
        }
    }

    /// Runs `:eval` on `file` and applies its events until it ends.
    func runEval(_ workbench: Workbench, _ file: String) async throws {
        try await runEvalToTheEnd(workbench, file)
    }

    /// Waits for the streaming run to end.
    func waitForRun(_ workbench: Workbench) async throws {
        try await settle(workbench) { !workbench.isRunning }
        XCTAssertFalse(workbench.isRunning)
    }
}
