/// Small pieces of English handling for the document heuristics: what a lead sentence is
/// about, which words of a heading carry meaning, and sentence case for fronts.
enum Phrases {
    /// Words that say what kind of list follows rather than what it is about
    /// ("Key Concepts in …", "Issues and Considerations", "Common … Techniques").
    static let generic: Set<String> = [
        "key", "main", "common", "important", "basic", "basics", "advanced", "core", "essential",
        "concept", "feature", "technique", "best", "practice", "tip", "point", "issue", "consideration",
        "question", "answer", "note", "detail", "overview", "introduction", "topic", "some", "various",
        "different", "few", "several", "useful", "strategy", "idea", "guideline", "thing", "aspect",
        "challenge", "potential", "additional", "more", "further", "selected", "frequently", "asked",
    ]

    /// Words that join others and never carry a topic on their own.
    static let connectors: Set<String> = [
        "and", "or", "of", "in", "for", "on", "about", "with", "the", "a", "an", "to", "&", "vs", "vs.",
        "at", "by", "from", "into",
    ]

    /// Ignored when deciding whether two labels talk about the same thing.
    static let stopwords: Set<String> = connectors.union([
        "use", "using", "used", "when", "how", "what", "why", "which", "who", "is", "are", "be", "it", "its",
        "do", "does", "can", "this", "that", "these", "those", "your", "you", "their", "not", "no", "vs",
    ])

    /// A word as compared: lowercased, a plural `s`/`es`/`ies` removed.
    static func stem(_ word: Substring) -> String {
        var w = word.utf8.allSatisfy({ $0 < 0x80 })
            ? String(decoding: word.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
            : word.lowercased()
        if w.hasSuffix("'s") || w.hasSuffix("’s") { w.removeLast(2) }
        if w.count > 4, w.hasSuffix("ies") { return String(w.dropLast(3)) + "y" }
        if w.count > 4, w.hasSuffix("es"),
           w.dropLast(2).hasSuffix("s") || w.dropLast(2).hasSuffix("x") || w.dropLast(2).hasSuffix("ch")
            || w.dropLast(2).hasSuffix("sh") {
            return String(w.dropLast(2))
        }
        if w.count > 3, w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is") {
            return String(w.dropLast())
        }
        return w
    }

    struct Token {
        var text: Substring
        /// Inline code (kept as written, never generic).
        var isCode: Bool
    }

