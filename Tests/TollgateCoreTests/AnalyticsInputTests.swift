import Testing
import TollgateCore

@Suite struct AnalyticsInputTests {
    static let now: Int64 = 1_800_000_000_000

    func parse(_ json: String) throws(OutcomeInputError) -> [Outcome] {
        try Outcome.parseSubmission(Array(json.utf8), receivedAtMs: Self.now)
    }

    func error(_ json: String) -> OutcomeInputError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func aSingleOutcomeIsParsedWithExactValueAndAllFields() throws {
        let o = try parse(
            #"{"id":"o1","request_id":"tg_1","trace_id":"t1","workflow":"refunds","outcome":"ticket_resolved","status":"success","value_usd":0.1,"quality":0.75,"human_reviewed":true,"occurred_at":"2026-10-05T14:30:00.250+02:00"}"#
        )
        #expect(o.count == 1)
        #expect(o[0].valueNanoUSD == 100_000_000)
        #expect(o[0].quality == 0.75 && o[0].humanReviewed == true && o[0].status == .success)
        #expect(o[0].occurredAtMs == (CivilDate.unixSeconds("2026-10-05T12:30:00Z")! * 1_000 + 250))
        #expect(o[0].receivedAtMs == Self.now)
    }

    @Test func valuesAreExactWhetherStringsOrNumbers() throws {
        for (literal, nano) in [
            ("\"12.345678901\"", Int64(12_345_678_901)), ("1e-9", 1), ("\"0.000000001\"", 1), ("92233720.368547758", 92_233_720_368_547_758),
            ("0", 0),
        ] {
            let o = try parse(#"{"id":"x","request_id":"r","workflow":"w","outcome":"o","status":"success","value_usd":\#(literal)}"#)
            #expect(o[0].valueNanoUSD == nano, "\(literal)")
        }
    }

    @Test func aBatchIsParsedAndDefaultsOccurredAtToReceipt() throws {
        let o = try parse(
            #"{"outcomes":[{"id":"a","trace_id":"t","workflow":"w","outcome":"o","status":"partial"},{"id":"b","request_id":"r","workflow":"w","outcome":"o","status":"failure","occurred_at":1790000000.5}]}"#
        )
        #expect(o.map(\.id) == ["a", "b"])
        #expect(o[0].occurredAtMs == Self.now)
        #expect(o[1].occurredAtMs == 1_790_000_000_500)
    }

    @Test(arguments: [
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","quality":1.5}"#, "quality", "between 0 and 1"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","value_usd":"abc"}"#, "value_usd", "not a decimal"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","value_usd":"0.0000000001"}"#, "value_usd", "9 decimal places"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","value_usd":-1}"#, "value_usd", "negative"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"done"}"#, "status", "success, failure, partial"),
        (#"{"id":"a","request_id":"r","outcome":"o","status":"success"}"#, "workflow", "required"),
        (#"{"id":"a","workflow":"w","outcome":"o","status":"success"}"#, "request_id", "trace_id"),
        (#"{"request_id":"r","workflow":"w","outcome":"o","status":"success"}"#, "id", "required"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","colour":"red"}"#, "colour", "unknown field"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","occurred_at":"yesterday"}"#, "occurred_at", "RFC 3339"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","occurred_at":1790000000000}"#, "occurred_at", "milliseconds"),
        (#"{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success","human_reviewed":"yes"}"#, "human_reviewed", "boolean"),
        (#"{"id":7,"request_id":"r","workflow":"w","outcome":"o","status":"success"}"#, "id", "must be a string"),
    ])
    func invalidFieldsAreNamedWithWhatWasWrong(json: String, field: String, words: String) throws {
        let e = try #require(error(json))
        #expect(e.field == field)
        #expect(e.location == field)
        #expect(e.message.contains(words), "\(e)")
    }

    @Test func batchErrorsCarryTheItemPath() throws {
        let e = try #require(
            error(
                #"{"outcomes":[{"id":"a","request_id":"r","workflow":"w","outcome":"o","status":"success"},{"id":"b","request_id":"r","workflow":"w","outcome":"o","status":"success","quality":-0.1}]}"#
            ))
        #expect(e.location == "outcomes[1].quality")
        #expect(try #require(error(#"{"outcomes":[]}"#)).location == "outcomes")
        #expect(try #require(error(#"{"outcomes":{}}"#)).message.contains("array"))
        #expect(try #require(error(#"{"outcomes":[1]}"#)).location == "outcomes[0]")
        #expect(try #require(error(#"[1,2]"#)).message.contains("JSON object"))
        #expect(try #require(error(#"{"id": "a",}"#)).message.contains("not valid JSON"))
        #expect(try #require(error("")).message.contains("not valid JSON"))
    }

    @Test func csvImportsWithQuotingAndReportsLineNumbers() throws {
        let csv = #"""
            id,request_id,workflow,outcome,status,value_usd,quality,human_reviewed,occurred_at
            a,r1,refunds,"resolved, fully",success,12.5,0.9,yes,2026-10-05T10:00:00Z
            b,r2,refunds,"said ""no""",failure,,,,1790000000

            """#
        let o = try Outcome.parseCSV(Array(csv.utf8), receivedAtMs: Self.now)
        #expect(o.count == 2)
        #expect(o[0].name == "resolved, fully" && o[0].valueNanoUSD == 12_500_000_000 && o[0].humanReviewed == true)
        #expect(o[1].name == #"said "no""# && o[1].valueNanoUSD == nil && o[1].occurredAtMs == 1_790_000_000_000)

        func csvError(_ text: String) -> String {
            do {
                _ = try Outcome.parseCSV(Array(text.utf8), receivedAtMs: Self.now)
                return "no error"
            } catch {
                return error.description
            }
        }
        let header = "id,request_id,workflow,outcome,status,quality\n"
        #expect(csvError(header + "a,r,w,o,success,0.5\nb,r,w,o,success,2\n").hasPrefix("line 3, column quality: must be between 0 and 1"))
        #expect(csvError(header + "a,r,w,o,success\n").hasPrefix("line 2: has 5 cells"))
        #expect(csvError("id,request_id,workflow,outcome,status,colour\n").contains("unknown column 'colour'"))
        #expect(csvError("id,request_id,outcome,status\n").contains("no 'workflow' column"))
        #expect(csvError(header + "a,r,\"w,x\",o,success,0.5\nb,r,w,o,maybe,0.5\n").hasPrefix("line 3, column status"))
        // A name that would forge a line in a terminal report is refused where it starts.
        #expect(csvError(header + "a,r,\"w\nFAKE LINE\",o,success,0.5\n").hasPrefix("line 2, column workflow: contains a control"))
        #expect(csvError(header + "a,r,w,o,success,0.5\na,r,w,o,failure,0.5\n").contains("appears earlier in the file with a different status"))
        #expect(csvError(header + "a,r,\"w,o,success,0.5\n").contains("never closed"))
        #expect(csvError("").contains("empty"))
    }

    @Test func periodsParseAndThePreviousPeriodHasTheSameLength() throws {
        let october = try ReportPeriod.parse("2026-10")
        #expect(october.startMs == CivilDate.unixSeconds("2026-10-01")! * 1_000)
        #expect(october.endMs == CivilDate.unixSeconds("2026-11-01")! * 1_000)
        #expect(october.previous.endMs == october.startMs && october.previous.endMs - october.previous.startMs == october.endMs - october.startMs)
        let q4 = try ReportPeriod.parse("2026-Q4")
        #expect(q4.startMs == october.startMs && q4.endMs == CivilDate.unixSeconds("2027-01-01")! * 1_000)
        let day = try ReportPeriod.parse("2026-10-05")
        #expect(day.endMs - day.startMs == 86_400_000 && day.hours == 24)
        let range = try ReportPeriod.parse(period: nil, since: "2026-10-01", until: "2026-10-15", nowMs: Self.now)
        #expect(range.hours == 14 * 24)
        for bad in ["2026-13", "2026-Q5", "2026-10-32", "26-10", "2026", "2026-10-05x"] {
            #expect(throws: ReportError.self, "\(bad)") { try ReportPeriod.parse(bad) }
        }
        #expect(throws: ReportError.self) { try ReportPeriod.parse(period: "2026-10", since: "2026-10-01", until: nil, nowMs: Self.now) }
        #expect(throws: ReportError.self) { try ReportPeriod.parse(period: nil, since: "2026-10-15", until: "2026-10-01", nowMs: Self.now) }
    }

    @Test func rfc3339AcceptsOffsetsAndFractionsAndRejectsTheRest() {
        #expect(RFC3339.parseMs("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.parseMs("1970-01-01T01:00:00+01:00") == 0)
        #expect(RFC3339.parseMs("1970-01-01 00:00:01.123456z") == 1_123)
        #expect(RFC3339.parseMs("1970-01-01T00:00:00") == nil)
        #expect(RFC3339.parseMs("1970-01-01T24:00:00Z") == nil)
        #expect(RFC3339.parseMs("1970-02-30T00:00:00Z") == nil)
    }

    @Test func unitMetricsFollowTheirFormulas() {
        var outcomes = OutcomeTotals()
        try? outcomes.add(
            Outcome(
                id: "1", requestID: "r", workflow: "w", name: "n", status: .success, valueNanoUSD: 3_000_000_000, quality: 0.5, occurredAtMs: 0,
                receivedAtMs: 0))
        try? outcomes.add(Outcome(id: "2", requestID: "r", workflow: "w", name: "n", status: .success, occurredAtMs: 0, receivedAtMs: 0))
        try? outcomes.add(
            Outcome(id: "3", requestID: "r", workflow: "w", name: "n", status: .partial, quality: 0.8, occurredAtMs: 0, receivedAtMs: 0))
        try? outcomes.add(Outcome(id: "4", requestID: "r", workflow: "w", name: "n", status: .failure, occurredAtMs: 0, receivedAtMs: 0))
        let spend = SpendMeasures(calls: 3, inputUncached: 600_000, output: 400_000, costNanoUSD: 1_000_000_001, inputCostNanoUSD: 250_000_000)
        let m = UnitMetrics.compute(spend: spend, outcomes: outcomes, hours: 10)
        #expect(m.costPerCallNanoUSD == 333_333_334)
        #expect(m.costPerSuccessNanoUSD == 500_000_001)  // 500_000_000.5 rounds half up
        #expect(m.costPerOutcomeNanoUSD == 250_000_000)
        #expect(m.successRate == 0.5)
        #expect(abs(m.qualityAdjustedOutcomes - 1.9) < 1e-12)
        #expect(m.tokensPerDecision == 250_000)
        #expect(m.decisionThroughputPerHour == 0.2)
        #expect(abs(m.valuePerDollar! - 3_000_000_000.0 / 1_000_000_001.0) < 1e-12)
        #expect(m.inputShare == 250_000_000.0 / 1_000_000_001.0)
        #expect(abs(m.valueAdjustedThroughputIndex! - 3 * 0.2 / 1.0) < 1e-12)
        let none = UnitMetrics.compute(spend: SpendMeasures(), outcomes: OutcomeTotals(), hours: 1)
        #expect(none.costPerCallNanoUSD == nil && none.successRate == nil && none.costPerSuccessNanoUSD == nil && none.valuePerDollar == nil)
        #expect(UnitMetrics.trend(110, 100) == 0.1 && UnitMetrics.trend(1, 0) == nil)
    }

    @Test func kpisReportBudgetsAsNotApplicableAndJudgeTargets() {
        let spend = SpendMeasures(
            calls: 100, inputUncached: 800, cacheRead: 200, costNanoUSD: 1_000, inputCostNanoUSD: 600, unpricedCalls: 2,
            workflowTaggedCostNanoUSD: 960, fullyAttributedCalls: 94)
        var outcomes = OutcomeTotals()
        try? outcomes.add(Outcome(id: "1", requestID: "r", workflow: "w", name: "n", status: .success, occurredAtMs: 0, receivedAtMs: 0))
        let now = KPIReport.Inputs(spend: spend, outcomes: outcomes, hours: 24, cachedCalls: 25)
        var cheaper = spend
        cheaper.costNanoUSD = 2_000
        let before = KPIReport.Inputs(spend: cheaper, outcomes: outcomes, hours: 24)
        let results = Dictionary(uniqueKeysWithValues: KPIReport.evaluate(current: now, previous: before, targets: .init()).map { ($0.key, $0) })
        #expect(results["budget_variance"]?.status == .notApplicable && results["budget_variance"]?.value == "no budgets for this period")
        // With budgets: (Σ spent − Σ limit) ÷ Σ limit, and no counter over its limit.
        func variance(_ v: BudgetVariance) -> KPIResult? {
            KPIReport.evaluate(current: now, previous: before, targets: .init(), budgets: v).first { $0.key == "budget_variance" }
        }
        let close = variance(BudgetVariance(spentNanoUSD: 970, limitNanoUSD: 1_000, budgets: 2, overspent: 0))
        #expect(close?.status == .pass && close?.numeric == -0.03 && close?.value.contains("2 budgets, 0 over") == true)
        #expect(variance(BudgetVariance(spentNanoUSD: 900, limitNanoUSD: 1_000, budgets: 2, overspent: 0))?.status == .fail)
        #expect(variance(BudgetVariance(spentNanoUSD: 990, limitNanoUSD: 1_000, budgets: 2, overspent: 1))?.status == .fail)
        #expect(results["cost_per_successful_outcome"]?.status == .pass)  // halved
        #expect(results["attribution_coverage"]?.status == .pass)  // 96 %
        #expect(results["audit_completeness"]?.status == .fail)  // 94 %
        #expect(results["unpriced_calls"]?.status == .fail)
        #expect(results["cache_hit_rate"]?.numeric == 0.2 && results["cache_hit_rate"]?.status == .info)
        #expect(results["input_share"]?.numeric == 0.6)
        #expect(results["response_cache_hit_rate"]?.numeric == 0.25 && results["response_cache_hit_rate"]?.status == .info)
        #expect(
            KPIReport.evaluate(current: before, previous: before, targets: .init()).first { $0.key == "response_cache_hit_rate" }?.status
                == .notApplicable)
        #expect(results.count == 13)  // nine, value per dollar, tokens per decision, the human-review rate and the response cache
    }
}
