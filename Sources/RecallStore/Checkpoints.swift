import Foundation
import RecallModel
import RecallScheduler

/// Cards' checkpoints (`card_checkpoints`, Migrations/0005): the state replay starts from.
extension Store {
    /// The checkpoints of `ids` (every card's with nil), by card id.
    public func checkpoints(ofCards ids: [Int64]? = nil) throws(StoreError) -> [Int64: CardCheckpoint] {
        let sql = "SELECT card_id, at, \(Self.stateColumns) FROM card_checkpoints"
        var result: [Int64: CardCheckpoint] = [:]
        let read = { (row: Statement) in
            result[row.int64Value(0)] = CardCheckpoint(at: row.int64Value(1), state: Self.readState(row, from: 2))
        }
        if let ids {
            let statement = try db.prepare(sql + " WHERE card_id = ?")
            for id in ids {
                try statement.bind(int: id, at: 1)
                if try statement.step() { read(statement) }
                statement.reset()
            }
        } else {
            let statement = try db.prepare(sql)
            while try statement.step() { read(statement) }
        }
        return result
    }

    /// Sets (or with nil removes) a card's checkpoint. Inside `write { }`.
    public func setCheckpoint(_ checkpoint: CardCheckpoint?, cardID: Int64) throws(StoreError) {
        guard let checkpoint else {
            try db.run("DELETE FROM card_checkpoints WHERE card_id = ?", [.integer(cardID)])
            return
        }
        try db.run(
            "INSERT OR REPLACE INTO card_checkpoints(card_id, at, \(Self.stateColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [.integer(cardID), .integer(checkpoint.at)] + Self.stateValues(checkpoint.state))
    }
}
