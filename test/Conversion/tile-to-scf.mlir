// RUN: %nlc-opt %s --convert-tile-to-scf | FileCheck %s --enable-var-scope
// The CPU reference lowering: tiles become stack buffers, ops loop nests;
// loads pad outside the view and stores are masked; a tile carried by a loop
// gets a buffer before the loop and loop bodies restore the stack pointer.

// CHECK-LABEL: func.func @load_add_store(
// CHECK-SAME: %[[V:.+]]: memref<?x?xf32>, %[[I:.+]]: index)
// CHECK: %[[A:.+]] = memref.alloca() : memref<4x8xf32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.dim %[[V]]
// CHECK: %[[IN:.+]] = arith.andi
// CHECK: scf.if %[[IN]] -> (f32)
// CHECK: memref.load %[[V]]
// CHECK: } else {
// CHECK: scf.yield %{{.+}} : f32
// CHECK: memref.store %{{.+}}, %[[A]]
// CHECK: %[[S:.+]] = memref.alloca() : memref<4x8xf32>
// CHECK: arith.addf
// CHECK: memref.store %{{.+}}, %[[S]]
// CHECK: scf.if
// CHECK: memref.load %[[S]]
// CHECK: memref.store %{{.+}}, %[[V]]
func.func @load_add_store(%v: memref<?x?xf32>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<4x8xf32>
  %s = tile.add %a, %a : !tile.tile<4x8xf32>
  tile.store %s, %v[%i, %i] : !tile.tile<4x8xf32>, memref<?x?xf32>
  return
}

// CHECK-LABEL: func.func @carried(
// CHECK: %[[INIT:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[CARRIED:.+]] = memref.alloca() : memref<8xf32>
// CHECK: memref.copy %[[INIT]], %[[CARRIED]]
// CHECK: scf.for
// CHECK: %[[SP:.+]] = llvm.intr.stacksave
// CHECK: memref.load %[[CARRIED]]
// CHECK: memref.copy %{{.+}}, %[[CARRIED]]
// CHECK: llvm.intr.stackrestore %[[SP]]
// CHECK: memref.load %[[CARRIED]]
func.func @carried(%x: f32, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %t) -> (!tile.tile<8xf32>) {
    %next = tile.add %acc, %acc : !tile.tile<8xf32>
    scf.yield %next : !tile.tile<8xf32>
  }
  %s = tile.reduce sum %r along 0 : !tile.tile<8xf32> -> f32
  return %s : f32
}

// CHECK-LABEL: func.func @dot(
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @dot(%a: !tile.tile<4x8xf16>, %b: !tile.tile<8x4xf16, col_major>) -> f32 {
  %c = tile.dot %a, %b : !tile.tile<4x8xf16>, !tile.tile<8x4xf16, col_major> -> !tile.tile<4x4xf32>
  %s = tile.reduce sum %c along 0 : !tile.tile<4x4xf32> -> !tile.tile<4xf32>
  %m = tile.reduce max %s along 0 : !tile.tile<4xf32> -> f32
  return %m : f32
}

// CHECK-LABEL: func.func @grid(
// CHECK: %[[P:.+]] = call @nl_program_id(%{{.+}}) : (i64) -> i64
// CHECK: arith.index_cast %[[P]] : i64 to index
func.func @grid() -> index {
  %p = tile.program_id 0
  return %p : index
}
