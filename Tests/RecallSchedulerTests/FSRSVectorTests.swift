import Foundation
import Testing

@testable import RecallScheduler

/// `Tests/Fixtures/fsrs6-vectors.json`: fsrs-rs 6.6.2 reference states (see its "layout" key).
struct ReferenceVectors: Decodable {
    struct State: Decodable {
        let s: Double
        let d: Double
    }
    struct Candidate: Decodable {
        let s: Double
        let d: Double
        let interval: Double
        let interval_days: Int
        let rounding_ambiguous: Bool
    }
    /// next_states for each desired retention ("0.9", and "0.8" for cards with id < 100).
    typealias Candidates = [String: [String: Candidate]]
    struct Review: Decodable {
        let rating: Int
        let elapsed_days: Int
    }
    struct Step: Decodable {
        let i: Int
        let rating: Int
        let elapsed_days: Int
        let before: State?
        let retrievability: Double?
        let after: State
        let next_states: Candidates
    }
    struct Probe: Decodable {
        let elapsedDays: Int
        let candidates: Candidates

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            elapsedDays = try c.decode(Int.self, forKey: Key(stringValue: "elapsed_days"))
            var candidates: Candidates = [:]
            for key in c.allKeys where key.stringValue != "elapsed_days" {
                candidates[key.stringValue] = try c.decode([String: Candidate].self, forKey: key)
            }
            self.candidates = candidates
        }
    }
    struct Card: Decodable {
        let id: Int
        let kind: String
        let reviews: [Review]
        let steps: [Step]
        let final: State
        let probe_next_states: Probe
    }
    let parameters: [Double]
    let cards: [Card]

    static func load() throws -> ReferenceVectors {
        let data = try Data(contentsOf: fixtureURL("fsrs6-vectors.json"))
        return try JSONDecoder().decode(ReferenceVectors.self, from: data)
    }
}

/// Spec FSRS6.md section 8: S and intervals within 1e-5 relative, D within 1e-5 absolute,
/// whole days exact unless flagged `rounding_ambiguous`.
struct FSRSVectorTests {
    let vectors: ReferenceVectors
    let model: FSRS

    init() throws {
        vectors = try ReferenceVectors.load()
        model = try FSRS(parameters: vectors.parameters)
    }

    static let stabilityTolerance = 1e-5
    static let difficultyTolerance = 1e-5

