import RecallModel
import RecallScheduler

/// Guids for many rows made at once: a random start, then consecutive values.
///
/// A guid identifies a row across stores, so it only has to be unique, and a random 64-bit
/// start makes a clash with another store's run as unlikely as with one random guid per row.
/// Consecutive guids go into the unique guid index side by side; random ones would touch a
/// different index page for every row, and a bulk import would rewrite (and journal) most of
/// the index for every batch of rows.
struct GUIDRun {
    private var next: UInt64

    init() {
        next = UInt64.random(in: 0...UInt64.max)
    }

    /// The next guid: 16 lowercase hex digits, as `lower(hex(randomblob(8)))` makes them.
    mutating func take() -> String {
        defer { next &+= 1 }
        return FNV64.hex(next)
    }
}
