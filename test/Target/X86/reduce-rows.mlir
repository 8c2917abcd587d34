// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s
// A rank-2 tile with fewer rows than lanes (a softmax's Tile<1, N>)
// reduced along axis 1: each row is one line of vector loads (the ragged
// end masked in as the neutral element), then the lanes are combined; no
// gathers (max and min are exact in any order).

// CHECK-LABEL: func.func @row_max(
// CHECK: memref.subview {{.+}}[0, 0] [1, 100] [1, 1]
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<16xf32>)
// CHECK: vector.load
// CHECK: arith.maximumf {{.+}} : vector<16xf32>
// CHECK: vector.maskedload
// CHECK: vector.reduction <maximumf>
// CHECK: memref.subview {{.+}}[1, 0] [1, 100] [1, 1]
// CHECK-NOT: vector.gather
func.func @row_max(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<2x100xf32>
  %m = tile.reduce max %t along 1 : !tile.tile<2x100xf32> -> !tile.tile<2xf32>
  %b = tile.broadcast %m along 1 : !tile.tile<2xf32> -> !tile.tile<2x100xf32>
  tile.store %b, %v[%i, %i] : !tile.tile<2x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// A row sum of such a tile: one accumulator vector per row, the ragged end
// masked in as 0, the lanes added at the end (reordered, bounded).
// CHECK-LABEL: func.func @row_sum(
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<16xf32>)
// CHECK: arith.addf {{.+}} : vector<16xf32>
// CHECK: vector.reduction <add>
// CHECK-NOT: vector.gather
func.func @row_sum(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x100xf32>
  %m = tile.reduce sum %t along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %b = tile.broadcast %m along 1 : !tile.tile<1xf32> -> !tile.tile<1x100xf32>
  tile.store %b, %v[%i, %i] : !tile.tile<1x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
