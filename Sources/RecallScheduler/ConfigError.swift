/// The scheduler module's one error type: a setting that cannot be used. `description` is the
/// one line shown to the user after `Error:` (STYLE.md, "Typed errors"); tests assert its text.
public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `recall config KEY` with a key that is not in `SchedulerOptions.keys`.
    case unknownKey(String)
    /// A number outside its allowed range; the bounds are preformatted as the user sees them.
    case outOfRange(key: String, minimum: String, maximum: String, got: String)
    case notANumber(key: String, got: String)
    case notAWholeNumber(key: String, got: String)
    case notABoolean(key: String, got: String)
    case notAChoice(key: String, choices: [String], got: String)
    /// A learning or relearning step that is not a positive duration like `30s`, `10m`, `1h`, `1d`.
    case invalidStep(key: String, got: String)
    /// FSRS-6 takes exactly 21 parameters.
    case parameterCount(got: Int)
    /// Parameter `index` (w0 … w20) is NaN, infinite or not a plain decimal number (`0x10`).
    case parameterNotFinite(index: Int, got: String)
    /// Parameter `index` (w0 … w20) is outside the range FSRS-6 allows (`FSRS.parameterBounds`).
    case parameterOutOfRange(index: Int, minimum: String, maximum: String, got: String)

    public var description: String {
        switch self {
        case .unknownKey(let key):
            "unknown config key '\(key)'"
        case let .outOfRange(key, minimum, maximum, got):
            "\(key) must be between \(minimum) and \(maximum), got \(got)"
        case let .notANumber(key, got):
            "\(key) must be a decimal number, got '\(got)'"
        case let .notAWholeNumber(key, got):
            "\(key) must be a whole number, got '\(got)'"
        case let .notABoolean(key, got):
            "\(key) must be true or false, got '\(got)'"
        case let .notAChoice(key, choices, got):
            "\(key) must be one of \(choices.joined(separator: ", ")), got '\(got)'"
        case let .invalidStep(key, got):
            "\(key): '\(got)' is not a step like 30s, 10m, 1h or 1d"
        case .parameterCount(let got):
            "parameters must be 21 numbers, got \(got)"
        case let .parameterNotFinite(index, got):
            "parameters: w\(index) must be a finite decimal number, got '\(got)'"
        case let .parameterOutOfRange(index, minimum, maximum, got):
            "parameters: w\(index)\(index == 20 ? " (decay)" : "") must be between \(minimum) and \(maximum), got \(got)"
        }
    }
}
