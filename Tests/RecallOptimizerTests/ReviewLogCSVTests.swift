import Foundation
import RecallImport
import Testing

@testable import RecallScheduler

/// The review-log CSV of optimizer.md: what it reads, and the line it names when it cannot.
struct ReviewLogCSVTests {
    func parse(_ text: String) throws(ReviewLogError) -> ReviewHistories {
        try ReviewLogCSV.parse(Array(text.utf8))
    }

    @Test func readsCardsDaysAndSameDayReviews() throws {
        let h = try parse("card_id,review_day,rating\n0,0,1\n0,2,1\n0,3,3\n7,5,3\n7,5,2\n7,9,4\n")
        #expect(h.cardCount == 2 && h.reviewCount == 6)
        #expect(h.ratings == [1, 1, 3, 3, 2, 4])
        #expect(h.elapsedDays == [0, 2, 1, 0, 0, 4])
        #expect(h.scoredCount == 3, "the same-day review is not scored")
    }

    @Test func acceptsWindowsLineEndsAndNoFinalNewline() throws {
        let h = try parse("card_id,review_day,rating\r\n1,0,3\r\n1,4,3")
        #expect(h.reviewCount == 2 && h.elapsedDays == [0, 4])
    }

    @Test(arguments: [
        ("card_id,day,rating\n1,0,3\n", 1, "header"),
        ("card_id,review_day,rating\n1,0,3\n1,2\n", 3, "three integers"),
        ("card_id,review_day,rating\n1,0,5\n", 2, "rating 5"),
        ("card_id,review_day,rating\n1,4,3\n1,2,3\n", 3, "before the card's previous review"),
        ("card_id,review_day,rating\n1,0,3\n2,0,3\n1,5,3\n", 4, "appears again"),
        ("card_id,review_day,rating\n1,x,3\n", 2, "three integers"),
    ])
    func badLinesAreNamed(text: String, line: Int, words: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            guard let error = error as? ReviewLogError else { return false }
            return error.line == line && error.description.contains(words)
        }
    }
}
