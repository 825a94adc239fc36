import Foundation
import Testing
@testable import RecallStore

@Suite struct DatabaseTests {
    @Test func transactionRollsBackWhenItsBodyThrows() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let db = try Database(path: folder.path("t.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER)")
        struct Boom: Error, Equatable {}
        #expect(throws: Boom()) {
            try db.transaction {
                try db.run("INSERT INTO t(x) VALUES (?)", [.integer(1)])
                throw Boom()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        try db.transaction { try db.run("INSERT INTO t(x) VALUES (?)", [.integer(2)]) }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test func errorsCarryResultCodeMessageAndSQL() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let db = try Database(path: folder.path("t.sqlite"))
        let sql = "SELECT * FROM missing_table"
        do {
            _ = try db.prepare(sql)
            Issue.record("expected an error")
        } catch {
            guard case let .sqlite(code, message, failedSQL) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(code == 1)
            #expect(message == "no such table: missing_table")
            #expect(failedSQL == sql)
            #expect(error.description == "database error: no such table: missing_table")
        }
    }

    @Test func boundValuesRoundTripWithTheirTypes() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let db = try Database(path: folder.path("t.sqlite"))
        try db.execute("CREATE TABLE t(a, b, c, d)")
        let text = "'); DROP TABLE t;-- é 👩‍👩‍👧 \u{202E}"
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?)", [.integer(Int64.max), .real(0.1), .text(text), .null])
        let row = try db.row("SELECT a, b, c, d FROM t") { ($0.int64(0), $0.double(1), $0.text(2), $0.isNull(3)) }
        #expect(row?.0 == Int64.max)
        #expect(row?.1 == 0.1)
        #expect(row?.2 == text)
        #expect(row?.3 == true)
    }
}
