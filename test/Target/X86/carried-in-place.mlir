// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" | FileCheck %s --enable-var-scope
// A tile a loop carries, updated by an elementwise op that is its only
// reader (markInPlaceResults): the op writes its result into the carried
// tile's buffer, vector by vector, and the loop copies nothing per
// iteration. A carried tile read twice keeps the copy.

// CHECK-LABEL: func.func @in_place(
// The carried buffer, filled once before the loop:
// CHECK: memref.copy %{{.+}}, %[[ACC:[^ ]+]] : memref<1x64xf32>
// CHECK-NEXT: scf.for
// CHECK-NOT: memref.copy
// CHECK: %[[IN:.+]] = memref.collapse_shape %[[ACC]]
// CHECK: %[[OUT:.+]] = memref.collapse_shape %[[ACC]]
// CHECK: %[[OLD:.+]] = vector.load %[[IN]]
// CHECK: arith.addf %[[OLD]]
// CHECK: vector.store %{{.+}}, %[[OUT]]
// CHECK-NOT: memref.copy
// CHECK: scf.yield
// CHECK-NOT: memref.copy
// CHECK: return
func.func @in_place(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<1x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<1x64xf32>) {
    %t = tile.load %v[%k, %c0] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x64xf32>
    %s = tile.add %acc, %t : !tile.tile<1x64xf32>
    scf.yield %s : !tile.tile<1x64xf32>
  }
  tile.store %r, %v[%c0, %c0] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// CHECK-LABEL: func.func @read_twice(
// CHECK: scf.for
// CHECK: memref.copy
// CHECK: return
func.func @read_twice(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<1x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<1x64xf32>) {
    %t = tile.load %v[%k, %c0] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x64xf32>
    %s = tile.add %acc, %t : !tile.tile<1x64xf32>
    tile.store %acc, %v[%k, %c1] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
    scf.yield %s : !tile.tile<1x64xf32>
  }
  tile.store %r, %v[%c0, %c0] : !tile.tile<1x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
