import Foundation

/// Fits the 21 FSRS-6 parameters to a review log, in pure Swift.
///
/// The path fsrs-rs (Anki's optimiser) takes: the initial stabilities w0…w3 are pre-fitted from
/// each card's first scored review, then Adam with a cosine-annealed learning rate trains all
/// 21 parameters on mini-batches of cards, clipping them into `FSRS.parameterBounds` after every
/// step. The gradient of the log loss is exact, by forward-mode differentiation (`Dual`) of one
/// replay of each card, so a card's whole history costs one pass rather than one pass per
/// review. Same-day reviews update the state through w17…w19 and so train them. Deterministic:
/// the card order comes from a fixed seed, so the same log gives the same parameters.
public struct FSRSOptimizer: Sendable {
    /// Training settings; the defaults are fsrs-rs's where it has one.
    public struct Configuration: Sendable, Equatable {
        public var epochs = 5
        /// Scored reviews per mini-batch (fsrs-rs: 512 items).
        public var batchSize = 512
        public var learningRate = 0.04
        public var seed: UInt64 = 2023

        public init() {}
    }

    /// Fewer scored reviews than this and `fit` refuses: the fit would follow noise.
    public static let minimumScoredReviews = 400

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The fitted parameters, starting from `initial` (clipped into bounds first).
    public func fit(_ histories: ReviewHistories, initial: [Double] = FSRS.defaultParameters) -> [Double] {
        var w = Self.clipped(initial.count == FSRS.parameterCount ? initial : FSRS.defaultParameters)
        w = Self.prefitInitialStability(histories, parameters: w)
        let cards = (0..<histories.cardCount).filter { c in
            let s = histories.cardStarts[c], e = histories.cardStarts[c + 1]
            return e - s > 1 && histories.elapsedDays[(s + 1)..<e].contains { $0 > 0 }
        }
        guard !cards.isEmpty else { return w }
        let scoredPerCard = cards.map { c -> Int in
            let s = histories.cardStarts[c], e = histories.cardStarts[c + 1]
            return histories.elapsedDays[(s + 1)..<e].reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        }
        let totalScored = scoredPerCard.reduce(0, +)
        let batches = max(1, (totalScored + configuration.batchSize - 1) / configuration.batchSize)
        let totalSteps = batches * configuration.epochs
        var adam = Adam()
        var rng = SplitMix64(seed: configuration.seed)
        var order = Array(cards.indices)
        var step = 0
        for _ in 0..<configuration.epochs {
            order.shuffle(using: &rng)
            var batch: [Int] = []
            var batchScored = 0
            var position = 0
            while position < order.count {
                let k = order[position]
                batch.append(cards[k])
                batchScored += scoredPerCard[k]
                position += 1
                if batchScored >= configuration.batchSize || position == order.count {
                    let lr = configuration.learningRate * 0.5 * (1 + cos(Double.pi * Double(step) / Double(max(totalSteps, 1))))
                    let (_, gradient, count) = LossModel(w).lossAndGradient(histories, cards: batch)
                    if count > 0 { w = adam.step(w, gradient: gradient * (1 / Double(count)), learningRate: lr) }
                    step += 1
                    batch.removeAll(keepingCapacity: true)
                    batchScored = 0
                }
            }
        }
        return w
    }

    /// The mean log loss of `parameters` on `histories` and its gradient (lanes 0…20), as the
    /// optimiser computes them; exposed for tests of the derivatives.
    public static func lossAndGradient(_ histories: ReviewHistories, parameters: [Double]) -> (loss: Double, gradient: [Double]) {
        let (loss, g, n) = LossModel(parameters).lossAndGradient(histories, cards: Array(0..<histories.cardCount))
        let scale = 1 / Double(max(n, 1))
        return (loss * scale, (0..<FSRS.parameterCount).map { g[$0] * scale })
    }

    /// Every parameter clipped into `FSRS.parameterBounds`.
    static func clipped(_ w: [Double]) -> [Double] {
        zip(w, FSRS.parameterBounds).map { x, b in
            x.isFinite ? min(max(x, b.range.lowerBound), b.range.upperBound) : b.range.lowerBound
        }
    }

    // MARK: - Initial stability

