import Foundation

/// How big a change an eval of this size can show: the smallest difference in pass rate that a comparison of
/// two variants on these cases would detect with 80 % power at α = 0.05, and how many cases a 10-point change
/// needs. The advisor says it when the eval is too small for the change the user is after.
///
/// The figure treats the two variants as independent samples at the current rate (kept within 10–90 %, where
/// the variance is largest, so a rate near 100 % does not promise more than its few failures can show):
/// δ = (z₀.₉₇₅ + z₀.₈) · √(2·p(1−p) / n). Pairing usually needs fewer cases, so this is the cautious end;
/// repeats count through the effective sample size of the clustered interval.
public struct EvalPower: Sendable, Equatable, Codable {
    /// Independent answers the eval amounts to (cases, or the clustered effective n with repeats).
    public var effectiveN: Double
    /// The rate the variance is taken at (the eval's, within 0.1…0.9).
    public var rate: Double
    /// The smallest detectable difference, as a share (0.3 = 30 points).
    public var detectable: Double
    /// Cases (one answer each) a 10-point difference needs.
    public var casesFor10Points: Int

    enum CodingKeys: String, CodingKey {
        case rate, detectable
        case effectiveN = "effective_n"
        case casesFor10Points = "cases_for_10_points"
    }

    /// z₀.₉₇₅ + z₀.₈₀.
    static let zSum = 1.959963984540054 + 0.8416212335729143

    /// The power figures for an eval whose pass rate is `estimate`.
    public init(_ estimate: RateEstimate) {
        effectiveN = max(1, estimate.effectiveN)
        rate = min(0.9, max(0.1, estimate.rate))
        let variance = 2 * rate * (1 - rate)
        detectable = min(1, Self.zSum * (variance / effectiveN).squareRoot())
        casesFor10Points = Int((Self.zSum * Self.zSum * variance / 0.01).rounded(.up))
    }

    /// `with 13 cases this eval can show a change of about 30 points (80 % power); a 10-point change needs
    /// about 200 cases`.
    public var text: String {
        String(
            format: "with %@ this eval can show a change of about %.0f points (80%% power); "
                + "a 10-point change needs about %d cases",
            effectiveN.rounded() == effectiveN
                ? "\(Int(effectiveN)) cases" : String(format: "%.1f effective cases", effectiveN),
            detectable * 100, casesFor10Points)
    }
}
