/// What a piece of code is, as far as colouring goes.
public enum TokenKind: Sendable, Hashable {
    case plain, keyword, string, comment, number
    /// `true`, `None`, `nil`, `NULL`: values spelled as words.
    case literal
    /// Built-in or capitalised type names, shell built-in commands.
    case type
    /// Swift attributes and Python decorators.
    case attribute
    /// Shell variables (`$HOME`, `${x}`, `$1`).
    case variable
    /// JSON object keys.
    case key
    /// The `$ ` prompt of a console session.
    case prompt
}

/// A run of code of one kind. Never contains a newline.
public struct Token: Sendable, Equatable {
    public var text: String
    public var kind: TokenKind

    public init(_ text: String, _ kind: TokenKind) {
        self.text = text
        self.kind = kind
    }
}

/// The languages recall colours. Cards are mostly about programming, and these are the
/// ones its question banks use; anything else is shown plain.
public enum CodeLanguage: String, Sendable, CaseIterable {
    case python, swift, shell, console, json, sql

    /// Reads a fenced block's info string (`python`, `bash title="x"`, `{.json}`) by its
    /// first word. Nil for unknown or missing languages.
    public init?(infoString: String) {
        let word = infoString.split(whereSeparator: { $0 == " " || $0 == "," }).first ?? ""
        let name = word.trimmingBraces().lowercased()
        switch name {
        case "python", "py", "python3", "py3", "ipython": self = .python
        case "swift": self = .swift
        case "sh", "bash", "zsh", "shell", "ksh", "dash", "fish": self = .shell
        case "console", "shell-session", "terminal", "sh-session", "bash-session": self = .console
        case "json", "jsonc", "json5", "geojson": self = .json
        case "sql", "sqlite", "postgres", "postgresql", "psql", "mysql", "plsql", "tsql": self = .sql
        default: return nil
        }
    }
}

extension Substring {
    fileprivate func trimmingBraces() -> Substring {
        var result = self
        while let first = result.first, first == "{" || first == "." { result = result.dropFirst() }
        while let last = result.last, last == "}" { result = result.dropLast() }
        return result
    }
}

/// Splits code into coloured tokens with one small hand-written lexer per language:
/// keywords, strings, comments, numbers and a few language-specific kinds. It is not a
/// parser and need not be: it has to be right for the code on flashcards and fast enough
/// that a card with a code block still renders in well under a millisecond.
public enum SyntaxHighlighter {
    /// Tokens for each line of `code`; one inner array per line, so multi-line strings and
    /// block comments keep their colour across lines. A nil `language` gives plain lines.
    public static func highlight(_ code: String, language: CodeLanguage?) -> [[Token]] {
        guard let language else {
            return code.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.isEmpty ? [] : [Token(String(line), .plain)]
            }
        }
        let scalars = Array(code.unicodeScalars)
        var runs: [Run]
        switch language {
        case .console:
            runs = consoleRuns(scalars)
        default:
            var lexer = Lexer(scalars: scalars, rules: Rules.for(language))
            runs = lexer.run()
        }
        return splitLines(scalars, runs: runs)
    }

    /// A console session: lines starting with a `$ ` or `# ` prompt are shell commands,
    /// the rest is program output and stays plain.
    private static func consoleRuns(_ scalars: [Unicode.Scalar]) -> [Run] {
        var runs: [Run] = []
        var lineStart = 0
        while lineStart <= scalars.count {
            var lineEnd = lineStart
            while lineEnd < scalars.count && scalars[lineEnd] != "\n" { lineEnd += 1 }
            let isCommand =
                lineEnd - lineStart >= 2 && (scalars[lineStart] == "$" || scalars[lineStart] == "#")
                && scalars[lineStart + 1] == " "
            if isCommand {
                runs.append(Run(kind: .prompt, start: lineStart, end: lineStart + 1))
                var lexer = Lexer(
                    scalars: scalars, rules: Rules.for(.shell), start: lineStart + 1, end: lineEnd)
                runs.append(contentsOf: lexer.run())
            } else if lineEnd > lineStart {
                runs.append(Run(kind: .plain, start: lineStart, end: lineEnd))
            }
            if lineEnd < scalars.count {
                runs.append(Run(kind: .plain, start: lineEnd, end: lineEnd + 1))
            }
            lineStart = lineEnd + 1
        }
        return runs
    }

    /// Cuts runs at newlines and merges neighbours of the same kind.
    private static func splitLines(_ scalars: [Unicode.Scalar], runs: [Run]) -> [[Token]] {
        var lines: [[Token]] = []
        var line: [Token] = []
        func add(_ kind: TokenKind, _ start: Int, _ end: Int) {
            guard start < end else { return }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[start..<end])
            if let last = line.last, last.kind == kind {
                line[line.count - 1].text.unicodeScalars.append(contentsOf: text)
            } else {
                line.append(Token(String(text), kind))
            }
        }
        for run in runs {
            var start = run.start
            var index = run.start
            while index < run.end {
                if scalars[index] == "\n" {
                    add(run.kind, start, index)
                    lines.append(line)
                    line = []
                    start = index + 1
                }
                index += 1
            }
            add(run.kind, start, run.end)
        }
        lines.append(line)
        return lines
    }
}

