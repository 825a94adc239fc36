import Foundation

/// The FSRS-6 model of `FSRS` with every quantity a `Dual`, for the optimiser: replaying a card
/// gives the log loss of its scored reviews and the loss's gradient by all 21 parameters.
/// Formulas, clamps and their order are exactly `FSRS.step`'s (spec FSRS6.md sections 2–6).
struct LossModel {
    let w: [Dual]
    let s0: [Dual]
    let d0: [Dual]
    /// -w6·(G−3)/9 for G = 1…4.
    let dStep: [Dual]
    /// w7 · D0raw(4).
    let meanReversion: Dual
    let oneMinusW7: Dual
    /// e^(w17·(G−3+w18)).
    let shortTermBase: [Dual]
    /// e^w8 · (w15 for Hard) · (w16 for Easy).
    let recallScale: [Dual]
    /// 1 / e^(w17·w18).
    let forgetCap: Dual
    /// F = 0.9^(−1/w20) − 1.
    let factor: Dual
    let negDecay: Dual

    init(_ parameters: [Double]) {
        let w = parameters.enumerated().map { Dual.parameter($1, index: $0) }
        self.w = w
        s0 = (0..<4).map { w[$0].clamped(FSRS.minimumStability, FSRS.maximumStability) }
        func d0raw(_ g: Double) -> Dual { w[4] - (w[5] * (g - 1)).exp() + 1 }
        d0 = (1...4).map { d0raw(Double($0)).clamped(FSRS.minimumDifficulty, FSRS.maximumDifficulty) }
        dStep = (1...4).map { -w[6] * ((Double($0) - 3) / 9) }
        meanReversion = w[7] * d0raw(4)
        oneMinusW7 = 1 - w[7]
        shortTermBase = (1...4).map { (w[17] * (w[18] + (Double($0) - 3))).exp() }
        let e8 = w[8].exp()
        recallScale = [e8, e8 * w[15], e8, e8 * w[16]]
        forgetCap = 1.0 / (w[17] * w[18]).exp()
        factor = (Dual(0.9).log() * (-1.0 / w[20])).exp() - 1.0
        negDecay = -w[20]
    }

    /// Sum of the log loss over the scored reviews of `cards`, its gradient, and how many.
    func lossAndGradient(_ h: ReviewHistories, cards: [Int]) -> (Double, SIMD24, Int) {
        var loss = 0.0
        var gradient = SIMD24()
        var n = 0
        h.ratings.withUnsafeBufferPointer { ratings in
            h.elapsedDays.withUnsafeBufferPointer { elapsed in
                h.cardStarts.withUnsafeBufferPointer { starts in
                    for c in cards {
                        let start = starts[c], end = starts[c + 1]
                        let first = Int(ratings[start]) - 1
                        var s = s0[first]
                        var d = d0[first]
                        var i = start + 1
                        while i < end {
                            let t = Double(elapsed[i])
                            let g = Int(ratings[i])
                            var newS: Dual
                            if t > 0 {
                                // 1 − R(t, S) = −expm1(−w20 · log1p(F·t/S)), as FSRS.swift.
                                let oneMinusR = -(negDecay * (factor * t / s).log1p()).expm1()
                                let p = 1 - oneMinusR.v
                                if g > 1 {
                                    if p > 1e-15 {
                                        loss -= Foundation.log(p)
                                        gradient += oneMinusR.g * (1 / p)  // −∂ln p = ∂(1−p)/p
                                    } else {
                                        loss -= Foundation.log(1e-15)
                                    }
                                } else {
                                    if p < 1 - 1e-15 {
                                        loss -= Foundation.log(oneMinusR.v)
                                        gradient += oneMinusR.g * (-1 / oneMinusR.v)
                                    } else {
                                        loss -= Foundation.log(1e-15)
                                    }
                                }
                                n += 1
                                if g == 1 {
                                    let long = w[11] * (-w[12] * d.log()).exp() * ((w[13] * (s + 1).log()).exp() - 1)
                                        * (w[14] * oneMinusR).exp()
                                    let cap = s * forgetCap
                                    newS = long.v < cap.v ? long : cap
                                } else {
                                    let growth = recallScale[g - 1] * (11 - d) * (-w[9] * s.log()).exp()
                                        * (w[10] * oneMinusR).expm1()
                                    newS = s * (1 + growth)
                                }
                            } else {
                                var inc = shortTermBase[g - 1] * (-w[19] * s.log()).exp()
                                if g > 1 && inc.v < 1 { inc = Dual(1) }
                                newS = s * inc
                            }
                            s = newS.clamped(FSRS.minimumStability, FSRS.maximumStability)
                            let damped = d + dStep[g - 1] * (10 - d)
                            d = (meanReversion + oneMinusW7 * damped).clamped(FSRS.minimumDifficulty, FSRS.maximumDifficulty)
                            i += 1
                        }
                    }
                }
            }
        }
        return (loss, gradient, n)
    }
}
