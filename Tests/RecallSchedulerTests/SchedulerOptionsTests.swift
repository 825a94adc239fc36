import Foundation
import Testing

@testable import RecallScheduler

/// The `recall config KEY [VALUE]` interface and the stored JSON form.
struct SchedulerOptionsTests {
    func message(setting key: String, to text: String) -> String? {
        var options = SchedulerOptions()
        do {
            try options.set(key, to: text)
            return nil
        } catch {
            #expect(options == SchedulerOptions(), "a failed set changes nothing")
            return error.description
        }
    }

    @Test(arguments: [
        ("desired_retention", "1.5", "desired_retention must be between 0.70 and 0.99, got 1.5"),
        ("desired_retention", "abc", "desired_retention must be a decimal number, got 'abc'"),
        ("desired_retention", "nan", "desired_retention must be a decimal number, got 'nan'"),
        ("colour", "red", "unknown config key 'colour'"),
        ("algorithm", "anki", "algorithm must be one of fsrs, sm2, got 'anki'"),
        ("leech_action", "delete", "leech_action must be one of tag, suspend, got 'delete'"),
        ("learning_steps", "1m 5x", "learning_steps: '5x' is not a step like 30s, 10m, 1h or 1d"),
        ("relearning_steps", "0m", "relearning_steps: '0m' is not a step like 30s, 10m, 1h or 1d"),
        ("learning_steps", "0.5s", "learning_steps: '0.5s' is not a step like 30s, 10m, 1h or 1d"),
        ("parameters", "1 2 3", "parameters must be 21 numbers, got 3"),
        ("parameters", "1 2 x", "parameters: w2 must be a finite decimal number, got 'x'"),
        ("new_per_day", "2.5", "new_per_day must be a whole number, got '2.5'"),
        ("new_per_day", "-1", "new_per_day must be between 0 and 9999, got -1"),
        ("maximum_interval", "0", "maximum_interval must be between 1 and 36500, got 0"),
        ("rollover_hour", "24", "rollover_hour must be between 0 and 23, got 24"),
        ("fuzz", "maybe", "fuzz must be true or false, got 'maybe'"),
        ("starting_ease", "1.2", "starting_ease must be between 1.31 and 5.00, got 1.2"),
        ("hard_multiplier", "2", "hard_multiplier must be between 0.50 and 1.30, got 2"),
        ("lapse_multiplier", "1.1", "lapse_multiplier must be between 0.00 and 1.00, got 1.1"),
    ])
    func invalidValuesAreRejectedWithTheLineTheUserSees(key: String, text: String, expected: String) {
        #expect(message(setting: key, to: text) == expected)
    }

    /// py-fsrs 6 `LOWER_BOUNDS_PARAMETERS` / `UPPER_BOUNDS_PARAMETERS`, the ranges fsrs-rs's
    /// `clip_parameters` clamps to (w17 and w18 with at most one relearning step).
    static let fsrs6Bounds: [(low: Double, high: Double, text: String)] = [
        (0.001, 100, "0.001 and 100"), (0.001, 100, "0.001 and 100"), (0.001, 100, "0.001 and 100"),
        (0.001, 100, "0.001 and 100"), (1, 10, "1 and 10"), (0.001, 4, "0.001 and 4"), (0.001, 4, "0.001 and 4"),
        (0.001, 0.75, "0.001 and 0.75"), (0, 4.5, "0 and 4.5"), (0, 0.8, "0 and 0.8"), (0.001, 3.5, "0.001 and 3.5"),
        (0.001, 5, "0.001 and 5"), (0.001, 0.25, "0.001 and 0.25"), (0.001, 0.9, "0.001 and 0.9"), (0, 4, "0 and 4"),
        (0, 1, "0 and 1"), (1, 6, "1 and 6"), (0, 2, "0 and 2"), (0, 2, "0 and 2"), (0, 0.8, "0 and 0.8"),
        (0.1, 0.8, "0.1 and 0.8"),
    ]