/// A half-open range of scalars of one kind.
struct Run: Equatable {
    var kind: TokenKind
    var start: Int
    var end: Int
}

/// What distinguishes one language's lexical structure from another's.
struct Rules: Sendable {
    var keywords: Set<String> = []
    var literals: Set<String> = []
    var types: Set<String> = []
    /// SQL keywords match in any case.
    var caseInsensitive = false
    var lineComments: [[Unicode.Scalar]] = []
    var blockComment: (open: [Unicode.Scalar], close: [Unicode.Scalar])?
    /// Swift's block comments nest.
    var nestedComments = false
    /// A shell `#` starts a comment only at the start of a word (`a#b`, `$#` are not).
    var commentsAtWordStart = false
    var quotes: Set<Unicode.Scalar> = ["\"", "'"]
    /// Python `"""` / `'''` and Swift `"""` strings span lines.
    var tripleQuotes = false
    /// Python's `r"…"`, `f'…'`, `rb"…"`.
    var stringPrefixes: Set<String> = []
    var backslashEscapes = true
    /// SQL escapes a quote by doubling it.
    var doubledQuoteEscapes = false
    /// Shell strings may span lines; elsewhere an unclosed quote ends at the line end.
    var multilineStrings = false
    var shellVariables = false
    var attributes = false
    /// Swift's convention: capitalised identifiers are types.
    var capitalizedTypes = false
    /// Characters allowed inside identifiers besides letters, digits and `_`
    /// (`-` for shell command names such as `apt-get`).
    var identifierExtras: Set<Unicode.Scalar> = []
    /// JSON: a string followed by `:` is a key.
    var jsonKeys = false

    static func `for`(_ language: CodeLanguage) -> Rules {
        switch language {
        case .python: python
        case .swift: swift
        case .shell, .console: shell
        case .json: json
        case .sql: sql
        }
    }

    static let python = Rules(
        keywords: [
            "and", "as", "assert", "async", "await", "break", "case", "class", "continue", "def",
            "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
            "in", "is", "lambda", "match", "nonlocal", "not", "or", "pass", "raise", "return",
            "try", "while", "with", "yield",
        ],
        literals: ["True", "False", "None", "self", "cls"],
        types: [
            "int", "str", "float", "bool", "list", "dict", "set", "tuple", "bytes", "object",
            "type", "complex", "frozenset", "bytearray", "Exception",
        ],
        lineComments: [["#"]],
        tripleQuotes: true,
        stringPrefixes: [
            "r", "u", "b", "f", "br", "rb", "fr", "rf", "R", "U", "B", "F", "Br", "bR", "BR",
            "Rb", "rB", "RB", "Fr", "fR", "FR", "Rf", "rF", "RF",
        ],
        attributes: true)

    static let swift = Rules(
        keywords: [
            "actor", "any", "as", "associatedtype", "async", "await", "borrowing", "break", "case",
            "catch", "class", "consuming", "continue", "convenience", "default", "defer", "deinit",
            "didSet", "do", "dynamic", "else", "enum", "extension", "fallthrough", "fileprivate",
            "final", "for", "func", "get", "guard", "if", "import", "in", "indirect", "init",
            "inout", "internal", "is", "isolated", "lazy", "let", "mutating", "nonisolated",
            "nonmutating", "open", "operator", "override", "package", "precedencegroup",
            "private", "protocol", "public", "repeat", "required", "rethrows", "return",
            "sending", "set", "some", "static", "struct", "subscript", "super", "switch", "throw",
            "throws", "try", "typealias", "unowned", "var", "weak", "where", "while", "willSet",
        ],
        literals: ["true", "false", "nil", "self", "Self"],
        lineComments: [["/", "/"]],
        blockComment: (["/", "*"], ["*", "/"]),
        nestedComments: true,
        quotes: ["\""],
        tripleQuotes: true,
        attributes: true,
        capitalizedTypes: true)

