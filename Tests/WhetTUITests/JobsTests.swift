import XCTest

@testable import WhetCore
@testable import WhetTUI

/// What a test's job completions write into (on the main actor, like the workbench's features).
@MainActor
final class Collected {
    var values: [String] = []
}

/// The one job mechanism: a newer job in a slot drops the older one's results, a cancelled job's completion
/// still applies, streamed text is joined, and quitting cancels every job.
@MainActor
final class JobsTests: XCTestCase {
    /// Applies updates until `done` holds (or a few seconds pass).
    func drain(_ jobs: Jobs, until done: () -> Bool) async throws {
        for _ in 0..<500 where !done() {
            _ = jobs.applyPending()
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    func testAStartedJobDropsTheOneItSupersedes() async throws {
        let jobs = Jobs()
        let slot = jobs.slot("search")
        let applied = Collected()
        slot.start { port in
            try? await Task.sleep(nanoseconds: 100_000_000)
            port.finish { applied.values.append("stale") }
        }
        let newer = slot.start { port in port.finish { applied.values.append("latest") } }
        try await drain(jobs) { !slot.isBusy }
        try await Task.sleep(nanoseconds: 300_000_000)
        _ = jobs.applyPending()
        XCTAssertEqual(applied.values, ["latest"], "the superseded job's completion is dropped by the slot")
        XCTAssertFalse(newer.isRunning)
    }

    func testACancelledJobStillReportsHowItEnded() async throws {
        let jobs = Jobs()
        let slot = jobs.slot("run")
        let ended = Collected()
        let handle = slot.start { port in
            while !Task.isCancelled { try? await Task.sleep(nanoseconds: 5_000_000) }
            port.finish { ended.values.append("cancelled, recorded") }
        }
        XCTAssertTrue(handle.isRunning)
        handle.cancel()
        try await drain(jobs) { !ended.values.isEmpty }
        XCTAssertFalse(slot.isBusy)
        XCTAssertEqual(ended.values, ["cancelled, recorded"], "cancelling is not superseding: the ending applies")
    }

    func testStreamedTextIsJoinedAndKeepsWhenItBegan() async throws {
        let jobs = Jobs()
        let slot = jobs.slot("run")
        let received = Collected()
        slot.start { port in
            for (index, piece) in ["a", "b", "c"].enumerated() {
                port.stream(piece) { text in received.values.append("\(text)@\(index)") }
            }
            port.finish {}
        }
        await slot.settled()
        _ = jobs.applyPending()
        XCTAssertEqual(received.values, ["abc@0"], "one update per frame, and the first piece's handler is kept")
    }

    func testQuittingCancelsEveryJob() async throws {
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        let slot = workbench.jobs.slot("test")
        let ended = Collected()
        slot.start { port in
            while !Task.isCancelled { try? await Task.sleep(nanoseconds: 5_000_000) }
            port.finish { ended.values.append("ended") }
        }
        workbench.requestQuit(force: true)
        XCTAssertTrue(workbench.shouldQuit)
        try await drain(workbench.jobs) { !ended.values.isEmpty }
        XCTAssertEqual(ended.values, ["ended"], "the job saw the cancellation and ended")
    }

    func testAJobThatEndsWithoutItsLastWordStillFreesItsSlot() async throws {
        let jobs = Jobs()
        let slot = jobs.slot("dataset")
        slot.start { _ in }
        await slot.settled()
        try await drain(jobs) { !slot.isBusy }
        XCTAssertFalse(slot.isBusy, "a job that forgot port.finish does not hold its slot forever")
    }
}
