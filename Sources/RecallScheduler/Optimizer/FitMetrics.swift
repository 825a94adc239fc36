import Foundation

/// How well a set of FSRS-6 parameters predicts a review log: the log loss and RMSE(bins) of
/// `optimizer.md` (as in open-spaced-repetition/srs-benchmark).
public struct FitMetrics: Sendable, Equatable {
    /// Mean binary cross-entropy of the predicted recall against pass/fail, unweighted.
    public var logLoss: Double
    /// Root mean square gap between mean outcome and mean prediction over the bins of
    /// (elapsed days, review number, lapses), weighted by bin size.
    public var rmseBins: Double
    /// Reviews scored: every review after a card's first that came a day or more after the
    /// previous one.
    public var scored: Int

    /// Replays every card in float64 with `model` and scores each review that came at least a
    /// day after the previous one with R(t, S) of the state before it. Same-day reviews update
    /// the state and are not scored. Independent of the optimiser's own loss code.
    public init(model: FSRS, histories h: ReviewHistories) {
        self.init(models: [model], modelOfCard: { _ in 0 }, histories: h)
    }

    /// The same with each card replayed by its own model: `modelOfCard(c)` indexes `models`
    /// (e.g. each card with its deck's parameters in force).
    public init(models: [FSRS], modelOfCard: (Int) -> Int, histories h: ReviewHistories) {
        var loss = 0.0
        var n = 0
        // Bins keyed by (interval bin, review-number bin, lapse bin).
        struct Bin { var n = 0.0, y = 0.0, p = 0.0 }
        var bins: [Int: Bin] = [:]
        let lnT = log(3.62), lnI = log(1.89), lnL = log(1.73)
        for c in 0..<h.cardCount {
            let start = h.cardStarts[c], end = h.cardStarts[c + 1]
            guard let first = Rating(rawValue: Int(h.ratings[start])) else { continue }
            let model = models[min(max(modelOfCard(c), 0), models.count - 1)]
            var state = model.initialState(first)
            var lapses = 0  // Again with t ≠ 0 before this review; the first review has no t
            for i in (start + 1)..<max(end, start + 1) {
                let t = Int(h.elapsedDays[i])
                guard let rating = Rating(rawValue: Int(h.ratings[i])) else { continue }
                if t > 0 {
                    let p = min(max(model.retrievability(elapsedDays: Double(t), stability: state.stability), 1e-15), 1 - 1e-15)
                    let y = rating == .again ? 0.0 : 1.0
                    loss -= y * log(p) + (1 - y) * log(1 - p)
                    n += 1
                    let position = i - start + 1
                    let tBin = Int((log(Double(t)) / lnT).rounded(.down))
                    let iBin = Int((log(Double(position)) / lnI).rounded(.down))
                    let lBin = lapses == 0 ? 0 : Int((log(Double(lapses)) / lnL).rounded(.down)) + 1
                    let key = (tBin & 0xFFFF) << 32 | (iBin & 0xFFFF) << 16 | (lBin & 0xFFFF)
                    bins[key, default: Bin()].n += 1
                    bins[key, default: Bin()].y += y
                    bins[key, default: Bin()].p += p
                    if rating == .again { lapses += 1 }
                }
                state = model.nextState(state, elapsedDays: t, rating: rating)
            }
        }
        var sq = 0.0, total = 0.0
        for key in bins.keys.sorted() {  // a fixed order: the same sum in every process
            guard let bin = bins[key] else { continue }
            let gap = bin.y / bin.n - bin.p / bin.n
            sq += bin.n * gap * gap
            total += bin.n
        }
        logLoss = n > 0 ? loss / Double(n) : 0
        rmseBins = total > 0 ? (sq / total).squareRoot() : 0
        scored = n
    }
}
