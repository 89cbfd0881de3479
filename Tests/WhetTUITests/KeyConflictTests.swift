import XCTest

@testable import WhetCore
@testable import WhetTUI

/// One key, one meaning, per context: a pane's keys together with the everywhere keys (which would shadow
/// a pane binding of the same key), and each layer type's keys together with the keys that reach through
/// layers. The layers are the ones the help is made from, so a new layer is checked once it is in the help.
@MainActor
final class KeyConflictTests: XCTestCase {
    var root: URL!

    override func setUp() async throws { root = try copyOfDemoWorkspace() }
    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    /// The keys bound twice in `bindings`, by label.
    func conflicts(_ bindings: [KeyBinding]) -> [String] {
        var seen: [Key: String] = [:]
        var found: [String] = []
        for binding in bindings {
            for key in binding.keys {
                if let earlier = seen[key] { found.append("\(earlier) and \(binding.label) both claim \(key)") }
                seen[key] = binding.label
            }
        }
        return found
    }

    func testNoPaneBindsAKeyTheEverywhereKeysOrItselfAlreadyClaim() async throws {
        for readOnly in [false, true] {
            let workbench = try openWorkbench(root: root, readOnly: readOnly)
            workbench.finishStartup()
            for pane in Pane.allCases {
                let found = conflicts(workbench.globalBindings() + workbench.paneBindings(pane))
                XCTAssertEqual(found, [], "\(pane) pane\(readOnly ? " in review mode" : "")")
            }
        }
    }

    func testNoLayerBindsAKeyTwiceOrHidesAReachThroughKeyUnlessItMeansTheSame() async throws {
        let workbench = try openWorkbench(root: root)
        // Layers that bind a reach-through key themselves, on purpose: the session list quits with Ctrl-Q as
        // everywhere (it is the first screen of review mode).
        let ownReachThrough: [String: Set<Key>] = ["Sessions (review mode, s)": [.control("q")]]
        var titles: [String] = []
        for type in LayerCatalog.all {
            guard let help = type.help(workbench.state) else { continue }
            titles.append(help.title)
            for bindings in help.contexts {
                XCTAssertEqual(conflicts(bindings), [], help.title)
                let claimed = Set(bindings.flatMap(\.keys)).intersection(Workbench.reachThrough)
                XCTAssertEqual(claimed, ownReachThrough[help.title] ?? [], "\(help.title) hides a reach-through key")
            }
        }
        XCTAssertEqual(titles.count, Set(titles).count, "each layer type has its own section: \(titles)")
        let sections = workbench.helpSections().map(\.title)
        for title in titles { XCTAssertTrue(sections.contains(title), "F1 lists \(title)") }
    }
}
