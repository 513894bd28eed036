import Testing
import TollgateCore
import TollgateTestKit

/// FOCUS export: periods, row building, cost invariants and CSV rendering.
@Suite struct FocusExportTests {
    static let day: Int64 = 1_790_812_800  // 2026-10-01T00:00:00Z

    static func catalog() throws -> PriceCatalog {
        let mini = try PricingTestSupport.price(
            "gpt-4o-mini", provider: "openai",
            #""input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07, "cache_read_input_token_cost": 7.5e-08"#)
        let sonnet = try PricingTestSupport.price(
            "claude-sonnet-4-5", provider: "anthropic",
            #""input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06"#
        )
        return PriceCatalog(prices: [mini, sonnet], version: "test-v1")
    }

    static func entry(
        _ id: String, at ms: Int64, model: String, route: String = "chat.completions", usage: TokenUsage, team: String? = "support",
        workflow: String? = "support-copilot", catalog: PriceCatalog
    ) -> LedgerEntry {
        var entry = LedgerEntry(
            id: id, timestampMs: ms, route: route, provider: route == "messages" ? "anthropic-sim" : "openai-sim", requestedModel: model,
            servedModel: model, stream: false, status: .ok, httpStatus: 200, usage: usage,
            attribution: Attribution(keyID: "k", org: "acme", team: team, app: "copilot", environment: "prod", costCenter: "CC-1", workflow: workflow)
        )
        LedgerPricer(catalog: catalog).price(&entry, priceModel: model)
        return entry
    }

    /// Exact decimal text → integer scaled by 10^digits (test-local, independent of Core's parser).
    static func scaled(_ text: String, _ digits: Int) -> Int128 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Int128(String(parts[0]))!
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        precondition(fraction.count <= digits)
        fraction += String(repeating: "0", count: digits - fraction.count)
        var scale: Int128 = 1
        for _ in 0..<digits { scale *= 10 }
        return whole * scale + (fraction.isEmpty ? 0 : Int128(fraction)!)
    }

    func export(_ entries: [LedgerEntry], catalog: PriceCatalog) -> (rows: [FocusRow], aggregator: FocusAggregator) {
        var aggregator = FocusAggregator()
        var rows: [FocusRow] = []
        for entry in entries {
            rows += aggregator.add(entry, repriced: catalog.cost(model: entry.servedModel, usage: entry.usage, at: entry.timestampMs / 1_000).cost)
        }
        rows += aggregator.finish()
        return (rows, aggregator)
    }

    @Test func periodsParseMonthQuarterAndDay() {
        #expect(ExportPeriod.parse("2026-10") == ExportPeriod(start: Self.day, end: Self.day + 31 * 86_400))
        #expect(ExportPeriod.parse("2026-12")?.end == CivilDate.unixSeconds("2027-01-01"))
        #expect(ExportPeriod.parse("2026-Q4") == ExportPeriod(start: Self.day - 0, end: CivilDate.unixSeconds("2027-01-01")!))
        #expect(ExportPeriod.parse("2026-Q1")?.start == CivilDate.unixSeconds("2026-01-01"))
        #expect(ExportPeriod.parse("2026-10-05") == ExportPeriod(start: Self.day + 4 * 86_400, end: Self.day + 5 * 86_400))
        for bad in ["2026", "2026-13", "2026-Q5", "2026-10-32", "26-10", "2026-1", ""] {
            #expect(ExportPeriod.parse(bad) == nil, "\(bad)")
        }
        #expect(ExportPeriod.month(containing: Self.day + 40 * 86_400).start == CivilDate.unixSeconds("2026-11-01"))
    }

