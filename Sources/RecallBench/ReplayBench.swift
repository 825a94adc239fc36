import Foundation
import RecallModel
import RecallScheduler

/// How fast the FSRS-6 memory state of a whole collection is replayed from its review log
/// (DESIGN.md invariant 1: the stored state is a cache of this replay). A fixed seed generates
/// 1,000,000 reviews over 45,000 cards (ratings 1-4, whole-day gaps); the replay runs on one
/// core, best of several runs.
enum ReplayBench {
    static func run() -> Int32 {
        let reviewCount = 1_000_000
        let cardCount = 45_000
        let runs = 7
        var rng = SplitMix64(state: 20_240_601)

        // Every card has at least one review; the rest land on cards at random.
        var perCard = [Int](repeating: 1, count: cardCount)
        for _ in 0..<(reviewCount - cardCount) { perCard[rng.below(cardCount)] += 1 }

        var reviews: [FSRSReview] = []
        reviews.reserveCapacity(reviewCount)
        var starts: [Int] = [0]
        starts.reserveCapacity(cardCount + 1)
        for count in perCard {
            for i in 0..<count {
                let roll = rng.below(100)  // Again 12 %, Hard 13 %, Good 65 %, Easy 10 %
                let rating: Rating = roll < 12 ? .again : roll < 25 ? .hard : roll < 90 ? .good : .easy
                // First review: no gap; then 15 % same-day reviews, otherwise 1-90 days.
                let gap = i == 0 || rng.below(100) < 15 ? 0 : 1 + rng.below(90)
                reviews.append(FSRSReview(rating: rating, elapsedDays: Int32(gap)))
            }
            starts.append(reviews.count)
        }

        let model: FSRS
        do {
            model = try FSRS()
        } catch {
            print("error: \(error)")
            return 1
        }

        let clock = ContinuousClock()
        var best = Duration.seconds(1_000_000)
        var checksum = 0.0
        for _ in 0..<runs {
            let start = clock.now
            checksum = replayAll(model, reviews, starts)
            let elapsed = clock.now - start
            if elapsed < best { best = elapsed }
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
        let perSecond = Double(reviewCount) / seconds
        print("FSRS-6 replay: \(reviewCount) reviews over \(cardCount) cards, best of \(runs) runs")
        print(String(format: "  best %.1f ms = %.2f M reviews/s (%.1f ns/review)", seconds * 1e3, perSecond / 1e6,
            seconds / Double(reviewCount) * 1e9))
        print("  checksum \(checksum)")
        return 0
    }

    /// Replays every card once; the checksum keeps the optimiser from skipping the work.
    static func replayAll(_ model: FSRS, _ reviews: [FSRSReview], _ starts: [Int]) -> Double {
        reviews.withUnsafeBufferPointer { all in
            var checksum = 0.0
            for c in 0..<(starts.count - 1) {
                let card = UnsafeBufferPointer(rebasing: all[starts[c]..<starts[c + 1]])
                if let m = model.memoryState(replaying: card) { checksum += m.stability + m.difficulty }
            }
            return checksum
        }
    }
}
