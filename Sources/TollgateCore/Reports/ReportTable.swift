/// A plain-text table fitted to a terminal width without cutting identifiers.
///
/// When the table is wider than the terminal, optional columns are hidden (last first) and named in a note
/// under the table; if it is still too wide, the widest left-aligned (name) columns wrap onto continuation
/// lines. Cells are never truncated, and with no width (output to a pipe or file) nothing is fitted.
public struct ReportTable: Sendable, Hashable {
    /// Cell alignment.
    public enum Alignment: Sendable, Hashable { case left, right }

    /// One column.
    public struct Column: Sendable, Hashable {
        /// Header text.
        public var title: String
        /// Alignment of its cells.
        public var alignment: Alignment
        /// Whether it may be hidden when the table is too wide (the full data is in `--json` / `--csv`).
        public var optional: Bool

        /// Creates a column.
        public init(_ title: String, _ alignment: Alignment, optional: Bool = false) {
            self.title = title
            self.alignment = alignment
            self.optional = optional
        }
    }

    /// The columns.
    public var columns: [Column]
    /// Body rows, one cell per column.
    public var rows: [[String]] = []
    /// A total row under a rule.
    public var footer: [String]?

    /// Creates a table.
    public init(columns: [Column], rows: [[String]] = [], footer: [String]? = nil) {
        self.columns = columns
        self.rows = rows
        self.footer = footer
    }

    /// The layout for `width` columns: which columns show and the width each is given (wider cells wrap).
    public struct Layout: Sendable, Hashable {
        /// Indices of the shown columns, in order.
        public var shown: [Int]
        /// Width of every column (hidden ones included).
        public var widths: [Int]
        /// Titles of the hidden columns.
        public var hidden: [String]
    }

    /// Plans the layout from the natural width of each column (its widest cell or title).
    public static func layout(columns: [Column], natural: [Int], width: Int?) -> Layout {
        var shown = Array(columns.indices)
        var widths = natural
        func total() -> Int { shown.reduce(0) { $0 + widths[$1] } + 2 * max(0, shown.count - 1) }
        guard let width else { return Layout(shown: shown, widths: widths, hidden: []) }
        var hidden: [String] = []
        while total() > width, let last = shown.last(where: { columns[$0].optional }) {
            shown.removeAll { $0 == last }
            hidden.insert(columns[last].title, at: 0)
        }
        let wrappable = shown.filter { columns[$0].alignment == .left }
        while total() > width {
            guard let widest = wrappable.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > max(8, columns[widest].title.count)
            else { break }
            widths[widest] -= 1
        }
        return Layout(shown: shown, widths: widths, hidden: hidden)
    }

    /// The table as text for a terminal `width` columns wide (nil: do not fit).
    public func render(width: Int?) -> String {
        let rows = rows.map { $0.map(TerminalText.visible) }
        let footer = footer.map { $0.map(TerminalText.visible) }
        var natural = columns.map(\.title.count)
        for row in rows + (footer.map { [$0] } ?? []) {
            for (i, cell) in row.enumerated() where i < natural.count { natural[i] = max(natural[i], cell.count) }
        }
        let plan = Self.layout(columns: columns, natural: natural, width: width)
        let rule = plan.shown.map { String(repeating: "─", count: plan.widths[$0]) }.joined(separator: "  ")
        var out = lines(columns.map(\.title), plan) + [rule]
        for row in rows { out += lines(row, plan) }
        if let footer { out += [rule] + lines(footer, plan) }
        if !plan.hidden.isEmpty {
            out.append("(not shown at this width: \(plan.hidden.joined(separator: ", ")); see --csv or --json, or set COLUMNS)")
        }
        return out.joined(separator: "\n")
    }

    /// One row as one or more lines: cells wider than their column wrap, the others are blank on continuation lines.
    func lines(_ cells: [String], _ plan: Layout) -> [String] {
        let pieces = plan.shown.map { i in Self.wrap(i < cells.count ? cells[i] : "", width: plan.widths[i]) }
        let height = pieces.map(\.count).max() ?? 1
        return (0..<height).map { lineIndex in
            var parts: [String] = []
            for (k, i) in plan.shown.enumerated() {
                let cell = lineIndex < pieces[k].count ? pieces[k][lineIndex] : ""
                let pad = String(repeating: " ", count: max(0, plan.widths[i] - cell.count))
                parts.append(columns[i].alignment == .right ? pad + cell : cell + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
    }

    /// `text` in pieces of at most `width` characters, broken after `-`, `_`, `/`, `.` or a space when one is near.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var out: [String] = []
        var rest = Substring(text)
        while rest.count > width {
            let head = rest.prefix(width)
            let breakAt = head.lastIndex(where: { "-_/. ".contains($0) }).map { head.index(after: $0) }
            let cut = breakAt.flatMap { head.distance(from: head.startIndex, to: $0) >= width / 2 ? $0 : nil } ?? head.endIndex
            out.append(String(rest[rest.startIndex..<cut]))
            rest = rest[cut...]
        }
        if !rest.isEmpty { out.append(String(rest)) }
        return out
    }
}
