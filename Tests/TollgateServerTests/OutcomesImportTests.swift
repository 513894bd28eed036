import Foundation
import Testing
import TollgateCore
import TollgateStore

@testable import TollgateCLI

/// `tollgate outcomes import` on real files: all or nothing, line-numbered errors, idempotent re-imports.
@Suite struct OutcomesImportTests {
    func scratch() throws -> (dir: URL, db: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("ledger.sqlite").path
        _ = try LedgerDatabase.open(path: db)
        return (dir, db)
    }

    func importFile(_ text: String, db: String, dir: URL) async throws {
        let file = dir.appendingPathComponent("outcomes-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        _ = try await OutcomesCommand.Import.importFile(file, into: try LedgerDatabase.open(path: db))
    }

    @Test func anInvalidRowImportsNothingAndNamesItsLine() async throws {
        let (dir, db) = try scratch()
        let text = "id,request_id,workflow,outcome,status,value_usd\na,r1,w,o,success,1.5\nb,r2,w,o,success,1.2.3\n"
        await #expect {
            try await importFile(text, db: db, dir: dir)
        } throws: { error in
            "\(error)".contains("line 3, column value_usd") && "\(error)".contains("nothing was imported")
        }
        #expect(try await LedgerDatabase.open(path: db).outcomeCount() == 0)
    }

    @Test func reimportingIsIdempotentAndAChangedRowRejectsTheFile() async throws {
        let (dir, db) = try scratch()
        let text = "id,trace_id,workflow,outcome,status,quality\na,t1,w,o,success,0.5\nb,t2,w,o,failure,\n"
        try await importFile(text, db: db, dir: dir)
        try await importFile(text, db: db, dir: dir)
        #expect(try await LedgerDatabase.open(path: db).outcomeCount() == 2)
        await #expect {
            try await importFile("id,trace_id,workflow,outcome,status,quality\nc,t3,w,o,success,\na,t1,w,o,success,0.6\n", db: db, dir: dir)
        } throws: { error in
            "\(error)".contains("already recorded with a different quality")
        }
        let database = try LedgerDatabase.open(path: db)
        #expect(try await database.outcomeCount() == 2)
        #expect(try await database.outcome(id: "c") == nil)
        #expect(try await database.unmatchedOutcomes().map(\.id) == ["a", "b"])
    }
}
