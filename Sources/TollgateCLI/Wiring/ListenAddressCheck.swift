import ArgumentParser
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Says which address could not be listened on and how to move it, instead of a bare `bind(...)` error.
enum ListenAddressCheck {
    /// Fails with a clear message when `host:port` is already taken (0 is never taken).
    /// - Parameter flag: How the user moves it (`--port`, `--simulator-port`, `server.port`).
    static func requireFree(host: String, port: Int, flag: String) throws {
        guard port != 0, !isFree(host: host, port: port) else { return }
        throw inUse(host: host, port: port, flag: flag)
    }

    /// The message for an address in use, as an error that exits 1 (a start-up failure, not a usage error).
    static func inUse(host: String, port: Int, flag: String) -> StartUpError {
        StartUpError(
            "cannot listen on \(host):\(port): the address is already in use. Choose another with \(flag), or stop the program that holds it.")
    }

    /// Whether a bind error is "address in use".
    static func isAddressInUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }

    /// Whether a TCP socket could bind `host:port` now (IPv4 literal or `localhost`; other hosts are not checked).
    static func isFree(host: String, port: Int) -> Bool {
        let literal = host == "localhost" ? "127.0.0.1" : host
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, literal, &address.sin_addr) == 1 else { return true }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}

/// A failure to start that is not the command line's fault: printed as `Error: …`, exit status 1, no usage hint.
struct StartUpError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
