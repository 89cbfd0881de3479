import Foundation
import WhetCore
import WhetTUI

/// Measures the workbench without a terminal: building it on a workspace (what happens before the first
/// frame), and rendering full frames at 80×24 and 200×60 into the cell grid, plus the grid diff the curses
/// adapter does. Terminal-side figures (first frame on screen, bytes per keystroke) come from
/// Tests/bench/tui-bench.sh, which drives the real binary in tmux.
@MainActor
func benchmarkUI(_ source: URL, repeats: Int) async throws {
    DisplayWidth.prepareLocale()
    let copy = try copyWorkspace(source, scale: 1)
    defer { try? FileManager.default.removeItem(at: copy) }
    let workspace = try Workspace.open(root: copy)
    let (theme, themes) = try ThemeLocator.initialTheme(named: nil, workspace: workspace)
    _ = try workspace.openIndex()  // the index is built once; start-up afterwards only checks it

    var startTimes: [Double] = []
    var finishTimes: [Double] = []
    var workbench: Workbench? = nil
    for _ in 0..<repeats {
        var opened: Workbench? = nil
        startTimes.append(
            try seconds {
                opened = try Workbench(
                    workspace: workspace, promptName: nil, backendName: nil, theme: theme,
                    themesDirectory: themes, readOnly: false)
                _ = opened?.render(width: 100, height: 30)
            })
        finishTimes.append(seconds { opened?.finishStartup() })
        workbench = opened
    }
    guard let workbench else { return }
    // Give the output pane something to draw: one run's worth of text.
    workbench.state.runs.live = LiveRun(
        number: 1, output: String(repeating: "To rotate your API key, create a new key first [1]. ", count: 60),
        started: Date(), firstToken: Date())
    for (width, height) in [(80, 24), (200, 60)] {
        var frameTimes: [Double] = []
        var diffTimes: [Double] = []
        var previous = Canvas(width: width, height: height)
        for _ in 0..<repeats {
            var canvas = Canvas(width: 0, height: 0)
            frameTimes.append(seconds { canvas = workbench.render(width: width, height: height).0 })
            diffTimes.append(
                seconds {
                    var changed = 0
                    for index in canvas.cells.indices where canvas.cells[index] != previous.cells[index] {
                        changed += 1
                    }
                    _ = changed
                })
            previous = canvas
        }
        print(
            String(
                format: "full frame %dx%d:   render median %.3f ms, grid diff median %.3f ms (%d frames)",
                width, height, median(frameTimes) * 1000, median(diffTimes) * 1000, frameTimes.count))
    }
    print(
        String(
            format: "open workbench + first frame (no terminal): median %.1f ms over %d; then index, eval cases and "
                + "advisor: median %.1f ms", median(startTimes) * 1000, startTimes.count, median(finishTimes) * 1000))

    // The eval results view on a large eval: 1,000 cases × 4 variants, the cursor moving down the matrix.
    var results: [EvalResult] = []
    for variant in 0..<4 {
        for line in 1...1000 {
            let passed = (line + variant) % 3 != 0
            results.append(
                EvalResult(
                    evalID: "bench", cell: "\(variant)-\(line)", time: "2026-11-25T00:00:00Z",
                    caseRef: .init(file: "evals/bench.jsonl", line: line, description: "case \(line)"),
                    prompt: .init(name: "p", path: "prompts/p.prompty", hash: "hash\(variant)"), backend: "offline",
                    model: "m",
                    repeatIndex: 0, variables: [:], retrieval: nil, output: "answer", latencyMs: 100, costUSD: nil,
                    cached: nil,
                    error: nil, assertions: [], status: passed ? .passed : .failed, score: passed ? 1 : 0))
        }
    }
    workbench.state.runs.live = nil
    var browser = EvalBrowser(files: [
        EvalHistory.File(id: "bench", path: "evals/results/bench.jsonl", results: results, time: "t")
    ])
    var matrixTimes: [Double] = []
    for step in 0..<repeats {
        browser.row = step * 7 % 1000
        workbench.presentEvalResults(browser)
        matrixTimes.append(seconds { _ = workbench.render(width: 200, height: 60) })
    }
    let indexTime = seconds { browser.current = 0 }
    print(
        String(
            format:
                "eval results view, 1,000 cases × 4 variants, 200x60: frame median %.3f ms; indexing the eval %.1f ms",
            median(matrixTimes) * 1000, indexTime * 1000))
}
