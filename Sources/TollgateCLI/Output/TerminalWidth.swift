import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The width report tables are fitted to.
enum TerminalWidth {
    /// `COLUMNS` when set to a positive number; else the terminal's width (TIOCGWINSZ) when standard output is
    /// a terminal, 100 if it cannot be read; nil when output goes to a pipe or file, so nothing is fitted.
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }
}
