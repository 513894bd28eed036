import Foundation
import GRDB
public import TollgateCore

extension LedgerDatabase: PriceStore {
    /// Stores a new dated catalog version (the ledger stays append-only: old versions are kept).
    /// - Throws: When a version with the same id exists.
    public func importPrices(_ prices: [ModelPrice], version: StoredPriceVersion) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO priceVersion (id, source, sha256, importedAt, effectiveFrom, modelCount) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [version.id, version.source, version.sha256, version.importedAt, version.effectiveFrom, prices.count])
            let statement = try db.cachedStatement(sql: "INSERT INTO modelPrice (versionId, model, effectiveFrom, price) VALUES (?, ?, ?, ?)")
            for price in prices {
                let json = String(decoding: try encoder.encode(price), as: UTF8.self)
                try statement.execute(arguments: [version.id, price.model, price.effectiveFrom, json])
            }
        }
    }

    /// Every stored catalog version, oldest effective date first.
    public func priceVersions() async throws -> [StoredPriceVersion] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM priceVersion ORDER BY effectiveFrom, importedAt").map {
                StoredPriceVersion(
                    id: $0["id"], source: $0["source"], sha256: $0["sha256"], importedAt: $0["importedAt"],
                    effectiveFrom: $0["effectiveFrom"], modelCount: $0["modelCount"])
            }
        }
    }

    /// Every stored dated price, with the id of the version it belongs to.
    public func storedPrices() async throws -> [(version: String, price: ModelPrice)] {
        try await writer.read { db in
            let decoder = JSONDecoder()
            return try Row.fetchAll(db, sql: "SELECT versionId, price FROM modelPrice ORDER BY effectiveFrom").map {
                ($0["versionId"], try decoder.decode(ModelPrice.self, from: Data(($0["price"] as String).utf8)))
            }
        }
    }
}

extension LedgerDatabase {
    /// Records prices given in the configuration, each as a price version of its own (its id names
    /// the exact price), so that entries they price can be re-priced exactly without the configuration.
    /// Versions already recorded are left alone; each price's ``ModelPrice/source`` is its version id.
    public func recordConfiguredPrices(_ prices: [(version: StoredPriceVersion, price: ModelPrice)]) async throws {
        guard !prices.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await writer.write { db in
            for (version, price) in prices {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO priceVersion (id, source, sha256, importedAt, effectiveFrom, modelCount)
                        VALUES (?, ?, ?, ?, ?, 1)
                        """,
                    arguments: [version.id, version.source, version.sha256, version.importedAt, version.effectiveFrom])
                try db.execute(
                    sql: "INSERT OR IGNORE INTO modelPrice (versionId, model, effectiveFrom, price) VALUES (?, ?, ?, ?)",
                    arguments: [version.id, price.model, price.effectiveFrom, String(decoding: try encoder.encode(price), as: UTF8.self)])
            }
        }
    }
}
