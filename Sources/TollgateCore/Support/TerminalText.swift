/// Text made safe to print to a terminal: control, format (bidi overrides, zero-width) and line
/// separator characters are shown as `\u{…}` escapes, so caller-controlled names can neither clear
/// the screen, recolour it, forge a line, nor reorder what a reader sees.
public enum TerminalText {
    /// `text` with every invisible or controlling character escaped.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether a character controls or hides rather than shows: general categories Cc, Cf, Zl, Zp.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
