import Foundation
import RecallScheduler

/// Generates a question bank for the import benchmark (issue 4), from a fixed seed:
/// questions of 50-135 characters, answers of 50-400, about 12 % with inline code and 5 %
/// with a fenced code block. `tsv` writes Anki-style `front<TAB>back` rows (newlines in
/// answers as `<br>` with `#html:true`); `md` writes `Q:` / `A:` blocks.
enum BankGenerator {
    static let words = """
        python list tuple dict set generator iterator decorator closure scope thread process lock
        queue memory garbage reference count object class method function module package import
        exception context manager async await coroutine event loop socket file buffer stream cache
        index query table schema transaction commit rollback cursor connection pool worker task
        value type string integer float boolean pointer array slice map filter reduce lambda yield
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init)

    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.count == 4, ["tsv", "md"].contains(arguments[0]), let count = Int(arguments[1]),
              let seed = UInt64(arguments[2])
        else {
            FileHandle.standardError.write(Data("usage: recall-bench bank tsv|md COUNT SEED FILE\n".utf8))
            return 64
        }
        var rng = SplitMix64(state: seed)
        var out = arguments[0] == "tsv" ? "#separator:tab\n#html:true\n#columns:front\tback\n" : ""
        out.reserveCapacity(count * 300)
        for index in 0..<count {
            let question = sentence(&rng, length: 50 + rng.below(86), prefix: "", suffix: " (#\(index))?")
            var answer = sentence(&rng, length: 50 + rng.below(351), prefix: "", suffix: ".")
            let roll = rng.below(100)
            if roll < 12 {
                answer += " Use `\(words[rng.below(words.count)])()` here."
            }
            var code: String?
            if roll >= 95 {
                code = "```python\ndef \(words[rng.below(words.count)])_\(index)(x):\n    return x * \(rng.below(100))\n```"
            }
            if arguments[0] == "tsv" {
                out += question + "\t" + answer + (code.map { "<br><br>" + $0.replacingOccurrences(of: "\n", with: "<br>") } ?? "") + "\n"
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

    /// Words until `length` characters, capitalised, ending with `suffix`.
    static func sentence(_ rng: inout SplitMix64, length: Int, prefix: String, suffix: String) -> String {
        var text = prefix
        while text.count < length - suffix.count {
            text += (text.count == prefix.count ? "" : " ") + words[rng.below(words.count)]
        }
        return String(text.prefix(length - suffix.count)).trimmingCharacters(in: .whitespaces) + suffix
    }
}
