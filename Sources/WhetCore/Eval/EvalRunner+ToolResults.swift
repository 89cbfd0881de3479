import Foundation

extension EvalRunner {
    /// How many model turns one cell may take while its tools are answered from `tool_results`: enough for a
    /// model that calls a tool, then another with what it learned; a model still calling after that is looping.
    static let maxToolTurns = 4

    /// Runs `plan`, and while the answer calls tools and the case has canned results for them, answers the
    /// calls and runs the next turn. The record returned is the last turn's (its answer is what the assertions
    /// check) with every call of every turn, and the turns' latency and cost added up. A call to a tool the
    /// case does not answer, or a model still calling after `maxToolTurns`, is the record's error.
    func converse(
        _ plan: RunPlan, on backend: any ModelBackend, price: ModelPrice?, toolResults: [String: String]
    ) async -> RunRecord {
        var record = await RunExecutor().execute(plan, on: backend, runNumber: 0, price: price)
        guard !toolResults.isEmpty else { return record }
        var calls = record.toolCalls ?? []
        var turnPlan = plan
        var turns = 1
        var latencyMs = record.latency.totalMs
        var cost = record.costUSD
        var allCached = record.cached == true
        while record.error == nil, let made = record.toolCalls, !made.isEmpty {
            if let unanswered = made.first(where: { toolResults[$0.name] == nil }) {
                record.error =
                    "the model called '\(unanswered.name)', which the case's tool_results do not answer "
                    + "(they answer \(toolResults.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")))"
                break
            }
            guard turns < EvalRunner.maxToolTurns else {
                record.error = "the model was still calling tools after \(turns) turns with the canned results"
                break
            }
            turnPlan = turnPlan.answering(made, output: record.output, with: toolResults)
            record = await RunExecutor().execute(turnPlan, on: backend, runNumber: 0, price: price)
            turns += 1
            calls += record.toolCalls ?? []
            latencyMs += record.latency.totalMs
            cost = record.costUSD.map { $0 + (cost ?? 0) } ?? cost
            allCached = allCached && record.cached == true
        }
        record.toolCalls = calls.isEmpty ? nil : calls
        record.latency.totalMs = latencyMs
        record.costUSD = cost
        record.cached = allCached ? true : nil
        return record
    }
}