    /// Words and code spans of a label, in order. Hyphenated words are one token.
    static func tokens(_ s: String) -> [Token] {
        var result: [Token] = []
        let scalars = s.unicodeScalars
        @inline(__always) func isWordScalar(_ c: Unicode.Scalar) -> Bool {
            if c.isASCII {
                let v = c.value
                return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57)
            }
            return c.properties.isAlphabetic || c.properties.numericType != nil
        }
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "`" {
                var run = 0
                var j = i
                while j < scalars.endIndex, scalars[j] == "`" { run += 1; j = scalars.index(after: j) }
                // Find a closing run of the same length.
                var k = j
                var closeEnd: String.Index?
                while k < scalars.endIndex {
                    if scalars[k] == "`" {
                        var m = k
                        var run2 = 0
                        while m < scalars.endIndex, scalars[m] == "`" { run2 += 1; m = scalars.index(after: m) }
                        if run2 == run { closeEnd = m; break }
                        k = m
                    } else {
                        k = scalars.index(after: k)
                    }
                }
                if let end = closeEnd {
                    result.append(Token(text: s[i..<end], isCode: true))
                    i = end
                } else {
                    i = j
                }
                continue
            }
            if c == "&" {
                let next = scalars.index(after: i)
                result.append(Token(text: s[i..<next], isCode: false))
                i = next
                continue
            }
            if isWordScalar(c) {
                var j = scalars.index(after: i)
                while j < scalars.endIndex {
                    let d = scalars[j]
                    if isWordScalar(d) || d == "_" { j = scalars.index(after: j); continue }
                    if d == "-" || d == "'" || d == "’" || d == "." || d == "/" {
                        let n = scalars.index(after: j)
                        if n < scalars.endIndex, isWordScalar(scalars[n]) { j = n; continue }
                    }
                    break
                }
                result.append(Token(text: s[i..<j], isCode: false))
                i = j
                continue
            }
            i = scalars.index(after: i)
        }
        return result
    }

    /// Meaningful words of a label, stemmed (hyphenated words also give their parts).
    static func contentWords(_ s: String) -> Set<String> {
        var set = Set<String>()
        for token in tokens(s) {
            if token.isCode {
                set.insert(token.text.trimmingBackticks().lowercased())
                continue
            }
            let w = stem(token.text)
            if !stopwords.contains(w) { set.insert(w) }
            if token.text.containsBytes("-") {
                for part in token.text.split(separator: "-") {
                    let p = stem(part)
                    if !stopwords.contains(p) { set.insert(p) }
                }
            }
        }
        return set
    }

    /// The label without the words that only say what kind of list follows:
    /// "Key Concepts in Python Memory Management" → "Python Memory Management",
    /// "Issues and Considerations" → "".
    static func stripGeneric(_ label: String) -> String {
        let toks = tokens(label)
        func skippable(_ t: Token) -> Bool {
            guard !t.isCode else { return false }
            let w = stem(t.text)
            return generic.contains(w) || connectors.contains(w)
        }
        guard let first = toks.firstIndex(where: { !skippable($0) }),
              let last = toks.lastIndex(where: { !skippable($0) }) else { return "" }
        var end = toks[last].text.endIndex
        // Keep a closing parenthesis or backtick that belongs to the last word.
        while end < label.endIndex, label[end] == ")" { end = label.index(after: end) }
        var start = toks[first].text.startIndex
        if start > label.startIndex, label[label.index(before: start)] == "(" { start = label.index(before: start) }
        return String(label[start..<end])
    }

    /// "6. Resource Hierarchy (Lock Ordering):" → "Resource Hierarchy (Lock Ordering)".
    static func cleanLabel(_ label: String) -> String {
        var t = withoutNumbering(label.trimmed).trimmed
        while let last = t.last, last == ":" || last == "." || last == ";" || last == "," {
            if last == ".", t.hasSuffix("...") { break }
            t.removeLast()
        }
        return t.trimmed
    }

    /// Without leading numbering: "6.", "6)", "Step 3:", "Q1.", "1.2".
    static func withoutNumbering(_ label: String) -> Substring {
        var s = Substring(label)
        // Leading numbering: "6.", "6)", "Step 3:", "Q1.", "1.2".
        let digits = s.prefix(while: { $0.isNumber || $0 == "." })
        if !digits.isEmpty, digits.contains(where: \.isNumber) {
            let after = s.dropFirst(digits.count)
            if after.first == ")" || after.first == ":" {
                s = after.dropFirst()
            } else if digits.hasSuffix("."), after.first == " " {
                s = after
            }
        }
        // "Q7:", "Question 17a.", "Question 42 .", "#12 ".
        for prefix in ["Step ", "Q", "Question ", "#"] where s.hasPrefix(prefix) {
            let rest = s.dropFirst(prefix.count)
            let n = rest.prefix(while: \.isNumber)
            guard !n.isEmpty else { continue }
            var after = rest.dropFirst(n.count)
            if let letter = after.first, letter.isLowercase, letter.isLetter, after.dropFirst().first != nil,
               !(after.dropFirst().first?.isLetter ?? true) {
                after = after.dropFirst()
            }
            let spaced = after.drop(while: { $0 == " " })
            if let sep = spaced.first, sep == "." || sep == ":" || sep == ")" {
                s = spaced.dropFirst()
            } else if prefix == "#", after.first == " " {
                s = after
            }
        }
        return s.drop(while: { $0 == " " })
    }

    static let askingWords: Set<String> = [
        "what", "how", "why", "when", "where", "which", "who", "whom", "whose", "is", "are", "can", "could",
        "does", "do", "did", "should", "would", "will", "explain", "describe", "compare", "define", "discuss",
        "differentiate", "distinguish", "contrast", "list", "name", "give", "write", "implement", "outline",
        "summarize", "identify", "state", "show", "illustrate",
    ]

    /// A label that asks something: ends with `?`, or is an instruction such as
    /// "Explain the `async` and `await` keywords."
    /// Labels that open the answer to the question above them, not a question or topic of
    /// their own: `### Answer`, `#### Explanation`, `**Answer:**`, `#### Answer: D`.
    static func isAnswerLabel(_ label: String) -> Bool {
        let clean = cleanLabel(withoutTrailingSymbols(label)).lowercased()
        if answerLabels.contains(clean) { return true }
        return clean.hasPrefix("answer:") || clean.hasPrefix("answer -") || clean.hasPrefix("correct answer")
    }

    static let answerLabels: Set<String> = [
        "answer", "answers", "the answer", "short answer", "long answer", "explanation", "explanations", "solution",
        "solutions", "code", "output", "result", "results", "details", "answer and explanation", "reasoning", "why",
        "hint", "hints",
    ]

    /// The label without trailing emoji, symbols and spaces ("What is regression? 👶" → "What
    /// is regression?"), for deciding what a label is; the front keeps them as written.
    static func withoutTrailingSymbols(_ label: String) -> String {
        // Most labels end in a letter or ASCII punctuation: nothing to remove, nothing to copy.
        if let last = label.utf8.last, last < 0x80, last != 32, last != 9 { return label }
        var scalars = Array(label.unicodeScalars)
        while let last = scalars.last, last.properties.isEmojiPresentation || last.properties.isEmoji && last.value > 0x2000
                || last.value == 0xFE0F || last.value == 0x200D || last == " " || last == "\t"
                || (last.properties.generalCategory == .otherSymbol) {
            scalars.removeLast()
        }
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars)
        return out
    }

    static func isQuestion(_ rawLabel: String) -> Bool {
        let label = String(withoutNumbering(withoutTrailingSymbols(rawLabel.trimmed)))
        // "Which factors influence ocean currents, and how? (set 1, item 4)": a question with a
        // note after it.
        if label.hasSuffix(")"), let open = label.lastIndex(of: "("), open > label.startIndex {
            let before = String(label[..<open]).trimmed
            if before.hasSuffix("?") { return true }
        }
        guard let last = label.utf8.last(where: { $0 != 32 && $0 != 9 && $0 != 10 }) else { return false }
        if last == UInt8(ascii: "?") { return true }
        if last == UInt8(ascii: ":") { return false }
        let t = label.trimmed
        let toks = tokens(t)
        guard let first = toks.first, !first.isCode, toks.count >= 3 else { return false }
        let word = first.text.lowercased()
        // "Explain the `async` and `await` keywords." — and the same without its full stop.
        if last == UInt8(ascii: ".") { return askingWords.contains(word) }
        // "Implement a retry mechanism" and "What is a prototype chain" (a question its author
        // left without its mark) ask; "Design Deadlock-Free Algorithms", in Title Case, names.
        return (instructions.contains(word) || interrogatives.contains(word))
            && !isTitleCase(toks.dropFirst().map { $0.text })
    }

    /// Whether most words of four letters or more start with a capital letter, as in a title.
    static func isTitleCase(_ words: [Substring]) -> Bool {
        let long = words.filter { $0.count >= 4 && $0.first?.isLetter == true }
        guard !long.isEmpty else { return false }
        return long.filter { $0.first?.isUppercase == true }.count * 2 > long.count
    }

    /// Words that open a question.
    static let interrogatives: Set<String> = ["what", "how", "why", "when", "where", "which", "who", "whom", "whose"]

    /// Words that make a label an exercise even without a question mark or full stop.
    static let instructions: Set<String> = [
        "explain", "describe", "compare", "define", "discuss", "differentiate", "distinguish", "contrast",
        "outline", "summarize", "summarise", "illustrate", "implement", "write", "design", "create", "build",
        "calculate", "find", "prove", "derive", "solve", "convert", "give", "name",
    ]

    // MARK: - Sentences

    /// Sentences of plain text: cut after `.`, `!`, `?` followed by a space and a capital,
    /// or at the end.
    static func sentences(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "." || c == "!" || c == "?", next < text.endIndex, text[next] == " " {
                let after = text.index(after: next)
                if after < text.endIndex, text[after].isUppercase || text[after] == "`" || text[after].isNumber {
                    result.append(text[start..<next])
                    start = after
                    i = after
                    continue
                }
            }
            i = next
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result.filter { !$0.trimmed.isEmpty }
    }

    static let anaphoricStarts: [String] = [
        "this ", "these ", "that ", "those ", "it ", "its ", "they ", "in this ", "in these ", "by ", "overall",
        "in summary", "in conclusion", "to summarize", "to sum up", "to conclude", "in short", "thus", "therefore",
        "so ", "also", "additionally", "finally", "furthermore", "moreover", "with these", "using these",
        "understanding these", "following these", "as shown", "as you can see", "note that", "all of these",
        "each of these", "both ",
    ]

    /// Text that leans on what came before it ("These techniques…", "By understanding…").
    static func isAnaphoric(_ text: String) -> Bool {
        let lower = text.trimmed.lowercased()
        return anaphoricStarts.contains { lower.hasPrefix($0) }
    }

    /// Closing remarks about an example stay with the example.
    static func refersToExample(_ text: String) -> Bool {
        let lower = text.trimmed.lowercased()
        return ["this example", "in this example", "the example", "this code", "the code above", "in the example",
                "this script", "this program"].contains { lower.hasPrefix($0) }
    }

    /// "Sure!", "Certainly!", "Great question!"
    static func isInterjection(_ sentence: Substring) -> Bool {
        let t = sentence.trimmed
        return t.hasSuffix("!") && tokens(t).count <= 3
    }

    // MARK: - Lead sentences

    enum Verb: Equatable {
        case isSingular, arePlural, involves, involve, means
    }

    struct Lead: Equatable {
        /// What the document is about, as written ("Memory management in Python").
        var topic: String?
        /// Set when the first sentence defines the topic ("Deadlock is a situation…"): the
        /// lead then makes an overview card.
        var verb: Verb?
        /// Reads like the opening of a new document (for splitting pasted documents).
        var opensDocument: Bool
    }

    static let definingVerbs: [(String, Verb)] = [
        (" is ", .isSingular), (" are ", .arePlural), (" refers to ", .isSingular), (" refer to ", .arePlural),
        (" involves ", .involves), (" involve ", .involve), (" means ", .means), (" was ", .isSingular),
        (" were ", .arePlural), (" describes ", .isSingular), (" describe ", .arePlural),
    ]

    static let subjectBlockers: Set<String> = [
        "it", "this", "that", "these", "those", "there", "here", "they", "we", "you", "i", "what", "when", "how",
        "why", "which", "sure", "in", "on", "at", "for", "by", "with", "as", "if", "while", "although", "one",
        "each", "all", "both", "some", "many", "most", "our", "my", "let", "let's", "another", "other",
    ]

    /// Words that make what stands before "is"/"are" a clause rather than a name for a topic:
    /// in "Caching keeps results close to where they are used", "are" is not defining anything.
    static let clauseWords: Set<String> = [
        "where", "they", "we", "you", "it", "which", "who", "when", "if", "because", "than", "so", "but", "that",
    ]

    static let whenVerbs = ["using ", "working with ", "dealing with ", "handling ", "writing ", "building ",
                            "designing ", "implementing ", "choosing ", "learning ", "running "]

    static func lead(_ paragraph: String) -> Lead {
        let text = paragraph.trimmed
        var sents = sentences(text)
        while let first = sents.first, isInterjection(first), sents.count > 1 { sents.removeFirst() }
        guard let first = sents.first?.trimmed, !first.isEmpty else { return Lead(topic: nil, verb: nil, opensDocument: false) }
        if isAnaphoric(first) { return Lead(topic: nil, verb: nil, opensDocument: false) }
        let lower = first.lowercased()
        let endsWithColon = text.hasSuffix(":")

        // "Here are some advanced topics in Python that …"
        for prefix in ["here are ", "here is ", "here's ", "here’s ", "below are ", "the following are "]
        where lower.hasPrefix(prefix) {
            var rest = Substring(first.dropFirst(prefix.count))
            for det in ["some ", "a few ", "several ", "the ", "a ", "an ", "a list of ", "a set of "]
            where rest.lowercased().hasPrefix(det) {
                rest = rest.dropFirst(det.count)
            }
            return Lead(topic: capitalized(cut(rest)), verb: nil, opensDocument: true)
        }
        // "When using multithreading in Python with a database connection, …"
        if lower.hasPrefix("when ") {
            var rest = Substring(first.dropFirst(5))
            for verb in whenVerbs where rest.lowercased().hasPrefix(verb) { rest = rest.dropFirst(verb.count) }
            if let comma = rest.firstIndex(of: ",") {
                return Lead(topic: capitalized(String(rest[..<comma]).trimmed), verb: nil, opensDocument: true)
            }
        }
        // "Deadlock is a situation …", "Packing and unpacking in Python refer to …"
        var best: (String.Index, String, Verb)?
        for (needle, verb) in definingVerbs {
            if let r = first.firstRange(of: needle), best.map({ r.lowerBound < $0.0 }) ?? true {
                best = (r.lowerBound, needle, verb)
            }
        }
        if let (at, _, verb) = best {
            let subject = String(first[..<at]).trimmed
            let words = tokens(subject)
            if let w = words.first, !w.isCode, !subjectBlockers.contains(w.text.lowercased()), words.count <= 8,
               !subject.containsBytes(":"), !words.contains(where: { !$0.isCode && clauseWords.contains($0.text.lowercased()) }) {
                return Lead(topic: subject, verb: verb, opensDocument: true)
            }
        }
        return Lead(topic: nil, verb: nil, opensDocument: endsWithColon)
    }

    /// A noun phrase up to where the sentence goes on about it.
    private static func cut(_ s: Substring) -> String {
        var end = s.endIndex
        for stop in [",", ":", ";", " that ", " which ", " along with ", " to help ", " you ", " for you", " to ",
                     " designed ", " providing ", " with brief "] {
            if let r = s.firstRange(of: stop), r.lowerBound < end { end = r.lowerBound }
        }
        return String(s[..<end]).trimmed
    }

    /// "A mutex" → "mutex"; "The GIL" → "GIL".
    static func withoutArticle(_ s: String) -> String {
        for article in ["a ", "an ", "the "] where s.lowercased().hasPrefix(article) {
            return String(s.dropFirst(article.count))
        }
        return s
    }

    static func capitalized(_ s: String) -> String {
        guard let first = s.first, first.isLowercase else { return s }
        return first.uppercased() + s.dropFirst()
    }

    /// The lead as an answer: without "Sure!" and without closing sentences that only
    /// announce what follows ("Here are some strategies …:").
    static func leadAnswer(_ markdown: String) -> String {
        var sents = sentences(markdown.trimmed)
        while let first = sents.first, isInterjection(first), sents.count > 1 { sents.removeFirst() }
        while sents.count > 1, let last = sents.last {
            let t = last.trimmed
            let lower = t.lowercased()
            if t.hasSuffix(":") || lower.hasPrefix("here") || lower.hasPrefix("below") || lower.hasPrefix("let's") {
                sents.removeLast()
            } else {
                break
            }
        }
        guard let first = sents.first, let last = sents.last else { return "" }
        return String(markdown[first.startIndex..<last.endIndex]).trimmed
    }
}

