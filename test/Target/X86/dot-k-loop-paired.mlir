// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1" -canonicalize | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --check-prefix=NOPAIRS
// B stored in pairs (tile-pack-dot-operands with pack-rhs-pairs, which
// x86-pack-dot-operands sets where the target has AVX512-BF16): the packed
// kernel loads a tile of paired rows and unpairs it for the `dot`.
// - A K loop of bf16 pairs (X86Dot.cpp, DotKLoop) reads the paired tile in
//   place as the packed B of its pair steps: no buffer, no packing.
// - Elsewhere (the loop as written, or a target without vdpbf16ps),
//   tile.unpair_rows deinterleaves each row of pairs into its two rows, and
//   tile.pair_rows (the packing kernel) interleaves two rows.

// CHECK-LABEL: func.func @bf16_paired_k_loop(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
// CHECK-SAME: %[[B:[^:]+]]: memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
// The unpaired tile's buffer (2 KiB) is allocated once, before the loops.
// CHECK: %[[UNPAIRED:.+]] = memref.alloca() : memref<64x16xbf16>
// CHECK: scf.if %{{.+}} {
// CHECK-NOT: memref.alloca(
// CHECK-NOT: vector.interleave
// CHECK: %[[PB:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [32, 32], strides: [32, 1]
// CHECK-NEXT: scf.for %[[KP:.+]] = %c0 to %c32 step %c1 iter_args(
// CHECK-NEXT: %[[ROW:.+]] = vector.load %[[PB]][%[[KP]], %c0] : memref<32x32xbf16, strided<[32, 1], offset: ?>>, vector<32xbf16>
// CHECK: x86vector.avx512.dot %{{.+}}, %{{.+}}, %[[ROW]] : vector<32xbf16> -> vector<16xf32>
// The loop as written: the tile unpaired, then paired again by the dot.
// CHECK: } else {
// CHECK: %[[V:.+]] = vector.load %{{.+}}[%[[P:[a-z0-9_]+]], %c0] : memref<32x32xbf16>, vector<32xbf16>
// CHECK-NEXT: %[[E:.+]], %[[O:.+]] = vector.deinterleave %[[V]] : vector<32xbf16> -> vector<16xbf16>
// CHECK-NEXT: vector.store %[[E]], %[[UNPAIRED]][%{{.+}}, %c0]
// CHECK: vector.store %[[O]], %[[UNPAIRED]][%{{.+}}, %c0]
// CHECK: return

// Without vdpbf16ps no K loop reads the pairs: every iteration unpairs.
// NOPAIRS-LABEL: func.func @bf16_paired_k_loop(
// NOPAIRS-NOT: x86vector.avx512.dot
// NOPAIRS: vector.deinterleave
// NOPAIRS: return
func.func @bf16_paired_k_loop(%a: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                              %b: memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
                              %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<12x16xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<12x64xbf16>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<32x32xbf16>
    %y = tile.unpair_rows %p : !tile.tile<32x32xbf16> -> !tile.tile<64x16xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x64xbf16>, !tile.tile<64x16xbf16, col_major> -> !tile.tile<12x16xf32>
    scf.yield %d : !tile.tile<12x16xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// The packing kernel's tile.pair_rows: rows 2p and 2p + 1 interleaved into
// row p. Its load copies the tile only at the view's edges (the full-tile
// branch is empty); the pairing reads the rows in the view itself where
// the tile lies inside it, at the view's row stride, else the copy. The
// pairs go straight into their tile of the packed tensor (the store right
// after is a tensor of 32 x 32 tiles at tile (0, 0) of its last two
// dimensions), when the store's indices are in range: no buffer, no copy.
// CHECK-LABEL: func.func @pair_rows(
// CHECK-SAME: %{{[^:]+}}: memref<?x?xbf16, strided<[?, 1], offset: ?>>, %[[W:[^:]+]]: memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>, %[[I:[^:]+]]: index)
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<64x16xbf16>
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: %[[WINDOW:.+]] = memref.reinterpret_cast %{{.+}} to offset: [%{{.+}}], sizes: [64, 16], strides: [%{{.+}}, 1]
// CHECK: %[[CAST:.+]] = memref.cast %[[BUF]] : memref<64x16xbf16> to memref<64x16xbf16, strided<[?, 1], offset: ?>>
// CHECK-NEXT: %[[SRC:.+]] = arith.select %{{.+}}, %[[WINDOW]], %[[CAST]]
// CHECK-NOT: memref.alloca
// CHECK: %[[ROWS:.+]] = arith.select %{{.+}}, %c32, %c0 : index
// CHECK-NEXT: %[[WHOLE:.+]] = arith.cmpi eq, %[[ROWS]], %c32 : index
// CHECK-NEXT: scf.if %[[WHOLE]] {
// CHECK-NEXT: %[[TILE:.+]] = memref.subview %[[W]][%[[I]], %[[I]], 0, 0] [1, 1, 32, 32] [1, 1, 1, 1] : memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>> to memref<32x32xbf16, strided<[32, 1], offset: ?>>
// CHECK-NEXT: scf.for %[[P:.+]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: %[[EVEN:.+]] = arith.muli %[[P]], %c2 : index
// CHECK-NEXT: %[[ODD:.+]] = arith.addi %[[EVEN]], %c1 : index
// CHECK-NEXT: %[[O:.+]] = vector.load %[[SRC]][%[[ODD]], %c0] : memref<64x16xbf16, strided<[?, 1], offset: ?>>, vector<16xbf16>
// CHECK-NEXT: %[[E:.+]] = vector.load %[[SRC]][%[[EVEN]], %c0] : memref<64x16xbf16, strided<[?, 1], offset: ?>>, vector<16xbf16>
// CHECK-NEXT: %[[V:.+]] = vector.interleave %[[E]], %[[O]] : vector<16xbf16> -> vector<32xbf16>
// CHECK-NEXT: vector.store %[[V]], %[[TILE]][%[[P]], %c0] : memref<32x32xbf16, strided<[32, 1], offset: ?>>, vector<32xbf16>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @pair_rows(%v: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                     %w: memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %t = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<64x16xbf16>
  %p = tile.pair_rows %t : !tile.tile<64x16xbf16> -> !tile.tile<32x32xbf16>
  tile.store %p, %w[%i, %i, %c0, %c0] : !tile.tile<32x32xbf16>, memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>
  return
}
