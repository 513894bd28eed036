import Testing
import TollgateCore

@testable import TollgateStore

/// Every dimension a report, a budget scope or an outcome grouping names reads a real ledger column:
/// the attribution dimensions through ``Attribution/Dimension/column``, the rest through their own cases.
@Suite struct DimensionColumnTests {
    @Test func everyAttributionDimensionIsALedgerColumn() {
        for dimension in Attribution.Dimension.allCases {
            #expect(LedgerDatabase.columns.contains(dimension.column), "\(dimension)")
        }
    }

    @Test func everyScopeDimensionReadsALedgerColumn() {
        for dimension in GovernanceScope.Dimension.allCases {
            #expect(LedgerDatabase.columns.contains(LedgerDatabase.column(dimension)), "\(dimension)")
        }
    }

    @Test func everyOutcomeGroupingReadsALedgerColumn() {
        for dimension in ReportDimension.allCases {
            #expect(LedgerDatabase.columns.contains(LedgerDatabase.ledgerColumn(dimension)), "\(dimension)")
        }
    }

    @Test func everySpendGroupingReadsALedgerColumnOrItsTimeGrain() {
        for dimension in SpendDimension.allCases where dimension.grain == nil && dimension != .model {
            #expect(LedgerDatabase.columns.contains(dimension.column), "\(dimension)")
        }
        #expect(SpendDimension.model.column == "COALESCE(NULLIF(routedFrom, ''), requestedModel)")
    }
}
