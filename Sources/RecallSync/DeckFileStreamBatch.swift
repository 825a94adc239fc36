import Foundation
import RecallModel
import RecallScheduler

extension DeckFileStream {
    /// What `open` gave for one file of `openAll`: the stream and its future times, or the error.
    public typealias Opened = Result<(stream: DeckFileStream, future: FutureTimes), SyncError>

    /// Opens several deck files (`open`: each read and checked whole), as many at a time as the
    /// machine has cores, two at most: a first sync reads two or more full-size peer files, and
    /// each read is one core's work (1.4 s for 190 MB). Two keep their memory apart (40 bytes a
    /// card each), so at most twice one file's. Results are in the order of `files`.
    public static func openAll(_ files: [(path: String, name: String?)], sizeLimit: Int = DeckFile.defaultSizeLimit,
                               now: Millis? = nil) -> [Opened] {
        @Sendable func opened(_ file: (path: String, name: String?)) -> Opened {
            do throws(SyncError) {
                return .success(try open(path: file.path, name: file.name, sizeLimit: sizeLimit, now: now))
            } catch {
                return .failure(error)
            }
        }
        let workers = min(files.count, 2, max(ProcessInfo.processInfo.activeProcessorCount, 1))
        guard workers > 1 else { return files.map(opened) }
        let results = OpenedSlots(count: files.count)
        let next = NextIndex()
        @Sendable func work() {
            while let index = next.take(below: files.count) { results.set(index, opened(files[index])) }
        }
        // Task-local values do not follow work onto other threads: the tests' hook is passed on.
        // (Only when set: binding a task-local on a thread outside any task crashed the static
        // release build, in `swift_task_localValuePush`.)
        let duringRead = FileContents.duringRead
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            if let duringRead {
                FileContents.$duringRead.withValue(duringRead) { work() }
            } else {
                work()
            }
        }
        return results.values()
    }
}

/// The next file index for `openAll`'s workers to take.
private final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}

/// `openAll`'s results as its workers fill them in.
private final class OpenedSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [DeckFileStream.Opened?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: DeckFileStream.Opened) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func values() -> [DeckFileStream.Opened] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? .failure(SyncError.cannotRead(file: "?", reason: "it was not read")) }
    }
}
