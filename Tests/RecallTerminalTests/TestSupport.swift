import RecallTerminal

/// Removes SGR sequences (`ESC [ params m`), leaving any other escape in place so that a
/// test can check that none is left.
func strippingSGR(_ text: String) -> String {
    var output = String.UnicodeScalarView()
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
        if scalars[index] == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "[" {
            var end = index + 2
            while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == ";" { end += 1 }
            if end < scalars.count, scalars[end] == "m" {
                index = end + 1
                continue
            }
        }
        output.append(scalars[index])
        index += 1
    }
    return String(output)
}

/// True when `text` has a scalar below U+0020 (newline excepted), DEL or a C1 control:
/// anything a terminal might act on.
func containsControlCharacters(_ text: String) -> Bool {
    text.unicodeScalars.contains { scalar in
        (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
    }
}

func render(_ markdown: String, width: Int = 40, colors: Bool = false) -> [String] {
    CardRenderer().render(markdown: markdown, width: width, colors: colors)
}

let esc = "\u{1B}"