    @Test func billedCostSumsToLedgerTotalToTheNano() throws {
        let catalog = try Self.catalog()
        var entries: [LedgerEntry] = []
        for i in 0..<300 {
            let model = i % 3 == 0 ? "claude-sonnet-4-5" : "gpt-4o-mini"
            let usage = TokenUsage(
                inputUncached: Int64(101 + i * 7), cacheRead: Int64(i % 5 * 333), cacheWrite5m: model.hasPrefix("claude") ? Int64(i % 4 * 17) : 0,
                output: Int64(13 + i * 3))
            entries.append(
                Self.entry(
                    "e\(i)", at: (Self.day + Int64(i) * 9_000) * 1_000, model: model,
                    route: model.hasPrefix("claude") ? "messages" : "chat.completions",
                    usage: usage, team: ["support", "legal", nil][i % 3], catalog: catalog))
        }
        let (rows, aggregator) = export(entries, catalog: catalog)
        let ledgerTotal = entries.reduce(Int64(0)) { $0 + ($1.costNanoUSD ?? 0) }
        #expect(rows.reduce(Int64(0)) { $0 + $1.billedNanoUSD } == ledgerTotal)
        #expect(aggregator.totalNanoUSD == ledgerTotal)
        #expect(aggregator.derivedEntryCount == 0)
        let tokens = entries.reduce(Int64(0)) { $0 + $1.usage.total }
        #expect(rows.reduce(Int64(0)) { $0 + $1.tokens } == tokens)
        // Sum of billed cost rendered as text is the same amount.
        let textTotal = rows.reduce(Int128(0)) { $0 + Self.scaled($1.billedCost, 9) }
        #expect(textTotal == Int128(ledgerTotal))
        // The entries span 32 days: one charge period per day, all rows priced.
        #expect(Set(rows.map(\.chargePeriodStart)).count == 32)
        #expect(rows.allSatisfy { $0.isPriced && $0.priceSource == .catalog })
    }