    func rating(_ raw: Int) throws -> Rating { try #require(Rating(rawValue: raw)) }

    func expectState(_ actual: MemoryState, _ expected: ReferenceVectors.State, _ what: String) {
        #expect(relativelyClose(actual.stability, expected.s, Self.stabilityTolerance),
                "\(what): S \(actual.stability) vs \(expected.s)")
        #expect(abs(actual.difficulty - expected.d) <= Self.difficultyTolerance,
                "\(what): D \(actual.difficulty) vs \(expected.d)")
    }

    func expectCandidates(
        _ candidates: ReferenceVectors.Candidates, from state: MemoryState?, elapsedDays: Int, _ what: String
    ) throws -> Int {
        var checked = 0
        for (retentionText, byRating) in candidates {
            let retention = try #require(Double(retentionText))
            let next = model.nextStates(state, desiredRetention: retention, elapsedDays: elapsedDays)
            for rating in Rating.allCases {
                let expected = try #require(byRating[rating.name], "\(what) \(retentionText) \(rating.name)")
                let actual = next[rating]
                let label = "\(what) DR \(retentionText) \(rating.name)"
                expectState(actual.memory, ReferenceVectors.State(s: expected.s, d: expected.d), label)
                #expect(relativelyClose(actual.interval, expected.interval, Self.stabilityTolerance),
                        "\(label): interval \(actual.interval) vs \(expected.interval)")
                if !expected.rounding_ambiguous {
                    #expect(FSRS.wholeDays(actual.interval, maximum: 36_500) == expected.interval_days,
                            "\(label): days for \(actual.interval)")
                }
                checked += 1
            }
        }
        return checked
    }

    @Test func fixtureHoldsTheDefaultParameters() {
        #expect(vectors.parameters == FSRS.defaultParameters)
        #expect(vectors.cards.count == 44)
    }

    @Test func everyReviewFromTheReferenceStateMatchesTheReferenceAfterState() throws {
        var checked = 0
        for card in vectors.cards {
            for step in card.steps {
                let before = step.before.map { MemoryState(stability: $0.s, difficulty: $0.d) }
                let after = model.nextState(before, elapsedDays: step.elapsed_days, rating: try rating(step.rating))
                expectState(after, step.after, "card \(card.id) step \(step.i)")
                if let r = step.retrievability, let before {
                    let ours = model.retrievability(elapsedDays: Double(step.elapsed_days), stability: before.stability)
                    #expect(abs(ours - r) <= 1e-12, "card \(card.id) step \(step.i): R")
                }
                checked += 1
            }
        }
        #expect(checked == 341)
    }

    @Test func replayingEachHistoryReproducesEveryReferenceStateAndTheFinalOne() throws {
        for card in vectors.cards {
            let reviews = try card.reviews.map {
                FSRSReview(rating: try rating($0.rating), elapsedDays: Int32($0.elapsed_days))
            }
            let history = model.historicalMemoryStates(replaying: reviews)
            for (state, step) in zip(history, card.steps) {
                expectState(state, step.after, "card \(card.id) replayed step \(step.i)")
            }
            let final = try #require(model.memoryState(replaying: reviews))
            expectState(final, card.final, "card \(card.id) final")
            #expect(final == history.last)
        }
    }

    @Test func nextStatesMatchTheReferenceAtRetentions90And80() throws {
        var checked = 0
        for card in vectors.cards {
            for step in card.steps {
                let before = step.before.map { MemoryState(stability: $0.s, difficulty: $0.d) }
                checked += try expectCandidates(
                    step.next_states, from: before, elapsedDays: step.elapsed_days, "card \(card.id) step \(step.i)")
            }
        }
        // 341 steps × 4 ratings at 0.9, plus the 279 steps of cards with id < 100 at 0.8.
        #expect(checked == (341 + 279) * 4)
    }

    @Test func probeNextStatesFromTheFinalStateMatchTheReference() throws {
        var checked = 0
        for card in vectors.cards {
            let final = MemoryState(stability: card.final.s, difficulty: card.final.d)
            checked += try expectCandidates(
                card.probe_next_states.candidates, from: final,
                elapsedDays: card.probe_next_states.elapsedDays, "card \(card.id) probe")
        }
        #expect(checked == (44 + 34) * 4)
    }

    /// fsrs-rs stores 0.001 as the float32 0.0010000000474974513; both are "at the floor".
    static func boundHit(_ reference: Double) -> Double? {
        if reference == 36_500 { return 36_500 }
        if abs(reference - 0.001) < 1e-9 { return 0.001 }
        return nil
    }

    @Test func stabilityStopsExactlyAtTheBoundsWhereTheReferenceDoes() throws {
        var hits = 0
        for card in vectors.cards {
            for step in card.steps {
                let before = step.before.map { MemoryState(stability: $0.s, difficulty: $0.d) }
                for (retentionText, byRating) in step.next_states {
                    let retention = try #require(Double(retentionText))
                    let next = model.nextStates(before, desiredRetention: retention, elapsedDays: step.elapsed_days)
                    for rating in Rating.allCases {
                        let expected = try #require(byRating[rating.name])
                        if let bound = Self.boundHit(expected.s) {
                            // Same-day Hard keeps the reference's float32 floor as it is, hence boundHit.
                            #expect(Self.boundHit(next[rating].memory.stability) == bound,
                                    "card \(card.id) step \(step.i)")
                            hits += 1
                        }
                    }
                }
            }
        }
        #expect(hits > 0)
        let floorCard = try #require(vectors.cards.first { $0.id == 296 })
        let reviews = try floorCard.reviews.map {
            FSRSReview(rating: try rating($0.rating), elapsedDays: Int32($0.elapsed_days))
        }
        #expect(model.memoryState(replaying: reviews)?.stability == 0.001)
    }
}

/// The worked numbers of FSRS6.md sections 2–7.
struct FSRSSpecExampleTests {
    let model: FSRS
    init() throws { model = try FSRS() }

    @Test func workedHistoryOfSection7() {
        // rating, t, R before (nil: none), S after, D after
        let rows: [(Rating, Int, Double?, Double, Double)] = [
            (.good, 0, nil, 2.306500, 2.118104),
            (.good, 0, nil, 2.306500, 2.111214),
            (.good, 3, 0.880948, 13.835848, 2.104331),
            (.hard, 9, 0.926755, 32.489067, 4.743716),
            (.again, 30, 0.905382, 2.390642, 8.257523),
            (.again, 0, nil, 0.801467, 9.412488),
            (.good, 1, 0.884089, 1.631178, 9.398304),
            (.easy, 4, 0.827879, 5.937607, 9.182473),
        ]
        var state: MemoryState?
        for (i, (rating, t, r, s, d)) in rows.enumerated() {
            if let r, let prior = state {
                let ours = model.retrievability(elapsedDays: Double(t), stability: prior.stability)
                #expect(abs(ours - r) < 1e-5, "row \(i + 1): R \(ours)")
            }
            let next = model.nextState(state, elapsedDays: t, rating: rating)
            #expect(relativelyClose(next.stability, s, 1e-5), "row \(i + 1): S \(next.stability)")
            #expect(abs(next.difficulty - d) < 1e-5, "row \(i + 1): D \(next.difficulty)")
            #expect(relativelyClose(model.interval(stability: next.stability, desiredRetention: 0.9), s, 1e-5))
            state = next
        }
    }

