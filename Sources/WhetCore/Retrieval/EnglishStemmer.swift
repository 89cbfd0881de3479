/// The Snowball English ("Porter2") stemmer, so that "connected", "connecting" and "connection" meet at
/// "connect" in the index. It works on lower-case ASCII words; anything else (other scripts, CJK bigrams,
/// words with digits) passes through unchanged, since the rules only know English suffixes.
/// Reference: https://snowballstem.org/algorithms/english/stemmer.html
public enum EnglishStemmer {
    /// The stem of `word`, or `word` itself when the rules do not apply.
    public static func stem(_ word: String) -> String {
        guard word.utf8.count > 2, word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        if let special = exceptions[word] { return special }
        var stemmer = Porter2(Array(word.utf8))
        return stemmer.run()
    }

    /// Words the algorithm would get wrong, with their agreed stems.
    static let exceptions: [String: String] = [
        "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "idly": "idl",
        "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
        "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias",
        "andes": "andes",
    ]
}

/// One word's run through the algorithm; `w` holds bytes, with `Y` marking a consonant y.
private struct Porter2 {
    var w: [UInt8]
    var r1 = 0
    var r2 = 0

    static let capitalY: UInt8 = 0x59

    init(_ word: [UInt8]) { w = word }

    mutating func run() -> String {
        prelude()
        markRegions()
        step0()
        step1a()
        if Porter2.afterStep1a.contains(w) { return postlude() }
        step1b()
        step1c()
        step2()
        step3()
        step4()
        step5()
        return postlude()
    }

