import Foundation

/// Which algorithm turns answers into intervals.
public enum SchedulingAlgorithm: String, Sendable, Codable, CaseIterable, Equatable {
    /// FSRS-6 (FSRS6.md) with Anki's learning steps, fuzz and button ordering.
    case fsrs
    /// Anki's SM-2 variant (v2/v3 scheduler): ease factors and multipliers.
    case sm2
}

/// What happens to a card whose lapses reach the leech threshold (the caller applies it).
public enum LeechAction: String, Sendable, Codable, CaseIterable, Equatable {
    case tag, suspend
}

/// A `recall config` key and the one line `recall config` prints about it.
public struct ConfigKey: Sendable, Equatable {
    public let name: String
    public let summary: String
}

/// All scheduling settings, with Anki's defaults.
///
/// Stored as JSON with snake_case keys (the caller's encoder sorts keys, so the text is stable).
/// Decoding fills every missing key with its default, so stores written by older versions keep
/// working. Values are checked by `validate()`, which `Scheduler.init` calls, and by `set(_:to:)`.
public struct SchedulerOptions: Sendable, Equatable, Codable {
    public var algorithm: SchedulingAlgorithm = .fsrs
    /// Target probability of recall when a review card comes due, 0.70…0.99 (FSRS).
    public var desiredRetention: Double = 0.9
    /// The 21 FSRS-6 parameters w0 … w20.
    public var parameters: [Double] = FSRS.defaultParameters
    /// Learning step delays in **seconds** (Anki default 1m 10m).
    public var learningSteps: [Int] = [60, 600]
    /// Relearning step delays after a lapse, in **seconds** (default 10m).
    public var relearningSteps: [Int] = [600]
    /// Longest review interval in days.
    public var maximumInterval: Int = 36_500
    public var newPerDay: Int = 20
    public var reviewsPerDay: Int = 200
    /// Hide a card's siblings (other cards of the same note) until the next day.
    public var burySiblings: Bool = true
    /// Lapses at which a card becomes a leech, and again every half of it after; 0 turns it off.
    public var leechThreshold: Int = 8
    public var leechAction: LeechAction = .tag
    /// Spread review intervals a little so that cards learnt together do not stay together.
    public var fuzz: Bool = true
    /// Local hour at which a new scheduling day starts (see `DayClock`).
    public var rolloverHour: Int = 4
    // SM-2 only.
    /// Ease factor given to a card when it graduates (2.5 = 250 %).
    public var startingEase: Double = 2.5
    /// Extra multiplier for Easy on review cards.
    public var easyBonus: Double = 1.3
    /// Multiplier of the current interval for Hard on review cards.
    public var hardMultiplier: Double = 1.2
    /// Multiplier applied to every SM-2 review interval.
    public var intervalModifier: Double = 1.0
    /// Fraction of the old interval kept after a lapse (Anki's "new interval").
    public var lapseMultiplier: Double = 0.0
    /// Days after Good on the last learning step.
    public var graduatingInterval: Int = 1
    /// Days after Easy on a learning card.
    public var easyInterval: Int = 4
    /// Shortest interval in days after a lapse.
    public var minimumInterval: Int = 1

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case algorithm
        case desiredRetention = "desired_retention"
        case parameters
        case learningSteps = "learning_steps"
        case relearningSteps = "relearning_steps"
        case maximumInterval = "maximum_interval"
        case newPerDay = "new_per_day"
        case reviewsPerDay = "reviews_per_day"
        case burySiblings = "bury_siblings"
        case leechThreshold = "leech_threshold"
        case leechAction = "leech_action"
        case fuzz
        case rolloverHour = "rollover_hour"
        case startingEase = "starting_ease"
        case easyBonus = "easy_bonus"
        case hardMultiplier = "hard_multiplier"
        case intervalModifier = "interval_modifier"
        case lapseMultiplier = "lapse_multiplier"
        case graduatingInterval = "graduating_interval"
        case easyInterval = "easy_interval"
        case minimumInterval = "minimum_interval"
    }

    /// Missing keys take their defaults, so options saved by an older recall still decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SchedulerOptions()
        algorithm = try c.decodeIfPresent(SchedulingAlgorithm.self, forKey: .algorithm) ?? d.algorithm
        desiredRetention = try c.decodeIfPresent(Double.self, forKey: .desiredRetention) ?? d.desiredRetention
        parameters = try c.decodeIfPresent([Double].self, forKey: .parameters) ?? d.parameters
        learningSteps = try c.decodeIfPresent([Int].self, forKey: .learningSteps) ?? d.learningSteps
        relearningSteps = try c.decodeIfPresent([Int].self, forKey: .relearningSteps) ?? d.relearningSteps
        maximumInterval = try c.decodeIfPresent(Int.self, forKey: .maximumInterval) ?? d.maximumInterval
        newPerDay = try c.decodeIfPresent(Int.self, forKey: .newPerDay) ?? d.newPerDay
        reviewsPerDay = try c.decodeIfPresent(Int.self, forKey: .reviewsPerDay) ?? d.reviewsPerDay
        burySiblings = try c.decodeIfPresent(Bool.self, forKey: .burySiblings) ?? d.burySiblings
        leechThreshold = try c.decodeIfPresent(Int.self, forKey: .leechThreshold) ?? d.leechThreshold
        leechAction = try c.decodeIfPresent(LeechAction.self, forKey: .leechAction) ?? d.leechAction
        fuzz = try c.decodeIfPresent(Bool.self, forKey: .fuzz) ?? d.fuzz
        rolloverHour = try c.decodeIfPresent(Int.self, forKey: .rolloverHour) ?? d.rolloverHour
        startingEase = try c.decodeIfPresent(Double.self, forKey: .startingEase) ?? d.startingEase
        easyBonus = try c.decodeIfPresent(Double.self, forKey: .easyBonus) ?? d.easyBonus
        hardMultiplier = try c.decodeIfPresent(Double.self, forKey: .hardMultiplier) ?? d.hardMultiplier
        intervalModifier = try c.decodeIfPresent(Double.self, forKey: .intervalModifier) ?? d.intervalModifier
        lapseMultiplier = try c.decodeIfPresent(Double.self, forKey: .lapseMultiplier) ?? d.lapseMultiplier
        graduatingInterval =
            try c.decodeIfPresent(Int.self, forKey: .graduatingInterval) ?? d.graduatingInterval
        easyInterval = try c.decodeIfPresent(Int.self, forKey: .easyInterval) ?? d.easyInterval
        minimumInterval = try c.decodeIfPresent(Int.self, forKey: .minimumInterval) ?? d.minimumInterval
    }

    // MARK: - The `recall config KEY [VALUE]` interface

    /// Every key `recall config` accepts, in display order.
    public static let keys: [ConfigKey] = CodingKeys.allCases.map {
        ConfigKey(name: $0.rawValue, summary: summary(of: $0))
    }

    private static func summary(of key: CodingKeys) -> String {
        switch key {
        case .algorithm:
            "scheduling algorithm: fsrs or sm2 (both as Anki; an early review keeps Good a day above Hard and Easy a day above Good)"
        case .desiredRetention: "FSRS: target chance of recall when a card is due (0.70-0.99)"
        case .parameters: "FSRS: the 21 model parameters w0..w20, comma- or space-separated"
        case .learningSteps: "delays for new cards before they graduate, e.g. 1m 10m (none for no steps)"
        case .relearningSteps: "delays after a lapse before a card returns to review, e.g. 10m"
        case .maximumInterval: "longest review interval in days"
        case .newPerDay: "new cards introduced per day"
        case .reviewsPerDay: "review cards shown per day"
        case .burySiblings: "hide other cards of the same note until the next day (true/false)"
        case .leechThreshold: "lapses at which a card becomes a leech (0 turns leeches off)"
        case .leechAction: "what to do with a leech: tag or suspend"
        case .fuzz: "spread review intervals slightly so cards do not stay bunched (true/false)"
        case .rolloverHour: "local hour at which a new day starts (0-23)"
        case .startingEase: "SM-2: ease given to a card when it graduates"
        case .easyBonus: "SM-2: extra multiplier for Easy on review cards"
        case .hardMultiplier: "SM-2: multiplier of the interval for Hard on review cards"
        case .intervalModifier: "SM-2: multiplier applied to every review interval"
        case .lapseMultiplier: "SM-2: fraction of the interval kept after a lapse"
        case .graduatingInterval: "SM-2: days after Good on the last learning step"
        case .easyInterval: "SM-2: days after Easy on a learning card"
        case .minimumInterval: "SM-2: shortest interval in days after a lapse"
        }
    }

    private static func codingKey(_ name: String) throws(ConfigError) -> CodingKeys {
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let key = CodingKeys(rawValue: trimmed) else { throw .unknownKey(name) }
        return key
    }

    /// The current value of `key` as `recall config KEY` prints it; `set` accepts the same text.
    public func value(forKey key: String) throws(ConfigError) -> String {
        switch try Self.codingKey(key) {
        case .algorithm: algorithm.rawValue
        case .desiredRetention: "\(desiredRetention)"
        case .parameters: parameters.map { "\($0)" }.joined(separator: ", ")
        case .learningSteps: Self.formatSteps(learningSteps)
        case .relearningSteps: Self.formatSteps(relearningSteps)
        case .maximumInterval: "\(maximumInterval)"
        case .newPerDay: "\(newPerDay)"
        case .reviewsPerDay: "\(reviewsPerDay)"
        case .burySiblings: "\(burySiblings)"
        case .leechThreshold: "\(leechThreshold)"
        case .leechAction: leechAction.rawValue
        case .fuzz: "\(fuzz)"
        case .rolloverHour: "\(rolloverHour)"
        case .startingEase: "\(startingEase)"
        case .easyBonus: "\(easyBonus)"
        case .hardMultiplier: "\(hardMultiplier)"
        case .intervalModifier: "\(intervalModifier)"
        case .lapseMultiplier: "\(lapseMultiplier)"
        case .graduatingInterval: "\(graduatingInterval)"
        case .easyInterval: "\(easyInterval)"
        case .minimumInterval: "\(minimumInterval)"
        }
    }

    /// Parses `text` for `key`, checks it, and stores it; on error nothing changes.
    public mutating func set(_ key: String, to text: String) throws(ConfigError) {
        let k = try Self.codingKey(key)
        let name = k.rawValue
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch k {
        case .algorithm: algorithm = try Self.parseChoice(name, t)
        case .leechAction: leechAction = try Self.parseChoice(name, t)
        case .parameters:
            let values = try Self.parseParameters(t)
            do {
                try FSRS.validate(parameters: values)
            } catch let .parameterOutOfRange(index, minimum, maximum, _) {
                // As typed (`0`, not the `0.0` the number prints as).
                throw .parameterOutOfRange(index: index, minimum: minimum, maximum: maximum, got: String(Self.tokens(t)[index]))
            }
            parameters = values
        case .learningSteps: learningSteps = try Self.parseSteps(name, t)
        case .relearningSteps: relearningSteps = try Self.parseSteps(name, t)
        case .burySiblings: burySiblings = try Self.parseBool(name, t)
        case .fuzz: fuzz = try Self.parseBool(name, t)
        case .desiredRetention, .startingEase, .easyBonus, .hardMultiplier, .intervalModifier,
            .lapseMultiplier:
            guard let x = Self.decimal(t) else { throw .notANumber(key: name, got: t) }
            try Self.checkDouble(k, x, got: t)  // an infinite value (1e400) is out of range too
            switch k {
            case .desiredRetention: desiredRetention = x
            case .startingEase: startingEase = x
            case .easyBonus: easyBonus = x
            case .hardMultiplier: hardMultiplier = x
            case .intervalModifier: intervalModifier = x
            default: lapseMultiplier = x
            }
        case .maximumInterval, .newPerDay, .reviewsPerDay, .leechThreshold, .rolloverHour,
            .graduatingInterval, .easyInterval, .minimumInterval:
            guard let n = Int(t) else { throw .notAWholeNumber(key: name, got: t) }
            try Self.checkInt(k, n, got: t)
            switch k {
            case .maximumInterval: maximumInterval = n
            case .newPerDay: newPerDay = n
            case .reviewsPerDay: reviewsPerDay = n
            case .leechThreshold: leechThreshold = n
            case .rolloverHour: rolloverHour = n
            case .graduatingInterval: graduatingInterval = n
            case .easyInterval: easyInterval = n
            default: minimumInterval = n
            }
        }
    }

    /// Checks every value (e.g. options decoded from a store or a hand-edited file); throws the
    /// first problem in key order.
    public func validate() throws(ConfigError) {
        try Self.checkDouble(.desiredRetention, desiredRetention, got: "\(desiredRetention)")
        try FSRS.validate(parameters: parameters)
        try Self.checkSteps(CodingKeys.learningSteps.rawValue, learningSteps)
        try Self.checkSteps(CodingKeys.relearningSteps.rawValue, relearningSteps)
        for (k, n) in [
            (CodingKeys.maximumInterval, maximumInterval), (.newPerDay, newPerDay),
            (.reviewsPerDay, reviewsPerDay), (.leechThreshold, leechThreshold), (.rolloverHour, rolloverHour),
        ] {
            try Self.checkInt(k, n, got: "\(n)")
        }
        for (k, x) in [
            (CodingKeys.startingEase, startingEase), (.easyBonus, easyBonus), (.hardMultiplier, hardMultiplier),
            (.intervalModifier, intervalModifier), (.lapseMultiplier, lapseMultiplier),
        ] {
            try Self.checkDouble(k, x, got: "\(x)")
        }
        for (k, n) in [
            (CodingKeys.graduatingInterval, graduatingInterval), (.easyInterval, easyInterval),
            (.minimumInterval, minimumInterval),
        ] {
            try Self.checkInt(k, n, got: "\(n)")
        }
    }

    // MARK: - Ranges (Anki's deck-options limits where Anki has one)

    /// Bounds and the text the user sees for them.
    private static func doubleRange(_ key: CodingKeys) -> (ClosedRange<Double>, String, String) {
        switch key {
        case .desiredRetention: (0.70...0.99, "0.70", "0.99")
        case .startingEase: (1.31...5.0, "1.31", "5.00")
        case .easyBonus: (1.0...5.0, "1.00", "5.00")
        case .hardMultiplier: (0.5...1.3, "0.50", "1.30")
        case .intervalModifier: (0.5...2.0, "0.50", "2.00")
        default: (0.0...1.0, "0.00", "1.00")  // lapse_multiplier
        }
    }

    private static func intRange(_ key: CodingKeys) -> ClosedRange<Int> {
        switch key {
        case .newPerDay, .reviewsPerDay: 0...9999
        case .leechThreshold: 0...99
        case .rolloverHour: 0...23
        default: 1...36_500  // maximum, graduating, easy and minimum intervals (days)
        }
    }

    private static func checkDouble(_ key: CodingKeys, _ x: Double, got: String) throws(ConfigError) {
        let (range, low, high) = doubleRange(key)
        guard range.contains(x) else {
            throw .outOfRange(key: key.rawValue, minimum: low, maximum: high, got: got)
        }
    }

    private static func checkInt(_ key: CodingKeys, _ n: Int, got: String) throws(ConfigError) {
        let range = intRange(key)
        guard range.contains(n) else {
            throw .outOfRange(
                key: key.rawValue, minimum: "\(range.lowerBound)", maximum: "\(range.upperBound)", got: got)
        }
    }

    // MARK: - Parsing

    private static func parseChoice<T: RawRepresentable & CaseIterable>(
        _ key: String, _ text: String
    ) throws(ConfigError) -> T where T.RawValue == String {
        guard let value = T(rawValue: text.lowercased()) else {
            throw .notAChoice(key: key, choices: T.allCases.map(\.rawValue), got: text)
        }
        return value
    }

    private static func parseBool(_ key: String, _ text: String) throws(ConfigError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw .notABoolean(key: key, got: text)
        }
    }

    private static func tokens(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == "," || $0.isWhitespace })
    }

    /// 21 numbers separated by commas and/or whitespace.
    private static func parseParameters(_ text: String) throws(ConfigError) -> [Double] {
        var values: [Double] = []
        for (i, token) in tokens(text).enumerated() {
            guard let x = decimal(token), x.isFinite else { throw .parameterNotFinite(index: i, got: String(token)) }
            values.append(x)
        }
        return values
    }

    /// A number written the plain decimal way: an optional sign, digits with an optional
    /// fraction (`0.9`, `.9`, `9.`), and an optional exponent (`1e-3`). Nil for anything else,
    /// which `Double(_:)` would take too: hexadecimal (`0x10`), `inf`, `nan`. A plain number too
    /// large for a Double is infinite; the caller refuses it, quoting the text as typed.
    static func decimal<S: StringProtocol>(_ text: S) -> Double? {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissa = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == bytes.count else { return nil }
        return Double(String(text))
    }

    private static let secondsPerUnit: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    /// Longest step accepted: the longest interval, so that seconds never overflow.
    private static let maximumStepSeconds = 36_500 * 86_400

    /// Steps like `1m 10m 1h 1d 30s` (comma- or space-separated; `1.5m` is 90 s). `none` or an
    /// empty text means no steps. Each step must be a whole number of seconds, at least 1 s.
    static func parseSteps(_ key: String, _ text: String) throws(ConfigError) -> [Int] {
        if text.lowercased() == "none" { return [] }
        var steps: [Int] = []
        for token in tokens(text) {
            guard let unit = token.last.flatMap({ secondsPerUnit[Character($0.lowercased())] }),
                let amount = decimal(token.dropLast()), amount.isFinite
            else { throw .invalidStep(key: key, got: String(token)) }
            let seconds = amount * unit
            let whole = seconds.rounded()
            guard whole >= 1, whole <= Double(maximumStepSeconds), abs(seconds - whole) < 1e-6 else {
                throw .invalidStep(key: key, got: String(token))
            }
            steps.append(Int(whole))
        }
        return steps
    }

    private static func checkSteps(_ key: String, _ steps: [Int]) throws(ConfigError) {
        for s in steps where s < 1 || s > maximumStepSeconds {
            throw .invalidStep(key: key, got: "\(s)s")
        }
    }

    /// A step in its largest exact unit: 600 → `10m`, 90 → `90s`, 86400 → `1d`.
    static func formatStep(_ seconds: Int) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    static func formatSteps(_ steps: [Int]) -> String {
        steps.isEmpty ? "none" : steps.map(formatStep).joined(separator: " ")
    }
}
