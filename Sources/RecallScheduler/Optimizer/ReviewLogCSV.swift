/// What is wrong with a review-log CSV, and on which line (1-based, the header is line 1).
public struct ReviewLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// The review-log CSV of `optimizer.md`: a header `card_id,review_day,rating`, then one review a
/// line, sorted by card, then day. Several rows of a card on one day are same-day reviews.
/// Parsed from bytes (reading and decompressing the file is the caller's business).
public enum ReviewLogCSV {
    /// Parses `bytes` into histories. Rejects, with the line, anything that is not three
    /// integers, a rating outside 1…4, a day before the card's previous one, and a card that
    /// comes back after other cards (the file must be grouped by card).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ReviewLogError) -> ReviewHistories {
        var histories = ReviewHistories()
        var line = 1
        var i = 0
        let n = bytes.count
        // Header: the first line, checked by name.
        var headerEnd = 0
        while headerEnd < n && bytes[headerEnd] != 10 { headerEnd += 1 }
        var header = Array(bytes[0..<headerEnd])
        if header.first == 0xEF && header.count >= 3 { header.removeFirst(3) }  // UTF-8 BOM
        if header.last == 13 { header.removeLast() }
        guard String(decoding: header, as: UTF8.self).replacingSpaces() == "card_id,review_day,rating" else {
            throw ReviewLogError(line: 1, reason: "expected the header card_id,review_day,rating")
        }
        i = headerEnd + 1
        var seen = Set<Int64>()
        var currentCard: Int64?
        var previousDay: Int64 = 0
        while i < n {
            line += 1
            var fields: (Int64, Int64, Int64) = (0, 0, 0)
            var field = 0
            var value: Int64 = 0
            var digits = 0
            var negative = false
            var bad = false
            while i < n && bytes[i] != 10 {
                let b = bytes[i]
                switch b {
                case 48...57:
                    if digits > 17 { bad = true }
                    value = value &* 10 &+ Int64(b - 48)
                    digits += 1
                case 45 where digits == 0 && !negative: negative = true
                case 44:
                    if digits == 0 || field >= 2 { bad = true }
                    if field == 0 { fields.0 = negative ? -value : value } else { fields.1 = negative ? -value : value }
                    field += 1
                    value = 0
                    digits = 0
                    negative = false
                case 13, 32: break
                default: bad = true
                }
                i += 1
            }
            i += 1
            if field == 0 && digits == 0 && !bad { continue }  // an empty line
            guard !bad, field == 2, digits > 0 else {
                throw ReviewLogError(line: line, reason: "expected three integers: card_id,review_day,rating")
            }
            fields.2 = negative ? -value : value
            let (card, day, rating) = fields
            guard (1...4).contains(rating) else {
                throw ReviewLogError(line: line, reason: "rating \(rating) is not 1, 2, 3 or 4")
            }
            guard day >= 0, day <= Int64(Int32.max) else {
                throw ReviewLogError(line: line, reason: "review_day \(day) is out of range")
            }
            if card != currentCard {
                guard seen.insert(card).inserted else {
                    throw ReviewLogError(line: line, reason: "card \(card) appears again after other cards; sort the log by card, then day")
                }
                histories.appendReview(rating: UInt8(rating), elapsedDays: 0, newCard: true)
                currentCard = card
            } else {
                guard day >= previousDay else {
                    throw ReviewLogError(line: line, reason: "review_day \(day) is before the card's previous review (day \(previousDay))")
                }
                histories.appendReview(rating: UInt8(rating), elapsedDays: Int32(day - previousDay), newCard: false)
            }
            previousDay = day
        }
        histories.finish()
        return histories
    }

    public static func parse(_ bytes: [UInt8]) throws(ReviewLogError) -> ReviewHistories {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in try parse(buffer) }
        } catch let error as ReviewLogError {
            throw error
        } catch {
            throw ReviewLogError(line: 0, reason: "\(error)")
        }
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { String(filter { $0 != " " }) }
}
