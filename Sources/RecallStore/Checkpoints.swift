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

    /// Sets (or with nil removes) the checkpoints of many cards with two prepared statements (an
    /// Anki import sets tens of thousands). Inside `write { }`.
    public func setCheckpoints(_ changes: [(cardID: Int64, checkpoint: CardCheckpoint?)]) throws(StoreError) {
        guard !changes.isEmpty else { return }
        let delete = try db.prepare("DELETE FROM card_checkpoints WHERE card_id = ?")
        let upsert = try db.prepare(
            "INSERT OR REPLACE INTO card_checkpoints(card_id, at, \(Self.stateColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (cardID, checkpoint) in changes {
            if let checkpoint {
                try upsert.bind(int: cardID, at: 1)
                try upsert.bind(int: checkpoint.at, at: 2)
                try bindState(checkpoint.state, to: upsert, from: 3)
                _ = try upsert.step()
                upsert.reset()
            } else {
                try delete.execute([.integer(cardID)])
            }
        }
    }
}
