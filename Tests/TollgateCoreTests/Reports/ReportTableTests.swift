import Foundation
import Testing
import TollgateCore

/// Tables fit the terminal without cutting identifiers: optional columns hide first, then names wrap.
@Suite struct ReportTableTests {
    static let table = ReportTable(
        columns: [.init("model", .left), .init("calls", .right), .init("cost", .right), .init("est.", .right, optional: true)],
        rows: [["text-embedding-3-small", "1,204", "$0.0120", "3"], ["sales-research-agent-with-a-long-name", "12", "$4.20", "0"]],
        footer: ["total", "1,216", "$4.21", "3"])

    @Test func withoutAWidthNothingIsFittedOrCut() {
        let text = Self.table.render(width: nil)
        #expect(text.contains("text-embedding-3-small"))
        #expect(text.contains("sales-research-agent-with-a-long-name"))
        #expect(!text.contains("…"))
        #expect(text.split(separator: "\n").first.map(String.init) == "model" + String(repeating: " ", count: 34) + "calls     cost  est.")
    }

    @Test func aWideEnoughTerminalShowsTheTableAsIs() {
        #expect(Self.table.render(width: 200) == Self.table.render(width: nil))
    }

    @Test func optionalColumnsHideFirstAndAreNamed() {
        let text = Self.table.render(width: 53)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "model" + String(repeating: " ", count: 34) + "calls     cost")
        #expect(lines.last == "(not shown at this width: est.; see --csv or --json, or set COLUMNS)")
        #expect(lines.dropLast().allSatisfy { $0.count <= 53 })
        #expect(text.contains("sales-research-agent-with-a-long-name"))
    }

    @Test func namesWrapOntoContinuationLinesRatherThanBeingCut() {
        let text = Self.table.render(width: 30)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.dropLast().allSatisfy { $0.count <= 30 }, "\(lines)")
        #expect(!text.contains("…"))
        // The pieces of each name, read top to bottom, give the whole name.
        let names = lines.dropFirst(2).prefix(while: { !$0.hasPrefix("─") }).map { String($0.prefix(14)).trimmingCharacters(in: .whitespaces) }
        #expect(names.joined() == "text-embedding-3-small" + "sales-research-agent-with-a-long-name")
        #expect(lines[2].hasSuffix("1,204  $0.0120"))
    }

    @Test func layoutIsAPureFunctionOfTheNaturalWidths() {
        let columns: [ReportTable.Column] = [.init("team", .left), .init("tier", .left, optional: true), .init("cost", .right)]
        let wide = ReportTable.layout(columns: columns, natural: [20, 10, 8], width: 80)
        #expect(wide.shown == [0, 1, 2] && wide.widths == [20, 10, 8] && wide.hidden.isEmpty)
        let narrow = ReportTable.layout(columns: columns, natural: [20, 10, 8], width: 28)
        #expect(narrow.shown == [0, 2] && narrow.widths[0] == 18 && narrow.hidden == ["tier"])
        // Never narrower than eight characters or the title: the table overflows instead of cutting more.
        let tiny = ReportTable.layout(columns: columns, natural: [20, 10, 8], width: 5)
        #expect(tiny.widths[0] == 8)
    }

    @Test func wrapBreaksAfterSeparatorsWhenOneIsNear() {
        #expect(ReportTable.wrap("text-embedding-3-small", width: 10) == ["text-", "embedding-", "3-small"])
        #expect(ReportTable.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
        #expect(ReportTable.wrap("short", width: 10) == ["short"])
    }
}
