import Foundation
import RecallScheduler

/// A review-log CSV file (`optimizer.md`), plain or gzip-compressed, read for the optimiser.
public enum ReviewLogFile {
    /// Why a review log could not be read; the description is the one line a user sees,
    /// `FILE:LINE: what is wrong`.
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var line: Int?
        public var reason: String

        public var description: String {
            line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)"
        }
    }

    /// Reads and parses the file at `path`; gzip is recognised by its magic bytes.
    public static func read(path: String) throws(ReadError) -> ReviewHistories {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ReadError(path: path, line: nil, reason: "cannot read the file")
        }
        let bytes: [UInt8]
        if Gunzip.isGzip(data) {
            do {
                bytes = try Gunzip.decompress(data)
            } catch {
                throw ReadError(path: path, line: nil, reason: error.reason)
            }
        } else {
            bytes = [UInt8](data)
        }
        do {
            return try ReviewLogCSV.parse(bytes)
        } catch {
            throw ReadError(path: path, line: error.line, reason: error.reason)
        }
    }
}
