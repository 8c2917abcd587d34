// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles=warp-reductions=0 | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles=shared-bytes=256 | FileCheck %s --check-prefix=SMALL
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles="ldmatrix=0 wgmma=0 prefetch=0 epilogue=0" | FileCheck %s --check-prefix=MMA --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles="wgmma=0 prefetch=0 epilogue=0" | FileCheck %s --check-prefix=LDM --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles="prefetch=0 tma=0 epilogue=0" | FileCheck %s --check-prefix=WGMMA --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles="tma=0 epilogue=0" | FileCheck %s --check-prefix=PREFETCH --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles="epilogue=0 swizzle=0" | FileCheck %s --check-prefix=TMA --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles=epilogue=0 | FileCheck %s --check-prefix=SWZ --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles | FileCheck %s --check-prefix=EPI --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles="wgmma=0 epilogue=0" | FileCheck %s --check-prefix=PREFETCH-MMA --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles=mma=0 | FileCheck %s --check-prefix=SCALAR
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles | FileCheck %s --check-prefix=STACK
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf | FileCheck %s --check-prefix=UNMARKED
// A GPU kernel's reference code on a block of threads: tile buffers in one
// shared-memory arena (views cast back to the generic address space), each
// element loop nest one loop from the thread's index by the block's size
// between barriers (one between two nests), a contraction's k loop inside it, copies of buffers
// spread too, and launches of the kernel with that many threads. A kernel
// whose buffers do not fit stays on one thread, and the CPU reference
// keeps no marks.

