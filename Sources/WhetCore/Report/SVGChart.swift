import Foundation

/// Small inline SVG charts for the HTML report (no script, no external font or image): a line of pass rates,
/// a histogram of a distribution, bars per category. Labels pass through `HTMLReport.escape`.
enum SVGChart {
    static let width = 360.0, height = 180.0, margin = 30.0

    /// Rates joined by a line, one point per label (a prompt's versions), each with its 95 % interval as a
    /// vertical bar, so two versions whose intervals overlap are seen to be close.
    static func line(_ points: [(String, RateEstimate)]) -> String {
        let plotWidth = width - 2 * margin
        let plotHeight = height - 2 * margin
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        func y(_ value: Double) -> Double { margin + plotHeight * (1 - min(1, max(0, value))) }
        let coordinates = points.enumerated().map { index, point in
            (margin + Double(index) * step, y(point.1.rate))
        }
        var svg = open()
        svg += axis()
        for (index, point) in points.enumerated() {
            let x = coordinates[index].0
            svg += String(
                format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#9cb\" stroke-width=\"4\"/>", x,
                x,
                y(point.1.upper), y(point.1.lower))
        }
        svg +=
            "<polyline fill=\"none\" stroke=\"#0a7\" stroke-width=\"2\" points=\""
            + coordinates.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ") + "\"/>"
        for (index, point) in points.enumerated() {
            let (x, y) = coordinates[index]
            svg +=
                String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#0a7\"><title>", x, y)
                + HTMLReport.escape("\(point.0): \(point.1.text)") + "</title></circle>"
        }
        svg += label(margin, height - 8, "oldest") + label(width - margin - 30, height - 8, "newest")
        svg += label(2, margin + 4, "100%") + label(8, height - margin, "0%")
        return svg + "</svg>"
    }

    /// A histogram of `values` in up to 12 bins, with the median marked.
    static func histogram(_ values: [Double], format: (Double) -> String) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let binCount = min(12, max(1, values.count))
        let span = max(high - low, 1e-9)
        var bins = Array(repeating: 0, count: binCount)
        for value in values { bins[min(binCount - 1, Int((value - low) / span * Double(binCount)))] += 1 }
        let tallest = Double(bins.max() ?? 1)
        let plotWidth = width - 2 * margin
        let plotHeight = height - 2 * margin
        let barWidth = plotWidth / Double(binCount)
        var svg = open() + axis()
        for (index, count) in bins.enumerated() where count > 0 {
            let barHeight = plotHeight * Double(count) / tallest
            svg += String(
                format:
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#48c\"><title>%d</title></rect>",
                margin + Double(index) * barWidth + 1, margin + plotHeight - barHeight, max(1, barWidth - 2), barHeight,
                count)
        }
        let median = values.sorted()[values.count / 2]
        let x = margin + (median - low) / span * plotWidth
        svg += String(
            format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>",
            x, x, margin, height - margin)
        svg += label(margin, height - 8, format(low)) + label(width - margin - 40, height - 8, format(high))
        svg += label(min(x + 4, width - 90), margin - 6, "median " + format(median))
        return svg + "</svg>"
    }

    /// One bar per category.
    static func bars(_ items: [(String, Double)]) -> String {
        let tallest = max(1, items.map(\.1).max() ?? 1)
        let plotWidth = width - 2 * margin
        let plotHeight = height - 2 * margin
        let barWidth = plotWidth / Double(max(1, items.count))
        var svg = open() + axis()
        for (index, item) in items.enumerated() {
            let barHeight = plotHeight * item.1 / tallest
            let x = margin + Double(index) * barWidth
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c63\"/>",
                x + 4, margin + plotHeight - barHeight, max(1, barWidth - 8), barHeight)
            svg += label(x + 4, height - 8, "\(item.0) \(Int(item.1))")
        }
        return svg + "</svg>"
    }

    static func open() -> String {
        String(
            format:
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
            width, height, width, height)
    }

    static func axis() -> String {
        String(
            format: "<path d=\"M%.0f %.0f V%.0f H%.0f\" fill=\"none\" stroke=\"#888\"/>", margin, margin,
            height - margin, width - margin)
    }

    static func label(_ x: Double, _ y: Double, _ text: String) -> String {
        String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#666\">", x, y) + HTMLReport.escape(text)
            + "</text>"
    }
}
