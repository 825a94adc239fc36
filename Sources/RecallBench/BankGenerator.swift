import Foundation
import RecallScheduler

/// Generates a question bank for the import benchmark (issue 4), from a fixed seed:
/// questions of 50-135 characters, answers of 50-400, about 12 % with inline code and 5 %
/// with a fenced code block. `tsv` writes Anki-style `front<TAB>back` rows (newlines in
/// answers as `<br>` with `#html:true`); `md` writes `Q:` / `A:` blocks.
///
/// `headings` is the shape of the big public banks (issue 11): a `#` title, then one `##`
/// heading a question, phrased as a question, an instruction, or a statement ending in `.` or
/// `)`, with one to three answer paragraphs; `headings-tsv` is the same bank as TSV rows, for
/// comparing the document reader with the delimited one in the same run.
enum BankGenerator {
    static let words = """
        python list tuple dict set generator iterator decorator closure scope thread process lock
        queue memory garbage reference count object class method function module package import
        exception context manager async await coroutine event loop socket file buffer stream cache
        index query table schema transaction commit rollback cursor connection pool worker task
        value type string integer float boolean pointer array slice map filter reduce lambda yield
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init)

    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.count == 4, ["tsv", "md", "headings", "headings-tsv"].contains(arguments[0]),
              let count = Int(arguments[1]),
              let seed = UInt64(arguments[2])
        else {
            FileHandle.standardError.write(Data("usage: recall-bench bank tsv|md|headings|headings-tsv COUNT SEED FILE\n".utf8))
            return 64
        }
        var rng = SplitMix64(state: seed)
        let format = arguments[0]
        let phrased = format.hasPrefix("headings")
        let tsv = format.hasSuffix("tsv")
        var out = tsv ? "#separator:tab\n#html:true\n#columns:front\tback\n" : ""
        if format == "headings" { out += "# Question bank\n\n" }
        out.reserveCapacity(count * 300)
        for index in 0..<count {
            let question = phrased
                ? phrasedQuestion(&rng, index: index)
                : sentence(&rng, length: 50 + rng.below(86), prefix: "", suffix: " (#\(index))?")
            var answer = sentence(&rng, length: 50 + rng.below(351), prefix: "", suffix: ".")
            if phrased {
                for _ in 0..<rng.below(3) { answer += "\n\n" + sentence(&rng, length: 50 + rng.below(200), prefix: "", suffix: ".") }
            }
            let roll = rng.below(100)
            if roll < 12 {
                answer += " Use `\(words[rng.below(words.count)])()` here."
            }
            var code: String?
            if roll >= 95 {
                code = "```python\ndef \(words[rng.below(words.count)])_\(index)(x):\n    return x * \(rng.below(100))\n```"
            }
            if tsv {
                out += question + "\t" + answer.replacingOccurrences(of: "\n", with: "<br>")
                    + (code.map { "<br><br>" + $0.replacingOccurrences(of: "\n", with: "<br>") } ?? "") + "\n"
            } else if phrased {
                out += "## " + question + "\n\n" + answer + (code.map { "\n\n" + $0 } ?? "") + "\n\n"
            } else {
                out += "Q: " + question + "\nA: " + answer + (code.map { "\n\n" + $0 } ?? "") + "\n\n"
            }
        }
        do {
            try out.write(toFile: arguments[3], atomically: true, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("cannot write \(arguments[3]): \(error)\n".utf8))
            return 1
        }
        return 0
    }

    /// One question in one of the ways real banks phrase them; the index keeps each unique.
    static func phrasedQuestion(_ rng: inout SplitMix64, index: Int) -> String {
        let topic = sentence(&rng, length: 20 + rng.below(40), prefix: "", suffix: "").lowercased()
        switch rng.below(6) {
        case 0: return "What is the role of \(topic) (#\(index))?"
        case 1: return "Explain how \(topic) works (#\(index))."
        case 2: return "Give one real-world example of \(topic) (#\(index))."
        case 3: return "Which factors influence \(topic), and how? (set \(index / 10), item \(index % 10))"
        case 4: return "Name the parts of \(topic) (#\(index))"
        default: return "The difference between \(topic) and a \(words[rng.below(words.count)]) (#\(index))."
        }
    }

    /// Words until `length` characters, capitalised, ending with `suffix`.
    static func sentence(_ rng: inout SplitMix64, length: Int, prefix: String, suffix: String) -> String {
        var text = prefix
        while text.count < length - suffix.count {
            text += (text.count == prefix.count ? "" : " ") + words[rng.below(words.count)]
        }
        return String(text.prefix(length - suffix.count)).trimmingCharacters(in: .whitespaces) + suffix
    }
}
