import Foundation

/// Hands values from one thread to another in order, holding at most `capacity` at once: the
/// producer waits while it is full, so memory stays bounded however fast the producer is.
/// Either side can stop the other: the producer `close`s when done, the consumer `cancel`s on
/// a failure (the producer's next `send` then returns false).
final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Waits for room, then queues `item`; false when the consumer has cancelled.
    func send(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        if head > 0 && head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for one; nil once the producer has closed and all are taken, or
    /// after a cancel.
    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed && !cancelled { condition.wait() }
        if cancelled || head == items.count { return nil }
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// No more items will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops both sides: queued items are dropped, `send` returns false and `receive` nil.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs `body` on a thread of its own; `wait` returns once it has finished.
final class WorkerThread: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let finished = finished
        let thread = Thread {
            body()
            finished.signal()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    func wait() { finished.wait() }
}
