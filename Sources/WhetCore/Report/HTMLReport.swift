import Crypto
import Foundation

/// An eval report as one self-contained HTML file: inline CSS, one small inline script, inline SVG charts, no
/// fetch of any kind, so it opens from an e-mail attachment or a CI artefact. It reads fully without
/// JavaScript (every cell is a `<details>` element); the script only adds "failures only" and sorting.
///
/// Safe by construction: every string from models, documents, eval files and paths goes through `escape`
/// (the only way text enters the page), and a Content-Security-Policy allows no source but the one script,
/// pinned by its SHA-256, and inline styles: a model that answers `<script>` shows that text.
public enum HTMLReport {
    /// The page for `report`; `workspace` (when there is one) supplies prompt versions for "the prompt as sent".
    public static func render(_ report: EvalReport, workspace: Workspace?) -> String {
        var page = ""
        page.reserveCapacity(report.results.count * 2_000)
        let verdict = report.verdict
        let counts = verdict.counts
        let scriptHash = Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
        page += """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-\(scriptHash)'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>whet eval \(escape(report.id))</title>
            <style>\(style)</style></head><body>

            """
        // Header.
        let prompts = Set(report.results.map { "\($0.prompt.name)@\($0.prompt.hash.prefix(8))" }).sorted()
        let backends = Set(report.results.map { "\($0.backend)/\($0.model)" }).sorted()
        let cost = report.results.compactMap(\.costUSD).reduce(0, +)
        let latency = EvalReport.median(report.results.compactMap(\.latencyMs))
        let when = report.results.map(\.time).max() ?? ""
        page +=
            "<header><h1>Eval <code>\(escape(report.id))</code>\(report.workspaceName.map { " · " + escape($0) } ?? "")</h1>\n<dl class=\"facts\">"
        page += fact(
            "pass rate",
            verdict.checkedAnything
                ? "<strong>\(escape(verdict.rate?.text ?? ""))</strong> (\(counts.passed) passed, \(counts.failed) failed"
                    + "\(escape(verdict.apart))); 95% interval, \(escape(verdict.rate?.method.rawValue ?? ""))"
                : "<strong>\(escape(verdict.headline))</strong>")
        page += fact("prompts", prompts.map { "<code>\(escape($0))</code>" }.joined(separator: ", "))
        page += fact("backends", backends.map { "<code>\(escape($0))</code>" }.joined(separator: ", "))
        page += fact("cells", "\(report.results.count) (\(report.rows.count) cases, \(report.columns.count) variants)")
        page += fact("cost", String(format: "$%.4f", cost))
        page += fact("median latency", latency.map { String(format: "%.0f ms", $0) } ?? "–")
        page += fact("ran", escape(when))
        page += fact("results", "<code>\(escape(report.resultsPath))</code>")
        page += "</dl>\n"
        if counts.notEvaluated > 0 {
            page +=
                "<p class=\"warn\">\(counts.notEvaluated) cell(s) could not be evaluated (no assertion could run): they are not counted as passes.</p>\n"
        }
        if counts.errors > 0 {
            page +=
                "<p class=\"warn\">\(escape(verdict.runFailures.text)): no answer, not counted in the pass rate. "
                + verdict.runFailures.groups.prefix(3).map {
                    "<br>\($0.count)× <code>\(escape(String($0.example.prefix(300))))</code>"
                }
                .joined() + "</p>\n"
        }
        if let power = verdict.power, power.detectable > Advisor.smallEvalPoints {
            page += "<p class=\"note\">\(escape(power.text)).</p>\n"
        }
        page += "</header>\n"
        page += adviceSection(report)
        page += chartsSection(report)
        page += comparisonSection(report)
        page += flakySection(report)
        page += matrixSection(report)
        page += cellsSection(report, workspace: workspace)
        page +=
            "<footer>Made by whet on \(escape(report.generated)) from \(escape(report.resultsPath)); no model was called.</footer>\n"
        page += "<script>\(script)</script>\n</body></html>\n"
        return page
    }

    /// Text for HTML: `&`, `<`, `>`, `"` and `'` replaced, so no outside string can open a tag or leave an
    /// attribute.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func fact(_ name: String, _ html: String) -> String { "<div><dt>\(name)</dt><dd>\(html)</dd></div>" }