    @Test func eachFSRSParameterIsRefusedOutsideItsFSRS6RangeWithTheWeightNamed() {
        for (index, bounds) in Self.fsrs6Bounds.enumerated() {
            func text(_ value: Double) -> String {
                var w = FSRS.defaultParameters
                w[index] = value
                return w.map { "\($0)" }.joined(separator: ", ")
            }
            let name = "w\(index)" + (index == 20 ? " (decay)" : "")
            for outside in [bounds.low - 0.0005, bounds.high + 0.0005, -1, 1000] {
                let error = message(setting: "parameters", to: text(outside))
                #expect(error?.hasPrefix("parameters: \(name) must be between \(bounds.text), got ") == true,
                        "w\(index) = \(outside): \(error ?? "accepted")")
            }
            for inside in [bounds.low, bounds.high, (bounds.low + bounds.high) / 2] {
                #expect(message(setting: "parameters", to: text(inside)) == nil, "w\(index) = \(inside)")
            }
        }
    }

    @Test func parametersWithADecayOfZeroAreRejected() {
        var w = FSRS.defaultParameters.map { "\($0)" }
        w[20] = "0"
        #expect(message(setting: "parameters", to: w.joined(separator: " "))
            == "parameters: w20 (decay) must be between 0.1 and 0.8, got 0")
        w[20] = "inf"
        #expect(message(setting: "parameters", to: w.joined(separator: ","))
            == "parameters: w20 must be a finite decimal number, got 'inf'")
    }

    /// The QA repro: `Double(_:)` took `0x10` as 16 and `1e400` as infinity, shown as 'inf'.
    @Test(arguments: [
        ("desired_retention", "0x10", "desired_retention must be a decimal number, got '0x10'"),
        ("desired_retention", "1e400", "desired_retention must be between 0.70 and 0.99, got 1e400"),
        ("desired_retention", "-1e400", "desired_retention must be between 0.70 and 0.99, got -1e400"),
        ("desired_retention", "infinity", "desired_retention must be a decimal number, got 'infinity'"),
        ("desired_retention", "0.9e", "desired_retention must be a decimal number, got '0.9e'"),
        ("desired_retention", ".", "desired_retention must be a decimal number, got '.'"),
        ("desired_retention", "0x1.cp-1", "desired_retention must be a decimal number, got '0x1.cp-1'"),
        ("starting_ease", "0x2", "starting_ease must be a decimal number, got '0x2'"),
        ("lapse_multiplier", "1e400", "lapse_multiplier must be between 0.00 and 1.00, got 1e400"),
        ("parameters", "1e400 1 2", "parameters: w0 must be a finite decimal number, got '1e400'"),
        ("parameters", "1, 0x10, 2", "parameters: w1 must be a finite decimal number, got '0x10'"),
        ("parameters", "1 2 NaN", "parameters: w2 must be a finite decimal number, got 'NaN'"),
        ("learning_steps", "0x1m", "learning_steps: '0x1m' is not a step like 30s, 10m, 1h or 1d"),
        ("learning_steps", "infm", "learning_steps: 'infm' is not a step like 30s, 10m, 1h or 1d"),
        ("new_per_day", "0x10", "new_per_day must be a whole number, got '0x10'"),
    ])
    func numbersMustBePlainDecimalsAndAreQuotedAsTyped(key: String, text: String, expected: String) {
        #expect(message(setting: key, to: text) == expected)
    }

    @Test func plainDecimalNumbersAreAccepted() throws {
        var options = SchedulerOptions()
        for text in ["0.85", ".85", "+0.85", "8.5e-1", "85E-2", "0.850"] {
            try options.set("desired_retention", to: text)
            #expect(options.desiredRetention == 0.85, "\(text)")
        }
        var w = FSRS.defaultParameters.map { "\($0)" }
        w[0] = "2.12e-1"
        try options.set("parameters", to: w.joined(separator: " "))
        #expect(options.parameters == FSRS.defaultParameters)
        try options.set("learning_steps", to: "1e1m .5m")
        #expect(options.learningSteps == [600, 30])
    }

    @Test func stepsParseFromShortDurations() throws {
        var options = SchedulerOptions()
        try options.set("learning_steps", to: "1m 10m 1h 1d")
        #expect(options.learningSteps == [60, 600, 3600, 86_400])
        try options.set("learning_steps", to: "30s, 1.5m,2H")
        #expect(options.learningSteps == [30, 90, 7200])
        #expect(try options.value(forKey: "learning_steps") == "30s 90s 2h")
        try options.set("relearning_steps", to: "none")
        #expect(options.relearningSteps == [])
        #expect(try options.value(forKey: "relearning_steps") == "none")
        try options.set("relearning_steps", to: "")
        #expect(options.relearningSteps == [])
    }

    @Test func defaultsPrintAsTheyAreDocumented() throws {
        let options = SchedulerOptions()
        let expected: [String: String] = [
            "algorithm": "fsrs", "desired_retention": "0.9", "learning_steps": "1m 10m", "relearning_steps": "10m",
            "maximum_interval": "36500", "new_per_day": "20", "reviews_per_day": "200", "bury_siblings": "true",
            "leech_threshold": "8", "leech_action": "tag", "fuzz": "true", "rollover_hour": "4",
            "starting_ease": "2.5", "easy_bonus": "1.3", "hard_multiplier": "1.2", "interval_modifier": "1.0",
            "lapse_multiplier": "0.0", "graduating_interval": "1", "easy_interval": "4", "minimum_interval": "1",
        ]
        for (key, value) in expected {
            #expect(try options.value(forKey: key) == value, "\(key)")
        }
        #expect(try options.value(forKey: "parameters").hasPrefix("0.212, 1.2931, 2.3065,"))
        #expect(SchedulerOptions.keys.count == 21)
        #expect(Set(SchedulerOptions.keys.map(\.name)) == Set(expected.keys).union(["parameters"]))
        #expect(SchedulerOptions.keys.allSatisfy { !$0.summary.isEmpty && !$0.summary.contains("\n") })
        #expect(throws: ConfigError.unknownKey("nope")) { try options.value(forKey: "nope") }
    }

    @Test func everyPrintedValueSetsBackToTheSameOptions() throws {
        var options = SchedulerOptions()
        try options.set("algorithm", to: "SM2")
        try options.set("desired_retention", to: "0.85")
        try options.set("learning_steps", to: "30s 5m 2h")
        try options.set("fuzz", to: "off")
        try options.set("leech_action", to: "suspend")
        try options.set("easy_bonus", to: "1.45")
        var copy = SchedulerOptions()
        for key in SchedulerOptions.keys {
            try copy.set(key.name, to: try options.value(forKey: key.name))
        }
        #expect(copy == options)
        try options.validate()
    }

    @Test func jsonUsesSnakeCaseKeysAndRoundTrips() throws {
        var options = SchedulerOptions()
        options.learningSteps = [30, 600]
        options.algorithm = .sm2
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(options)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.hasPrefix(#"{"algorithm":"sm2","bury_siblings":true,"desired_retention":0.9,"#))
        #expect(text.contains(#""learning_steps":[30,600]"#))
        #expect(try JSONDecoder().decode(SchedulerOptions.self, from: data) == options)
        #expect(try encoder.encode(JSONDecoder().decode(SchedulerOptions.self, from: data)) == data)
    }

    @Test func missingKeysDecodeToDefaults() throws {
        #expect(try JSONDecoder().decode(SchedulerOptions.self, from: Data("{}".utf8)) == SchedulerOptions())
        let old = #"{"desired_retention": 0.85, "learning_steps": [60], "retired_key": 1}"#
        let decoded = try JSONDecoder().decode(SchedulerOptions.self, from: Data(old.utf8))
        var expected = SchedulerOptions()
        expected.desiredRetention = 0.85
        expected.learningSteps = [60]
        #expect(decoded == expected)
    }

    @Test func validateReportsTheFirstBadValue() {
        var options = SchedulerOptions()
        options.parameters = [1, 2]
        #expect(throws: ConfigError.parameterCount(got: 2)) { try options.validate() }
        options = SchedulerOptions()
        options.learningSteps = [60, 0]
        #expect(throws: ConfigError.invalidStep(key: "learning_steps", got: "0s")) { try options.validate() }
    }
}
