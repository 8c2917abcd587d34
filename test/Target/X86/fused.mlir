// RUN: %nlc-opt %s -split-input-file -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=512" | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=256" | FileCheck %s --check-prefix=YMM
// tile.fused on x86: one pass over the result in vectors (here each result
// is stored twice, so it has a buffer: a tile only stored once is computed
// by its store, see store-producer.mlir). Without
// broadcast inputs the buffers are one run of elements; with them, a loop
// over rows splats each row's element (along 1) once and loads the column
// vector (along 0) at each position. i1 tiles in or out, and f64
// exp/log/tanh/erf, take the reference loops.

// CHECK-LABEL: func.func @rows(
// CHECK: %[[E:.+]] = memref.load %{{.+}}[%[[R:.+]]] : memref<3xf32>
// CHECK: %[[S:.+]] = vector.broadcast %[[E]] : f32 to vector<16xf32>
// CHECK: scf.for %[[C:.+]] = %c0{{.*}} to %c32{{.*}} step %c16{{.*}} {
// CHECK: %[[X:.+]] = vector.load %{{.+}}[%[[R]], %[[C]]] : memref<3x40xf32>, vector<16xf32>
// CHECK: %[[G:.+]] = vector.load %{{.+}}[%[[C]]] : memref<40xf32>, vector<16xf32>
// CHECK: %[[D:.+]] = arith.subf %[[X]], %[[S]] : vector<16xf32>
// CHECK: %[[M:.+]] = math.exp %[[D]] : vector<16xf32>
// CHECK: %[[P:.+]] = arith.mulf %[[M]], %[[G]] : vector<16xf32>
// CHECK: vector.store %[[P]], %{{.+}}[%[[R]], %[[C]]] : memref<3x40xf32>, vector<16xf32>
// The ragged end of each row: 8 of 16 lanes.
// CHECK: vector.maskedload %{{.+}}[%[[R]], %c32{{.*}}]
// CHECK: vector.maskedstore %{{.+}}[%[[R]], %c32{{.*}}]
// YMM-LABEL: func.func @rows(
// YMM: memref.load %{{.+}} : memref<3xf32>
// YMM: scf.for %{{.+}} = %c0{{.*}} to %c40{{.*}} step %c8{{.*}} {
// YMM-NOT: vector.maskedload
// The store that follows:
// YMM: memref.extract_strided_metadata
func.func @rows(%v: memref<?x?xf32>, %w: memref<?xf32>, %i: index) {
  %x = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<3x40xf32>
  %r = tile.load %w[%i] : memref<?xf32> -> !tile.tile<3xf32>
  %g = tile.load %w[%i] : memref<?xf32> -> !tile.tile<40xf32>
  %rb = tile.broadcast %r along 1 : !tile.tile<3xf32> -> !tile.tile<3x40xf32>
  %d = tile.sub %x, %rb : !tile.tile<3x40xf32>
  %e = tile.exp %d : !tile.tile<3x40xf32>
  %gb = tile.broadcast %g along 0 : !tile.tile<40xf32> -> !tile.tile<3x40xf32>
  %p = tile.mul %e, %gb : !tile.tile<3x40xf32>
  tile.store %p, %v[%i, %i] : !tile.tile<3x40xf32>, memref<?x?xf32>
  tile.store %p, %v[%i, %i] : !tile.tile<3x40xf32>, memref<?x?xf32>
  return
}

// -----

// Without broadcasts: one run over the flattened buffers; a comparison and
// select inside the body are vector compares and selects.
// CHECK-LABEL: func.func @flat(
// CHECK: memref.collapse_shape {{.+}} : memref<4x8xf32> into memref<32xf32>
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c32{{.*}} step %c16{{.*}} {
// CHECK: arith.cmpf olt, %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : vector<16xi1>, vector<16xf32>
func.func @flat(%v: memref<?x?xf32>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<4x8xf32>
  %b = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<4x8xf32>
  %c = tile.cmp lt, %a, %b : !tile.tile<4x8xf32> -> !tile.tile<4x8xi1>
  %s = tile.select %c, %a, %b : !tile.tile<4x8xi1>, !tile.tile<4x8xf32>
  %t = tile.add %s, %a : !tile.tile<4x8xf32>
  tile.store %t, %v[%i, %i] : !tile.tile<4x8xf32>, memref<?x?xf32>
  tile.store %t, %v[%i, %i] : !tile.tile<4x8xf32>, memref<?x?xf32>
  return
}

// -----

// An i1 tile input (a comparison used twice) and f64 exp: reference loops.
// CHECK-LABEL: func.func @reference(
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
// CHECK: math.exp %{{.+}} : f64
// CHECK: return
func.func @reference(%v: memref<?xf32>, %w: memref<?xf64>, %i: index) {
  %a = tile.load %v[%i] : memref<?xf32> -> !tile.tile<16xf32>
  %d = tile.load %w[%i] : memref<?xf64> -> !tile.tile<16xf64>
  %c = tile.cmp lt, %a, %a : !tile.tile<16xf32> -> !tile.tile<16xi1>
  %n = tile.neg %a : !tile.tile<16xf32>
  %s = tile.select %c, %a, %n : !tile.tile<16xi1>, !tile.tile<16xf32>
  %t = tile.select %c, %n, %a : !tile.tile<16xi1>, !tile.tile<16xf32>
  %u = tile.add %s, %t : !tile.tile<16xf32>
  %e = tile.exp %d : !tile.tile<16xf64>
  %f = tile.neg %e : !tile.tile<16xf64>
  tile.store %u, %v[%i] : !tile.tile<16xf32>, memref<?xf32>
  tile.store %f, %w[%i] : !tile.tile<16xf64>, memref<?xf64>
  return
}
