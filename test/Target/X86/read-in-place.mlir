// RUN: %nlc-opt %s -split-input-file -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=256" | FileCheck %s --enable-var-scope
// Loads read in place (X86Memory.cpp, markInPlaceLoads): a tile whose uses
// only read it (elementwise ops, reductions, broadcasts, stores) in the
// load's block, with nothing after the load writing memory but stores, is
// the view's own memory where it lies wholly inside a unit-stride view with
// contiguous rows and no later store writes a view of the same tensor
// (aligned pointers compared at run time). Otherwise the load copies it
// into its buffer as before. The tile's value is then one descriptor whose
// pointer is selected between the window and the buffer.

// A softmax row and a rank-1 operand (gamma): each load tests its tile
// against the store's view and copies only where it cannot read in place.
// CHECK-LABEL: func.func @row(
// CHECK-SAME: %[[X:[^:]+]]: memref<?x?xf32
// CHECK-SAME: %[[G:[^:]+]]: memref<?xf32
// CHECK-SAME: %[[Y:[^:]+]]: memref<?x?xf32
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<1x64xf32>
// CHECK: %[[XP:.+]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %[[YP:.+]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[NE:.+]] = arith.cmpi ne, %[[XP]], %[[YP]] : index
// CHECK: %[[IN:.+]] = arith.andi %{{.+}}, %[[NE]] : i1
// CHECK: scf.if
// CHECK: scf.if
// CHECK: %[[COPY:.+]] = arith.xori %[[IN]], %{{.+}} : i1
// CHECK-NEXT: scf.if %[[COPY]] {
// CHECK: vector.load %{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
// CHECK: vector.store %{{.+}}, %[[BUF]]
// CHECK: %[[XD:.+]] = builtin.unrealized_conversion_cast %[[X]] : memref<?x?xf32{{.*}}> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[XA:.+]] = llvm.extractvalue %[[XD]][1]
// CHECK: %[[WIN:.+]] = llvm.getelementptr %[[XA]][%{{.+}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[BD:.+]] = builtin.unrealized_conversion_cast %[[BUF]]
// CHECK: %[[BA:.+]] = llvm.extractvalue %[[BD]][1]
// CHECK: %[[P:.+]] = llvm.select %[[IN]], %[[WIN]], %[[BA]] : i1, !llvm.ptr
// CHECK: llvm.insertvalue %[[P]], %{{.+}}[0]
// CHECK: %[[T:.+]] = builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<1x64xf32>
// The rank-1 gamma: no row-contiguity test.
// CHECK: %[[GBUF:.+]] = memref.alloca() : memref<64xf32>
// CHECK: memref.extract_aligned_pointer_as_index %[[G]]
// CHECK: builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<64xf32>
// The reduction and the store read the selected tile.
// CHECK: vector.load %[[T]]
// CHECK: return
func.func @row(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %g: memref<?xf32, strided<[1], offset: ?>>,
               %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x64xf32>
  %gt = tile.load %g[%c0] : memref<?xf32, strided<[1], offset: ?>> -> !tile.tile<64xf32>
  %s = tile.reduce sum %t along 1 : !tile.tile<1x64xf32> -> !tile.tile<1xf32>
  %sb = tile.broadcast %s along 1 : !tile.tile<1xf32> -> !tile.tile<1x64xf32>
  %gb = tile.broadcast %gt along 0 : !tile.tile<64xf32> -> !tile.tile<1x64xf32>
  %d = tile.sub %t, %sb : !tile.tile<1x64xf32>
  %r = tile.mul %d, %gb : !tile.tile<1x64xf32>
  tile.store %r, %y[%i, %c0] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// -----

// Copied as before: a tile carried out of a loop iteration (yielded), and a
// tile loaded before some other write to memory (a memref.store).
// CHECK-LABEL: func.func @copies(
// CHECK-NOT: memref.extract_aligned_pointer_as_index
// CHECK-NOT: llvm.select
// CHECK: return
func.func @copies(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>,
                  %m: memref<4xf32>, %i: index, %z: f32) {
  %c0 = arith.constant 0 : index
  %init = tile.splat %z : f32 -> !tile.tile<1x64xf32>
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  %r = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (!tile.tile<1x64xf32>) {
    %t = tile.load %x[%k, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x64xf32>
    scf.yield %t : !tile.tile<1x64xf32>
  }
  tile.store %r, %y[%i, %c0] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  %u = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x64xf32>
  memref.store %f, %m[%c0] : memref<4xf32>
  %e = tile.exp %u : !tile.tile<1x64xf32>
  tile.store %e, %y[%i, %c0] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
