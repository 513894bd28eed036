import TollgateCore

/// A plain-text table for the terminal: right-aligned numbers, a rule under the header, fitted to the
/// terminal's width by ``ReportTable`` (optional columns hide, long names wrap; nothing is cut).
struct TextTable {
    typealias Alignment = ReportTable.Alignment

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []
    var footer: [String]?
    /// Titles of the columns that may be hidden when the terminal is too narrow.
    var optional: Set<String> = []

    /// The table for `width` columns; by default the terminal's (``TerminalWidth/current()``), unfitted in a pipe.
    func render(width: Int? = TerminalWidth.current()) -> String {
        ReportTable(
            columns: columns.map { ReportTable.Column($0.title, $0.alignment, optional: optional.contains($0.title)) }, rows: rows,
            footer: footer
        ).render(width: width)
    }

    /// The same table: fitting to the terminal happens in ``render(width:)``.
    func fitted() -> TextTable { self }
}

/// CSV with RFC 4180 quoting and spreadsheet formulas neutralised.
enum CSV {
    static func line(_ cells: [String]) -> String {
        CSVText.line(cells)
    }
}

/// Number formatting for tables.
enum Format {
    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        KPIReport.grouped(value)
    }

    /// Nano-USD as dollars with 4 decimals (exact values are in --json/--csv): `$12.3457`.
    static func dollars(_ nano: Int64) -> String {
        let rounded = (nano + (nano >= 0 ? 50_000 : -50_000)) / 100_000
        let whole = rounded / 10_000
        let fraction = String(rounded.magnitude % 10_000)
        return "$" + grouped(whole) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    /// Dollars for report tables: cents from $1 up, three significant digits below (``ReportText/dollars(_:)``).
    static func money(_ nano: Int64) -> String {
        ReportText.dollars(nano)
    }
}
