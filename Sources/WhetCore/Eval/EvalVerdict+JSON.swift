import Foundation

/// The verdict as JSON (`whet eval --json`, `whet report --format json`'s basis, the advisor's JSON): the same
/// counts, rate, interval and method, comparisons and failed runs every other front end states; the cells
/// themselves are written beside it, not inside.
extension EvalVerdict: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, standing, headline, counts, rate, variants, flaky, prompts, power
        case checkedAnything = "checked_anything"
        case runFailures = "run_failures"
    }

    enum VariantKeys: String, CodingKey {
        case variant, counts, rate
        case againstFirst = "against_first"
    }

    /// `checked`, `nothing evaluated` or `every run failed`.
    public var standingName: String {
        switch standing {
        case .checked: "checked"
        case .nothingEvaluated: "nothing evaluated"
        case .everyRunFailed: "every run failed"
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(standingName, forKey: .standing)
        try container.encode(checkedAnything, forKey: .checkedAnything)
        try container.encode(headline, forKey: .headline)
        try container.encode(counts, forKey: .counts)
        try container.encodeIfPresent(rate, forKey: .rate)
        var list = container.nestedUnkeyedContainer(forKey: .variants)
        for variant in variants {
            var item = list.nestedContainer(keyedBy: VariantKeys.self)
            try item.encode(variant.variant, forKey: .variant)
            try item.encode(variant.counts, forKey: .counts)
            try item.encodeIfPresent(variant.rate, forKey: .rate)
            try item.encodeIfPresent(variant.againstFirst, forKey: .againstFirst)
        }
        try container.encode(flaky, forKey: .flaky)
        try container.encode(prompts, forKey: .prompts)
        try container.encodeIfPresent(power, forKey: .power)
        if counts.errors > 0 { try container.encode(runFailures, forKey: .runFailures) }
    }
}