    @Test func costInvariantsHoldExactlyOnEveryRow() throws {
        let catalog = try Self.catalog()
        var entries: [LedgerEntry] = []
        for i in 0..<50 {
            let n = Int64(i)
            let usage = TokenUsage(inputUncached: 7 + n, cacheRead: n * 11, cacheWrite5m: n % 3 * 5, output: 3 + n)
            let at: Int64 = (Self.day + n * 1_000) * 1_000
            entries.append(Self.entry("e\(i)", at: at, model: "claude-sonnet-4-5", route: "messages", usage: usage, catalog: catalog))
        }
        let (rows, _) = export(entries, catalog: catalog)
        #expect(!rows.isEmpty)
        for row in rows {
            let cells = Dictionary(uniqueKeysWithValues: zip(FocusRow.columns, row.cells))
            let unit = Self.scaled(try #require(cells["ListUnitPrice"] ?? nil), 19)
            let quantity = Self.scaled(try #require(cells["PricingQuantity"] ?? nil), 6)
            let listCost = Self.scaled(try #require(cells["ListCost"] ?? nil), 25)
            #expect(unit * quantity == listCost, "ListCost = ListUnitPrice × PricingQuantity")
            #expect(cells["ContractedCost"] == cells["ListCost"])
            #expect(cells["ContractedUnitPrice"] == cells["ListUnitPrice"])
            #expect(cells["EffectiveCost"] == cells["BilledCost"])
            #expect(cells["BillingCurrency"] == "USD")
            #expect(cells["ServiceCategory"] == "AI and Machine Learning")
            #expect(cells["ChargeCategory"] == "Usage")
            #expect(cells["PricingUnit"] == "1000000 Tokens")
            #expect(cells["ConsumedQuantity"] == String(row.tokens) + ".0")
            #expect(cells["PricingCurrency"] == "USD" && cells["PricingCurrencyListUnitPrice"] == cells["ListUnitPrice"])
            #expect(cells["PricingCurrencyEffectiveCost"] == cells["EffectiveCost"])
            #expect(cells["SkuMeter"] == row.tokenType.meter)
            // Billed cost differs from list cost only by the ledger's per-call rounding (< 1 nano-USD per call).
            let billed25 = Self.scaled(row.billedCost, 25)
            let tolerance = Int128(row.entryCount) * 10_000_000_000_000_000
            #expect(abs(billed25 - listCost) <= tolerance)
        }
        let cacheRead = try #require(rows.first { $0.tokenType == FocusTokenType.cachedInput })
        #expect(cacheRead.listUnitPrice == "0.3")
        #expect(cacheRead.skuPriceID == "anthropic/claude-sonnet-4-5:cached_input")
        #expect(rows.contains { $0.tokenType == FocusTokenType.cacheWrite5m && $0.listUnitPrice == "3.75" })
    }

    @Test func unpricedUsageIsNotZeroCostUsage() throws {
        let catalog = try Self.catalog()
        let unknown = Self.entry(
            "u1", at: Self.day * 1_000, model: "mystery-model", usage: TokenUsage(inputUncached: 40, output: 9), catalog: catalog)
        #expect(unknown.pricing == .unpriced && unknown.costNanoUSD == nil)
        let (rows, aggregator) = export([unknown], catalog: catalog)
        #expect(rows.count == 2)
        #expect(aggregator.unpricedEntryCount == 1 && aggregator.unpricedTokens == 49)
        for row in rows {
            let cells = Dictionary(uniqueKeysWithValues: zip(FocusRow.columns, row.cells))
            #expect(cells["ChargeCategory"] == "Adjustment")
            #expect(cells["ListUnitPrice"]! == nil && cells["SkuPriceId"]! == nil && cells["PricingCategory"]! == nil)
            #expect(cells["ConsumedQuantity"]! == nil)
            #expect(cells["BilledCost"] == "0.0" && cells["ListCost"] == "0.0" && cells["EffectiveCost"] == "0.0")
            #expect(cells["SkuMeter"] != nil && cells["SkuId"] == "openai/mystery-model")
            #expect(cells["x_PricingStatus"] == "unpriced" && cells["x_Unpriced"] == "true")
            #expect(cells["ChargeDescription"]??.contains("unknown (not zero)") == true)
        }
        #expect(rows.map(\.tokens).sorted() == [9, 40])
    }

    @Test func rowsStreamOneDayAtATime() throws {
        let catalog = try Self.catalog()
        var aggregator = FocusAggregator()
        let usage = TokenUsage(inputUncached: 100, output: 10)
        let first = Self.entry("a", at: Self.day * 1_000, model: "gpt-4o-mini", usage: usage, catalog: catalog)
        let second = Self.entry("b", at: (Self.day + 3_600) * 1_000, model: "gpt-4o-mini", usage: usage, catalog: catalog)
        let nextDay = Self.entry("c", at: (Self.day + 86_400) * 1_000, model: "gpt-4o-mini", usage: usage, catalog: catalog)
        #expect(aggregator.add(first, repriced: catalog.cost(model: "gpt-4o-mini", usage: usage, at: Self.day).cost).isEmpty)
        #expect(aggregator.add(second, repriced: catalog.cost(model: "gpt-4o-mini", usage: usage, at: Self.day).cost).isEmpty)
        let dayOne = aggregator.add(nextDay, repriced: catalog.cost(model: "gpt-4o-mini", usage: usage, at: Self.day + 86_400).cost)
        #expect(dayOne.count == 2)
        #expect(dayOne.allSatisfy { $0.chargePeriodStart == Self.day && $0.entryCount == 2 })
        #expect(dayOne.first { $0.tokenType == .input }?.tokens == 200)
        let dayTwo = aggregator.finish()
        #expect(dayTwo.count == 2 && dayTwo.allSatisfy { $0.chargePeriodStart == Self.day + 86_400 })
    }

    @Test func unreproducibleEntriesKeepLedgerCostWithDerivedPrice() throws {
        let catalog = try Self.catalog()
        let entry = Self.entry("d", at: Self.day * 1_000, model: "gpt-4o-mini", usage: TokenUsage(inputUncached: 333, output: 77), catalog: catalog)
        let (rows, aggregator) = export([entry], catalog: PriceCatalog(prices: [], version: "empty"))
        #expect(aggregator.derivedEntryCount == 1)
        #expect(rows.reduce(Int64(0)) { $0 + $1.billedNanoUSD } == entry.costNanoUSD)
        #expect(rows.allSatisfy { $0.priceSource == .derived && $0.isPriced })
        for row in rows {
            #expect(Self.scaled(row.listUnitPrice!, 19) * Self.scaled(row.pricingQuantity, 6) == Self.scaled(row.listCost, 25))
        }
    }

    @Test func csvQuotesCellsAndKeepsColumnCount() throws {
        let catalog = try Self.catalog()
        let entry = Self.entry(
            "q", at: Self.day * 1_000, model: "gpt-4o-mini", usage: TokenUsage(inputUncached: 10), team: "a,\"b\"", catalog: catalog)
        let (rows, _) = export([entry], catalog: catalog)
        let row = try #require(rows.first)
        #expect(row.cells.count == FocusRow.columns.count)
        #expect(row.csvLine.contains(#""a,""b""""#))
        #expect(row.tagsJSON.contains(#""team":"a,\"b\"""#))
        #expect(FocusRow.csvHeader.hasPrefix("AvailabilityZone,BilledCost,"))
        #expect(FocusRow.columns.filter { !$0.hasPrefix("x_") }.count == 57)
    }
}
