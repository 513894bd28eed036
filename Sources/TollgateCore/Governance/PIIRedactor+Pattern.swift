extension PIIRedactor {
    /// A configured pattern of personal data, such as an employee or customer number.
    ///
    /// Matches are replaced by `[REDACTED_<NAME>]` (the name upper-cased) and counted under
    /// ``name``. The regular expression uses Swift `Regex` syntax and runs on every string
    /// value of a body, so it costs far more than the built-in detectors.
    public struct Pattern: Sendable {
        /// The pattern's name: the counts key, and upper-cased in the replacement text.
        public var name: String
        let regex: CompiledRegex

        /// Compiles a pattern.
        /// - Parameters:
        ///   - name: The counts key; must not be empty.
        ///   - regex: A Swift `Regex` expression, for example `EMP-[0-9]{6}`.
        /// - Throws: ``PatternError`` when the name is empty, the expression does not compile,
        ///   or it matches the empty string.
        public init(name: String, regex: String) throws(PatternError) {
            guard !name.isEmpty else { throw PatternError("a custom PII pattern needs a name (regex \(regex))") }
            let compiled: Regex<AnyRegexOutput>
            do {
                compiled = try Regex(regex)
            } catch {
                throw PatternError("custom PII pattern '\(name)': invalid regular expression \(regex): \(error)")
            }
            if (try? compiled.wholeMatch(in: "")) != nil {
                throw PatternError("custom PII pattern '\(name)': the regular expression \(regex) matches the empty string")
            }
            self.name = name
            self.regex = CompiledRegex(regex: compiled)
        }

        var replacement: String { "[REDACTED_\(name.uppercased())]" }

        /// The UTF-8 byte ranges of the non-empty matches in `text`.
        func ranges(in text: String) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            let utf8 = text.utf8
            for match in text.matches(of: regex.regex) where !match.range.isEmpty {
                let lower = utf8.distance(from: utf8.startIndex, to: match.range.lowerBound)
                let upper = lower + utf8.distance(from: match.range.lowerBound, to: match.range.upperBound)
                ranges.append(lower..<upper)
            }
            return ranges
        }
    }

    /// A compiled regular expression shared between threads.
    ///
    /// `Regex` is not declared `Sendable` because its output type may not be, but a compiled
    /// `Regex<AnyRegexOutput>` is immutable (its lowered program is created once, atomically),
    /// and matching does not mutate it.
    struct CompiledRegex: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }

    /// A custom pattern that cannot be used: an empty name or a bad regular expression.
    public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, naming the pattern and quoting its expression.
        public let message: String

        init(_ message: String) { self.message = message }

        /// The error text.
        public var description: String { message }
    }
}
