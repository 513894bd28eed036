import Foundation
import TollgateCore
import Yams

extension ConfigurationLoader {
    /// `${NAME}` and `${NAME:-default}` replaced; comment lines are left alone.
    struct Interpolation {
        /// An unset variable without a default, and the line of its reference.
        struct Missing {
            var name: String
            var line: Int
            var column: Int
        }

        /// The text with every reference replaced (an unset one without default by ``placeholder(_:)``).
        var text = ""
        /// The unset variables without a default, in the order of the file.
        var missing: [Missing] = []

        /// What an unset variable without a default becomes: a string long enough for any secret.
        static func placeholder(_ name: String) -> String { "unset-environment-variable-\(name)" }

        init(_ source: String, environment: [String: String]) {
            for (number, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if number > 0 { text += "\n" }
                let lineStart = text.unicodeScalars.count
                if line.drop(while: { $0 == " " }).hasPrefix("#") {
                    text += line
                    continue
                }
                var rest = Substring(line)
                while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
                    text += rest[..<open.lowerBound]
                    let parts = rest[open.upperBound..<close].split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
                    let name = String(parts[0])
                    if let value = environment[name], !value.isEmpty {
                        text += value
                    } else if parts.count == 2 {
                        text += parts[1]
                    } else {
                        let column = text.unicodeScalars.count - lineStart + 1
                        text += Self.placeholder(name)
                        missing.append(Missing(name: name, line: number + 1, column: column))
                    }
                    rest = rest[rest.index(after: close)...]
                }
                text += rest
            }
        }
    }

    /// The line of each key path of a YAML document.
    struct YAMLLines {
        private(set) var marks: [String: Mark] = [:]

        init(_ node: Node) { walk(node, path: "") }

        private mutating func walk(_ node: Node, path: String) {
            if marks[path] == nil, let mark = node.mark { marks[path] = mark }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    let child = path.isEmpty ? (key.string ?? "") : path + "." + (key.string ?? "")
                    if let mark = key.mark { marks[child] = mark }
                    walk(value, path: child)
                }
            case .sequence(let sequence):
                for (index, item) in sequence.enumerated() { walk(item, path: "\(path)[\(index)]") }
            default:
                break
            }
        }

        /// The line of `path`, or of its nearest ancestor in the file (a missing key: its object's line).
        func line(of path: String) -> Int? {
            var path = path
            while true {
                if let mark = marks[path] { return mark.line }
                guard !path.isEmpty else { return nil }
                path = Self.parent(path)
            }
        }

        /// The key path whose value is written at `line`, `column`: the nearest key before it on the line.
        func path(line: Int, column: Int) -> String? {
            let before = marks.filter { $0.value.line == line && $0.value.column <= column }
            return before.max { l, r in l.value.column != r.value.column ? l.value.column < r.value.column : l.key.count < r.key.count }?.key
        }

        static func parent(_ path: String) -> String {
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
            return String(path[..<cut])
        }
    }

    /// Problems of one file, each with its line, in the order of the file.
    struct IssueReport {
        let origin: String
        let index: YAMLLines
        private var issues: [(line: Int?, issue: ConfigurationError.Issue)] = []
        /// Paths already explained by a problem; later problems at, above or below them are its consequences.
        private var explained: [String] = []

        init(origin: String, lines: YAMLLines) {
            self.origin = origin
            self.index = lines
        }

        var isEmpty: Bool { issues.isEmpty }

        /// An unset environment variable referenced at `line`, `column`.
        mutating func add(variable name: String, line: Int, column: Int) {
            let path = index.path(line: line, column: column) ?? ""
            let issue = ConfigurationError.Issue(
                path: path, message: "environment variable \(name) is not set (write ${\(name):-default} for a default)")
            issues.append((line, issue))
            if !path.isEmpty { explained.append(path) }
        }

        /// Problems found in decoding (each stands on its own).
        mutating func add(_ found: [ConfigurationError.Issue]) {
            let fresh = found.filter { !isExplained($0.path) }
            for issue in fresh { issues.append((index.line(of: issue.path), issue)) }
            explained += fresh.map(\.path)
        }

        /// Problems found in validating what was decoded: those on a path a decoding problem already
        /// covers are left out (they only echo the default put in its place).
        mutating func add(consequent found: [ConfigurationError.Issue]) {
            for issue in found where !isExplained(issue.path) && !issues.contains(where: { $0.issue == issue }) {
                issues.append((index.line(of: issue.path), issue))
            }
        }

        private func isExplained(_ path: String) -> Bool {
            explained.contains { Self.overlap($0, path) }
        }

        static func overlap(_ a: String, _ b: String) -> Bool {
            func below(_ child: String, _ parent: String) -> Bool {
                parent.isEmpty || child == parent
                    || (child.hasPrefix(parent) && [".", "["].contains(child[child.index(child.startIndex, offsetBy: parent.count)]))
            }
            return below(a, b) || below(b, a)
        }

        /// The printed lines: `file:line: key.path: message`.
        func printed(prefix: String = "") -> [String] {
            let ordered = issues.enumerated().sorted { l, r in
                switch (l.element.line, r.element.line) {
                case (let a?, let b?) where a != b: a < b
                case (nil, _?): false
                case (_?, nil): true
                default: l.offset < r.offset
                }
            }
            return ordered.map { item in
                let entry = item.element
                let location = entry.line.map { "\(origin):\($0):" } ?? "\(origin):"
                let path = entry.issue.path.isEmpty ? "" : " \(entry.issue.path):"
                return "\(location)\(path) \(prefix)\(entry.issue.message)"
            }
        }
    }
}