extension Substring {
    func trimmingBackticks() -> Substring {
        var s = self
        while s.first == "`" { s = s.dropFirst() }
        while s.last == "`" { s = s.dropLast() }
        return s.drop(while: { $0 == " " })
    }
}

/// Sentence case for fronts. A label in Title Case is lowered only when every capitalised
/// word in it is seen in lowercase somewhere in the file's prose, so "Resource Hierarchy
/// (Lock Ordering)" becomes "resource hierarchy (lock ordering)" while a label with a word
/// we know nothing about keeps its capitals rather than coming out half-lowered. Names are
/// kept: words seen capitalised mid-sentence and never in lowercase ("Python", "Pandas"),
/// CamelCase and ALLCAPS words, and words spelled out by an acronym
/// ("Global Interpreter Lock (GIL)").
struct SentenceCase {
    /// Words are kept as 64-bit FNV-1a hashes of their lowercase ASCII letters: building the
    /// sets allocates no strings.
    struct Evidence {
        /// Words seen in lowercase in prose.
        var lowercase = Set<UInt64>()
        /// Words seen capitalised in the middle of a sentence.
        var capitalizedMidSentence = Set<UInt64>()
        /// Words seen capitalised anywhere in prose, sentence starts included.
        var capitalizedInProse = Set<UInt64>()