// CHECK-LABEL: func.func @host(
// CHECK: %[[T:.+]] = arith.constant 128 : index
// The launch says which views the kernel may write (this one stores to
// its view): the runtime copies back only those.
// CHECK: gpu.launch_func @nl_kernels::@k blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%[[T]], %{{.+}}, %{{.+}}) args(%{{.+}} : memref<?x?xf32>) {nlc.written_views = array<i1: true>}
// CHECK: gpu.func @k(%[[X:.+]]: memref<?x?xf32>) workgroup(%[[ARENA:.+]] : memref<2592xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK: %[[TID:.+]] = gpu.thread_id x
// The first load's tile at offset 0, a view cast to the generic space.
// CHECK: %[[V0:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<2592xi8, #gpu.address_space<workgroup>> to memref<8x16xf32, #gpu.address_space<workgroup>>
// CHECK: %[[A:.+]] = memref.memory_space_cast %[[V0]] : memref<8x16xf32, #gpu.address_space<workgroup>> to memref<8x16xf32>
// Its 128 elements in 32 groups of 4 (16 bytes), a group per thread: group
// column = index mod 4, row = index / 4. A group that lies in the view (the
// bounds conditions of its first and last element: they hold on an
// interval) and on 16 bytes is one vector load and store; any other, its
// elements one by one in a loop, as the reference copies them.
// CHECK: gpu.barrier
// CHECK: scf.for %[[L:.+]] = %[[TID]] to %c32{{(_[0-9]+)?}} step %c128{{(_[0-9]+)?}} {
// CHECK: %[[G:.+]] = arith.remui %[[L]], %[[C4:.+]] : index
// CHECK: %[[I:.+]] = arith.divui %[[L]], %[[C4]] : index
// CHECK: %[[J:.+]] = arith.muli %[[G]], %{{.+}} : index
// CHECK: %[[PTR:.+]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %[[MOD:.+]] = arith.remui %{{.+}}, %c16{{.*}} : index
// CHECK: %[[ALIGNED:.+]] = arith.cmpi eq, %[[MOD]], %c0{{.*}} : index
// CHECK: %[[FAST:.+]] = arith.andi %{{.+}}, %[[ALIGNED]] : i1
// CHECK: scf.if %[[FAST]] {
// CHECK-NEXT: %[[VEC:.+]] = vector.load %[[X]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK-NEXT: vector.store %[[VEC]], %[[A]][%[[I]], %[[J]]] {alignment = 16 : i64} : memref<8x16xf32>, vector<4xf32>
// CHECK-NEXT: } else {
// CHECK: scf.for %[[E:.+]] = %{{.+}} to %c4{{.*}} step %c1{{.*}} {
// CHECK-NEXT: %[[JE:.+]] = arith.addi %[[J]], %[[E]] : index
// CHECK: %[[V:.+]] = scf.if %{{.+}} -> (f32) {
// CHECK-NEXT: memref.load %[[X]]
// CHECK: memref.store %[[V]], %[[A]][%[[I]], %[[JE]]]
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: }
// The second at 512 (after 512 bytes), 64 groups over 128 threads, with
// no barrier between the two copies: they write different tiles and read
// only global memory (a barrier stays only where two threads could access
// one location, one of them writing, without it).
// CHECK-NOT: gpu.barrier
// CHECK: %[[C512:.+]] = arith.constant 512 : index
// CHECK: %[[V1:.+]] = memref.view %[[ARENA]][%[[C512]]][] : {{.*}} to memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK: %[[W:.+]] = memref.memory_space_cast %[[V1]]
// CHECK-NOT: gpu.barrier
// CHECK: scf.for %{{.+}} = %[[TID]] to %c64{{(_[0-9]+)?}} step %c128{{(_[0-9]+)?}} {
// The row sums at 1536 (warp-reductions=0: warp-reductions.mlir has the
// default), after a barrier (they read the first tile): each of 8 threads
// sums a row, in order.
// CHECK: %[[C1536:.+]] = arith.constant 1536 : index
// CHECK: %[[V2:.+]] = memref.view %[[ARENA]][%[[C1536]]][] : {{.*}} to memref<8xf32, #gpu.address_space<workgroup>>
// CHECK: %[[S:.+]] = memref.memory_space_cast %[[V2]]
// CHECK: gpu.barrier
// CHECK: scf.for %[[R:.+]] = %[[TID]] to %c8{{(_[0-9]+)?}} step %c128{{(_[0-9]+)?}} {
// CHECK: %[[SUM:.+]] = scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (f32) {
// CHECK: memref.load %[[A]][%[[R]], %[[C]]]
// CHECK: memref.store %[[SUM]], %[[S]][%[[R]]]
// The broadcast at 1568 (after a barrier: it reads the sums), then the
// product at 2080, zeroed (no barrier between: other buffers): spread too.
// CHECK: %[[C1568:.+]] = arith.constant 1568 : index
// CHECK: %[[V3:.+]] = memref.view %[[ARENA]][%[[C1568]]][]
// CHECK: %[[B:.+]] = memref.memory_space_cast %[[V3]]
// CHECK: gpu.barrier
// CHECK: %[[C2080:.+]] = arith.constant 2080 : index
// CHECK: %[[V4:.+]] = memref.view %[[ARENA]][%[[C2080]]][]
// CHECK: %[[OUT:.+]] = memref.memory_space_cast %[[V4]]
// CHECK-NOT: gpu.barrier
// CHECK: scf.for
// CHECK: memref.store %{{.+}}, %[[OUT]]
// CHECK: gpu.barrier
// The contraction: (i, j) spread over the threads, k inside, in order.
// CHECK: scf.for %[[L2:.+]] = %[[TID]] to %{{.+}} step %{{.+}} {
// CHECK: %[[J2:.+]] = arith.remui %[[L2]]
// CHECK: %[[I2:.+]] = arith.divui %[[L2]]
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: %[[LHS:.+]] = memref.load %[[B]][%[[I2]], %[[K]]]
// CHECK: %[[RHS:.+]] = memref.load %[[W]][%[[K]], %[[J2]]]
// CHECK: %[[ACC:.+]] = memref.load %[[OUT]][%[[I2]], %[[J2]]]
// CHECK: %[[FMA:.+]] = math.fma %[[LHS]], %[[RHS]], %[[ACC]]
// CHECK: memref.store %[[FMA]], %[[OUT]][%[[I2]], %[[J2]]]
// CHECK: }
// CHECK: }
// CHECK-NEXT: gpu.barrier
// The store to the view, spread in groups of 16 bytes as the loads: a
// group inside the view and on 16 bytes is one vector load of the buffer's
// row and one vector store; any other, its elements one by one. Nothing is
// left on the stack.
// CHECK: scf.for %{{.+}} = %[[TID]] to %c32{{.*}}
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: %[[ROW:.+]] = vector.load %[[OUT]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<8x16xf32>, vector<4xf32>
// CHECK-NEXT: vector.store %[[ROW]], %[[X]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK-NEXT: } else {
// CHECK: scf.for
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: %[[E:.+]] = memref.load %[[OUT]]
// CHECK-NEXT: memref.store %[[E]], %[[X]]
// CHECK: gpu.barrier
// CHECK-NEXT: gpu.return
// CHECK-NOT: memref.alloca
// CHECK-NOT: nlc.element_loops

// SMALL-LABEL: func.func @host(
// SMALL: gpu.launch_func @nl_kernels::@k blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%{{.+}}, %{{.+}}, %{{.+}})
// SMALL-NOT: workgroup(
// SMALL-NOT: gpu.barrier
// SMALL: memref.alloca() : memref<8x16xf32>

// UNMARKED-NOT: nlc.element_loops

module attributes {gpu.container_module} {
  func.func @host(%x: memref<?x?xf32>, %n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @nl_kernels::@k blocks in (%n, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<?x?xf32>)
    return
  }
  gpu.module @nl_kernels {
    gpu.func @k(%x: memref<?x?xf32>) kernel {
      %i = gpu.block_id x
      %c0 = arith.constant 0 : index
      %t = tile.load %x[%i, %c0] : memref<?x?xf32> -> !tile.tile<8x16xf32>
      %w = tile.load %x[%c0, %c0] : memref<?x?xf32> -> !tile.tile<16x16xf32, col_major>
      %s = tile.reduce sum %t along 1 : !tile.tile<8x16xf32> -> !tile.tile<8xf32>
      %b = tile.broadcast %s along 1 : !tile.tile<8xf32> -> !tile.tile<8x16xf32>
      %c = tile.dot %b, %w : !tile.tile<8x16xf32>, !tile.tile<16x16xf32, col_major> -> !tile.tile<8x16xf32>
      tile.store %c, %x[%i, %c0] : !tile.tile<8x16xf32>, memref<?x?xf32>
      gpu.return
    }
  }
}

// -----

// A bf16 contraction into f32 on sm_80 and later: warps take 16x8 blocks of
// the result (here 32x16: 4 blocks, one to each warp of the 128 threads that
// the loads' 1024 elements take) and run the
// K loop 16 at a time with mma.sync m16n8k16, the operands read from the
// shared buffers in the fragment layout (two bf16 in a 32-bit register, the
// lower k in the low half) and the accumulators loaded and stored around
// the loop; without `mma`, the scalar form. B is stored transposed ([N][K],
// its load's stores with the indices swapped), so that a register's two k
// are one 32-bit word in both operands, and the rows of both are padded by
// 16 bytes (8 bf16), against bank conflicts.

// MMA: gpu.launch_func @nl_kernels::@mm {{.*}} {nlc.written_views = array<i1: false, true>}
// MMA-LABEL: gpu.func @mm(
// MMA: %[[TID:.+]] = gpu.thread_id x
// MMA: %[[A:.+]] = memref.memory_space_cast %{{.+}} to memref<32x40xbf16>
// MMA: %[[B:.+]] = memref.memory_space_cast %{{.+}} to memref<16x40xbf16>
// B's load: 8 bf16 of a row of the view at a time, into a column of the
// transposed buffer (the view's row k, columns j .. j + 7, to [j + e][k]).
// MMA: %[[G:.+]] = arith.remui %{{.+}}, %c2
// MMA-NEXT: %[[K:.+]] = arith.divui
// MMA: %[[J:.+]] = arith.muli %[[G]], %c8
// MMA: %[[ROW:.+]] = vector.load %{{.+}} {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// MMA-NEXT: %[[E0:.+]] = vector.extract %[[ROW]][0] : bf16 from vector<8xbf16>
// MMA-NEXT: memref.store %[[E0]], %[[B]][%[[J]], %[[K]]] : memref<16x40xbf16>
// MMA: %[[E1:.+]] = vector.extract %[[ROW]][1] : bf16 from vector<8xbf16>
// MMA-NEXT: memref.store %[[E1]], %[[B]][%{{.+}}, %[[K]]] : memref<16x40xbf16>
// MMA: %[[LANE:.+]] = arith.remui %[[TID]], %c32
// MMA: %[[WARP:.+]] = arith.divui %[[TID]], %c32
// MMA: scf.for %[[T:.+]] = %[[WARP]] to %c4{{.*}} step %c4{{.*}} {
// MMA: %[[C0:.+]] = memref.load %[[OUT:.+]][%{{.+}}, %{{.+}}] : memref<32x16xf32>
// MMA: scf.for %{{.+}} = %{{.+}} to %c32{{.*}} step %c16{{.*}} iter_args(
// MMA: %[[AV:.+]] = vector.load %[[A]][%{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<32x40xbf16>, vector<2xbf16>
// MMA-NEXT: %[[AW:.+]] = vector.bitcast %[[AV]] : vector<2xbf16> to vector<1xi32>
// MMA-NEXT: %[[A0:.+]] = vector.extract %[[AW]][0] : i32 from vector<1xi32>
// MMA: %[[BV:.+]] = vector.load %[[B]][%{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<16x40xbf16>, vector<2xbf16>
// MMA: nvvm.mma.sync A[%[[A0]], %{{.+}}, %{{.+}}, %{{.+}}] B[%{{.+}}, %{{.+}}] C[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}]
// MMA-SAME: layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>
// MMA-SAME: multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>
// MMA-SAME: shape = #nvvm.shape<m = 16, n = 8, k = 16>
// MMA: memref.store %{{.+}}, %[[OUT]]
// MMA-NOT: math.fma

// By default (option `ldmatrix`), with B stored transposed, the fragments
// come from ldmatrix: A's four 8 x 8 matrices (rows 0-15 of the block at k
// and k + 8: lane l gives row l mod 16 at k + 8 (l / 16)), B's two (the
// block's 8 columns at k and k + 8), each lane's row address the generic
// address of the shared buffer's element, made a shared-memory pointer.
// LDM-LABEL: gpu.func @mm(
// LDM: %[[A:.+]] = memref.memory_space_cast %{{.+}} to memref<32x40xbf16>
// LDM: %[[B:.+]] = memref.memory_space_cast %{{.+}} to memref<16x40xbf16>
// LDM: scf.for %{{.+}} = %{{.+}} to %c32{{.*}} step %c16{{.*}} iter_args(
// LDM: %[[APTR:.+]] = memref.extract_aligned_pointer_as_index %[[A]] : memref<32x40xbf16> -> index
// LDM: %[[AGEN:.+]] = llvm.inttoptr %{{.+}} : i64 to !llvm.ptr
// LDM-NEXT: %[[ASH:.+]] = llvm.addrspacecast %[[AGEN]] : !llvm.ptr to !llvm.ptr<3>
// LDM-NEXT: %[[AM:.+]] = nvvm.ldmatrix %[[ASH]] {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<row>, num = 4 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
// LDM-NEXT: %[[A0:.+]] = llvm.extractvalue %[[AM]][0]
// LDM-NOT: vector.load
// LDM: memref.extract_aligned_pointer_as_index %[[B]] : memref<16x40xbf16> -> index
// LDM: %[[BM:.+]] = nvvm.ldmatrix %{{.+}} {{{.*}}num = 2 : i32{{.*}}} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32)>
// LDM-NEXT: %[[B0:.+]] = llvm.extractvalue %[[BM]][0]
// LDM-NOT: vector.load
// LDM: nvvm.mma.sync A[%[[A0]], %{{.+}}, %{{.+}}, %{{.+}}] B[%[[B0]], %{{.+}}]

// SCALAR-LABEL: gpu.func @mm(
// SCALAR-NOT: nvvm.mma.sync
// SCALAR: math.fma

module attributes {gpu.container_module, nlc.target = {cpu = "sm_90a", features = "", name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda"}} {
  func.func @host(%x: memref<?x?xbf16>, %y: memref<?x?xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @nl_kernels::@mm blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<?x?xbf16>, %y : memref<?x?xf32>)
    return
  }
  gpu.module @nl_kernels {
    gpu.func @mm(%x: memref<?x?xbf16>, %y: memref<?x?xf32>) kernel {
      %c0 = arith.constant 0 : index
      %a = tile.load %x[%c0, %c0] : memref<?x?xbf16> -> !tile.tile<32x32xbf16>
      %b = tile.load %x[%c0, %c0] : memref<?x?xbf16> -> !tile.tile<32x16xbf16, col_major>
      %c = tile.dot %a, %b : !tile.tile<32x32xbf16>, !tile.tile<32x16xbf16, col_major> -> !tile.tile<32x16xf32>
      tile.store %c, %y[%c0, %c0] : !tile.tile<32x16xf32>, memref<?x?xf32>
      gpu.return
    }
  }
}

// -----

// The same contraction in a K loop that carries its accumulator (a grid's
// `acc = dot(a, b, acc)`): the 4 x 2 blocks of the 64 x 16 result are
// split among the 4 warps as the grid that loads fewest words per k step
// (4 x 1 warps: a row of 2 blocks each, 4 + 2 x 2 words), and each warp
// keeps its 2 blocks' accumulators in registers: loaded before the loop,
// carried through it (8 more values), stored after it. Each iteration runs
// one K loop for both blocks between barriers, loading the row's A
// fragment once for both mma.sync, with no access to the accumulator's
// buffer.

// MMA-LABEL: gpu.func @mm_loop(
// MMA: %[[TID:.+]] = gpu.thread_id x
// MMA: %[[WARP:.+]] = arith.divui %[[TID]], %c32
// MMA: %[[A00:.+]] = memref.load %[[OUT:.+]][%{{.+}}, %{{.+}}] : memref<64x16xf32>
// MMA-COUNT-3: memref.load %[[OUT]]
// MMA: %[[A10:.+]] = memref.load %[[OUT]][%{{.+}}, %{{.+}}] : memref<64x16xf32>
// MMA: %[[R:.+]]:9 = scf.for %{{.+}} iter_args(%{{.+}} = %{{.+}}, %[[C00:.+]] = %[[A00]], %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %[[C10:.+]] = %[[A10]], %{{.+}}) -> (memref<64x16xf32>, f32, f32, f32, f32, f32, f32, f32, f32) {
// MMA-NOT: %[[OUT]]
// MMA: gpu.barrier
// MMA: %[[K:.+]]:8 = scf.for %{{.+}} iter_args(%[[K00:.+]] = %[[C00]], %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %[[K10:.+]] = %[[C10]], %{{.+}}) -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// MMA-COUNT-4: vector.load %{{.+}} : memref<64x40xbf16>, vector<2xbf16>
// MMA-COUNT-4: vector.load %{{.+}} : memref<16x40xbf16>, vector<2xbf16>
// MMA: nvvm.mma.sync A[%[[W0:.+]], %[[W1:.+]], %[[W2:.+]], %[[W3:.+]]] B[%{{.+}}, %{{.+}}] C[%[[K00]],
// MMA-NOT: vector.load
// MMA: nvvm.mma.sync A[%[[W0]], %[[W1]], %[[W2]], %[[W3]]] B[%{{.+}}, %{{.+}}] C[%[[K10]],
// MMA-NOT: vector.load
// MMA: scf.yield
// MMA-NOT: %[[OUT]]
// No barrier closes the step: the next step opens with one, and what
// follows the loop writes no buffer the step reads.
// MMA-NOT: gpu.barrier
// MMA: scf.yield %{{.+}}, %[[K]]#0, %[[K]]#1, %[[K]]#2, %[[K]]#3, %[[K]]#4, %[[K]]#5, %[[K]]#6, %[[K]]#7 :
// MMA-NEXT: }
// MMA-NEXT: memref.store %[[R]]#1, %[[OUT]]
// MMA: memref.store %[[R]]#8, %[[OUT]]
// MMA-NEXT: gpu.barrier

// On sm_90a (option `wgmma`), the same loop on warpgroup wgmma: M is a
// multiple of 64, so one warpgroup (the block's 128 threads) takes the 64
// x 16 result as one m64n16k16 piece, 8 accumulators a thread, carried
// through the loop. A and B are laid out in core matrices: A K-major,
// [K/8][rows][8]; B N-major, [N/8][K][8] (both tiles' 16-byte groups
// stored whole). Each iteration: every thread's proxy fence, the barrier,
// then one chain of two wgmma (k = 0 and 16) on descriptors of A (LBO 64 x
// 16 bytes, SBO 128: 64 << 16 | 8 << 32) and of B, read transposed (`row`:
// imm-trans-b 1; LBO 128 along K, SBO 32 x 16 along N: 8 << 16 | 32 <<
// 32), one commit and a wait for it. The 32 x 16 result above (M not a multiple of
// 64) stays on mma.sync.

// WGMMA-LABEL: gpu.func @mm(
// WGMMA: nvvm.mma.sync
// WGMMA-NOT: nvvm.wgmma
// WGMMA-LABEL: gpu.func @mm_loop(
// WGMMA-SAME: known_block_size = array<i32: 128, 1, 1>
// WGMMA: memref.view %{{.+}} to memref<4x64x8xbf16, #gpu.address_space<workgroup>>
// WGMMA: memref.view %{{.+}} to memref<2x32x8xbf16, #gpu.address_space<workgroup>>
// WGMMA-COUNT-8: memref.load %[[OUT:.+]][%{{.+}}, %{{.+}}] : memref<64x16xf32>
// WGMMA: %[[R:.+]]:9 = scf.for %{{.+}} -> (memref<64x16xf32>, f32, f32, f32, f32, f32, f32, f32, f32) {
// WGMMA: vector.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<4x64x8xbf16>, vector<8xbf16>
// WGMMA: vector.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<2x32x8xbf16>, vector<8xbf16>
// WGMMA: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// WGMMA-NEXT: gpu.barrier
// WGMMA: llvm.ptrtoint %{{.+}} : !llvm.ptr<3> to i64
// WGMMA: nvvm.wgmma.fence.aligned
// WGMMA: %[[DA:.+]] = arith.ori %{{.+}}, %{{.+}}34363932672{{.*}} : i64
// WGMMA: %[[DB:.+]] = arith.ori %{{.+}}, %{{.+}}137439477760{{.*}} : i64
// WGMMA-NEXT: %[[W0:.+]] = nvvm.wgmma.mma_async %[[DA]], %[[DB]], %{{.+}}, <m = 64, n = 16, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>] : !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>
// WGMMA: nvvm.wgmma.mma_async %{{.+}}, %{{.+}}, %[[W0]], <m = 64, n = 16, k = 16>
// WGMMA-NEXT: nvvm.wgmma.commit.group.sync.aligned
// WGMMA-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// WGMMA-NOT: nvvm.wgmma.mma_async
// No barrier closes the step: the next one opens with one before it
// writes A or B, and what follows the loop writes neither.
// WGMMA-NOT: gpu.barrier
// WGMMA: scf.yield
// WGMMA-COUNT-8: memref.store %{{.+}}, %[[OUT]]
// WGMMA-NEXT: gpu.barrier

// With `prefetch` (the default) the K loop is pipelined: second buffers
// for A and B after the arena's others (at 9216 and 13312), the first
// step's tiles copied before the loop, and in each step: the buffers by
// the step's parity, the next step's 16-byte groups loaded from the view
// into registers before the contraction (A: two a thread, B: one), the
// proxy fence, the last step's wgmma group retired (wait_group 0) and the
// step's only barrier, the chain on this step's buffers, committed and
// left in flight while the next step's groups are stored into the other
// buffers (which it does not read); wait_group 0 after the loop.
// PREFETCH-LABEL: gpu.func @mm_loop(
// PREFETCH-SAME: memref<14336xi8, #gpu.address_space<workgroup>>
// PREFETCH: %[[A0:.+]] = memref.memory_space_cast %{{.+}} : memref<4x64x8xbf16, #gpu.address_space<workgroup>> to memref<4x64x8xbf16>
// PREFETCH: %[[A1:.+]] = memref.memory_space_cast %{{.+}} : memref<4x64x8xbf16, #gpu.address_space<workgroup>> to memref<4x64x8xbf16>
// PREFETCH: %[[B0:.+]] = memref.memory_space_cast %{{.+}} : memref<2x32x8xbf16, #gpu.address_space<workgroup>> to memref<2x32x8xbf16>
// PREFETCH: %[[B1:.+]] = memref.memory_space_cast %{{.+}} : memref<2x32x8xbf16, #gpu.address_space<workgroup>> to memref<2x32x8xbf16>
// PREFETCH: vector.store %{{.+}}, %[[A0]][
// PREFETCH: vector.store %{{.+}}, %[[B0]][
// PREFETCH: scf.for %{{.+}} -> (memref<64x16xf32>, f32, f32, f32, f32, f32, f32, f32, f32) {
// PREFETCH: %[[EVEN:.+]] = arith.cmpi eq
// PREFETCH-NEXT: %[[CA:.+]] = arith.select %[[EVEN]], %[[A0]], %[[A1]]
// PREFETCH-NEXT: %[[NA:.+]] = arith.select %[[EVEN]], %[[A1]], %[[A0]]
// PREFETCH-NEXT: %[[CB:.+]] = arith.select %[[EVEN]], %[[B0]], %[[B1]]
// PREFETCH-NEXT: %[[NB:.+]] = arith.select %[[EVEN]], %[[B1]], %[[B0]]
// PREFETCH-NOT: gpu.barrier
// PREFETCH-COUNT-3: scf.if %{{.+}} -> (vector<8xbf16>)
// PREFETCH-NOT: gpu.barrier
// PREFETCH: nvvm.fence.proxy
// PREFETCH-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// PREFETCH-NEXT: gpu.barrier
// PREFETCH: memref.extract_aligned_pointer_as_index %[[CA]]
// PREFETCH: memref.extract_aligned_pointer_as_index %[[CB]]
// PREFETCH-COUNT-2: nvvm.wgmma.mma_async
// PREFETCH-NEXT: nvvm.wgmma.commit.group.sync.aligned
// PREFETCH-NOT: nvvm.wgmma.wait.group
// PREFETCH-NOT: gpu.barrier
// PREFETCH: vector.store %{{.+}}, %[[NA]][
// PREFETCH: vector.store %{{.+}}, %[[NB]][
// PREFETCH-NOT: gpu.barrier
// PREFETCH-NOT: nvvm.wgmma.wait.group
// PREFETCH: scf.yield %{{.+}} : memref<64x16xf32>, f32
// PREFETCH-NEXT: }
// PREFETCH-NEXT: nvvm.wgmma.wait.group.sync.aligned 0

// mma.sync (here with ldmatrix) is pipelined alike: one barrier a step,
// before the fragments are loaded.
// TMA (the default on sm_90a): A and B are loaded from %x, padded with
// zeros, at positions the loop's variable gives, so the tensor memory
// accelerator loads them. The kernel takes two tensor maps of %x (argument
// 0), by value (!llvm.ptr arguments, listed in nlc.tensor_maps: boxes of
// 64 and 32 rows of 8 bf16, CUtensorMapDataType 9, 2 bytes). The ring
// (4 stages of 4 + 1 KiB, on 128 bytes, then 4 mbarriers) is one buffer
// of the arena; the tile buffers are gone. Thread 0 initializes the
// mbarriers (one arrival each) and makes them visible to the async
// proxy (fence.proxy.async), a barrier, then it issues the first 3
// steps: expect-tx of 5120 bytes, A as 4 boxes of 16 bytes x 64 rows and B
// as 2 of 16 bytes x 32 rows, each completing on the mbarrier. Each step:
// every thread waits on its step's mbarrier (phase parity t / 4 mod 2),
// the chain reads the stage (no proxy fence: TMA writes through the async
// proxy) and stays in flight (wait_group 1 retires the last step's chain),
// then one barrier, after which thread 0 issues the step 3 ahead into the
// last step's stage. After the loop: wait_group 0, a barrier, then the
// mbarriers are invalidated.
// TMA-LABEL: gpu.func @mm_loop(
// TMA-SAME: %[[MA:[^:]+]]: !llvm.ptr, %[[MB:[^:]+]]: !llvm.ptr)
// TMA-SAME: nlc.tensor_maps = [array<i64: 3, 0, 64, 8, 9, 2, 0>, array<i64: 4, 0, 32, 8, 9, 2, 0>]
// The accumulator is the buffer of the zeros it starts from: the copy the
// reference lowering makes of it for the loop is elided (nothing reads the
// zeros' buffer after it), so one 64 x 16 f32 buffer, and no thread copies.
// TMA-NOT: memref.copy
// TMA-NOT: memref<4x64x8xbf16
// TMA: memref.view %{{.+}} to memref<64x16xf32, #gpu.address_space<workgroup>>
// TMA-NOT: to memref<64x16xf32, #gpu.address_space<workgroup>>
// TMA: memref.view %{{.+}} to memref<21536xi8, #gpu.address_space<workgroup>>
// TMA: arith.andi %{{.+}}, %c-1024_i64 : i64
// TMA-COUNT-4: nvvm.mbarrier.init %{{.+}}, %c1_i32{{.*}} : !llvm.ptr<3>, i32
// TMA-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// TMA-NEXT: }
// TMA-NEXT: gpu.barrier
// TMA-COUNT-3: nvvm.mbarrier.arrive.expect_tx %{{.+}}, %c5120_i32
// TMA: scf.for
// TMA: arith.remui %{{.+}}, %c4{{.*}} : index
// TMA-NOT: gpu.barrier
// TMA: nvvm.mbarrier.try_wait.parity
// TMA-NOT: nvvm.fence.proxy
// TMA-NOT: gpu.barrier
// TMA: nvvm.wgmma.fence.aligned
// TMA-COUNT-2: nvvm.wgmma.mma_async {{.+}} B[<bf16>, <one>, <row>]
// TMA: nvvm.wgmma.commit.group.sync.aligned
// TMA-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// TMA-NOT: nvvm.wgmma.wait.group.sync.aligned 0
// TMA: gpu.barrier
// TMA-NEXT: arith.constant 0 : index
// TMA-NEXT: arith.cmpi eq, %thread_id_x
// TMA: nvvm.mbarrier.arrive.expect_tx %[[BAR:.+]], %c5120_i32 : !llvm.ptr<3>, i32
// TMA-COUNT-4: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.+}}, %[[MA]], %[[BAR]], box[%{{.+}}, %{{.+}}] : !llvm.ptr<7>, !llvm.ptr
// TMA-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.+}}, %[[MB]], %[[BAR]], box[%{{.+}}, %{{.+}}] : !llvm.ptr<7>, !llvm.ptr
// TMA-NOT: gpu.barrier
// TMA: scf.yield
// TMA-NEXT: }
// TMA-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// TMA-NEXT: gpu.barrier
// TMA: scf.if
// TMA-COUNT-4: nvvm.mbarrier.inval

// By default (option `swizzle`) a box is as wide as the tile's rows allow:
// A's rows of 32 bf16 of K (64 bytes) one box of 64 x 32 with the 64-byte
// pattern (CUtensorMapSwizzle 2), B's of 16 of N (32 bytes) one of 32 x 16
// with the 32-byte one (1), so one copy each a step; the ring's stages
// on 1024 bytes. The descriptors say so: A's layout type 2 (64 bytes), SBO
// = 8 rows of 64 bytes, LBO unused (16): 2 << 62 | 32 << 32 | 1 << 16;
// B's type 3 (32 bytes), SBO 8 k of 32 bytes, LBO 32 k rows of 32 bytes
// (the next 16 of N): 3 << 62 | 16 << 32 | 64 << 16.
// SWZ-LABEL: gpu.func @mm_loop(
// SWZ-SAME: %[[MA:[^:]+]]: !llvm.ptr, %[[MB:[^:]+]]: !llvm.ptr)
// SWZ-SAME: nlc.tensor_maps = [array<i64: 3, 0, 64, 32, 9, 2, 2>, array<i64: 4, 0, 32, 16, 9, 2, 1>]
// SWZ: arith.andi %{{.+}}, %c-1024_i64 : i64
// SWZ: nvvm.mbarrier.arrive.expect_tx %[[BAR:.+]], %c5120_i32 : !llvm.ptr<3>, i32
// SWZ-NEXT: arith.constant
// SWZ-NOT: nvvm.mbarrier.arrive.expect_tx
// SWZ-COUNT-1: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.+}}, %[[MA]], %[[BAR]], box[%{{.+}}, %{{.+}}] : !llvm.ptr<7>, !llvm.ptr
// SWZ-NOT: nvvm.mbarrier.arrive.expect_tx
// SWZ-COUNT-1: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.+}}, %[[MB]], %[[BAR]], box[%{{.+}}, %{{.+}}] : !llvm.ptr<7>, !llvm.ptr
// SWZ-NEXT: }
// SWZ: scf.for
// SWZ: arith.constant -9223371899415756800 : i64
// SWZ: arith.constant -4611685949703716864 : i64
// SWZ: nvvm.wgmma.mma_async

// By default (option `epilogue`) the accumulators need no tile at all:
// they start as the zeros the tile is filled with (the fill goes) and end,
// after the loop, stored from their registers into %y where the tile's
// store would have put them (the element inside %y, and the tile's own
// condition); the arena holds the TMA ring alone.
// EPI-LABEL: gpu.func @mm_loop(
// EPI-SAME: workgroup(%{{.+}} : memref<21536xi8, #gpu.address_space<workgroup>>
// EPI-NOT: memref<64x16xf32
// EPI: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// EPI: %[[R:.+]]:8 = scf.for %{{.+}} iter_args(%{{[^ ]+}} = %[[Z]], %{{[^ ]+}} = %[[Z]],
// EPI: scf.yield %{{.+}} : f32, f32, f32, f32, f32, f32, f32, f32
// EPI: nvvm.mbarrier.inval
// EPI: memref.dim %[[Y:arg[0-9]+]], %{{.+}} : memref<?x?xf32>
// EPI: arith.cmpi ult
// EPI: scf.if %{{.+}} {
// EPI-NEXT: memref.store %[[R]]#0, %[[Y]][%{{.+}}, %{{.+}}] : memref<?x?xf32>
// EPI-COUNT-7: memref.store %[[R]]#{{[1-7]}}, %[[Y]][%{{.+}}, %{{.+}}] : memref<?x?xf32>
// EPI-NOT: memref.store
// EPI: gpu.return

// PREFETCH-MMA-LABEL: gpu.func @mm_loop(
// PREFETCH-MMA: scf.for %{{.+}} -> (memref<64x16xf32>, f32, f32, f32, f32, f32, f32, f32, f32) {
// PREFETCH-MMA: arith.select
// PREFETCH-MMA-NOT: gpu.barrier
// PREFETCH-MMA: scf.if %{{.+}} -> (vector<8xbf16>)
// PREFETCH-MMA-NOT: nvvm.ldmatrix
// PREFETCH-MMA: gpu.barrier
// PREFETCH-MMA-NOT: gpu.barrier
// PREFETCH-MMA: nvvm.ldmatrix
// PREFETCH-MMA: nvvm.mma.sync
// PREFETCH-MMA-NOT: gpu.barrier
// PREFETCH-MMA: scf.yield %{{.+}} : memref<64x16xf32>, f32

module attributes {gpu.container_module, nlc.target = {cpu = "sm_90a", features = "", name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda"}} {
  gpu.module @nl_kernels {
    gpu.func @mm_loop(%x: memref<?x?xbf16>, %y: memref<?x?xf32>, %kt: index) kernel {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %f0 = arith.constant 0.0 : f32
      %zero = tile.splat %f0 : f32 -> !tile.tile<64x16xf32>
      %r = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %zero) -> (!tile.tile<64x16xf32>) {
        %a = tile.load %x[%c0, %k] : memref<?x?xbf16> -> !tile.tile<64x32xbf16>
        %b = tile.load %x[%k, %c0] : memref<?x?xbf16> -> !tile.tile<32x16xbf16, col_major>
        %d = tile.dot %a, %b, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x16xbf16, col_major> -> !tile.tile<64x16xf32>
        scf.yield %d : !tile.tile<64x16xf32>
      }
      tile.store %r, %y[%c0, %c0] : !tile.tile<64x16xf32>, memref<?x?xf32>
      gpu.return
    }
  }
}

// -----

// The accumulators start as a kernel argument the tile is filled with (a
// value no op defines): the loop's initial values are that argument.
// EPI-LABEL: gpu.func @mm_fill_argument(
// EPI-SAME: %[[S:[^:]+]]: f32
// EPI-NOT: memref<64x16xf32
// EPI: scf.for %{{.+}} iter_args(%{{[^ ]+}} = %[[S]], %{{[^ ]+}} = %[[S]],
// EPI: memref.store

module attributes {gpu.container_module, nlc.target = {cpu = "sm_90a", features = "", name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda"}} {
  gpu.module @nl_kernels {
    gpu.func @mm_fill_argument(%x: memref<?x?xbf16>, %y: memref<?x?xf32>, %kt: index, %s: f32) kernel {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %init = tile.splat %s : f32 -> !tile.tile<64x16xf32>
      %r = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %init) -> (!tile.tile<64x16xf32>) {
        %a = tile.load %x[%c0, %k] : memref<?x?xbf16> -> !tile.tile<64x32xbf16>
        %b = tile.load %x[%k, %c0] : memref<?x?xbf16> -> !tile.tile<32x16xbf16, col_major>
        %d = tile.dot %a, %b, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x16xbf16, col_major> -> !tile.tile<64x16xf32>
        scf.yield %d : !tile.tile<64x16xf32>
      }
      tile.store %r, %y[%c0, %c0] : !tile.tile<64x16xf32>, memref<?x?xf32>
      gpu.return
    }
  }
}

// -----

// A K loop whose tiles' position the loop carries (not its induction
// variable): the next step's position is not known before the step ends,
// so the loop is not pipelined (one set of buffers, the copies in the
// step), and is correct as it was.
// Nor does TMA load them.
// TMA-LABEL: gpu.func @mm_carried_position(
// TMA-NOT: nlc.tensor_maps
// TMA-NOT: nvvm.cp.async.bulk.tensor
// TMA: nvvm.wgmma.mma_async
// PREFETCH-LABEL: gpu.func @mm_carried_position(
// PREFETCH-NOT: arith.select
// PREFETCH: scf.for
// PREFETCH: vector.store %{{.+}} : memref<4x64x8xbf16>, vector<8xbf16>
// PREFETCH: nvvm.fence.proxy
// PREFETCH-NEXT: gpu.barrier
// PREFETCH: nvvm.wgmma.mma_async

module attributes {gpu.container_module, nlc.target = {cpu = "sm_90a", features = "", name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda"}} {
  gpu.module @nl_kernels {
    gpu.func @mm_carried_position(%x: memref<?x?xbf16>, %y: memref<?x?xf32>, %kt: index) kernel {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %f0 = arith.constant 0.0 : f32
      %zero = tile.splat %f0 : f32 -> !tile.tile<64x16xf32>
      %r:2 = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %zero, %at = %c0) -> (!tile.tile<64x16xf32>, index) {
        %a = tile.load %x[%c0, %at] : memref<?x?xbf16> -> !tile.tile<64x32xbf16>
        %b = tile.load %x[%at, %c0] : memref<?x?xbf16> -> !tile.tile<32x16xbf16, col_major>
        %d = tile.dot %a, %b, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x16xbf16, col_major> -> !tile.tile<64x16xf32>
        %next = arith.addi %at, %c1 : index
        scf.yield %d, %next : !tile.tile<64x16xf32>, index
      }
      tile.store %r#0, %y[%c0, %c0] : !tile.tile<64x16xf32>, memref<?x?xf32>
      gpu.return
    }
  }
}

// -----

// An i8 contraction into i32 on sm_80 and later: mma.sync m16n8k32, the K
// loop 32 at a time, four i8 to a register (the lowest k in the low byte:
// one 32-bit word of A, or of B stored transposed; rows padded by 16),
// sums wrapping as the reference's i32 sums do; without `mma`, the scalar
// form.

// MMA-LABEL: gpu.func @mm_i8(
// MMA: %[[C0:.+]] = memref.load %[[OUT:.+]][%{{.+}}, %{{.+}}] : memref<32x16xi32>
// MMA: scf.for %[[KB:.+]] = %{{.+}} to %c64{{.*}} step %c32{{.*}} iter_args(
// MMA: %[[Q4:.+]] = arith.muli %{{.+}}, %c4{{.*}} : index
// MMA-NEXT: %[[K0:.+]] = arith.addi %[[KB]], %[[Q4]] : index
// MMA: %[[AV:.+]] = vector.load %[[A:.+]][%{{.+}}, %[[K0]]] {alignment = 4 : i64} : memref<32x80xi8>, vector<4xi8>
// MMA-NEXT: %[[AW:.+]] = vector.bitcast %[[AV]] : vector<4xi8> to vector<1xi32>
// MMA: vector.load %[[B:.+]][%{{.+}}, %[[K0]]] {alignment = 4 : i64} : memref<16x80xi8>, vector<4xi8>
// MMA: nvvm.mma.sync A[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] B[%{{.+}}, %{{.+}}] C[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}]
// MMA-SAME: intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>
// MMA-SAME: layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>
// MMA-SAME: multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>
// MMA-SAME: shape = #nvvm.shape<m = 16, n = 8, k = 32>
// MMA: memref.store %{{.+}}, %[[OUT]]
// MMA-NOT: arith.muli %{{.+}} : i32

// SCALAR-LABEL: gpu.func @mm_i8(
// SCALAR-NOT: nvvm.mma.sync
// SCALAR: arith.muli %{{.+}} : i32

module attributes {gpu.container_module, nlc.target = {cpu = "sm_80", features = "", name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda"}} {
  func.func @host(%x: memref<?x?xi8>, %y: memref<?x?xi32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @nl_kernels::@mm_i8 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<?x?xi8>, %y : memref<?x?xi32>)
    return
  }
  gpu.module @nl_kernels {
    gpu.func @mm_i8(%x: memref<?x?xi8>, %y: memref<?x?xi32>) kernel {
      %c0 = arith.constant 0 : index
      %a = tile.load %x[%c0, %c0] : memref<?x?xi8> -> !tile.tile<32x64xi8>
      %b = tile.load %x[%c0, %c0] : memref<?x?xi8> -> !tile.tile<64x16xi8, col_major>
      %c = tile.dot %a, %b : !tile.tile<32x64xi8>, !tile.tile<64x16xi8, col_major> -> !tile.tile<32x16xi32>
      tile.store %c, %y[%c0, %c0] : !tile.tile<32x16xi32>, memref<?x?xi32>
      gpu.return
    }
  }
}

// -----

// A tile loaded in a loop: the reference lowering saves and restores the
// stack around each iteration for its buffer; in the arena no stack buffer
// is left, so neither is the stack's save and restore.

// STACK-LABEL: gpu.func @looped(
// STACK: scf.for
// STACK-NOT: llvm.intr.stacksave
// STACK-NOT: llvm.intr.stackrestore
// STACK: gpu.return

module attributes {gpu.container_module} {
  func.func @host(%x: memref<?x?xf32>, %n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @nl_kernels::@looped blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<?x?xf32>, %n : index)
    return
  }
  gpu.module @nl_kernels {
    gpu.func @looped(%x: memref<?x?xf32>, %n: index) kernel {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      scf.for %i = %c0 to %n step %c1 {
        %t = tile.load %x[%i, %c0] : memref<?x?xf32> -> !tile.tile<4x32xf32>
        tile.store %t, %x[%i, %c0] : !tile.tile<4x32xf32>, memref<?x?xf32>
      }
      gpu.return
    }
  }
}

