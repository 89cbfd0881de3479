import Foundation
import WhetCore

/// Applying what background work reported: the one place where runs, evals, searches, embeddings and
/// dataset checks change the state after they were started.
extension Workbench {
    /// Applies every event posted since the last call; returns true when any arrived (the screen changed).
    @discardableResult
    public func applyEvents() -> Bool {
        let pending = events.drain()
        for event in pending { apply(event) }
        if !pending.isEmpty { settle() }
        return !pending.isEmpty
    }

    func apply(_ event: WorkbenchEvent) {
        switch event {
        case .runOutput(let text, let firstAt):
            guard state.live != nil else { return }
            state.live?.output += text
            if state.live?.firstToken == nil { state.live?.firstToken = firstAt }
        case .runRetrying(let note):
            state.retryNote = note
        case .runFinished(let result):
            runFinished(result)
        case .evalProgress(let text):
            if evalTask != nil { state.evalProgress = text }
        case .evalFinished(let result):
            evalFinished(result)
        case .optimizeProgress(let text):
            if optimizeTask != nil { state.optimizeProgress = text }
        case .optimizeFinished(let result):
            optimizeFinished(result)
        case .searchFinished(let generation, let result):
            guard generation == searchGeneration else { return }
            state.searching = false
            retrievalTask = nil
            switch result {
            case .success(let outcome):
                applySearch(outcome)
                if let warning = outcome.warnings.first { state.message = .warning(warning) }
            case .failure(let error):
                state.message = .failure(error)
            }
        case .denseOpened(let result):
            denseOpened(result)
        case .sharedIndexOpened(let result):
            sharedIndexOpened(result)
        case .storeChanged(let generation):
            guard !state.readOnly else { return }
            if state.message == nil {
                state.message = .info("the shared store changed (generation \(generation)): context searched again")
            }
            refreshContext()
        case .datasetPrepared(let result):
            datasetTask = nil
            switch result {
            case .success(let prepared):
                state.dataset = prepared
                // Shown unless the user has opened something else meanwhile.
                if layers.isEmpty { layers.push(DatasetLayer()) }
                state.message = nil
            case .failure(let error):
                state.message = .failure(error)
            }
        case .startupLoaded(let count, let advice):
            applyStartup(evalCaseCount: count, advice: advice)
        }
    }

    func runFinished(_ result: Result<RunRecord, any Error>) {
        runTask = nil
        state.live = nil
        state.retryNote = nil
        switch result {
        case .success(let record):
            // The log holds this run and any others appended meanwhile by other processes, in their order.
            followSessionLog()
            if !state.runs.contains(where: { $0.id == record.id }) { state.runs.append(record) }
            state.outputView.showNewest()
            if record.turn != nil {
                // A follow-up opens at the user's last turn: the new question and its answer; earlier turns are
                // above it.
                if let last = outputLines.lastUserTurn(for: state, width: layout.output.width - 2) {
                    state.outputView.scroll.offset = last
                    state.outputView.follows = false
                }
            }
            if record.finishReason == .cancelled {
                state.message = .info("run \(record.run) cancelled; partial output kept")
            } else if let error = record.error {
                state.message = .error(error)
            } else {
                state.message = .info("run \(record.run) saved to sessions/\(state.sessionID ?? "")/runs.jsonl")
            }
        case .failure(let error):
            state.message = .failure(error)
        }
    }
}
