// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --enable-var-scope
// f16 K loops run whole (X86Dot.cpp, DotKLoop). Where every iteration's
// tiles lie inside their views, each chunk of iterations (about 256 k: 4
// iterations of 64 here) first widens its tiles of A and of B to f32, one
// below the other, into two buffers sized at run time (B only where a
// block's rows are live); then each block of
// 6 rows keeps its accumulators in registers through the chunk, its k steps
// those of f32, reading the widened tiles: no conversion in the steps, no
// accumulator loaded or stored between iterations. Otherwise the loop as
// written (one micro-kernel per iteration).

// CHECK-LABEL: func.func @f16_k_loop(
// CHECK: scf.if
// CHECK: %[[WA:.+]] = memref.alloca(%{{.+}}) : memref<?x64xf32>
// CHECK: %[[WB:.+]] = memref.alloca(%{{.+}}) : memref<?x32xf32>
// Where fewer rows than a block's 6 are stored (the store's rows, %[[L]]),
// chunks of one iteration, whose buffers stay in L1 (kFewRowsChunkBytes).
// CHECK: %[[FEW:.+]] = arith.cmpi ult, %[[L:.+]], %c6 : index
// CHECK: %[[STEP:.+]] = arith.select %[[FEW]], %c1, %c4 : index
// CHECK: scf.for %{{.+}} = %c0 to %{{.+}} step %[[STEP]] {
// Only those rows of A are widened (the others may lie past A's view).
// CHECK: %[[ROWS:.+]] = arith.minui %[[L]], %c12 : index
// CHECK: scf.for %{{.+}} = %c0 to %[[ROWS]] step %c1 {
// CHECK: arith.extf %{{.+}} : vector<16xf16> to vector<16xf32>
// CHECK-NEXT: vector.store %{{.+}}, %[[WA]]
// B is widened where at least a block's rows are live (else the k steps
// read it in place, below).
// CHECK: %[[MANY:.+]] = arith.cmpi uge, %[[L]], %c6 : index
// CHECK-NEXT: scf.if %[[MANY]] {
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c1 {
// CHECK: arith.extf %{{.+}} : vector<16xf16> to vector<16xf32>
// CHECK-NEXT: vector.store %{{.+}}, %[[WB]]
// CHECK: scf.for %{{.+}} step %c6 {
// CHECK: memref.subview %[[WA]]
// CHECK: memref.subview %[[WB]]
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(
// CHECK-NOT: arith.extf
// CHECK-COUNT-12: vector.fma
// CHECK-NOT: arith.extf
// CHECK: scf.yield
// Blocks of one row (fewer than 6 live): where fewer than 6 rows are live,
// B's f16 rows read in place and widened as read; else the widened tile.
// CHECK: memref.subview %[[WA]]
// CHECK: %[[WBS:.+]] = memref.subview %[[WB]]
// CHECK-NEXT: scf.if %[[FEW]] -> (vector<16xf32>, vector<16xf32>) {
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(
// CHECK-NEXT: vector.load %{{.+}} : memref<64x32xf16, strided<[?, 1], offset: ?>>, vector<16xf16>
// CHECK-NEXT: arith.extf
// CHECK: vector.fma
// CHECK: } else {
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(
// CHECK-NEXT: vector.load %[[WBS]]
// CHECK-NOT: arith.extf
// CHECK: vector.fma
// CHECK: } else {
// CHECK: return
func.func @f16_k_loop(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>,
                      %b: memref<?x?xf16, strided<[?, 1], offset: ?>>,
                      %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<12x32xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x32xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<12x64xf16>
    %y = tile.load %b[%k, %c0] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<64x32xf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x64xf16>, !tile.tile<64x32xf16, col_major> -> !tile.tile<12x32xf32>
    scf.yield %d : !tile.tile<12x32xf32>
  }
  tile.store %r, %c[%i, %c0] : !tile.tile<12x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
