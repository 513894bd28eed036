import Foundation
import Synchronization
public import TollgateCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The admission log: an append-only file that makes each admission durable with one `write(2)`.
///
/// A written line survives the process being killed (the kernel owns it from then on), so an
/// admission costs a few microseconds on the request path instead of a database transaction.
/// Once the entries of every admission in a segment are committed to the ledger, the segment is
/// emptied (the active one) or deleted (a sealed one). On start-up, ``pending(in:)`` reads what a
/// crash left behind, and recovery turns each admission without an entry into an `interrupted` one.
///
/// Durability is against process crashes; a power loss may lose the last admissions, as it may
/// lose the last committed ledger transactions in WAL mode with `synchronous = NORMAL`.
public final class AdmissionLog: Sendable {
    private struct State {
        var fd: Int32
        var segment: Int
        var bytes: Int
        var outstanding: [Int: Int] = [:]
        var segmentOf: [String: Int] = [:]
    }

    /// The directory holding the segments.
    public let directory: String
    private let segmentLimit: Int
    private let state: Mutex<State>

    /// Opens a fresh log in `directory` (created if missing). Call ``pending(in:)`` and recover first:
    /// segments already there are left alone and new ones are numbered after them.
    public init(directory: String, segmentLimit: Int = 8 << 20) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let first = (Self.segments(in: directory).map(\.number).max() ?? 0) + 1
        let fd = try Self.open(directory: directory, segment: first)
        self.directory = directory
        self.segmentLimit = segmentLimit
        self.state = Mutex(State(fd: fd, segment: first, bytes: 0))
    }

    deinit {
        state.withLock { _ = close($0.fd) }
    }

    /// Appends an admission; when this returns, it survives a crash of this process.
    public func append(_ admission: Admission) throws {
        let line = Self.line(admission)
        try state.withLock { s in
            try line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(s.fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw AdmissionLogError(message: "cannot write the admission log: \(String(cString: strerror(errno)))")
                    }
                    offset += n
                }
            }
            s.bytes += line.count
            s.segmentOf[admission.id] = s.segment
            s.outstanding[s.segment, default: 0] += 1
            if s.bytes >= segmentLimit {
                let next = s.segment + 1
                let fd = try Self.open(directory: directory, segment: next)
                _ = close(s.fd)
                if s.outstanding[s.segment, default: 0] == 0 { unlink(Self.path(directory, s.segment)) }
                s.fd = fd
                s.segment = next
                s.bytes = 0
            }
        }
    }

    /// Marks admissions whose entries are committed; drained segments are emptied or deleted.
    public func completed(_ ids: some Sequence<String>) {
        state.withLock { s in
            for id in ids {
                guard let segment = s.segmentOf.removeValue(forKey: id) else { continue }
                let left = s.outstanding[segment, default: 1] - 1
                if left > 0 {
                    s.outstanding[segment] = left
                    continue
                }
                s.outstanding[segment] = nil
                if segment == s.segment {
                    _ = ftruncate(s.fd, 0)
                    s.bytes = 0
                } else {
                    unlink(Self.path(directory, segment))
                }
            }
        }
    }

    /// One admission as a JSON line, written by hand (this is on the request path); it decodes
    /// with the synthesized `Decodable` conformance.
    static func line(_ a: Admission) -> [UInt8] {
        var out = "{\"id\":" + JSONText.quote(a.id) + ",\"timestampMs\":\(a.timestampMs),\"route\":" + JSONText.quote(a.route)
        out += ",\"provider\":" + JSONText.quote(a.provider) + ",\"requestedModel\":" + JSONText.quote(a.requestedModel)
        out += ",\"upstreamModel\":" + JSONText.quote(a.upstreamModel) + ",\"priceModel\":" + JSONText.quote(a.priceModel)
        out += ",\"stream\":\(a.stream),\"estimatedInputTokens\":\(a.estimatedInputTokens)"
        if let retries = a.clientRetryCount { out += ",\"clientRetryCount\":\(retries)" }
        let t = a.attribution
        out += ",\"attribution\":{\"keyID\":" + JSONText.quote(t.keyID)
        for dimension in Attribution.Dimension.allCases {
            if let value = t[dimension] { out += ",\"\(dimension.field)\":" + JSONText.quote(value) }
        }
        if let tags = t.tagsJSON { out += ",\"tags\":" + tags }
        out += ",\"declared\":[" + t.declared.map { JSONText.quote($0.rawValue) }.joined(separator: ",") + "]}}\n"
        return Array(out.utf8)
    }

    /// Admissions written since their segment was last emptied (in-flight now, or left by a crash).
    public var openCount: Int { state.withLock { $0.segmentOf.count } }

    /// Every admission found in the segments of `directory`, oldest first; unreadable lines are skipped.
    public static func pending(in directory: String) -> [Admission] {
        let decoder = JSONDecoder()
        var seen: Set<String> = []
        var admissions: [Admission] = []
        for segment in segments(in: directory).sorted(by: { $0.number < $1.number }) {
            guard let data = FileManager.default.contents(atPath: segment.path) else { continue }
            for line in data.split(separator: 10) {
                guard let admission = try? decoder.decode(Admission.self, from: Data(line)), seen.insert(admission.id).inserted else {
                    continue
                }
                admissions.append(admission)
            }
        }
        return admissions
    }

    /// Deletes every segment in `directory` (after recovery has closed what they held).
    public static func clear(_ directory: String) {
        for segment in segments(in: directory) { unlink(segment.path) }
    }

    private static func segments(in directory: String) -> [(number: Int, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix("admissions-"), name.hasSuffix(".log"),
                let number = Int(name.dropFirst("admissions-".count).dropLast(".log".count))
            else { return nil }
            return (number, path(directory, number))
        }
    }

    private static func path(_ directory: String, _ segment: Int) -> String {
        "\(directory)/admissions-\(segment).log"
    }

    private static func open(directory: String, segment: Int) throws -> Int32 {
        let fd = Glibc.open(path(directory, segment), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AdmissionLogError(message: "cannot open the admission log in \(directory): \(String(cString: strerror(errno)))")
        }
        return fd
    }
}

/// The admission log could not be written.
public struct AdmissionLogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}
