/// The normalised form of card text used to recognise a note across re-imports.
///
/// Only letters and digits count, lowercased: case, whitespace, punctuation and Markdown
/// markers (`**`, `*`, `_`, backticks, `#`) are ignored, so a formatting-only edit never
/// makes a new card. The store keeps this key in a column for matching.
public enum IdentityKey {
    public static func normalize(_ text: String) -> String {
        let ascii = text.utf8.withContiguousStorageIfAvailable { buf -> String? in
            var isASCII = true
            let result = String(unsafeUninitializedCapacity: buf.count) { out in
                var n = 0
                for b in buf {
                    if b >= 0x80 {
                        isASCII = false
                        return 0
                    }
                    if (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) {
                        out[n] = b
                        n += 1
                    } else if b >= 0x41 && b <= 0x5A {
                        out[n] = b + 32
                        n += 1
                    }
                }
                return n
            }
            return isASCII ? result : nil
        }
        if let ascii, let result = ascii { return result }
        return normalizeUnicode(text)
    }

    /// True when `text` has at least `count` letters or digits (an answer worth a card).
    public static func hasContent(_ text: String, atLeast count: Int) -> Bool {
        var ascii = 0
        for b in text.utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) {
                ascii += 1
                if ascii >= count { return true }
            }
        }
        var n = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let counts = v < 0x80
                ? (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if counts {
                n += 1
                if n >= count { return true }
            }
        }
        return false
    }

    private static func normalizeUnicode(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let p = scalar.properties
            guard p.isAlphabetic || p.numericType != nil else { continue }
            if p.changesWhenLowercased {
                out.append(contentsOf: p.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