        static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

        @inline(__always)
        static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
            (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }

        static func hash(_ word: Substring) -> UInt64 {
            var h = seed
            for c in word.utf8 { h = mix(h, c >= 65 && c <= 90 ? c + 32 : c) }
            return h
        }

        /// Seen in lowercase, as is or as a plural/singular of it.
        func seenLowercase(_ word: Substring) -> Bool {
            if lowercase.contains(Evidence.hash(word)) { return true }
            let stem = Phrases.stem(word)
            if lowercase.contains(Evidence.hash(stem[...])) { return true }
            return lowercase.contains(Evidence.hash((stem + "s")[...]))
        }

        func seenCapitalized(_ word: Substring) -> Bool {
            capitalizedMidSentence.contains(Evidence.hash(word))
        }

        func seenCapitalizedInProse(_ word: Substring) -> Bool {
            capitalizedInProse.contains(Evidence.hash(word))
        }
    }

    let evidence: Evidence

    func apply(_ s: String, capitalizeFirst: Bool) -> String {
        let toks = Phrases.tokens(s)
        let protected = acronymWords(toks)
        // A Title Case phrase ("Use Timeout for Lock Acquisition") is put in sentence case when
        // the document shows its words in lowercase elsewhere. Words it never shows in lowercase
        // ("Acquisition") follow the others when the phrase is plainly Title Case: at least half
        // of its capitalised words are known lowercase, or every longer word is capitalised.
        // A word the prose capitalises mid-sentence is a name and stays; so does one it
        // capitalises only at sentence starts ("Dask extends …"), unless it is the phrase's
        // first word (capitalised in either style) or an -ing form ("Creating").
        var lowerable = Set<Int>()
        var unknown = Set<Int>()
        var titlecaseParts = 0
        var knownParts = 0
        var longWordsCapitalized = true
        for (n, token) in toks.enumerated() where !token.isCode && !protected.contains(n) {
            for part in token.text.split(separator: "-") {
                guard isTitlecase(part) else {
                    if part.count >= 5, part.first?.isLowercase == true { longWordsCapitalized = false }
                    continue
                }
                titlecaseParts += 1
                if evidence.seenLowercase(part) {
                    knownParts += 1
                    lowerable.insert(n)
                } else if !evidence.seenCapitalized(part),
                          n == 0 || part.hasSuffix("ing") || !evidence.seenCapitalizedInProse(part) {
                    unknown.insert(n)
                }
            }
        }
        let allKnown = knownParts == titlecaseParts
        let titleCased = titlecaseParts >= 2 && (knownParts * 2 >= titlecaseParts || longWordsCapitalized)
        if titleCased { lowerable.formUnion(unknown) }
        var out = ""
        var cursor = s.startIndex
        var isFirst = true
        for (n, token) in toks.enumerated() {
            out += s[cursor..<token.text.startIndex]
            cursor = token.text.endIndex
            var word = String(token.text)
            if !token.isCode {
                if allKnown || titleCased, lowerable.contains(n) { word = lowered(word, evenUnknown: titleCased && unknown.contains(n)) }
                if isFirst, capitalizeFirst { word = Phrases.capitalized(word) }
            }
            out += word
            isFirst = false
        }
        out += s[cursor...]
        return out
    }

