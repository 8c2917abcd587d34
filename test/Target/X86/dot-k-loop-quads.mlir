// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 vnni-dot=1" -canonicalize | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --check-prefix=NOQUADS
// i8 B stored in quads (tile-pack-dot-operands with pack-rhs-quads, which
// x86-pack-dot-operands sets where the target has AVX512-VNNI): the packed
// kernel loads a tile of rows in quads and ungroups it for the `dot`.
// - A K loop of i8 quads (X86Dot.cpp, DotKLoop) reads the quads in place
//   as the packed B of its `vpdpbusd` steps: no buffer of packed B, no
//   shuffles; it only sums B's columns from the quads (one `vpdpbusd` of
//   ones per vector) and biases A.
// - A stored biased (bias-i8-lhs: the kernel adds -128 to each byte of the
//   tile it loads, a tile.add of a splat or, after tile-fuse-elementwise,
//   a tile.fused) is read in place as the biased A of the quad steps: no
//   buffer, no copy.
// - Elsewhere (the loop as written, or a target without VNNI),
//   tile.unpair_rows group 4 deinterleaves each row of quads into its four
//   rows, and tile.pair_rows group 4 (the packing kernel) interleaves four.

// CHECK-LABEL: func.func @i8_quads_k_loop(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?xi8, strided<[?, 1], offset: ?>>,
// CHECK-SAME: %[[B:[^:]+]]: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>,
// CHECK: scf.if %{{.+}} {
// The biased A of the chunk's iterations; no buffer for B.
// CHECK: memref.alloca(%{{.+}}) : memref<?x32xi8>
// CHECK-NOT: memref.alloca(%{{.+}}) : memref<?x64xi8>
// CHECK-NOT: vector.interleave
// Each iteration's column sums, read from the quads in place.
// CHECK: %[[QB:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [8, 64], strides: [64, 1]
// CHECK: scf.for %[[Q:.+]] = %c0 to %c8 step %c1 iter_args(
// CHECK-NEXT: %[[QV:.+]] = vector.load %[[QB]][%[[Q]], %c0] : memref<8x64xi8, strided<[64, 1], offset: ?>>, vector<64xi8>
// CHECK-NEXT: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.+}}, %{{.+}}, %[[QV]])
// CHECK-NOT: vector.interleave
// The quad steps read B's rows of quads in place too.
// CHECK: %[[PB:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [8, 64], strides: [64, 1]
// CHECK: scf.for %[[KQ:.+]] = %c0 to %c8 step %c1 iter_args(
// CHECK: %[[ROW:.+]] = vector.load %[[PB]][%[[KQ]], %c0] : memref<8x64xi8, strided<[64, 1], offset: ?>>, vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.+}}, %{{.+}}, %[[ROW]])
// The loop as written: the tile ungrouped (two rounds of deinterleaving),
// then packed again by the dot.
// CHECK: } else {
// CHECK: %[[V:.+]] = vector.load %{{.+}}[%{{.+}}, %c0] : memref<8x64xi8>, vector<64xi8>
// CHECK-NEXT: %[[E:.+]], %[[O:.+]] = vector.deinterleave %[[V]] : vector<64xi8> -> vector<32xi8>
// CHECK-NEXT: %[[R0:.+]], %[[R2:.+]] = vector.deinterleave %[[E]] : vector<32xi8> -> vector<16xi8>
// CHECK-NEXT: %[[R1:.+]], %[[R3:.+]] = vector.deinterleave %[[O]] : vector<32xi8> -> vector<16xi8>
// CHECK-NEXT: vector.store %[[R0]], %{{.+}}[%[[F:.+]], %c0]
// CHECK: vector.store %[[R1]]
// CHECK: vector.store %[[R2]]
// CHECK: vector.store %[[R3]]
// CHECK: return

// Without VNNI no K loop reads the quads: every iteration ungroups them.
// NOQUADS-LABEL: func.func @i8_quads_k_loop(
// NOQUADS-NOT: vpdpbusd
// NOQUADS: vector.deinterleave
// NOQUADS: return
func.func @i8_quads_k_loop(%a: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                           %b: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>,
                           %c: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %init = tile.splat %z : i32 -> !tile.tile<12x16xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xi32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<12x32xi8>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>> -> !tile.tile<8x64xi8>
    %y = tile.unpair_rows %p group 4 : !tile.tile<8x64xi8> -> !tile.tile<32x16xi8, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x32xi8>, !tile.tile<32x16xi8, col_major> -> !tile.tile<12x16xi32>
    scf.yield %d : !tile.tile<12x16xi32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}

