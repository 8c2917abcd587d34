// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --enable-var-scope
// The K loop run whole (X86Dot.cpp, splitDotKLoops and DotKLoop). A loop
// whose body only adds the `dot` of two tiles read in place to the tile it
// carries is split on a check of every iteration's tiles (all inside their
// views, and for f32 B's rows contiguous unless its view has at most 2^19
// elements or fewer than 6 rows are stored): then each register block loads its accumulators once per
// chunk of the loop's iterations (256 k steps: 64 iterations of K = 4
// here), runs them with them in registers, reading each iteration's A and
// B tiles in their views, and stores them once; else the loop as written.

// CHECK-LABEL: func.func @k_loop(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?x12x4xf32
// CHECK-SAME: %[[B:[^:]+]]: memref<?x?x4x16xf32
// CHECK-SAME: %[[N:[^:]+]]: index)
// The store after the loop is its result's one use: where its tile lies
// inside C, the loop runs in one chunk and C shares no base pointer with A
// or B, the blocks write their accumulators into C's tile (the window)
// themselves and the store does not run.
// CHECK: %[[WINDOW:.+]] = memref.reinterpret_cast %[[C:[^ ]+]] to offset: [%{{.+}}], sizes: [12, 16], strides: [%{{.+}}, 1]
// CHECK: %[[ONE:.+]] = arith.cmpi sle, %{{.+}}, %c64 : index
// CHECK: %[[CP:.+]] = memref.extract_aligned_pointer_as_index %[[C]]
// CHECK: %[[AP:.+]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: arith.cmpi ne, %[[CP]], %[[AP]] : index
// CHECK: %[[BP:.+]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: arith.cmpi ne, %[[CP]], %[[BP]] : index
// CHECK: %[[DIRECT:.+]] = arith.andi
// Whether B's view is small: its elements against 2^19.
// CHECK: memref.dim %[[B]], %c0
// CHECK: %[[SMALLVIEW:.+]] = arith.cmpi ule, %{{.+}}, %c524288 : index
// Or the store writes fewer rows than a block's 6 (decoding one token):
// each element of B is then read once, at its row stride whatever its
// size.
// CHECK: %[[FEW:.+]] = arith.cmpi ult, %{{.+}}, %c6 : index
// CHECK-NEXT: %[[SMALL:.+]] = arith.ori %[[SMALLVIEW]], %[[FEW]] : i1
// The check: one and-reduction over the iterations, both tiles inside
// their views (A's rows the store writes), B's small or contiguous.
// CHECK: %[[ALL:.+]] = scf.for %{{.+}} = %c0 to %[[N]] step %c1 iter_args(%[[OK:.+]] = %true) -> (i1) {
// CHECK: arith.ori %[[SMALL]], %{{.+}} : i1
// CHECK: %[[NEXT:.+]] = arith.andi %[[OK]], %{{.+}} : i1
// CHECK-NEXT: scf.yield %[[NEXT]] : i1
// The carried tile starts as zeros (a splat): the accumulator buffer, which
// is the `if`'s result buffer itself (no copy at the end of the branch), is
// filled with them only when the loop runs no iteration; the blocks of the
// first chunk start from them in registers.
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<12x16xf32>
// CHECK: scf.if %[[ALL]] {
// CHECK-NOT: memref.copy
// CHECK: %[[CAST:.+]] = memref.cast %[[BUF]] : memref<12x16xf32> to memref<12x16xf32, strided<[?, 1], offset: ?>>
// CHECK-NEXT: %[[OUT:.+]] = arith.select %[[DIRECT]], %[[WINDOW]], %[[CAST]]
// CHECK: %[[EMPTY:.+]] = arith.cmpi sle, %[[N]], %c0 : index
// CHECK-NEXT: scf.if %[[EMPTY]] {
// CHECK: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %c0] : memref<12x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
// CHECK: scf.for %[[C0:.+]] = %c0 to %[[N]] step %c64 {
// CHECK: %[[C1:.+]] = arith.minsi %{{.+}}, %[[N]] : index
// The row blocks end at the rows the store after the loop writes
// (dot-live-rows.mlir).
// CHECK: %[[END:.+]] = arith.minui %{{.+}}, %c12 : index
// CHECK-NEXT: arith.cmpi uge
// CHECK-NEXT: scf.for %[[I0:.+]] = %c0 to %[[END]] step %c6 {
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[C0]], %c0 : index
// CHECK-NEXT: %[[INIT:.+]]:12 = scf.if %[[FIRST]]
// CHECK-NEXT: scf.yield %cst, %cst,
// CHECK-NEXT: } else {
// CHECK-COUNT-12: vector.load %[[OUT]]
// CHECK: %[[ACC:.+]]:12 = scf.for %{{.+}} = %[[C0]] to %[[C1]] step %c1 iter_args(%{{.+}} = %[[INIT]]#0,
// CHECK-NOT: %[[OUT]]
// CHECK: %[[AW:.+]] = memref.reinterpret_cast %[[A]] to offset: [%{{.+}}], sizes: [12, 4], strides: [4, 1]
// CHECK-NOT: %[[OUT]]
// CHECK: %[[BW:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [4, 16], strides: [16, 1]
// CHECK-NEXT: %[[STEPS:.+]]:12 = scf.for %{{.+}} = %c0 to %c4 step %c1 iter_args(
// CHECK-NEXT: vector.load %[[BW]]
// CHECK-NEXT: vector.load %[[BW]]
// CHECK-NEXT: memref.load %[[AW]][%[[I0]],
// CHECK-NOT: %[[OUT]]
// CHECK-COUNT-12: vector.fma
// CHECK-NOT: %[[OUT]]
// CHECK: scf.yield %[[STEPS]]#0,
// CHECK-NEXT: }
// CHECK-NEXT: vector.store %[[ACC]]#0, %[[OUT]][%[[I0]], %c0]
// CHECK-COUNT-11: vector.store %[[ACC]]
// The loop as written: a micro-kernel per iteration.
// CHECK: } else {
// CHECK: scf.for %{{.+}} = %c0 to %[[N]] step %c1 {
// CHECK: vector.fma
// The store runs where the blocks did not write C.
// CHECK: %[[WROTE:.+]] = arith.andi %[[ALL]], %[[DIRECT]] : i1
// CHECK-NEXT: %[[RUNS:.+]] = arith.xori %[[WROTE]], %true : i1
// CHECK-NEXT: scf.if %[[RUNS]] {
// CHECK: vector.load %[[BUF]]
// CHECK: vector.store %{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
// CHECK: return
func.func @k_loop(%a: memref<?x?x12x4xf32, strided<[?, ?, 4, 1], offset: ?>>,
                  %b: memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>>,
                  %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<12x16xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xf32>) {
    %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x12x4xf32, strided<[?, ?, 4, 1], offset: ?>> -> !tile.tile<12x4xf32>
    %y = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>> -> !tile.tile<4x16xf32, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x4xf32>, !tile.tile<4x16xf32, col_major> -> !tile.tile<12x16xf32>
    scf.yield %d : !tile.tile<12x16xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// Not K loops to run whole: a store inside the loop, and a sum of `dot`s
// (`acc + dot(x, y)` rounds differently from `dot(x, y, acc)`).
// CHECK-LABEL: func.func @not_k_loops(
// CHECK-NOT: -> (i1)
// CHECK: return
func.func @not_k_loops(%a: memref<?x?x12x4xf32, strided<[?, ?, 4, 1], offset: ?>>,
                       %b: memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>>,
                       %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<12x16xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xf32>) {
    %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x12x4xf32, strided<[?, ?, 4, 1], offset: ?>> -> !tile.tile<12x4xf32>
    %y = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>> -> !tile.tile<4x16xf32, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x4xf32>, !tile.tile<4x16xf32, col_major> -> !tile.tile<12x16xf32>
    tile.store %d, %c[%k, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
    scf.yield %d : !tile.tile<12x16xf32>
  }
  %s = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %r) -> (!tile.tile<12x16xf32>) {
    %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x12x4xf32, strided<[?, ?, 4, 1], offset: ?>> -> !tile.tile<12x4xf32>
    %y = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>> -> !tile.tile<4x16xf32, col_major>
    %d = tile.dot %x, %y : !tile.tile<12x4xf32>, !tile.tile<4x16xf32, col_major> -> !tile.tile<12x16xf32>
    %e = tile.add %acc, %d : !tile.tile<12x16xf32>
    scf.yield %e : !tile.tile<12x16xf32>
  }
  tile.store %s, %c[%i, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