    static let shell = Rules(
        keywords: [
            "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until",
            "do", "done", "in", "function", "time", "return", "local", "export", "readonly",
            "declare", "unset", "shift", "exit", "break", "continue", "source",
        ],
        literals: ["true", "false"],
        types: [
            "echo", "printf", "cd", "pwd", "read", "test", "eval", "exec", "set", "trap", "wait",
            "kill", "alias", "sudo", "cat", "ls", "grep", "sed", "awk", "git", "swift", "mkdir",
            "rm", "cp", "mv", "chmod", "find", "xargs",
        ],
        lineComments: [["#"]],
        commentsAtWordStart: true,
        quotes: ["\"", "'", "`"],
        multilineStrings: true,
        shellVariables: true,
        identifierExtras: ["-"])

    static let json = Rules(
        literals: ["true", "false", "null"],
        quotes: ["\""],
        jsonKeys: true)

    static let sql = Rules(
        keywords: [
            "add", "all", "alter", "analyze", "and", "as", "asc", "autoincrement", "begin",
            "between", "by", "cascade", "case", "cast", "check", "collate", "column", "commit",
            "conflict", "constraint", "create", "cross", "default", "delete", "desc", "distinct",
            "do", "drop", "else", "end", "escape", "except", "exists", "explain", "foreign",
            "from", "full", "glob", "group", "having", "if", "ignore", "in", "index", "inner",
            "insert", "intersect", "into", "is", "join", "key", "left", "like", "limit",
            "natural", "not", "nothing", "offset", "on", "or", "order", "outer", "over",
            "partition", "pragma", "primary", "recursive", "references", "replace", "returning",
            "right", "rollback", "rowid", "savepoint", "select", "set", "table", "temp",
            "temporary", "then", "transaction", "trigger", "union", "unique", "update", "using",
            "vacuum", "values", "view", "when", "where", "window", "with", "without",
        ],
        literals: ["null", "true", "false", "current_timestamp", "current_date", "current_time"],
        types: [
            "integer", "int", "bigint", "smallint", "text", "real", "blob", "numeric", "varchar",
            "char", "boolean", "date", "datetime", "timestamp", "float", "double", "decimal",
            "serial", "uuid", "json", "jsonb",
        ],
        caseInsensitive: true,
        lineComments: [["-", "-"]],
        blockComment: (["/", "*"], ["*", "/"]),
        quotes: ["'"],
        backslashEscapes: false,
        doubledQuoteEscapes: true)
}

/// One pass over the scalars; each step consumes one token.
struct Lexer {
    let scalars: [Unicode.Scalar]
    let rules: Rules
    let end: Int
    var index: Int
    var runs: [Run] = []

    init(scalars: [Unicode.Scalar], rules: Rules, start: Int = 0, end: Int? = nil) {
        self.scalars = scalars
        self.rules = rules
        self.index = start
        self.end = end ?? scalars.count
    }

    mutating func run() -> [Run] {
        while index < end {
            let start = index
            let kind = next()
            // Every step consumes at least one scalar, so the loop ends.
            if index == start { index += 1 }
            if let last = runs.last, last.kind == kind, last.end == start {
                runs[runs.count - 1].end = index
            } else {
                runs.append(Run(kind: kind, start: start, end: index))
            }
        }
        return runs
    }

    private func at(_ offset: Int) -> Unicode.Scalar? {
        let position = index + offset
        return position < end ? scalars[position] : nil
    }

    private func matches(_ sequence: [Unicode.Scalar], at position: Int) -> Bool {
        guard position + sequence.count <= end else { return false }
        for (offset, scalar) in sequence.enumerated() where scalars[position + offset] != scalar {
            return false
        }
        return true
    }

    private mutating func next() -> TokenKind {
        let scalar = scalars[index]
        if let block = rules.blockComment, matches(block.open, at: index) {
            blockComment(block.open, block.close)
            return .comment
        }
        for marker in rules.lineComments where matches(marker, at: index) {
            if rules.commentsAtWordStart && index > 0 && !isWordBoundary(scalars[index - 1]) { break }
            while index < end && scalars[index] != "\n" { index += 1 }
            return .comment
        }
        if rules.quotes.contains(scalar) {
            return string()
        }
        if isDigit(scalar) || (scalar == "." && at(1).map(isDigit) == true && !previousIsWord()) {
            number()
            return .number
        }
        if rules.shellVariables && scalar == "$" {
            return variable()
        }
        if rules.attributes && scalar == "@", let following = at(1), isIdentifierStart(following) {
            index += 1
            identifier()
            return .attribute
        }
        if scalar == "#" && rules.capitalizedTypes, let following = at(1), isIdentifierStart(following) {
            // Swift's `#if`, `#available`, `#selector`.
            index += 1
            identifier()
            return .keyword
        }
        if isIdentifierStart(scalar) {
            let start = index
            identifier()
            let word = String(String.UnicodeScalarView(scalars[start..<index]))
            if let quote = at(0), rules.quotes.contains(quote), rules.stringPrefixes.contains(word) {
                return string()
            }
            return classify(word)
        }
        index += 1
        return .plain
    }