    static let afterStep1a: Set<[UInt8]> = Set(
        ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"].map { Array($0.utf8) })

    // MARK: Letters and regions

    func isVowel(_ byte: UInt8) -> Bool {
        byte == 0x61 || byte == 0x65 || byte == 0x69 || byte == 0x6F || byte == 0x75 || byte == 0x79
    }

    func isVowel(at index: Int) -> Bool { isVowel(w[index]) }

    mutating func prelude() {
        if w.first == 0x27 { w.removeFirst() }
        if w.first == 0x79 { w[0] = Porter2.capitalY }
        if w.count > 1 {
            for index in 1..<w.count where w[index] == 0x79 && isVowel(w[index - 1]) { w[index] = Porter2.capitalY }
        }
    }

    /// R1 starts after the first non-vowel that follows a vowel; R2 is the same rule applied inside R1.
    mutating func markRegions() {
        r1 = w.count
        r2 = w.count
        for prefix in ["gener", "commun", "arsen"] where hasPrefix(prefix) {
            r1 = prefix.utf8.count
        }
        if r1 == w.count { r1 = regionStart(from: 0) }
        r2 = regionStart(from: r1)
    }

    func regionStart(from start: Int) -> Int {
        var index = start + 1
        while index < w.count {
            if !isVowel(at: index) && isVowel(at: index - 1) { return index + 1 }
            index += 1
        }
        return w.count
    }

    func hasPrefix(_ prefix: String) -> Bool { w.starts(with: prefix.utf8) }

    func ends(_ suffix: [UInt8]) -> Bool {
        let count = suffix.count
        guard w.count >= count else { return false }
        var index = 0
        while index < count {
            if w[w.count - count + index] != suffix[index] { return false }
            index += 1
        }
        return true
    }

    /// The longest of `suffixes` (index into the list) the word ends with.
    func longest(_ suffixes: [[UInt8]]) -> Int? {
        var best: Int? = nil
        for (index, suffix) in suffixes.enumerated()
        where suffix.count > (best.map { suffixes[$0].count } ?? 0) && ends(suffix) {
            best = index
        }
        return best
    }

    func suffixStart(_ suffix: [UInt8]) -> Int { w.count - suffix.count }

    mutating func replace(_ suffix: [UInt8], with replacement: [UInt8]) {
        w.removeLast(suffix.count)
        w.append(contentsOf: replacement)
    }

    func containsVowel(before end: Int) -> Bool { w[..<end].contains { isVowel($0) } }

    /// A short syllable ends at `end` (exclusive): consonant-vowel-consonant (last not w, x, Y), or
    /// vowel-consonant at the start of the word.
    func endsInShortSyllable(_ end: Int) -> Bool {
        if end == 2 { return isVowel(at: 0) && !isVowel(at: 1) }
        guard end >= 3 else { return false }
        let last = w[end - 1]
        return !isVowel(w[end - 3]) && isVowel(w[end - 2]) && !isVowel(last)
            && last != 0x77 && last != 0x78 && last != Porter2.capitalY
    }

    func isShort() -> Bool { r1 >= w.count && endsInShortSyllable(w.count) }

    // MARK: Steps

    /// A step's suffixes, as text for reading and as bytes for matching.
    struct Suffixes {
        let names: [String]
        let bytes: [[UInt8]]
        let replacements: [[UInt8]]

        init(_ rules: [(String, String)]) {
            names = rules.map(\.0)
            bytes = rules.map { Array($0.0.utf8) }
            replacements = rules.map { Array($0.1.utf8) }
        }
    }

    /// The longest suffix of `list` the word ends with: its name, bytes and replacement.
    func match(_ list: Suffixes) -> (name: String, bytes: [UInt8], replacement: [UInt8])? {
        longest(list.bytes).map { (list.names[$0], list.bytes[$0], list.replacements[$0]) }
    }

    static let step0Suffixes = Suffixes([("'s'", ""), ("'s", ""), ("'", "")])
    static let step1aSuffixes = Suffixes([
        ("sses", "ss"), ("ied", ""), ("ies", ""), ("us", "us"), ("ss", "ss"), ("s", ""),
    ])
    static let step1bSuffixes = Suffixes([
        ("eed", "ee"), ("eedly", "ee"), ("ed", ""), ("edly", ""), ("ing", ""), ("ingly", ""),
    ])

    mutating func step0() {
        if let suffix = match(Porter2.step0Suffixes) { w.removeLast(suffix.bytes.count) }
    }

    mutating func step1a() {
        guard let suffix = match(Porter2.step1aSuffixes) else { return }
        switch suffix.name {
        case "sses": replace(suffix.bytes, with: suffix.replacement)
        case "ied", "ies": replace(suffix.bytes, with: suffixStart(suffix.bytes) > 1 ? [0x69] : [0x69, 0x65])
        case "s":
            let start = suffixStart(suffix.bytes)
            if start >= 2, containsVowel(before: start - 1) { w.removeLast() }
        default: break
        }
    }

    mutating func step1b() {
        guard let suffix = match(Porter2.step1bSuffixes) else { return }
        let start = suffixStart(suffix.bytes)
        if suffix.name == "eed" || suffix.name == "eedly" {
            if start >= r1 { replace(suffix.bytes, with: suffix.replacement) }
            return
        }
        guard containsVowel(before: start) else { return }
        w.removeLast(suffix.bytes.count)
        if ends([0x61, 0x74]) || ends([0x62, 0x6C]) || ends([0x69, 0x7A]) {  // at, bl, iz
            w.append(0x65)
        } else if w.count >= 2, w[w.count - 1] == w[w.count - 2], Porter2.doubles.contains(w[w.count - 1]) {
            w.removeLast()
        } else if isShort() {
            w.append(0x65)
        }
    }

    static let doubles: Set<UInt8> = Set("bdfgmnprt".utf8)
    static let liEndings: Set<UInt8> = Set("cdeghkmnrt".utf8)

    mutating func step1c() {
        guard w.count > 2, let last = w.last, last == 0x79 || last == Porter2.capitalY, !isVowel(at: w.count - 2) else {
            return
        }
        w[w.count - 1] = 0x69
    }

    static let step2Suffixes = Suffixes([
        ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"), ("entli", "ent"), ("izer", "ize"),
        ("ization", "ize"), ("ational", "ate"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("aliti", "al"),
        ("alli", "al"), ("fulness", "ful"), ("ousli", "ous"), ("ousness", "ous"), ("iveness", "ive"), ("iviti", "ive"),
        ("biliti", "ble"), ("bli", "ble"), ("ogi", "og"), ("fulli", "ful"), ("lessli", "less"), ("li", ""),
    ])

    mutating func step2() {
        guard let suffix = match(Porter2.step2Suffixes), suffixStart(suffix.bytes) >= r1 else { return }
        let start = suffixStart(suffix.bytes)
        switch suffix.name {
        case "ogi": if start >= 1, w[start - 1] == 0x6C { replace(suffix.bytes, with: suffix.replacement) }
        case "li": if start >= 1, Porter2.liEndings.contains(w[start - 1]) { w.removeLast(2) }
        default: replace(suffix.bytes, with: suffix.replacement)
        }
    }

    static let step3Suffixes = Suffixes([
        ("tional", "tion"), ("ational", "ate"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ical", "ic"),
        ("ful", ""), ("ness", ""), ("ative", ""),
    ])

    mutating func step3() {
        guard let suffix = match(Porter2.step3Suffixes), suffixStart(suffix.bytes) >= r1 else { return }
        if suffix.name == "ative" {
            if suffixStart(suffix.bytes) >= r2 { w.removeLast(5) }
        } else {
            replace(suffix.bytes, with: suffix.replacement)
        }
    }

    static let step4Suffixes = Suffixes(
        [
            "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
            "ism", "ate", "iti", "ous", "ive", "ize", "ion",
        ].map { ($0, "") })

    mutating func step4() {
        guard let suffix = match(Porter2.step4Suffixes), suffixStart(suffix.bytes) >= r2 else { return }
        if suffix.name == "ion" {
            let start = suffixStart(suffix.bytes)
            if start >= 1, w[start - 1] == 0x73 || w[start - 1] == 0x74 { w.removeLast(3) }
        } else {
            w.removeLast(suffix.bytes.count)
        }
    }

    mutating func step5() {
        guard let last = w.last else { return }
        let start = w.count - 1
        if last == 0x65 {
            if start >= r2 || (start >= r1 && !endsInShortSyllable(start)) { w.removeLast() }
        } else if last == 0x6C, start >= r2, start >= 1, w[start - 1] == 0x6C {
            w.removeLast()
        }
    }

    func postlude() -> String {
        String(decoding: w.map { $0 == Porter2.capitalY ? 0x79 : $0 }, as: UTF8.self)
    }
}
