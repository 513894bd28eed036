import ArgumentParser

/// The `tollgate` command.

struct TollgateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tollgate",
        abstract: "An AI FinOps gateway and cost ledger: meter, price and attribute every LLM call.",
        subcommands: [
            Serve.self, Demo.self, Simulate.self, LedgerCommand.self, ReportCommand.self, PricesCommand.self,
            ConfigCommand.self, ExportCommand.self, OutcomesCommand.self, PolicyCommand.self, KeysCommand.self, KillSwitchCommand.self,
            BudgetsCommand.self, BenchLedger.self, BenchReports.self, BenchCache.self, RouterCommand.self,
        ]
    )
}
