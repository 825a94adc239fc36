import Foundation
import RecallCLI

// glibc keeps small freed blocks in "fast bins" and merges them all (malloc_consolidate) the
// next time a larger block is asked for. Parsing a large bank frees hundreds of thousands of
// small strings, so that merge landed in the middle of an import (~40 ms on 100k notes).
// Without fast bins (M_MXFAST = 0) a freed block is merged right away. `mallopt` is not in
// Swift's Glibc module, so it is looked up; elsewhere nothing changes.
#if os(Linux)
if let mallopt = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let mMXFAST: Int32 = 1
    _ = unsafeBitCast(mallopt, to: Mallopt.self)(mMXFAST, 0)
}
#endif

RecallCommand.runMain()
