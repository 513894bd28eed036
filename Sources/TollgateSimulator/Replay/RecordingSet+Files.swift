#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RecordingSet {
    /// Reads RouterBench CSV files, in the order given (so the first file's rows win duplicate keys).
    /// - Parameter paths: The files to read.
    /// - Returns: The set of every file's rows.
    /// - Throws: ``RecordingSetError`` when a file cannot be read or is not a RouterBench CSV.
    public static func load(paths: [String]) throws(RecordingSetError) -> RecordingSet {
        var set = RecordingSet()
        for path in paths {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw RecordingSetError(source: path, reason: "cannot be read (\(error))")
            }
            try set.add(csv: String(decoding: data, as: UTF8.self), source: path)
        }
        return set
    }
}
