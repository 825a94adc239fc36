import Foundation
import RecallImport
import Testing

@testable import RecallScheduler

/// Tests/Fixtures/optimizer/, found from this file's path.
func optimizerFixture(_ name: String) -> String {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.lastPathComponent != "Tests" && dir.path != "/" { dir = dir.deletingLastPathComponent() }
    return dir.appendingPathComponent("Fixtures/optimizer").appendingPathComponent(name).path
}

/// `reference.json`, written by `scripts/revlog-sim.py fixtures`: logs simulated from FSRS-6
/// with other parameters than sim_revlog.csv and with same-day reviews, each with fsrs-rs's
/// fitted parameters and their log loss by optimizer.md's metric (computed in Python).
struct Reference: Decodable {
    struct Fit: Decodable {
        let parameters: [Double]
        let log_loss: Double
        let rmse_bins: Double
        let reviews: Int
    }
    struct Log: Decodable {
        let name: String
        let file: String
        let true_parameters: [Double]
        let fsrs_rs: Fit
    }
    let logs: [Log]

    static func load() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: optimizerFixture("reference.json"))))
    }
}

/// Issue 15: the fitted parameters' log loss is at most fsrs-rs's × 1.002 on logs the optimiser
/// was not tuned on, judged by `FitMetrics` on the parameters as printed (4 decimals).
struct OptimizerQualityTests {
    func fitted(_ h: ReviewHistories) -> [Double] {
        FSRSOptimizer().fit(h).map { ($0 * 10_000).rounded() / 10_000 }
    }

    @Test func simRevlogFitsAtLeastAsWellAsFsrsRs() throws {
        let h = try ReviewLogFile.read(path: optimizerFixture("sim_revlog.csv.gz"))
        #expect(h.reviewCount == 36_303 && h.cardCount == 5_000)
        let w = fitted(h)
        let metrics = FitMetrics(model: try FSRS(parameters: w), histories: h)
        #expect(metrics.scored == 31_303)
        // optimizer.md: fsrs-rs 0.35151, the bar 0.35151 × 1.002 ≤ 0.35221.
        #expect(metrics.logLoss <= 0.35221)
        #expect(metrics.logLoss <= 0.35151, "as good as fsrs-rs itself: \(metrics.logLoss)")
        #expect(metrics.rmseBins < 0.02)
        // The metric itself agrees with optimizer.md's figures for the defaults and the truth.
        let defaults = FitMetrics(model: try FSRS(), histories: h)
        #expect(abs(defaults.logLoss - 0.35396) < 5e-6 && abs(defaults.rmseBins - 0.02441) < 5e-6)
        let truth = try FSRS(parameters: [0.45, 1.05, 3.4, 12.5, 6.8, 0.55, 2.4, 0.008, 1.55, 0.13, 1.05, 1.6, 0.09, 0.33, 1.9, 0.45, 2.3, 0.5, 0.15, 0.08, 0.35])
        #expect(abs(FitMetrics(model: truth, histories: h).logLoss - 0.35137) < 5e-6)
    }

    @Test(arguments: ["forgetful", "learning-steps", "steady"])
    func simulatedLogsFitAtLeastAsWellAsFsrsRs(name: String) throws {
        let reference = try #require(try Reference.load().logs.first { $0.name == name })
        let h = try ReviewLogFile.read(path: optimizerFixture(reference.file))
        #expect(h.reviewCount == reference.fsrs_rs.reviews)
        // Our metric on fsrs-rs's parameters is the Python one's, to rounding.
        let theirs = FitMetrics(model: try FSRS(parameters: reference.fsrs_rs.parameters), histories: h)
        #expect(abs(theirs.logLoss - reference.fsrs_rs.log_loss) < 1e-9)
        #expect(abs(theirs.rmseBins - reference.fsrs_rs.rmse_bins) < 1e-9)
        let ours = FitMetrics(model: try FSRS(parameters: fitted(h)), histories: h)
        #expect(ours.logLoss <= reference.fsrs_rs.log_loss * 1.002, "\(name): \(ours.logLoss) vs fsrs-rs \(reference.fsrs_rs.log_loss)")
    }

    @Test func sameDayReviewsTrainTheShortTermParameters() throws {
        let h = try ReviewLogFile.read(path: optimizerFixture("learning-steps.csv.gz"))
        let w = fitted(h)
        let defaults = FSRS.defaultParameters
        #expect(w[17] != defaults[17] || w[18] != defaults[18] || w[19] != defaults[19])
        // Putting the defaults back for w17…w19 alone makes the fit worse.
        var reset = w
        reset.replaceSubrange(17...19, with: defaults[17...19])
        let fit = FitMetrics(model: try FSRS(parameters: w), histories: h).logLoss
        let without = FitMetrics(model: try FSRS(parameters: reset), histories: h).logLoss
        #expect(fit < without)
    }

    @Test func theSameLogGivesTheSameParametersWithinBounds() throws {
        let h = try ReviewLogFile.read(path: optimizerFixture("steady.csv.gz"))
        let first = FSRSOptimizer().fit(h)
        #expect(first == FSRSOptimizer().fit(h))
        #expect(throws: Never.self) { try FSRS.validate(parameters: first) }
        // Even from parameters at the edges of the bounds.
        let edges = FSRS.parameterBounds.enumerated().map { $0.offset % 2 == 0 ? $0.element.range.lowerBound : $0.element.range.upperBound }
        #expect(throws: Never.self) { try FSRS.validate(parameters: FSRSOptimizer().fit(h, initial: edges)) }
    }

    /// The forward-mode gradient is the derivative: compare with central differences.
    @Test func gradientMatchesFiniteDifferences() throws {
        let h = try ReviewLogFile.read(path: optimizerFixture("learning-steps.csv.gz"))
        let small = h.subset(Array(0..<300))
        let w = [0.3, 1.0, 2.5, 9.0, 6.0, 0.6, 2.2, 0.05, 1.7, 0.15, 0.9, 1.5, 0.08, 0.3, 1.8, 0.55, 2.2, 0.6, 0.4, 0.15, 0.2]
        let (_, gradient) = FSRSOptimizer.lossAndGradient(small, parameters: w)
        for i in 0..<21 {
            let step = 1e-6 * max(abs(w[i]), 1)
            var up = w, down = w
            up[i] += step
            down[i] -= step
            let numeric = (FSRSOptimizer.lossAndGradient(small, parameters: up).loss
                - FSRSOptimizer.lossAndGradient(small, parameters: down).loss) / (2 * step)
            #expect(abs(gradient[i] - numeric) <= 1e-5 + 1e-3 * abs(numeric), "w\(i): \(gradient[i]) vs \(numeric)")
        }
    }
}
