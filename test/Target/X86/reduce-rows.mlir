// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s
// A rank-2 tile with fewer rows than lanes (a softmax's Tile<1, N>)
// reduced along axis 1: each row is one line of vector loads into 4
// accumulator vectors (independent chains), the whole vectors left over and
// the ragged end (masked in as the neutral element) into the first, the
// accumulators combined pairwise, then the lanes; no gathers (max and min
// are exact in any order).

// CHECK-LABEL: func.func @row_max(
// CHECK: memref.subview {{.+}}[0, 0] [1, 100] [1, 1]
// CHECK: scf.for {{.+}} to %c64{{.*}} step %c64{{.*}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-4: arith.maximumf {{.+}} : vector<16xf32>
// CHECK: scf.yield
// CHECK: vector.load {{.+}}[%c64{{.*}}]
// CHECK: vector.load {{.+}}[%c80{{.*}}]
// CHECK: vector.maskedload {{.+}}[%c96{{.*}}]
// CHECK-COUNT-3: arith.maximumf {{.+}} : vector<16xf32>
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

// A row sum of such a tile: the same 4 accumulators, the ragged end masked
// in as 0, the lanes added at the end (reordered, bounded).
// CHECK-LABEL: func.func @row_sum(
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
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

// A line reduction computes its elementwise producer used by nothing else
// (here `t * t`, and a fused tree with a column broadcast) vector by vector:
// the product's tile is never written, masked-off lanes of the ragged end
// take the neutral element after the computation. A sum of products adds
// each whole vector's product with one FMA (the multiplication left dead).
// CHECK-LABEL: func.func @row_sum_of_products(
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[X:.+]] = vector.load %[[T:.+]][%c0{{.*}}, %{{.+}}] : memref<1x100xf32>, vector<16xf32>
// CHECK: vector.fma %[[X]], %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK: %[[MASK:.+]] = vector.constant_mask [4] : vector<16xi1>
// CHECK: %[[XT:.+]] = vector.maskedload %[[T]][%c0{{.*}}, %c96], %[[MASK]]
// CHECK: %[[PT:.+]] = arith.mulf %[[XT]], %{{.+}} : vector<16xf32>
// CHECK: arith.select %[[MASK]], %[[PT]], %{{.+}} : vector<16xi1>, vector<16xf32>
// CHECK: vector.reduction <add>
// CHECK-NOT: vector.store {{.+}} : memref<1x100xf32>
// CHECK: vector.reduction <maximumf>
// CHECK: return
func.func @row_sum_of_products(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %w: memref<?xf32>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x100xf32>
  %p = tile.mul %t, %t : !tile.tile<1x100xf32>
  %s = tile.reduce sum %p along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %g = tile.load %w[%i] : memref<?xf32> -> !tile.tile<100xf32>
  %f = tile.fused(%t, %g) broadcast [-1, 0] : (!tile.tile<1x100xf32>, !tile.tile<100xf32>) -> !tile.tile<1x100xf32> {
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %a, %b : f32
    tile.yield %d : f32
  }
  %m = tile.reduce max %f along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %q = tile.add %s, %m : !tile.tile<1xf32>
  %b2 = tile.broadcast %q along 1 : !tile.tile<1xf32> -> !tile.tile<1x100xf32>
  tile.store %b2, %v[%i, %i] : !tile.tile<1x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// Reductions of the same lines whose inputs are all computed before the
// first (layernorm's sum(t) and sum(t * t), here also max(t)) share its
// pass: one loop carrying the accumulators of all three, each combined and
// reduced as alone. A reduction of a tile computed after the first (%e,
// from the sum) gets its own pass.
// The max takes the checked fast form (@fast_max below): its 4 accumulators
// and the 4 sums beside them make 16 in all.
// CHECK-LABEL: func.func @one_pass(
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-4: arith.addf {{.+}} : vector<16xf32>
// CHECK-COUNT-4: arith.mulf {{.+}} : vector<16xf32>
// CHECK: arith.cmpf ogt
// CHECK: scf.yield
// CHECK: vector.reduction <add>
// CHECK: vector.reduction <add>
// CHECK: vector.reduction <add>
// CHECK: vector.reduction <maximumf>
// CHECK: scf.if
// CHECK: arith.maximumf
// CHECK: scf.for {{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: math.exp
// CHECK: vector.reduction <add>
// CHECK: return
func.func @one_pass(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x100xf32>
  %s = tile.reduce sum %t along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %p = tile.mul %t, %t : !tile.tile<1x100xf32>
  %q = tile.reduce sum %p along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %m = tile.reduce max %t along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %sb = tile.broadcast %s along 1 : !tile.tile<1xf32> -> !tile.tile<1x100xf32>
  %d = tile.sub %t, %sb : !tile.tile<1x100xf32>
  %e = tile.exp %d : !tile.tile<1x100xf32>
  %r = tile.reduce sum %e along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %a = tile.add %q, %m : !tile.tile<1xf32>
  %a2 = tile.add %a, %r : !tile.tile<1xf32>
  %b2 = tile.broadcast %a2 along 1 : !tile.tile<1xf32> -> !tile.tile<1x100xf32>
  tile.store %b2, %v[%i, %i] : !tile.tile<1x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// A producer on narrower inputs (16-bit weights times f32 activations, the
// row of a matrix-vector product): each input is loaded as a vector of its
// own type and widened in registers; no tile buffer of the product.
// CHECK-LABEL: func.func @narrow_inputs(
// CHECK: scf.for {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: %[[W:.+]] = vector.load %{{.+}} : memref<1x100xf16>, vector<16xf16>
// CHECK-NEXT: %[[X:.+]] = vector.load %{{.+}} : memref<1x100xf32>, vector<16xf32>
// CHECK-NEXT: %[[E:.+]] = arith.extf %[[W]] : vector<16xf16> to vector<16xf32>
// CHECK-NEXT: arith.mulf %[[E]], %[[X]] : vector<16xf32>
// CHECK-NEXT: vector.fma %[[E]], %[[X]], %{{.+}} : vector<16xf32>
func.func @narrow_inputs(%v: memref<?x?xf16, strided<[?, ?], offset: ?>>, %x: memref<?x?xf32, strided<[?, ?], offset: ?>>, %o: memref<?xf32, strided<[?], offset: ?>>, %i: index) {
  %w = tile.load %v[%i, %i] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<1x100xf16>
  %t = tile.load %x[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x100xf32>
  %f = tile.fused(%w, %t) broadcast [-1, -1] : (!tile.tile<1x100xf16>, !tile.tile<1x100xf32>) -> !tile.tile<1x100xf32> {
  ^bb0(%a: f16, %b: f32):
    %e = arith.extf %a : f16 to f32
    %d = arith.mulf %e, %b : f32
    tile.yield %d : f32
  }
  %s = tile.reduce sum %f along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  tile.store %s, %o[%i] : !tile.tile<1xf32>, memref<?xf32, strided<[?], offset: ?>>
  return
}

// A float max (or min) of a line of 4 vectors or more: each accumulator
// takes the larger with one compare and select (vmaxps: NaN and the sign of
// a zero left aside), while a second accumulator beside it sums the same
// elements. The line's max is that result unless the sum is NaN (some
// element was, or an inf met a -inf) or the result is a zero: then the line
// is reduced again with arith.maximumf, the reference's order.
// CHECK-LABEL: func.func @fast_max(
// CHECK: %[[L:.+]]:8 = scf.for {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: %[[X:.+]] = vector.load
// CHECK-NEXT: %[[S:.+]] = arith.addf %{{.+}}, %[[X]] : vector<16xf32>
// CHECK-NEXT: %[[GT:.+]] = arith.cmpf olt, %{{.+}}, %[[X]] : vector<16xf32>
// CHECK-NEXT: arith.select %[[GT]], %{{.+}}, %[[X]] : vector<16xi1>, vector<16xf32>
// CHECK-NOT: arith.minimumf
// CHECK: scf.yield
// CHECK: %[[SUM:.+]] = vector.reduction <add>, %{{.+}} fastmath<reassoc>
// CHECK-NEXT: %[[M:.+]] = vector.reduction <minimumf>
// CHECK: %[[Z:.+]] = arith.cmpf oeq, %[[M]], %{{.+}} : f32
// CHECK-NEXT: %[[NAN:.+]] = arith.cmpf uno, %[[SUM]], %[[SUM]] : f32
// CHECK-NEXT: %[[AGAIN:.+]] = arith.ori %[[NAN]], %[[Z]] : i1
// CHECK-NEXT: scf.if %[[AGAIN]] -> (f32) {
// CHECK: scf.for
// CHECK-COUNT-4: arith.minimumf %{{.+}} : vector<16xf32>
// CHECK: vector.reduction <minimumf>
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[M]] : f32
// CHECK: return
func.func @fast_max(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x128xf32>
  %m = tile.reduce min %t along 1 : !tile.tile<1x128xf32> -> !tile.tile<1xf32>
  %b = tile.broadcast %m along 1 : !tile.tile<1xf32> -> !tile.tile<1x128xf32>
  tile.store %b, %v[%i, %i] : !tile.tile<1x128xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// A line of at most 4 elements (a rank-1 Tile<3>, or `sum(part, 0)` of a
// Tile<1>): one masked load, its lanes combined one by one in the
// reference's order from +0 (bit-identical), no horizontal tree.
// CHECK-LABEL: func.func @short_line(
// CHECK: %[[V:.+]] = vector.maskedload %{{.+}} : memref<3xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: %[[E0:.+]] = vector.extract %[[V]][0] : f32 from vector<16xf32>
// CHECK-NEXT: %[[S0:.+]] = arith.addf %{{.+}}, %[[E0]] : f32
// CHECK-NEXT: %[[E1:.+]] = vector.extract %[[V]][1] : f32 from vector<16xf32>
// CHECK-NEXT: %[[S1:.+]] = arith.addf %[[S0]], %[[E1]] : f32
// CHECK-NEXT: %[[E2:.+]] = vector.extract %[[V]][2] : f32 from vector<16xf32>
// CHECK-NEXT: arith.addf %[[S1]], %[[E2]] : f32
// CHECK-NOT: vector.reduction
// CHECK: return
func.func @short_line(%v: memref<?xf32>, %o: memref<?xf32>, %i: index) {
  %t = tile.load %v[%i] : memref<?xf32> -> !tile.tile<3xf32>
  %s = tile.reduce sum %t along 0 : !tile.tile<3xf32> -> f32
  memref.store %s, %o[%i] : memref<?xf32>
  return
}

// Rows of a tile with at least as many rows and columns as lanes: 16 rows
// at a time (AVX-512), one accumulator per row over whole vectors (the
// product computed in place, with an FMA), the ragged 4 columns masked in,
// then the 16 row vectors combined by pairs of shuffles in 4 levels into
// one vector whose lane r is row r's sum, stored in one vector store. No
// gathers.
// CHECK-LABEL: func.func @transposed_rows(
// CHECK-NOT: vector.gather
// CHECK: scf.for {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-COUNT-16: vector.fma
// CHECK: scf.yield
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30]
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31]
// CHECK: %[[R:.+]] = arith.addf
// CHECK-NOT: vector.shuffle
// CHECK: vector.store %[[R]], %{{.+}} : memref<32xf32>, vector<16xf32>
// CHECK-NOT: vector.gather
// CHECK: return
func.func @transposed_rows(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %o: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x100xf32>
  %p = tile.mul %t, %t : !tile.tile<32x100xf32>
  %s = tile.reduce sum %p along 1 : !tile.tile<32x100xf32> -> !tile.tile<32xf32>
  %b = tile.broadcast %s along 1 : !tile.tile<32xf32> -> !tile.tile<32x100xf32>
  tile.store %b, %o[%i, %i] : !tile.tile<32x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