    /// w0…w3 from the first scored review of each card (the second review, at least a day after
    /// the first and with no same-day review between): for each first rating, the stability
    /// whose forgetting curve best fits the pass rate by elapsed days. A rating with little data
    /// borrows from the others (as fsrs-rs fills them) and the four are kept in order.
    static func prefitInitialStability(_ h: ReviewHistories, parameters: [Double]) -> [Double] {
        var w = parameters
        // Passes and fails by first rating and elapsed days.
        var groups = [[Int32: (pass: Double, fail: Double)]](repeating: [:], count: 4)
        var counts = [Double](repeating: 0, count: 4)
        for c in 0..<h.cardCount {
            let s = h.cardStarts[c]
            guard h.cardStarts[c + 1] - s > 1, h.elapsedDays[s + 1] > 0 else { continue }
            let first = Int(h.ratings[s]) - 1
            let t = h.elapsedDays[s + 1]
            let pass = h.ratings[s + 1] > 1
            var entry = groups[first][t] ?? (0, 0)
            if pass { entry.pass += 1 } else { entry.fail += 1 }
            groups[first][t] = entry
            counts[first] += 1
        }
        let decay = w[20]
        let factor = pow(0.9, -1 / decay) - 1
        // Sorted by days, so that the sums, and so the fit, never depend on hashing order.
        let sortedGroups = groups.map { $0.sorted { $0.key < $1.key } }
        func loss(_ logS: Double, _ group: [(key: Int32, value: (pass: Double, fail: Double))]) -> Double {
            let s = exp(logS)
            var total = 0.0
            for (t, e) in group {
                let r = min(max(pow(1 + factor * Double(t) / s, -decay), 1e-15), 1 - 1e-15)
                total -= e.pass * log(r) + e.fail * log(1 - r)
            }
            return total
        }
        var fitted = [Double?](repeating: nil, count: 4)
        let bounds = FSRS.parameterBounds[0].range
        for r in 0..<4 where counts[r] >= 1 {
            // Golden-section search on ln S: the loss is unimodal in S.
            var lo = log(bounds.lowerBound), hi = log(bounds.upperBound)
            let ratio = (5.0.squareRoot() - 1) / 2
            var x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo)
            var f1 = loss(x1, sortedGroups[r]), f2 = loss(x2, sortedGroups[r])
            for _ in 0..<80 {
                if f1 < f2 {
                    hi = x2; x2 = x1; f2 = f1
                    x1 = hi - ratio * (hi - lo); f1 = loss(x1, sortedGroups[r])
                } else {
                    lo = x1; x1 = x2; f1 = f2
                    x2 = lo + ratio * (hi - lo); f2 = loss(x2, sortedGroups[r])
                }
            }
            // Shrink towards the current value by the amount of data (a prior worth 8 reviews).
            let n = counts[r]
            let prior = log(w[r])
            fitted[r] = exp((n * (lo + hi) / 2 + 8 * prior) / (n + 8))
        }
        for r in 0..<4 {
            if let s = fitted[r] { w[r] = min(max(s, bounds.lowerBound), bounds.upperBound) }
        }
        // Keep S0(Again) ≤ S0(Hard) ≤ S0(Good) ≤ S0(Easy).
        for r in 1..<4 where w[r] < w[r - 1] {
            if counts[r] >= counts[r - 1] {
                var k = r - 1
                while k >= 0 && w[k] > w[r] { w[k] = w[r]; k -= 1 }
            } else {
                w[r] = w[r - 1]
            }
        }
        return w
    }
}

/// Adam (Kingma & Ba) over the 21 parameters, clipping into bounds after every step.
struct Adam {
    var m = SIMD24()
    var v = SIMD24()
    var t = 0
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

    mutating func step(_ w: [Double], gradient g: SIMD24, learningRate lr: Double) -> [Double] {
        t += 1
        var out = w
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for i in 0..<FSRS.parameterCount {
            let gi = g[i].isFinite ? g[i] : 0
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
            let mHat = m[i] / c1, vHat = v[i] / c2
            out[i] -= lr * mHat / (vHat.squareRoot() + epsilon)
        }
        return FSRSOptimizer.clipped(out)
    }
}
