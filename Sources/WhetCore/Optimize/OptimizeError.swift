import Foundation

/// What stops `whet optimize` before it can say anything: each case is one line a person can act on.
public enum OptimizeError: Error, CustomStringConvertible, Equatable {
    /// No eval case runs with the prompt being optimised.
    case noCases(String)
    /// The budget cannot pay for the baseline and the held-out check: the plan is refused before anything is
    /// spent.
    case budgetTooSmall(plan: String, needed: String)
    /// The proposer backend is not configured, cannot be reached, or answered with no usable prompt.
    case proposer(String)
    /// An option or a file given to `whet optimize` is wrong.
    case invalid(String)

    public var description: String {
        switch self {
        case .noCases(let message): return message
        case .budgetTooSmall(let plan, let needed):
            return "the budget is too small for the baseline and the held-out check (\(needed)); nothing was run\n"
                + plan
        case .proposer(let message): return message
        case .invalid(let message): return message
        }
    }
}