// The packing kernel's tile.pair_rows group 4: rows 4q .. 4q + 3
// interleaved into row q (bytes widened to pairs of 16 bits, then words),
// written straight into the tile of the packed tensor when the store's
// indices are in range.
// CHECK-LABEL: func.func @quad_rows(
// CHECK-SAME: %[[W:[^:]+]]: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>, %[[I:[^:]+]]: index)
// CHECK: %[[WHOLE:.+]] = arith.cmpi eq, %{{.+}}, %c8 : index
// CHECK-NEXT: scf.if %[[WHOLE]] {
// CHECK-NEXT: %[[TILE:.+]] = memref.subview %[[W]][%[[I]], %[[I]], 0, 0] [1, 1, 8, 64] [1, 1, 1, 1] : memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>> to memref<8x64xi8, strided<[64, 1], offset: ?>>
// CHECK-NEXT: scf.for %[[Q:.+]] = %c0 to %c8 step %c1 {
// CHECK-COUNT-4: vector.load %{{.+}} : memref<32x16xi8, strided<[?, 1], offset: ?>>, vector<16xi8>
// CHECK: vector.interleave %{{.+}} : vector<16xi8> -> vector<32xi8>
// CHECK: vector.interleave %{{.+}} : vector<16xi8> -> vector<32xi8>
// CHECK: vector.interleave %{{.+}} : vector<16xi16> -> vector<32xi16>
// CHECK: vector.store %{{.+}}, %[[TILE]][%[[Q]], %c0] : memref<8x64xi8, strided<[64, 1], offset: ?>>, vector<64xi8>
// CHECK: return
func.func @quad_rows(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                     %w: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %t = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x16xi8>
  %p = tile.pair_rows %t group 4 : !tile.tile<32x16xi8> -> !tile.tile<8x64xi8>
  tile.store %p, %w[%i, %i, %c0, %c0] : !tile.tile<8x64xi8>, memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>
  return
}

// A stored biased, as tile-pack-dot-operands leaves it (tile.add of a
// splat) and as tile-fuse-elementwise makes it (tile.fused): the quad
// steps broadcast A's words from its view; neither a buffer of biased A
// nor an xor. The loop as written still adds -128 (in the `else`).
// CHECK-LABEL: func.func @i8_biased_lhs(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>>,
// CHECK: scf.if %{{.+}} {
// CHECK-NOT: memref.alloca(%{{.+}}) : memref<?x32xi8>
// CHECK-NOT: arith.xori
// CHECK: %[[PA:.+]] = memref.reinterpret_cast %[[A]] to offset: [%{{.+}}], sizes: [12, 32], strides: [32, 1]
// CHECK: vector.load %[[PA]]
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: } else {
// CHECK: arith.addi %{{.+}}, %{{.+}} : vector<64xi8>
// CHECK-LABEL: func.func @i8_biased_lhs_fused(
// CHECK: scf.if %{{.+}} {
// CHECK-NOT: memref.alloca(%{{.+}}) : memref<?x32xi8>
// CHECK-NOT: arith.xori
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: } else {
// Another constant is not the bias: no K loop run whole (which would read
// B's quads in place).
// CHECK-LABEL: func.func @i8_not_biased(
// CHECK-NOT: sizes: [8, 64], strides: [64, 1]
// CHECK: return
func.func @i8_biased_lhs(%a: memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>>,
                         %b: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>,
                         %c: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %m = arith.constant -128 : i8
  %init = tile.splat %z : i32 -> !tile.tile<12x16xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xi32>) {
    %t = tile.load %a[%i, %k, %c0, %c0] padding(%m : i8) : memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<12x32xi8>
    %s = tile.splat %m : i8 -> !tile.tile<12x32xi8>
    %x = tile.add %t, %s : !tile.tile<12x32xi8>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>> -> !tile.tile<8x64xi8>
    %y = tile.unpair_rows %p group 4 : !tile.tile<8x64xi8> -> !tile.tile<32x16xi8, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x32xi8>, !tile.tile<32x16xi8, col_major> -> !tile.tile<12x16xi32>
    scf.yield %d : !tile.tile<12x16xi32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}

func.func @i8_biased_lhs_fused(%a: memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>>,
                               %b: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>,
                               %c: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %m = arith.constant -128 : i8
  %init = tile.splat %z : i32 -> !tile.tile<12x16xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xi32>) {
    %t = tile.load %a[%i, %k, %c0, %c0] padding(%m : i8) : memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<12x32xi8>
    %x = tile.fused(%t, %m) broadcast [-1, -1] : (!tile.tile<12x32xi8>, i8) -> !tile.tile<12x32xi8> {
    ^bb0(%e: i8, %v: i8):
      %u = arith.addi %e, %v : i8
      tile.yield %u : i8
    }
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>> -> !tile.tile<8x64xi8>
    %y = tile.unpair_rows %p group 4 : !tile.tile<8x64xi8> -> !tile.tile<32x16xi8, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x32xi8>, !tile.tile<32x16xi8, col_major> -> !tile.tile<12x16xi32>
    scf.yield %d : !tile.tile<12x16xi32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}

func.func @i8_not_biased(%a: memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>>,
                         %b: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>,
                         %c: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %m = arith.constant 127 : i8
  %init = tile.splat %z : i32 -> !tile.tile<12x16xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xi32>) {
    %t = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x12x32xi8, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<12x32xi8>
    %s = tile.splat %m : i8 -> !tile.tile<12x32xi8>
    %x = tile.add %t, %s : !tile.tile<12x32xi8>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>> -> !tile.tile<8x64xi8>
    %y = tile.unpair_rows %p group 4 : !tile.tile<8x64xi8> -> !tile.tile<32x16xi8, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x32xi8>, !tile.tile<32x16xi8, col_major> -> !tile.tile<12x16xi32>
    scf.yield %d : !tile.tile<12x16xi32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
