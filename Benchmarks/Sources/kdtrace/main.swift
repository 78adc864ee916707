import KDTensor
import Foundation
let (m, n, k) = (256, 256, 256)
let a = (0..<m*k).map { _ in Float.random(in: -1...1) }, b = (0..<k*n).map { _ in Float.random(in: -1...1) }
var c = [Float](repeating: 0, count: m*n)
var times: [UInt64] = []
for rep in 0..<200 {
    if rep == 190 { kdTraceCount.store(0, ordering: .relaxed) }
    let t0 = DispatchTime.now().uptimeNanoseconds
    GEMM.sgemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, threads: 2)
    times.append((DispatchTime.now().uptimeNanoseconds - t0) / 1000)
}
print(times.suffix(20))
let cnt = kdTraceCount.load(ordering: .relaxed)
let base = kdTrace[1]
var line = ""
for i in 0..<cnt {
  let tag = kdTrace[2*i] & 0xff
  line += "\(tag)@\(kdTrace[2*i] >> 8):\((kdTrace[2*i+1] - base) / 1000) "
  if tag == 9 { print(line); line = "" }
}
