// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --enable-var-scope
// Next-instance prefetches spread over a loop (X86Memory.cpp,
// planSpreadPrefetches). In a grid kernel, a load or store at
// `program_id(0)` prefetches the tile the next instance accesses there
// (index + 1). Where the kernel's block has a vector loop of at least 16
// vectors (an elementwise op, or a store computing its producer), those
// prefetches go into the loop with the most work, one line per access and
// vector, so that the next row streams in while this one is computed;
// otherwise they run at the access, all at once.

// A softmax row: the exp loop hosts both, at twice the loop's position (a
// vector is half a line), clamped to the next tile's last column; the row
// is program_id(0) + 1, the store's index computed before the loop though
// the store's own cast comes after it. Nowhere else a prefetch. (The exp
// loop also sums the row: fused-sum.mlir.)
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %{{[^:]+}}: memref<{{.+}}>, %{{[^:]+}}: memref<{{.+}}>, %[[PID:[^:]+]]: index
// CHECK-NOT: memref.prefetch
// CHECK: arith.addi %[[PID]], %c1 : index
// CHECK-NOT: memref.prefetch
// CHECK: scf.for %[[V:[^ ]+]] = %c0 to %c1024 step %c8 iter_args({{.+}}) -> (vector<8xf32>) {
// CHECK-NEXT: %[[P:.+]] = arith.muli %[[V]], %c2 : index
// CHECK-NEXT: %[[X:.+]] = arith.minui %[[P]], %{{.+}} : index
// CHECK-NEXT: memref.prefetch %{{.+}}[%{{.+}}, %[[X]]], read, locality<3>, data
// CHECK-NEXT: %[[Q:.+]] = arith.muli %[[V]], %c2 : index
// CHECK-NEXT: %[[Y:.+]] = arith.minui %[[Q]], %{{.+}} : index
// CHECK-NEXT: memref.prefetch %{{.+}}[%{{.+}}, %[[Y]]], write, locality<3>, data
// CHECK: math.exp
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @softmax(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %p0: index, %p1: index, %p2: index, %n0: index, %n1: index, %n2: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 0xFF800000 : f32
  %t = tile.load %x[%p0, %c0] padding(%cst : f32) : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x1024xf32>
  %m = tile.reduce max %t along 1 : !tile.tile<1x1024xf32> -> !tile.tile<1xf32>
  %e = tile.fused(%t, %m) broadcast [-1, 1] : (!tile.tile<1x1024xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1024xf32> {
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %a, %b : f32
    %v = math.exp %d : f32
    tile.yield %v : f32
  }
  %s = tile.reduce sum %e along 1 : !tile.tile<1x1024xf32> -> !tile.tile<1xf32>
  %q = tile.fused(%e, %s) broadcast [-1, 1] : (!tile.tile<1x1024xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1024xf32> {
  ^bb0(%a: f32, %b: f32):
    %v = arith.divf %a, %b : f32
    tile.yield %v : f32
  }
  %i64 = arith.index_cast %p0 : index to i64
  %row = arith.index_cast %i64 : i64 to index
  tile.store %q, %y[%row, %c0] : !tile.tile<1x1024xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// The store computes its producer: its loops host the prefetches, the
// whole-tile one and the masked one at the view's edge.
// CHECK-LABEL: func.func @store_host(
// CHECK-NOT: memref.prefetch
// CHECK: scf.for %{{.+}} = %c0 to %c512 step %c8 {
// CHECK: memref.prefetch %{{.+}}, read, locality<3>, data
// CHECK: memref.prefetch %{{.+}}, write, locality<3>, data
// CHECK: arith.mulf
// CHECK: vector.store
// CHECK: } else {
// CHECK: memref.prefetch %{{.+}}, read, locality<3>, data
// CHECK: memref.prefetch %{{.+}}, write, locality<3>, data
// CHECK: vector.maskedstore
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @store_host(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %p0: index, %p1: index, %p2: index, %n0: index, %n1: index, %n2: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%p0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x512xf32>
  %s = tile.reduce sum %t along 1 : !tile.tile<1x512xf32> -> !tile.tile<1xf32>
  %q = tile.fused(%t, %s) broadcast [-1, 1] : (!tile.tile<1x512xf32>, !tile.tile<1xf32>) -> !tile.tile<1x512xf32> {
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %a, %b : f32
    %v = arith.mulf %d, %d : f32
    tile.yield %v : f32
  }
  tile.store %q, %y[%p0, %c0] : !tile.tile<1x512xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// Rows of 64 f32 are 8 vectors: no loop long enough, so the load and the
// store each prefetch the next row at once (a line every 16 elements),
// behind the view's unit stride, outside every vector loop.
// CHECK-LABEL: func.func @short_rows(
// CHECK: scf.for
// CHECK: scf.for %{{.+}} = %c0 to %{{.+}} step %c16 {
// CHECK-NEXT: arith.addi
// CHECK-NEXT: memref.prefetch %{{.+}}, read, locality<3>, data
// CHECK: math.exp
// CHECK-NOT: memref.prefetch
// CHECK: arith.mulf
// CHECK: scf.for %{{.+}} = %c0 to %{{.+}} step %c16 {
// CHECK-NEXT: arith.addi
// CHECK-NEXT: memref.prefetch %{{.+}}, write, locality<3>, data
func.func @short_rows(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %p0: index, %p1: index, %p2: index, %n0: index, %n1: index, %n2: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%p0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x64xf32>
  %q = tile.exp %t : !tile.tile<1x64xf32>
  %r = tile.mul %q, %t : !tile.tile<1x64xf32>
  tile.store %r, %y[%p0, %c0] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// The store's column index is read from memory after the exp loop, so it
// cannot be computed before it: the load's prefetch moves into the loop
// (read), the store keeps its own, all at once after it (write).
// CHECK-LABEL: func.func @late_index(
// CHECK-NOT: memref.prefetch
// CHECK: scf.for %{{.+}} = %c0 to %c1024 step %c8 {
// CHECK-NOT: write
// CHECK: memref.prefetch %{{.+}}, read, locality<3>, data
// CHECK-NOT: memref.prefetch
// CHECK: math.exp
// CHECK-NOT: memref.prefetch
// CHECK: arith.divf
// CHECK-NOT: memref.prefetch %{{.+}}, read
// CHECK: scf.for %{{.+}} = %c0 to %{{.+}} step %c16 {
// CHECK-NEXT: arith.addi
// CHECK-NEXT: arith.addi
// CHECK-NEXT: memref.prefetch %{{.+}}, write, locality<3>, data
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @late_index(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %m: memref<1xindex>, %p0: index, %p1: index, %p2: index, %n0: index, %n1: index, %n2: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%p0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x1024xf32>
  %m1 = tile.reduce max %t along 1 : !tile.tile<1x1024xf32> -> !tile.tile<1xf32>
  %e = tile.fused(%t, %m1) broadcast [-1, 1] : (!tile.tile<1x1024xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1024xf32> {
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %a, %b : f32
    %v = math.exp %d : f32
    tile.yield %v : f32
  }
  %s = tile.reduce sum %e along 1 : !tile.tile<1x1024xf32> -> !tile.tile<1xf32>
  %q = tile.fused(%e, %s) broadcast [-1, 1] : (!tile.tile<1x1024xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1024xf32> {
  ^bb0(%a: f32, %b: f32):
    %v = arith.divf %a, %b : f32
    tile.yield %v : f32
  }
  %j = memref.load %m[%c0] : memref<1xindex>
  tile.store %q, %y[%p0, %j] : !tile.tile<1x1024xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// The limit is 128 KiB: a row of 32768 f32 (128 KiB) prefetches the next
// one over its exp loop; a row of 65536 (256 KiB) prefetches nothing.
// CHECK-LABEL: func.func @limit(
// CHECK: scf.for %{{.+}} = %c0 to %c32768 step %c8 {
// CHECK: memref.prefetch %{{.+}}, read, locality<3>, data
// CHECK: math.exp
// CHECK-LABEL: func.func @over_limit(
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @limit(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %p0: index, %p1: index, %p2: index, %n0: index, %n1: index, %n2: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%p0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x32768xf32>
  %q = tile.exp %t : !tile.tile<1x32768xf32>
  tile.store %q, %y[%p1, %c0] : !tile.tile<1x32768xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func @over_limit(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %p0: index, %p1: index, %p2: index, %n0: index, %n1: index, %n2: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%p0, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x65536xf32>
  %q = tile.exp %t : !tile.tile<1x65536xf32>
  tile.store %q, %y[%p1, %c0] : !tile.tile<1x65536xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
