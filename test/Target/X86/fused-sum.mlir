// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=512" | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=256" | FileCheck %s --check-prefix=YMM
// A row sum of a tile that an elementwise op computes into a buffer (it is
// read twice: by the sum and by the division, a softmax's e and e / sum(e))
// is added up by the loop that computes the tile (planFusedSums): the loop
// carries one accumulator vector, the ragged end adds its lanes in masked
// to zeros, the lanes are then added pairwise (reassoc) and stored as the
// row's sum. No second loop reads the buffer for the sum.

// CHECK-LABEL: func.func @softmax_rows(
// CHECK: %[[ACC:.+]] = scf.for %{{.+}} = %{{.+}} to %c992{{.*}} step %c16 iter_args(%[[A:.+]] = %[[ZERO:.+]]) -> (vector<16xf32>) {
// CHECK-NEXT: vector.load
// CHECK-NEXT: arith.subf
// CHECK-NEXT: %[[E:.+]] = math.exp %{{.+}} : vector<16xf32>
// CHECK-NEXT: vector.store %[[E]]
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[A]], %[[E]] : vector<16xf32>
// CHECK-NEXT: scf.yield %[[NEXT]] : vector<16xf32>
// 1000 = 62 x 16 + 8: the last vector, its lanes past 8 zeros in the sum.
// CHECK: %[[M:.+]] = vector.constant_mask [8] : vector<16xi1>
// CHECK: %[[LAST:.+]] = math.exp %{{.+}} : vector<16xf32>
// CHECK-NEXT: vector.maskedstore %{{.+}}, %[[M]], %[[LAST]]
// CHECK-NEXT: %[[KEPT:.+]] = arith.select %[[M]], %[[LAST]], %[[ZERO]] : vector<16xi1>, vector<16xf32>
// CHECK-NEXT: %[[ALL:.+]] = arith.addf %[[ACC]], %[[KEPT]] : vector<16xf32>
// CHECK-NEXT: %[[TOTAL:.+]] = vector.reduction <add>, %[[ALL]] fastmath<reassoc> : vector<16xf32> into f32
// CHECK-NEXT: memref.store %[[TOTAL]], %[[SUMS:.+]][%{{.+}}] : memref<1xf32>
// The sum itself reads nothing: the division (the store computes it)
// takes the row's sum from that buffer.
// CHECK-NOT: vector.reduction <add>
// CHECK: memref.load %[[SUMS]]
// CHECK-NOT: vector.reduction <add>
// CHECK: arith.divf %{{.+}} : vector<16xf32>
// CHECK: return
// YMM-LABEL: func.func @softmax_rows(
// YMM: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>)
// YMM: vector.reduction <add>, %{{.+}} fastmath<reassoc> : vector<8xf32> into f32
// YMM-NOT: vector.reduction <add>
// YMM: return
func.func @softmax_rows(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x1000xf32>
  %m = tile.reduce max %t along 1 : !tile.tile<1x1000xf32> -> !tile.tile<1xf32>
  %e = tile.fused(%t, %m) broadcast [-1, 1] : (!tile.tile<1x1000xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1000xf32> {
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %a, %b : f32
    %v = math.exp %d : f32
    tile.yield %v : f32
  }
  %s = tile.reduce sum %e along 1 : !tile.tile<1x1000xf32> -> !tile.tile<1xf32>
  %r = tile.fused(%e, %s) broadcast [-1, 1] : (!tile.tile<1x1000xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1000xf32> {
  ^bb0(%a: f32, %b: f32):
    %q = arith.divf %a, %b : f32
    tile.yield %q : f32
  }
  tile.store %r, %y[%i, %c0] : !tile.tile<1x1000xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// -----

// Not taken in: a sum with another reduction between it and the op that
// computes its rows (that reduction takes the sum into its own pass:
// lineSiblings), rows of fewer than 4 vectors, and a sum of more rows than
// lanes (transposed rows). No exp loop carries an accumulator.
// CHECK-LABEL: func.func @not_fused(
// CHECK-NOT: -> (vector<16xf32>) {
// CHECK: math.exp %{{.+}} : vector<16xf32>
// CHECK-NOT: -> (vector<16xf32>) {
// CHECK: math.exp %{{.+}} : vector<16xf32>
// CHECK-NOT: -> (vector<16xf32>) {
// CHECK: math.exp %{{.+}} : vector<16xf32>
// CHECK-NOT: -> (vector<16xf32>) {
// CHECK: return
func.func @not_fused(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x1000xf32>
  %e = tile.exp %t : !tile.tile<1x1000xf32>
  %m = tile.reduce max %t along 1 : !tile.tile<1x1000xf32> -> !tile.tile<1xf32>
  %s = tile.reduce sum %e along 1 : !tile.tile<1x1000xf32> -> !tile.tile<1xf32>
  tile.store %e, %y[%i, %c0] : !tile.tile<1x1000xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  %u = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x48xf32>
  %f = tile.exp %u : !tile.tile<1x48xf32>
  %s2 = tile.reduce sum %f along 1 : !tile.tile<1x48xf32> -> !tile.tile<1xf32>
  tile.store %f, %y[%i, %c0] : !tile.tile<1x48xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  %w = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<16x64xf32>
  %g = tile.exp %w : !tile.tile<16x64xf32>
  %s3 = tile.reduce sum %g along 1 : !tile.tile<16x64xf32> -> !tile.tile<16xf32>
  tile.store %g, %y[%i, %c0] : !tile.tile<16x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  %z = tile.fused(%m, %s, %s2) broadcast [-1, -1, -1] : (!tile.tile<1xf32>, !tile.tile<1xf32>, !tile.tile<1xf32>) -> !tile.tile<1xf32> {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.addf %a, %b : f32
    %q = arith.addf %p, %c : f32
    tile.yield %q : f32
  }
  %zz = tile.reshape %z : !tile.tile<1xf32> -> !tile.tile<1x1xf32>
  tile.store %zz, %y[%i, %c0] : !tile.tile<1x1xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  %s3r = tile.reshape %s3 : !tile.tile<16xf32> -> !tile.tile<1x16xf32>
  tile.store %s3r, %y[%i, %c0] : !tile.tile<1x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
