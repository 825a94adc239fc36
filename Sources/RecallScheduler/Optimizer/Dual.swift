import Foundation

/// A number with its partial derivatives by the 21 FSRS parameters (forward-mode automatic
/// differentiation): every operation carries the chain rule along, so the optimiser gets the
/// exact gradient of the log loss from one replay, without deriving it by hand.
struct Dual {
    var v: Double
    /// ∂v/∂w0 … ∂v/∂w20 in lanes 0…20; lanes 21…23 stay 0.
    var g: SIMD24

    @inline(__always) init(_ v: Double, _ g: SIMD24) {
        self.v = v
        self.g = g
    }

    /// A constant.
    @inline(__always) init(_ v: Double) {
        self.v = v
        g = SIMD24()
    }

    /// Parameter `index` with value `v`: its own partial is 1.
    static func parameter(_ v: Double, index: Int) -> Dual {
        var g = SIMD24()
        g[index] = 1
        return Dual(v, g)
    }

    @inline(__always) static func + (a: Dual, b: Dual) -> Dual { Dual(a.v + b.v, a.g + b.g) }
    @inline(__always) static func - (a: Dual, b: Dual) -> Dual { Dual(a.v - b.v, a.g - b.g) }
    @inline(__always) static func * (a: Dual, b: Dual) -> Dual { Dual(a.v * b.v, a.g * b.v + b.g * a.v) }
    @inline(__always) static func / (a: Dual, b: Dual) -> Dual {
        let inv = 1 / b.v
        let q = a.v * inv
        return Dual(q, (a.g - b.g * q) * inv)
    }
    @inline(__always) static func / (a: Double, b: Dual) -> Dual {
        let q = a / b.v
        return Dual(q, b.g * (-q / b.v))
    }
    @inline(__always) static func / (a: Dual, b: Double) -> Dual { Dual(a.v / b, a.g * (1 / b)) }
    @inline(__always) static func + (a: Dual, b: Double) -> Dual { Dual(a.v + b, a.g) }
    @inline(__always) static func + (a: Double, b: Dual) -> Dual { Dual(a + b.v, b.g) }
    @inline(__always) static func - (a: Dual, b: Double) -> Dual { Dual(a.v - b, a.g) }
    @inline(__always) static func - (a: Double, b: Dual) -> Dual { Dual(a - b.v, -b.g) }
    @inline(__always) static func * (a: Dual, b: Double) -> Dual { Dual(a.v * b, a.g * b) }
    @inline(__always) static func * (a: Double, b: Dual) -> Dual { Dual(a * b.v, b.g * a) }
    @inline(__always) static prefix func - (a: Dual) -> Dual { Dual(-a.v, -a.g) }

    @inline(__always) func exp() -> Dual {
        let e = Foundation.exp(v)
        return Dual(e, g * e)
    }
    @inline(__always) func expm1() -> Dual { Dual(Foundation.expm1(v), g * Foundation.exp(v)) }
    @inline(__always) func log() -> Dual { Dual(Foundation.log(v), g * (1 / v)) }
    @inline(__always) func log1p() -> Dual { Dual(Foundation.log1p(v), g * (1 / (1 + v))) }
    /// self^e for self > 0.
    @inline(__always) func pow(_ e: Dual) -> Dual { (e * log()).exp() }

    /// Clamped into [lo, hi]: at a bound the value is constant, so its partials are 0.
    @inline(__always) func clamped(_ lo: Double, _ hi: Double) -> Dual {
        if !(v >= lo) { return Dual(lo) }
        if v > hi { return Dual(hi) }
        return self
    }
}

/// 24 doubles: the 21 partials, padded to a multiple of the vector width.
struct SIMD24: Equatable {
    var a: SIMD16<Double>
    var b: SIMD8<Double>

    @inline(__always) init() {
        a = SIMD16()
        b = SIMD8()
    }

    @inline(__always) init(_ a: SIMD16<Double>, _ b: SIMD8<Double>) {
        self.a = a
        self.b = b
    }

    subscript(i: Int) -> Double {
        get { i < 16 ? a[i] : b[i - 16] }
        set { if i < 16 { a[i] = newValue } else { b[i - 16] = newValue } }
    }

    @inline(__always) static func + (x: SIMD24, y: SIMD24) -> SIMD24 { SIMD24(x.a + y.a, x.b + y.b) }
    @inline(__always) static func - (x: SIMD24, y: SIMD24) -> SIMD24 { SIMD24(x.a - y.a, x.b - y.b) }
    @inline(__always) static prefix func - (x: SIMD24) -> SIMD24 { SIMD24(-x.a, -x.b) }
    @inline(__always) static func * (x: SIMD24, s: Double) -> SIMD24 { SIMD24(x.a * s, x.b * s) }
    @inline(__always) static func += (x: inout SIMD24, y: SIMD24) {
        x.a += y.a
        x.b += y.b
    }
}
