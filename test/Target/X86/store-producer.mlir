// RUN: %nlc-opt %s -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=512" | FileCheck %s
// RUN: %nlc-opt %s -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --check-prefix=CANON
// A tile that is only stored (a tile.fused tree, or one elementwise op) is
// computed by the store, vector by vector, straight into the view: its own
// buffer is never written (and disappears). Where the view's inner stride
// is not 1 (the reference store), the tree is computed into a buffer first.

// CHECK-LABEL: func.func @rows(
// CHECK: %[[E:.+]] = math.exp %{{.+}} : vector<16xf32>
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[E]], %{{.+}} : vector<16xf32>
// CHECK: vector.store %[[P]], %{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK: %[[ET:.+]] = math.exp %{{.+}} : vector<16xf32>
// CHECK-NEXT: %[[PT:.+]] = arith.mulf %[[ET]], %{{.+}} : vector<16xf32>
// CHECK: vector.maskedstore %{{.+}}, %[[PT]] : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xi1>, vector<16xf32>
// CHECK: } else {
// CHECK: memref.collapse_shape %[[BUF:.+]] {{\[\[}}0, 1]] : memref<3x40xf32> into memref<120xf32>
// CHECK: math.exp %{{.+}} : vector<16xf32>
// CHECK: vector.store %{{.+}} : memref<120xf32>, vector<16xf32>
// CHECK: memref.load %[[BUF]]
// CHECK: memref.store %{{.+}} : memref<?x?xf32>
// CHECK: return
// After canonicalization only the loads' buffers (x, r, g) are left (the
// view's inner stride is statically 1 here, so the reference path folds
// away): no buffer of the product.
// CANON-LABEL: func.func @rows(
// CANON-COUNT-3: memref.alloca()
// CANON-NOT: memref.alloca()
// CANON: return
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
  return
}

// One elementwise op (nothing to fuse) on rank-1 tiles: the same.
// CANON-LABEL: func.func @add(
// CANON-COUNT-2: memref.alloca()
// CANON-NOT: memref.alloca()
// CANON: return
// CHECK-LABEL: func.func @add(
// CHECK: %[[S:.+]] = arith.addf %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK: vector.store %[[S]], %{{.+}} : memref<?xf32, strided<[1], offset: ?>>, vector<16xf32>
// CHECK: return
func.func @add(%w: memref<?xf32>, %i: index) {
  %a = tile.load %w[%i] : memref<?xf32> -> !tile.tile<100xf32>
  %b = tile.load %w[%i] : memref<?xf32> -> !tile.tile<100xf32>
  %s = tile.add %a, %b : !tile.tile<100xf32>
  tile.store %s, %w[%i] : !tile.tile<100xf32>, memref<?xf32>
  return
}
