import WhetCore

/// The framework sidebar: the two axes (context optimisation up, LLM optimisation right), the four regions
/// with the workspace's position marked, the prompt-engineering checklist and the next step.
enum FrameworkSidebar {
    static func draw(_ state: WorkbenchState, in rect: Rect, canvas: inout Canvas, focused: Bool) {
        let theme = state.theme
        canvas.box(
            rect, title: "Framework", style: theme.style(focused ? .borderFocused : .border),
            titleStyle: theme.style(focused ? .titleFocused : .title))
        let inner = rect.inset(1)
        guard inner.height >= 6, inner.width >= 18 else { return }
        let assessment = state.evals.assessment
        let x = inner.x
        var y = inner.y
        func line(_ text: String, _ role: ThemeRole = .text) {
            guard y < inner.y + inner.height else { return }
            canvas.draw(text, x: x, y: y, maxWidth: inner.width, style: theme.style(role))
            y += 1
        }
        func cell(_ region: FrameworkRegion, _ label: String) -> (String, Bool) {
            let here = assessment.region == region
            return ((here ? "●" : " ") + label, here)
        }
        line("context ▲", .axis)
        let quadrants: [(FrameworkRegion, String, FrameworkRegion, String)] = [
            (.retrieval, "RAG", .retrievalAndFineTuning, "RAG+FT"),
            (.promptEngineering, "PE", .fineTuning, "FT"),
        ]
        for (index, row) in quadrants.enumerated() {
            let left = cell(row.0, row.1)
            let right = cell(row.2, row.3)
            let leftText = left.0.padding(toLength: 6, withPad: " ", startingAt: 0)
            if y < inner.y + inner.height {
                canvas.draw(" " + leftText, x: x, y: y, style: theme.style(left.1 ? .position : .text))
                canvas.draw("│", x: x + 7, y: y, style: theme.style(.axis))
                canvas.draw(
                    right.0, x: x + 8, y: y, maxWidth: inner.width - 8, style: theme.style(right.1 ? .position : .text))
                y += 1
            }
            if index == 0 { line(" ──────┼──────", .axis) }
        }
        line("         LLM ▶", .axis)
        line("at: \(assessment.region.rawValue)", .position)
        if y < inner.y + inner.height { y += 1 }
        line("Checklist", .title)
        if state.readOnly && state.shownRun == nil {
            // Review mode before a run is shown has no prompt to read: no ticks rather than all crosses.
            for wrapped in wrapText("shown with a run's prompt (pick a session)", width: inner.width) {
                line(wrapped, .dim)
            }
        } else {
            for item in assessment.checklist {
                line((item.done ? "✓ " : "✗ ") + item.label, item.done ? .success : .warning)
            }
        }
        if y < inner.y + inner.height { y += 1 }
        line("Next", .title)
        if let progress = state.evals.optimizeProgress {
            // `:optimize` is trying the advisor's move for real: what it is scoring now.
            for wrapped in wrapText(progress, width: inner.width) { line(wrapped, .position) }
        }
        if let advice = state.evals.advice, advice.cells > 0 {
            // Eval evidence outranks the configuration-based step: the advisor's move, why, and the counts.
            let recommendation = advice.recommendation
            for wrapped in wrapText(recommendation.move + ": " + recommendation.why, width: inner.width) {
                line(wrapped)
            }
            // The verdict's numbers, as every front end states them.
            if let rate = advice.rate, advice.checkedAnything {
                var text = "evals: \(rate.shortText) of \(rate.answered)"
                if advice.notEvaluated > 0 { text += " · \(advice.notEvaluated) unchecked" }
                if let failed = advice.runFailures { text += " · \(failed.errors) runs failed" }
                for wrapped in wrapText(text, width: inner.width) {
                    line(wrapped, advice.notEvaluated > 0 || advice.runFailures != nil ? .warning : .dim)
                }
            } else {
                for wrapped in wrapText("evals: checked nothing", width: inner.width) { line(wrapped, .error) }
            }
            if let change = advice.change {
                let difference = change.difference
                for wrapped in wrapText(
                    "since \(change.evalID.prefix(6)): \(PairedDifference.points(difference.difference)) pts, "
                        + "\(difference.pText): \(difference.verdict.rawValue)", width: inner.width)
                {
                    line(
                        wrapped,
                        difference.verdict == .withinNoise ? .dim : difference.verdict == .better ? .success : .error)
                }
            }
            if !advice.flaky.isEmpty { line("\(advice.flaky.count) flaky (~ in F3)", .warning) }
            // Each count carries the key that lists the failing cases behind it.
            let counts = FailureClass.allCases.enumerated().compactMap { index, type -> String? in
                let count = advice.counts[type.rawValue] ?? 0
                return count > 0 ? "\(type.rawValue): \(count) (key \(index + 1))" : nil
            }
            if !counts.isEmpty {
                for wrapped in wrapText(counts.joined(separator: " · "), width: inner.width) { line(wrapped, .dim) }
            }
            let readiness = advice.fineTuning
            let examples =
                "fine-tuning: \(readiness.examples) examples (min \(readiness.minimum), \(readiness.recommended) best)"
            for wrapped in wrapText(examples, width: inner.width) { line(wrapped, readiness.ready ? .success : .dim) }
            if focused { line("Enter results · 1-4 cases", .dim) }
        } else {
            for wrapped in wrapText(assessment.nextStep, width: inner.width) { line(wrapped) }
        }
        if y + 1 < inner.y + inner.height { y += 1 }
        for fact in assessment.evidence { for wrapped in wrapText(fact, width: inner.width) { line(wrapped, .dim) } }
    }
}