    private func classify(_ word: String) -> TokenKind {
        let key = rules.caseInsensitive ? word.lowercased() : word
        if rules.keywords.contains(key) { return .keyword }
        if rules.literals.contains(key) { return .literal }
        if rules.types.contains(key) { return .type }
        if rules.capitalizedTypes, let first = word.unicodeScalars.first,
            first.properties.isUppercase
        {
            return .type
        }
        return .plain
    }

    private mutating func blockComment(_ open: [Unicode.Scalar], _ close: [Unicode.Scalar]) {
        var depth = 0
        while index < end {
            if matches(open, at: index) && (depth == 0 || rules.nestedComments) {
                depth += 1
                index += open.count
            } else if matches(close, at: index) {
                depth -= 1
                index += close.count
                if depth == 0 { return }
            } else {
                index += 1
            }
        }
    }

    /// A quoted string from the opening quote at `index`, escapes and doubled quotes
    /// included; stops at the line end when unclosed, unless strings may span lines.
    private mutating func string() -> TokenKind {
        let quote = scalars[index]
        let triple = rules.tripleQuotes && at(1) == quote && at(2) == quote
        index += triple ? 3 : 1
        while index < end {
            let scalar = scalars[index]
            // In shell, a backslash inside single quotes is an ordinary character.
            if scalar == "\\" && rules.backslashEscapes && !(rules.shellVariables && quote == "'") {
                index += 2
                continue
            }
            if scalar == "\n" && !triple && !rules.multilineStrings { break }
            if scalar == quote {
                if triple {
                    if at(1) == quote && at(2) == quote {
                        index += 3
                        break
                    }
                    index += 1
                    continue
                }
                if rules.doubledQuoteEscapes && at(1) == quote {
                    index += 2
                    continue
                }
                index += 1
                break
            }
            index += 1
        }
        index = min(index, end)
        if rules.jsonKeys {
            var look = index
            while look < end && (scalars[look] == " " || scalars[look] == "\n") { look += 1 }
            if look < end && scalars[look] == ":" { return .key }
        }
        return .string
    }

    private mutating func number() {
        index += 1
        while index < end {
            let scalar = scalars[index]
            if isDigit(scalar) || isLetter(scalar) || scalar == "_" {
                index += 1
            } else if scalar == ".", let following = at(1), isDigit(following) {
                index += 1
            } else if scalar == "+" || scalar == "-",
                scalars[index - 1] == "e" || scalars[index - 1] == "E",
                let following = at(1), isDigit(following)
            {
                index += 1
            } else {
                break
            }
        }
    }

    /// `$name`, `${…}`, `$1`, `$?` and the other special parameters.
    private mutating func variable() -> TokenKind {
        guard let following = at(1) else {
            index += 1
            return .plain
        }
        if following == "{" {
            index += 2
            while index < end && scalars[index] != "}" && scalars[index] != "\n" { index += 1 }
            if index < end && scalars[index] == "}" { index += 1 }
            return .variable
        }
        if isIdentifierStart(following) {
            index += 1
            while index < end && (isIdentifierPart(scalars[index]) && scalars[index] != "-") {
                index += 1
            }
            return .variable
        }
        if isDigit(following) || "?#@*$!-".unicodeScalars.contains(following) {
            index += 2
            return .variable
        }
        index += 1
        return .plain
    }

    private mutating func identifier() {
        index += 1
        while index < end && isIdentifierPart(scalars[index]) { index += 1 }
    }

    private func previousIsWord() -> Bool {
        index > 0 && isIdentifierPart(scalars[index - 1])
    }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || scalar == "_" || (scalar.value >= 0x80 && scalar.properties.isAlphabetic)
    }

    private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || rules.identifierExtras.contains(scalar)
    }
}

private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value >= 0x30 && scalar.value <= 0x39
}

private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
}

/// Where a shell word can start: after blanks and the operators that end a command.
private func isWordBoundary(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case " ", "\n", ";", "(", ")", "|", "&": true
    default: false
    }
}