    @Test func retrievabilityTableForStability10() {
        let table: [(Double, Double)] = [
            (1, 0.985682), (2, 0.972770), (5, 0.940344), (10, 0.900000), (30, 0.809388), (100, 0.692827),
        ]
        for (t, r) in table {
            #expect(abs(model.retrievability(elapsedDays: t, stability: 10) - r) < 1e-6, "t = \(t)")
        }
    }

    @Test func decayShapesTheCurveButKeepsNinetyPercentAtS() throws {
        for (decay, r100) in [(0.1542, 0.6928), (0.35, 0.5901), (0.5, 0.5467)] {
            var w = FSRS.defaultParameters
            w[20] = decay
            let m = try FSRS(parameters: w)
            #expect(abs(m.retrievability(elapsedDays: 100, stability: 10) - r100) < 1e-4)
            #expect(abs(m.retrievability(elapsedDays: 7.3, stability: 7.3) - 0.9) < 1e-12)
        }
    }

    @Test func intervalFactorsForDesiredRetentions() {
        let table: [(Double, Double)] = [
            (0.70, 9.287911), (0.80, 3.315960), (0.85, 1.906426), (0.90, 1), (0.95, 0.402559), (0.97, 0.222768),
        ]
        for (r, k) in table {
            #expect(abs(model.intervalFactor(desiredRetention: r) - k) < 1e-6, "r = \(r)")
        }
        #expect(relativelyClose(model.interval(stability: 100, desiredRetention: 0.8), 331.5958, 1e-6))
        #expect(model.interval(stability: 0.01, desiredRetention: 0.9) == 0.01)
    }

    @Test func firstReviewIgnoresElapsedDays() {
        let expected: [(Rating, Double, Double)] = [
            (.again, 0.212, 6.4133), (.hard, 1.2931, 5.112171), (.good, 2.3065, 2.118104), (.easy, 8.2956, 1.0),
        ]
        for (rating, s, d) in expected {
            let first = model.nextState(nil, elapsedDays: 5, rating: rating)
            #expect(first == model.nextState(nil, elapsedDays: 0, rating: rating))
            #expect(first.stability == s)
            #expect(abs(first.difficulty - d) < 1e-6)
        }
    }

    @Test func sameDayExamplesOfSection6() {
        #expect(relativelyClose(model.shortTermStability(1, rating: .good), 1.050720, 1e-6))
        #expect(model.shortTermStability(2.3065, rating: .good) == 2.3065)
        #expect(model.shortTermStability(5, rating: .hard) == 5)
        #expect(relativelyClose(model.shortTermStability(2.3065, rating: .again), 0.775084, 1e-6))
        #expect(abs(model.nextDifficulty(2.118104, rating: .good) - 2.111214) < 1e-6)
    }

    @Test func incomingStatesAreClampedBeforeUse() {
        let pairs: [(MemoryState, MemoryState)] = [
            (MemoryState(stability: 50_000, difficulty: 12), MemoryState(stability: 36_500, difficulty: 10)),
            (MemoryState(stability: 0.0001, difficulty: 0.5), MemoryState(stability: 0.001, difficulty: 1)),
        ]
        for (raw, clamped) in pairs {
            for rating in Rating.allCases {
                for t in [0, 3] {
                    #expect(model.nextState(raw, elapsedDays: t, rating: rating)
                            == model.nextState(clamped, elapsedDays: t, rating: rating))
                }
            }
        }
    }

    @Test func forgetStabilityIsCappedBelowTheOldStability() {
        // A tiny S forgotten long after: the long-term formula would exceed the cap S / e^(w17·w18).
        let s = 0.005
        let next = model.nextState(MemoryState(stability: s, difficulty: 1), elapsedDays: 100, rating: .again)
        #expect(relativelyClose(next.stability, s * 0.951728, 1e-6))
        // A large S: the long-term formula is far below the cap and is used as it is.
        let large = model.nextState(MemoryState(stability: 100, difficulty: 5), elapsedDays: 30, rating: .again)
        #expect(large.stability < 100 * 0.951728 / 2)
    }

    @Test(arguments: [
        ([Double](repeating: 0.5, count: 20), "parameters must be 21 numbers, got 20"),
        (FSRS.defaultParameters.enumerated().map { $0.offset == 4 ? Double.nan : $0.element },
         "parameters: w4 must be a finite decimal number, got 'nan'"),
        (FSRS.defaultParameters.enumerated().map { $0.offset == 7 ? Double.infinity : $0.element },
         "parameters: w7 must be a finite decimal number, got 'inf'"),
        (FSRS.defaultParameters.enumerated().map { $0.offset == 20 ? 0 : $0.element },
         "parameters: w20 (decay) must be between 0.1 and 0.8, got 0.0"),
    ])
    func invalidParametersAreRejectedWithAMessage(parameters: [Double], message: String) {
        #expect(throws: ConfigError.self) { try FSRS(parameters: parameters) }
        do {
            _ = try FSRS(parameters: parameters)
        } catch {
            #expect(error.description == message)
        }
    }
}