    static func adviceSection(_ report: EvalReport) -> String {
        guard let advice = report.advice else { return "" }
        var html =
            "<section id=\"advice\"><h2>Next move: \(escape(advice.recommendation.move))</h2>\n<p>\(escape(advice.recommendation.why))</p>\n"
        if !advice.recommendation.steps.isEmpty {
            html += "<ul>" + advice.recommendation.steps.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        }
        let classes = Dictionary(grouping: advice.failures, by: \.failureClass)
        if !classes.isEmpty {
            html += "<h3>Failures by class</h3>\n<dl class=\"classes\">"
            for (type, failures) in classes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                html += "<dt>\(escape(type.rawValue)) (\(failures.count))</dt>"
                html += failures.map { "<dd><b>\(escape($0.label))</b>: \(escape($0.evidence))</dd>" }.joined()
            }
            html += "</dl>\n"
        }
        let readiness = advice.fineTuning
        html +=
            "<p>Fine-tuning data: \(readiness.examples) example(s) (minimum \(readiness.minimum), \(escape(readiness.recommended)) recommended).</p></section>\n"
        return html
    }

    static func chartsSection(_ report: EvalReport) -> String {
        var html = "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">"
        for series in report.history {
            html += figure(
                "Pass rate over \(series.prompt)'s versions (95% intervals; each case once)",
                SVGChart.line(series.versions.map { ($0.label, $0.estimate) }))
        }
        let latencies = report.results.compactMap(\.latencyMs)
        if !latencies.isEmpty {
            html += figure("Latency (ms)", SVGChart.histogram(latencies, format: { String(format: "%.0f", $0) }))
        }
        let costs = report.results.compactMap(\.costUSD)
        if !costs.isEmpty {
            html += figure("Cost per cell (US$)", SVGChart.histogram(costs, format: { String(format: "%.4f", $0) }))
        }
        if let advice = report.advice, !advice.failures.isEmpty {
            let classes = FailureClass.allCases.map { type in
                (type.rawValue, Double(advice.failures.filter { $0.failureClass == type }.count))
            }
            html += figure("Failures per class", SVGChart.bars(classes))
        }
        return html + "</div></section>\n"
    }

    static func figure(_ caption: String, _ svg: String) -> String {
        "<figure>\(svg)<figcaption>\(escape(caption))</figcaption></figure>"
    }

    static func comparisonSection(_ report: EvalReport) -> String {
        guard let comparison = report.comparison else { return "" }
        let baseline = comparison.baseline
        var html =
            "<section id=\"comparison\"><h2>Against <code>\(escape(baseline.id))</code> "
            + "(\(escape(baseline.rate?.text ?? "nothing checked"))): \(escape(comparison.headline))</h2>\n"
        if let hint = comparison.difference.settleHint, comparison.difference.cases > 0 {
            html += "<p class=\"note\">Within noise: \(escape(hint)).</p>\n"
        }
        if let scores = comparison.scoreDifference, scores.cases > 0 {
            html += "<p>Scores: \(escape(scores.scoreText))</p>\n"
        }
        html += "<table><thead><tr><th>case</th><th>change</th><th>before</th><th>after</th></tr></thead><tbody>"
        func share(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        for change in comparison.changes where change.kind != .same {
            html +=
                "<tr class=\"\(change.kind == .regressed ? "fail" : change.kind == .fixed ? "pass" : "other")\"><td>\(escape(change.label))</td>"
            html +=
                "<td>\(escape(change.kind.rawValue))</td><td>\(share(change.before))</td><td>\(share(change.after))</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }

    static func flakySection(_ report: EvalReport) -> String {
        let flaky = report.verdict.flaky
        guard !flaky.isEmpty else { return "" }
        var html = "<section id=\"flaky\"><h2>Flaky cases (\(flaky.count)): repeats disagree</h2>\n<ul>"
        for item in flaky {
            html +=
                "<li><b>\(escape(item.label))</b> · \(escape(item.variant)): passed \(item.passed) of \(item.answered)</li>"
        }
        return html + "</ul></section>\n"
    }

    static func status(_ cells: [EvalResult]) -> (css: String, text: String) {
        let evaluated = cells.filter { $0.status != .notRun }
        let passed = cells.filter { $0.status == .passed }.count
        if evaluated.isEmpty { return ("notrun", "? not evaluated") }
        if cells.allSatisfy({ $0.status == .error }) { return ("error", "! error") }
        let mark = cells.count > 1 ? "\(passed)/\(evaluated.count)" : (passed == evaluated.count ? "✓" : "✗")
        return (passed == evaluated.count ? "pass" : "fail", mark)
    }

    static func matrixSection(_ report: EvalReport) -> String {
        let columns = report.columns
        var html =
            "<section id=\"matrix\"><h2>Cases × variants</h2><p class=\"controls\"></p>\n<table id=\"grid\"><thead><tr><th data-sort=\"case\">case</th>"
        for (index, column) in columns.enumerated() {
            let variant = report.verdict.variants.first { $0.variant == column }
            var rate = variant?.rate?.text ?? "nothing checked"
            if let against = variant?.againstFirst, against.cases > 0 { rate += " · vs first: " + against.text }
            html += "<th data-sort=\"\(index)\">\(escape(column))<br><small>\(escape(rate))</small></th>"
        }
        html += "</tr></thead><tbody>\n"
        for (rowIndex, row) in report.rows.enumerated() {
            var failing = false
            var cellsHTML = ""
            for (columnIndex, column) in columns.enumerated() {
                let cells = report.cells(row.key, column)
                guard !cells.isEmpty else {
                    cellsHTML += "<td class=\"none\">–</td>"
                    continue
                }
                let (css, mark) = status(cells)
                if css != "pass" { failing = true }
                var text = mark + String(format: " %.2f", cells.map(\.score).reduce(0, +) / Double(cells.count))
                if let latency = EvalReport.median(cells.compactMap(\.latencyMs)) {
                    text += String(format: " %.0fms", latency)
                }
                let costs = cells.compactMap(\.costUSD)
                if !costs.isEmpty { text += String(format: " $%.4f", costs.reduce(0, +)) }
                cellsHTML +=
                    "<td class=\"\(css)\" data-score=\"\(cells.map(\.score).reduce(0, +))\"><a href=\"#c\(rowIndex)-\(columnIndex)\">\(escape(text))</a></td>"
            }
            html += "<tr data-fail=\"\(failing ? 1 : 0)\"><th>\(escape(row.label))</th>\(cellsHTML)</tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func cellsSection(_ report: EvalReport, workspace: Workspace?) -> String {
        let versions = workspace.map { PromptVersions(workspace: $0) }
        var promptCache: [String: PromptFile] = [:]
        var html = "<section id=\"cells\"><h2>Cells</h2>\n"
        for (rowIndex, row) in report.rows.enumerated() {
            for (columnIndex, column) in report.columns.enumerated() {
                let cells = report.cells(row.key, column)
                guard !cells.isEmpty else { continue }
                let (css, mark) = status(cells)
                html +=
                    "<details id=\"c\(rowIndex)-\(columnIndex)\" class=\"\(css)\"><summary>\(escape(mark)) \(escape(row.label)) · \(escape(column))</summary>\n"
                for cell in cells.sorted(by: { $0.repeatIndex < $1.repeatIndex }) {
                    if cells.count > 1 {
                        html += "<h4>repeat \(cell.repeatIndex + 1): \(escape(cell.status.rawValue))</h4>"
                    }
                    html +=
                        "<p class=\"meta\">\(escape(cell.caseRef.file)):\(cell.caseRef.line) · \(escape(cell.status.rawValue)) · score "
                        + String(format: "%.2f", cell.score)
                        + (cell.latencyMs.map { String(format: " · %.0f ms", $0) } ?? "")
                        + (cell.costUSD.map { String(format: " · $%.4f", $0) } ?? "") + "</p>"
                    if cell.status == .notRun {
                        html += "<p class=\"warn\">Not evaluated: \(escape(cell.notRunReason)). Not a pass.</p>"
                    }
                    if let error = cell.error { html += "<p class=\"fail\">Error: \(escape(error))</p>" }
                    if !cell.variables.isEmpty {
                        html +=
                            "<table class=\"vars\">"
                            + cell.variables.sorted { $0.key < $1.key }
                            .map { "<tr><th>\(escape($0.key))</th><td>\(escape($0.value))</td></tr>" }.joined()
                            + "</table>"
                    }
                    html +=
                        "<table class=\"asserts\"><thead><tr><th></th><th>assertion</th><th>score</th><th>reason</th></tr></thead><tbody>"
                    for assertion in cell.assertions {
                        let sign = assertion.status.mark
                        let rowClass =
                            switch assertion.status {
                            case .passed: "pass"
                            case .failed: "fail"
                            case .notRun: "notrun"
                            }
                        html +=
                            "<tr class=\"\(rowClass)\"><td>\(sign)</td><td>\(escape(assertion.type))\(assertion.metric.map { " (" + escape($0) + ")" } ?? "")</td>"
                        html +=
                            "<td>\(String(format: "%.2f", assertion.score))</td><td>\(escape(assertion.reason))</td></tr>"
                    }
                    html += "</tbody></table>\n<h4>Output</h4><pre>\(escape(cell.output))</pre>\n"
                    if let calls = cell.toolCalls, !calls.isEmpty {
                        html += "<h4>Tool calls</h4><ol class=\"context\">"
                        for call in calls {
                            html += "<li><b>\(escape(call.name))</b><pre>\(escape(call.prettyArguments))</pre></li>"
                        }
                        html += "</ol>\n"
                    }
                    if let retrieval = cell.retrieval {
                        html +=
                            "<h4>Context (\(escape(retrieval.method)), query “\(escape(retrieval.query))”)</h4><ol class=\"context\">"
                        for entry in retrieval.chunks {
                            let cite = entry.citation.map { "[\($0)]" } ?? "–"
                            html +=
                                "<li><b>\(cite) \(escape(entry.chunk.citedLocation))</b>\(entry.omitted.map { " (" + escape($0) + ")" } ?? "")"
                                + "<pre>\(escape(entry.chunk.text))</pre></li>"
                        }
                        html += "</ol>\n"
                    }
                    if let versions, let text = versions.text(cell.prompt.hash, promptPath: cell.prompt.path) {
                        let prompt =
                            promptCache[cell.prompt.hash]
                            ?? (try? PromptFile(parsing: text, path: cell.prompt.path, defaultName: cell.prompt.name))
                        promptCache[cell.prompt.hash] = prompt
                        if let prompt,
                            let messages = try? RunPlan.messages(
                                prompt: prompt, variables: cell.variables, retrieval: cell.retrieval)
                        {
                            html +=
                                "<details class=\"sent\"><summary>The prompt as sent</summary>"
                                + messages.map {
                                    "<h5>\(escape($0.role.rawValue))</h5><pre>\(escape($0.content))</pre>"
                                }.joined() + "</details>\n"
                        }
                    }
                }
                html += "</details>\n"
            }
        }
        return html + "</section>\n"
    }

    static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em 1.5em;color:#1d1d1f;background:#fff}
        h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}code{font-size:.95em}
        .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.2em 1em}.facts div{display:flex;gap:.5em}
        dt{font-weight:600;color:#555}dd{margin:0}.warn{color:#8a5300;background:#fff4e0;padding:.3em .6em}.note{color:#345;background:#eef4fa;padding:.3em .6em}
        table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
        #grid td a{text-decoration:none;color:inherit;white-space:nowrap}thead th{background:#f5f5f7;cursor:pointer}
        .pass{background:#e8f6ea}.fail{background:#fdecea}.error{background:#fbe3f0}.notrun{background:#fff4e0}.none{color:#999}
        details{margin:.4em 0;border:1px solid #ddd;padding:.3em .6em;background:#fff}details>summary{cursor:pointer;font-weight:600}
        pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f9;padding:.5em;margin:.3em 0}.meta{color:#555}
        .charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{color:#555;text-align:center}
        .controls button{margin-right:.5em}footer{margin-top:2em;color:#777;font-size:.9em}
        @media (prefers-color-scheme:dark){body{background:#1c1c1e;color:#eee}thead th,pre{background:#2c2c2e}details{background:#1c1c1e}
        .pass{background:#1f3a24}.fail{background:#4a1f1f}.notrun{background:#4a3a1a}.error{background:#4a1f36}dt,.meta,figcaption{color:#aaa}}
        """

    /// "Failures only" and column sorting; the page is complete without it.
    static let script = """
        (function(){var t=document.getElementById('grid');if(!t)return;var b=t.tBodies[0];
        var c=document.querySelector('#matrix .controls');var f=document.createElement('button');f.textContent='failures only';
        f.onclick=function(){var on=f.classList.toggle('on');f.textContent=on?'all cases':'failures only';
        Array.prototype.forEach.call(b.rows,function(r){r.hidden=on&&r.dataset.fail==='0';});};c.appendChild(f);
        Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){h.onclick=function(){
        var rows=Array.prototype.slice.call(b.rows);var key=function(r){return i===0?r.cells[0].textContent:
        -parseFloat((r.cells[i].dataset||{}).score||'-1');};rows.sort(function(x,y){var a=key(x),z=key(y);
        return a<z?-1:a>z?1:0;});rows.forEach(function(r){b.appendChild(r);});};});})();
        """
}
