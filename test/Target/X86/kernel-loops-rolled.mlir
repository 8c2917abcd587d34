// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" | FileCheck %s
// The loops of a kernel whose trip count is known only at run time ask
// LLVM not to unroll them (keepKernelLoopsRolled, ConvertTileToX86.cpp):
// the kernel's own loop and the lowering's loops over a tile's ragged rows.
// Loops of a constant trip count (the rows and vectors of a whole tile)
// and the loops of other functions are left to LLVM.

// CHECK: #[[UNROLL:.+]] = #llvm.loop_unroll<disable = true>
// CHECK: #[[ROLLED:.+]] = #llvm.loop_annotation<unroll = #[[UNROLL]]>
// CHECK-LABEL: func.func @kernel(
// CHECK: scf.for %{{.+}} = %{{.+}} to %arg1 step
// Of the kernel's 17 loops, 4 have a run-time trip count: its own and, in
// the load's and the store's copies for a tile at the view's edge, the
// loops over the rows inside the view (to a count computed from the view's
// size) and, in the load, over those past it (from that count). Exactly
// those 4 carry the annotation, the kernel's own loop last, before the
// return.
// CHECK-COUNT-4: } {loop_annotation = #[[ROLLED]]}
// CHECK-NEXT: return
// CHECK-LABEL: func.func @host(
// CHECK-NOT: loop_annotation
// CHECK: return
func.func @kernel(%v: memref<?x?xf32>, %n: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %x = tile.load %v[%i, %c0] : memref<?x?xf32> -> !tile.tile<3x40xf32>
    %y = tile.exp %x : !tile.tile<3x40xf32>
    tile.store %y, %v[%i, %c0] : !tile.tile<3x40xf32>, memref<?x?xf32>
  }
  return
}
func.func @host(%v: memref<?x?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %x = tile.load %v[%i, %c0] : memref<?x?xf32> -> !tile.tile<3x40xf32>
    tile.store %x, %v[%i, %c0] : !tile.tile<3x40xf32>, memref<?x?xf32>
  }
  return
}