    private func isTitlecase(_ part: Substring) -> Bool {
        guard let first = part.first, first.isUppercase, part.count >= 2 else { return false }
        return part.dropFirst().allSatisfy { $0.isLowercase }
    }

    private func lowered(_ word: String, evenUnknown: Bool) -> String {
        word.split(separator: "-", omittingEmptySubsequences: false).map { part -> String in
            guard isTitlecase(part) else { return String(part) }
            guard evidence.seenLowercase(part) || (evenUnknown && !evidence.seenCapitalized(part)) else { return String(part) }
            return part.lowercased()
        }.joined(separator: "-")
    }

    /// Indices of words whose initials spell a following "(ACRONYM)".
    private func acronymWords(_ toks: [Phrases.Token]) -> Set<Int> {
        var result = Set<Int>()
        for (n, token) in toks.enumerated() where !token.isCode {
            var letters = String(token.text)
            if letters.hasSuffix("s") { letters.removeLast() }
            guard letters.count >= 2, letters.count <= 6, letters.allSatisfy({ $0.isUppercase }),
                  n >= letters.count else { continue }
            let before = toks[(n - letters.count)..<n]
            let initials = String(before.compactMap { $0.text.first }).uppercased()
            if initials == letters { for k in (n - letters.count)..<n { result.insert(k) } }
        }
        return result
    }
}
