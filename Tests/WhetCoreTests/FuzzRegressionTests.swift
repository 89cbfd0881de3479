import WhetFuzzTargets
import WhetTestSupport
import XCTest

/// Every committed fuzz seed and every input the fuzzer ever crashed on runs through its target on each
/// test run, so a fixed crash stays fixed (`Tests/fuzz/regressions/TARGET/NAME`, `Tests/fuzz/corpus/TARGET/`).
final class FuzzRegressionTests: XCTestCase {
    func testEverySeedAndEveryKeptCrasherPassesItsTarget() throws {
        let root = DemoWorkspace.packageRoot.appendingPathComponent("Tests/fuzz")
        var replayed = 0
        for folder in ["corpus", "regressions"] {
            let base = root.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
            where !name.hasPrefix(".") {
                let target = try XCTUnwrap(FuzzTargets.all[name], "\(folder)/\(name) names no fuzz target")
                let directory = base.appendingPathComponent(name)
                for file in try FileManager.default.contentsOfDirectory(atPath: directory.path)
                where !file.hasPrefix(".") {
                    target(try Data(contentsOf: directory.appendingPathComponent(file)))
                    replayed += 1
                }
            }
        }
        XCTAssertGreaterThan(replayed, FuzzTargets.all.count, "every target has seeds")
        for name in FuzzTargets.names {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: root.appendingPathComponent("corpus/\(name)").path),
                "no seeds for \(name)")
        }
    }
}
