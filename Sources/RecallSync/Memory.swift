import Foundation

/// Gives memory that was freed back to the system. glibc keeps the freed small allocations of
/// a big merge (card texts, review arrays) in its heap, so the process keeps their pages; when
/// sync then reads the next peer file (about 200 MB for 100,000 cards), the file comes on top of them. `malloc_trim`
/// returns those pages (it is not in Swift's Glibc module, so it is looked up once). Does
/// nothing where there is no glibc.
enum Memory {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    static func returnFreedPages() {
        _ = trim?(0)
    }
}
