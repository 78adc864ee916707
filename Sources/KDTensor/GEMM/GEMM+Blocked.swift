import CSched
import Foundation
import Synchronization

/// The packed, cache-blocked path: C is processed in column slabs; the threads pack each slab's
/// op(B) once, together, then take chunks of C (row blocks, or column-panel groups when C has
/// few rows) from a shared queue, each with privately packed A blocks.
extension GEMMProblem {
    func multiplyBlocked(threads: Int) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr
        let kBlocks = (k + GEMMBlocking.kcMax - 1) / GEMMBlocking.kcMax
        // Equal-depth blocks (e.g. 288 → 2×144, not 192+96) so no block is too shallow to
        // amortise its tile loads and stores.
        let kc = (k + kBlocks - 1) / kBlocks
        let totalPanels = (n + nr - 1) / nr
        let slabPanels = max(1, min(totalPanels, GEMMBlocking.slabMaxFloats / (k * nr)))
        let mPanels = (m + mr - 1) / mr

        GEMMWorkspace.withBuffer(floats: k * slabPanels * nr) { packedB in
            var firstPanel = 0
            while firstPanel < totalPanels {
                let panels = min(slabPanels, totalPanels - firstPanel)
                let slab = Slab(
                    j0: firstPanel * nr, panels: panels, kc: kc, packedB: packedB,
                    streamsC: streamsC)
                let chunks = Chunks(mPanels: mPanels, nPanels: panels, threads: threads)
                // One job packs B and then multiplies: its first tasks pack groups of B panels,
                // the rest are chunks of C, which start once every group is packed.
                let packTasks = (panels + GEMMBlocking.packTaskPanels - 1) / GEMMBlocking.packTaskPanels
                let queue = TaskQueue(count: packTasks + chunks.count)
                let workers = min(threads, chunks.count)
                ThreadBudget.parallelFor(workers, threads: workers) { _ in
                    GEMMWorkspace.withBuffer(floats: GEMMBlocking.mc * kc) { packedA in
                        while let task = queue.next() {
                            if task < packTasks {
                                let first = task * GEMMBlocking.packTaskPanels
                                packB(slab, panels: first..<min(panels, first + GEMMBlocking.packTaskPanels))
                                queue.finishedPack()
                                continue
                            }
                            queue.waitForPacks(packTasks)
                            let chunk = task - packTasks
                            let rows = chunks.rowPanels(chunk)
                            multiply(
                                slab, rows: min(m, rows.lowerBound * mr)..<min(m, rows.upperBound * mr),
                                panels: chunks.columnPanels(chunk), packedA: packedA)
                        }
                    }
                    // This thread's streamed stores must land before the caller sees it done.
                    if streamsC { kd_stream_fence() }
                }
                firstPanel += panels
            }
        }
    }

    /// Whether full tiles write C with streaming stores. Streaming pays only when it saves reading
    /// C: for whole cache lines (a partly written line costs a read of memory anyway; measured 3×
    /// slower than plain stores), so each 16-float tile row must be one line; and in one pass over
    /// the depth (a later depth block finds C's lines in cache, where a plain store is cheaper).
    var streamsC: Bool {
        m * n * MemoryLayout<Float>.size >= GEMMBlocking.streamMinBytes
            && Int(bitPattern: c) % 64 == 0 && ldc % 16 == 0 && k <= GEMMBlocking.kcMax
    }

    /// One run of packed B panels: columns j0 ..< j0 + panels·16 of op(B), all k rows.
    struct Slab {
        let j0: Int
        let panels: Int
        let kc: Int
        let packedB: UnsafeMutablePointer<Float>
        /// Whether full tiles write C with streaming stores (k is one depth block then).
        let streamsC: Bool

        /// The packed kcb×16 panel `panel` of the depth block starting at row p0.
        func panel(_ panel: Int, p0: Int, kcb: Int) -> UnsafeMutablePointer<Float> {
            packedB + p0 * panels * GEMMBlocking.nr + panel * kcb * GEMMBlocking.nr
        }
    }

    /// The chunks of a slab's C that threads take one at a time: blocks of row panels across
    /// all columns or, when C has few rows, groups of column panels across all rows (each chunk
    /// then packs all of A, which is small then).
    ///
    /// With several threads there are several chunks per thread, so a thread that wakes late
    /// (idle cores can take 0.1 ms to wake) still finds work instead of leaving its static
    /// share to the others. Chunking never changes the arithmetic of any element of C.
    struct Chunks {
        let mPanels: Int, nPanels: Int
        let byRows: Bool
        /// Row or column panels per chunk.
        let panelsPerChunk: Int
        let count: Int

        init(mPanels: Int, nPanels: Int, threads: Int) {
            self.mPanels = mPanels
            self.nPanels = nPanels
            let rowBlockPanels = GEMMBlocking.mc / GEMMBlocking.mr
            byRows = threads == 1 || mPanels >= GEMMBlocking.chunksPerThread * threads || mPanels >= nPanels
            let panels = byRows ? mPanels : nPanels
            if threads == 1 {
                panelsPerChunk = byRows ? rowBlockPanels : nPanels
            } else {
                // Rounded up: the last chunk is the short one, so it evens out the finish.
                let even =
                    (panels + GEMMBlocking.chunksPerThread * threads - 1) / (GEMMBlocking.chunksPerThread * threads)
                panelsPerChunk =
                    byRows
                    ? min(rowBlockPanels, max(GEMMBlocking.minChunkRowPanels, even))
                    : max(1, even)
            }
            count = (panels + panelsPerChunk - 1) / panelsPerChunk
        }

        func rowPanels(_ chunk: Int) -> Range<Int> {
            byRows ? Self.panels(chunk, of: mPanels, per: panelsPerChunk) : 0..<mPanels
        }

        func columnPanels(_ chunk: Int) -> Range<Int> {
            byRows ? 0..<nPanels : Self.panels(chunk, of: nPanels, per: panelsPerChunk)
        }

        private static func panels(_ chunk: Int, of count: Int, per: Int) -> Range<Int> {
            chunk * per..<min(count, (chunk + 1) * per)
        }
    }

    /// Hands out task indices 0 ..< count, each once and in order, to whichever thread asks
    /// first, and counts finished pack tasks.
    ///
    /// A thread waits for the packs only after the queue has handed all of them out, to threads
    /// that are running them: the wait always ends, whichever threads join the job.
    final class TaskQueue: @unchecked Sendable {
        // @unchecked: `nextTask` is guarded by `lock`; `packsDone` is atomic.
        private let lock = NSLock()
        private var nextTask = 0
        private let count: Int
        private let packsDone = Atomic<Int>(0)

        init(count: Int) { self.count = count }

        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard nextTask < count else { return nil }
            nextTask += 1
            return nextTask - 1
        }

        /// Publishes one pack task's writes to threads that then wait for the packs.
        func finishedPack() {
            packsDone.add(1, ordering: .releasing)
        }

        /// Returns once `total` pack tasks have finished (their writes visible here).
        func waitForPacks(_ total: Int) {
            var spins = 0
            while packsDone.load(ordering: .acquiring) < total {
                // A pack task takes microseconds; yield only if its thread seems descheduled.
                spins += 1
                if spins > 4096 { sched_yield() }
            }
        }
    }

    /// Packs every depth block of the slab's B panels `panels`.
    private func packB(_ slab: Slab, panels: Range<Int>) {
        let nr = GEMMBlocking.nr
        if transB {
            // Panel by panel through all depth blocks: each of the panel's 16 stored rows
            // is then read start to end, a stream long enough for the hardware prefetcher.
            for panel in panels {
                var p0 = 0
                while p0 < k {
                    let kcb = min(slab.kc, k - p0)
                    GEMM.packB(
                        trans: true, b: b, ldb: ldb, n: n, p0: p0, kc: kcb,
                        j0: slab.j0 + panel * nr, panels: 1,
                        into: slab.panel(panel, p0: p0, kcb: kcb))
                    p0 += kcb
                }
            }
            return
        }
        var p0 = 0
        while p0 < k {
            let kcb = min(slab.kc, k - p0)
            GEMM.packB(
                trans: transB, b: b, ldb: ldb, n: n, p0: p0, kc: kcb,
                j0: slab.j0 + panels.lowerBound * nr, panels: panels.count,
                into: slab.panel(panels.lowerBound, p0: p0, kcb: kcb))
            p0 += kcb
        }
    }

    /// Computes C[rows][slab panels `panels`] from the packed slab, one mc-row block at a time
    /// through all depth blocks, so the block of C stays in cache while it accumulates.
    /// `packedA` holds at least mc×kc floats.
    private func multiply(
        _ slab: Slab, rows: Range<Int>, panels: Range<Int>,
        packedA: UnsafeMutablePointer<Float>
    ) {
        let mr = GEMMBlocking.mr
        if rows.isEmpty || panels.isEmpty { return }
        // Packing A pays off only when each packed tile is reused across many column panels;
        // otherwise the kernel reads op(A) in place (the ragged last row panel is still packed,
        // as the kernel always reads 6 rows).
        let packsA = !readsAInPlace && panels.count > GEMMBlocking.inPlaceAMaxPanels
        var ic = rows.lowerBound
        while ic < rows.upperBound {
            let mcb = min(GEMMBlocking.mc, rows.upperBound - ic)
            var p0 = 0
            while p0 < k {
                let kcb = min(slab.kc, k - p0)
                if packsA {
                    GEMM.packA(
                        trans: transA, a: a, lda: lda, i0: ic, mc: mcb, p0: p0, kc: kcb,
                        into: packedA)
                } else if mcb % mr != 0 {
                    GEMM.packA(
                        trans: transA, a: a, lda: lda, i0: ic + mcb - mcb % mr, mc: mcb % mr,
                        p0: p0, kc: kcb, into: packedA)
                }
                // Later depth blocks add onto what the earlier ones wrote.
                let blockBeta: Float = p0 == 0 ? beta : 1
                if packsA {
                    for panel in panels {
                        multiplyPanel(
                            slab, panel: panel, rows: ic..<ic + mcb, p0: p0, kcb: kcb,
                            packedA: packedA, packsA: true, beta: blockBeta, streams: slab.streamsC)
                    }
                } else {
                    // Few panels: all of a tile row's panels in turn, so each row of C is
                    // written whole while its cache lines are fresh.
                    for i in stride(from: ic, to: ic + mcb, by: mr) {
                        for panel in panels {
                            multiplyPanel(
                                slab, panel: panel, rows: i..<min(i + mr, ic + mcb), p0: p0,
                                kcb: kcb, packedA: packedA, packsA: false, beta: blockBeta,
                                streams: slab.streamsC)
                        }
                    }
                }
                p0 += kcb
            }
            ic += mcb
        }
    }

    /// One column panel of C against the row block `rows` for depth block p0 ..< p0 + kcb.
    @inline(__always)
    private func multiplyPanel(
        _ slab: Slab, panel: Int, rows: Range<Int>, p0: Int, kcb: Int,
        packedA: UnsafePointer<Float>, packsA: Bool, beta: Float, streams: Bool
    ) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr
        let j = slab.j0 + panel * nr
        let cols = min(nr, n - j)
        let bPanel = slab.panel(panel, p0: p0, kcb: kcb)
        // With packed A (a panel spans a whole row block of tiles), the next panel's B (kcb
        // lines) is fetched into L2 a few lines per tile, so the first tile of that panel does
        // not wait on L3 for each line (1024³, one thread: ~0.90 → ~0.99 × OpenBLAS).
        let nextB =
            packsA && panel + 1 < slab.panels
            ? UnsafePointer(slab.panel(panel + 1, p0: p0, kcb: kcb)) : nil
        let tiles = (rows.count + mr - 1) / mr
        let linesPerTile = (kcb + tiles - 1) / tiles
        var line = 0
        var i = rows.lowerBound
        while i < rows.upperBound {
            if let nextB {
                let end = min(kcb, line + linesPerTile)
                while line < end {
                    kd_prefetch_to_l2(nextB + line * nr)
                    line += 1
                }
            }
            let tileRows = min(mr, rows.upperBound - i)
            let tileC = c + i * ldc + j
            let tileA: GEMM.TileA
            if packsA {
                tileA = .packed(packedA + (i - rows.lowerBound) * kcb)
            } else if tileRows < mr {
                tileA = .packed(packedA)
            } else if transA {
                tileA = .columnMajor(a + p0 * lda + i, ld: lda)
            } else {
                tileA = .rowMajor(a + i * lda + p0, ld: lda)
            }
            if tileRows == mr && cols == nr {
                GEMM.microKernel6x16(
                    kc: kcb, a: tileA, b: bPanel, c: tileC, ldc: ldc,
                    alpha: alpha, beta: beta, streams: streams)
            } else if cols == nr, case .packed(let packed) = tileA {
                GEMM.shortKernel(
                    rows: tileRows, kc: kcb, a: packed, b: bPanel, c: tileC, ldc: ldc,
                    alpha: alpha, beta: beta)
            } else {
                GEMM.edgeKernel(
                    rows: tileRows, cols: cols, kc: kcb, a: tileA, b: bPanel,
                    c: tileC, ldc: ldc, alpha: alpha, beta: beta)
            }
            i += mr
        }
    }
}
