import Foundation
import Testing

@testable import RecallScheduler

/// The scheduler's own splitmix64, so that the property tests draw the same histories on every run.
typealias SeededRandom = SplitMix64

extension Rating {
    static func random(using rng: inout SeededRandom) -> Rating {
        Rating.allCases.randomElement(using: &rng) ?? .good
    }
}

/// |actual − expected| ≤ tolerance · |expected|.
func relativelyClose(_ actual: Double, _ expected: Double, _ tolerance: Double) -> Bool {
    abs(actual - expected) <= tolerance * abs(expected)
}

/// Tests/Fixtures/, found from this file's path (STYLE.md, "Fixtures").
func fixtureURL(_ name: String) -> URL {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while dir.lastPathComponent != "Tests" && dir.path != "/" {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent("Fixtures").appendingPathComponent(name)
}

/// Instants from an ISO 8601 text with offset, e.g. `2024-03-10T03:59:00-04:00`.
func millis(_ iso: String) throws -> Millis {
    let date = try #require(ISO8601DateFormatter().date(from: iso), "bad date \(iso)")
    return Millis((date.timeIntervalSince1970 * 1000).rounded())
}

func zone(_ identifier: String) throws -> TimeZone {
    try #require(TimeZone(identifier: identifier), "no time zone \(identifier)")
}

let utc = TimeZone(secondsFromGMT: 0) ?? TimeZone.current

/// A scheduler in UTC with default options changed by `configure`.
func makeScheduler(
    timeZone: TimeZone = utc, _ configure: (inout SchedulerOptions) -> Void = { _ in }
) throws -> Scheduler {
    var options = SchedulerOptions()
    configure(&options)
    return try Scheduler(options: options, clock: DayClock(timeZone: timeZone))
}
