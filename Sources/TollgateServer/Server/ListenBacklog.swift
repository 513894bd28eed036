import Foundation

/// The kernel's caps on a listening socket's queues, which silently shorten `server.listen_backlog`.
public enum ListenBacklog {
    /// Linux's cap on any listen backlog (`net.core.somaxconn`), or nil where it cannot be read.
    public static var kernelCap: Int? { readInteger("/proc/sys/net/core/somaxconn") }

    /// Linux's cap on half-open (SYN received) connections (`net.ipv4.tcp_max_syn_backlog`), or nil.
    public static var synBacklogCap: Int? { readInteger("/proc/sys/net/ipv4/tcp_max_syn_backlog") }

    static func readInteger(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
