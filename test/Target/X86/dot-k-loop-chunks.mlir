// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256 f32-chunk-k=1024" -canonicalize | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --check-prefix=SHORT
// The chunks of an f32 K loop run whole (X86Dot.cpp, DotKLoop) where the
// target takes longer ones (f32-chunk-k; 2048 k on AMX targets): 1024 k
// (256 iterations of K = 4) where the first two iterations' tiles of B
// follow each other in memory (the second's offset is the first's plus 4
// rows times the row stride, 16), else the 256 k (64 iterations) of every
// other target. Without the option (no AMX here): 64 iterations, no check.

// CHECK-LABEL: func.func @k_loop(
// CHECK-SAME: %[[B:[^:]+]]: memref<?x?x4x16xf32
// CHECK-SAME: %[[I:[^:]+]]: index, %[[N:[^:]+]]: index)
// CHECK: scf.if
// CHECK: %{{.+}}, %[[OFF0:.+]], %{{.+}}:4, %[[ST0:.+]]:4 = memref.extract_strided_metadata %[[B]]
// CHECK: %[[J0:.+]] = arith.select %{{.+}}, %[[I]], %c0 : index
// CHECK: %{{.+}}, %[[OFF1:.+]], %{{.+}}:4, %[[ST1:.+]]:4 = memref.extract_strided_metadata %[[B]]
// CHECK: %[[K1:.+]] = arith.select %{{.+}}, %c1, %c0 : index
// CHECK: %[[J1:.+]] = arith.select %{{.+}}, %[[I]], %c0 : index
// CHECK: %[[COL0:.+]] = arith.muli %[[J0]], %[[ST0]]#1 : index
// CHECK: %[[AT0:.+]] = arith.addi %[[OFF0]], %[[COL0]] : index
// CHECK: %[[END:.+]] = arith.addi %[[AT0]], %c64 : index
// CHECK: %[[ROW1:.+]] = arith.muli %[[K1]], %[[ST1]]#0 : index
// CHECK: %[[AT1A:.+]] = arith.addi %[[OFF1]], %[[ROW1]] : index
// CHECK: %[[COL1:.+]] = arith.muli %[[J1]], %[[ST1]]#1 : index
// CHECK: %[[AT1:.+]] = arith.addi %[[AT1A]], %[[COL1]] : index
// CHECK: %[[FOLLOWS:.+]] = arith.cmpi eq, %[[AT1]], %[[END]] : index
// CHECK: %[[ITERS:.+]] = arith.select %[[FOLLOWS]], %c256, %c64 : index
// CHECK: scf.for %{{.+}} = %c0 to %[[N]] step %[[ITERS]] {

// SHORT-LABEL: func.func @k_loop(
// SHORT-NOT: %c256
// SHORT: scf.for %{{.+}} = %c0 to %{{.+}} step %c64 {
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