// -----

// Which views a kernel may write, through other views of them too: read
// through a subview (no), written through a cast (yes), the address taken
// (yes: anything may happen to it).
// CHECK-LABEL: func.func @views(
// CHECK: gpu.launch_func @nl_kernels::@views {{.*}} {nlc.written_views = array<i1: false, true, true>}

module attributes {gpu.container_module} {
  func.func @views(%a: memref<?xf32>, %b: memref<?xf32>, %c: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @nl_kernels::@views blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<?xf32>, %b : memref<?xf32>, %c : memref<?xf32>)
    return
  }
  gpu.module @nl_kernels {
    gpu.func @views(%a: memref<?xf32>, %b: memref<?xf32>, %c: memref<?xf32>) kernel {
      %c0 = arith.constant 0 : index
      %c4 = arith.constant 4 : index
      %sub = memref.subview %a[%c0] [%c4] [1] : memref<?xf32> to memref<?xf32, strided<[1], offset: ?>>
      %v = memref.load %sub[%c0] : memref<?xf32, strided<[1], offset: ?>>
      %cast = memref.cast %b : memref<?xf32> to memref<4xf32>
      memref.store %v, %cast[%c0] : memref<4xf32>
      %p = memref.extract_aligned_pointer_as_index %c : memref<?xf32> -> index
      gpu.return
    }
  }
}
