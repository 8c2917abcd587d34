// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-scf=mark-element-loops -nlc-gpu-distribute-tiles=warp-reductions=0 | FileCheck %s --check-prefix=OFF
// Reductions of lines by warps (nlc-gpu-distribute-tiles): a nest with
// fewer lines than the block has threads gives each warp one line at a
// time; its lanes reduce every 32nd element from the operation's neutral
// element, shuffles (xor 16, 8, 4, 2, 1) combine the lanes' results, and
// the line's initial value comes last; every lane has the result, and lane
// 0 alone stores it (no two threads write one byte between barriers).
// Lines as many as the threads, a reduction that carries two values (argmax)
// or a 64-bit one keep a thread per line.

// The sum of each of 8 rows of 64 (512 elements: 128 threads, 4 warps).
// CHECK-LABEL: gpu.func @row_sums(
// CHECK: %[[TID:.+]] = gpu.thread_id x
// CHECK: %[[C32:.+]] = arith.constant 32 : index
// CHECK: %[[WARP:.+]] = arith.divui %[[TID]], %[[C32]] : index
// CHECK: %[[LANE:.+]] = arith.remui %[[TID]], %[[C32]] : index
// CHECK: scf.for %[[ROW:.+]] = %[[WARP]] to %c8{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}} {
// CHECK: %[[INIT:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[NEUTRAL:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FROM:.+]] = arith.addi %{{.+}}, %[[LANE]] : index
// CHECK: %[[PART:.+]] = scf.for %[[COL:.+]] = %[[FROM]] to %{{.+}} step %[[C32]] iter_args(%[[ACC:.+]] = %[[NEUTRAL]]) -> (f32) {
// CHECK: %[[V:.+]] = memref.load %{{.+}}[%[[ROW]], %[[COL]]] : memref<8x64xf32>
// CHECK: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK: scf.yield %[[NEXT]] : f32
// CHECK: }
// CHECK: %[[S16:.+]], %{{.+}} = gpu.shuffle xor %[[PART]], %c16_i32, %c32_i32 : f32
// CHECK: %[[R16:.+]] = arith.addf %[[PART]], %[[S16]] : f32
// CHECK: %[[S8:.+]], %{{.+}} = gpu.shuffle xor %[[R16]], %c8_i32, %{{.+}} : f32
// CHECK: %[[R8:.+]] = arith.addf %[[R16]], %[[S8]] : f32
// CHECK: %[[S4:.+]], %{{.+}} = gpu.shuffle xor %[[R8]], %c4_i32, %{{.+}} : f32
// CHECK: %[[R4:.+]] = arith.addf %[[R8]], %[[S4]] : f32
// CHECK: %[[S2:.+]], %{{.+}} = gpu.shuffle xor %[[R4]], %c2_i32, %{{.+}} : f32
// CHECK: %[[R2:.+]] = arith.addf %[[R4]], %[[S2]] : f32
// CHECK: %[[S1:.+]], %{{.+}} = gpu.shuffle xor %[[R2]], %c1_i32, %{{.+}} : f32
// CHECK: %[[R1:.+]] = arith.addf %[[R2]], %[[S1]] : f32
// CHECK: %[[SUM:.+]] = arith.addf %[[INIT]], %[[R1]] : f32
// CHECK: %[[LANE0:.+]] = arith.cmpi eq, %[[LANE]], %c0{{.*}} : index
// CHECK-NEXT: scf.if %[[LANE0]] {
// CHECK-NEXT: memref.store %[[SUM]], %{{.+}}[%[[ROW]]] : memref<8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: gpu.barrier

// OFF-LABEL: gpu.func @row_sums(
// OFF-NOT: gpu.shuffle
// OFF: scf.for %[[ROW:.+]] = %{{.+}} to %c8{{(_[0-9]+)?}} step %c128{{(_[0-9]+)?}} {
// OFF: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (f32) {
// OFF-NOT: gpu.shuffle

module attributes {gpu.container_module} {
  gpu.module @nl_kernels {
    gpu.func @row_sums(%x: memref<?x?xf32>, %y: memref<?xf32>) kernel {
      %c0 = arith.constant 0 : index
      %t = tile.load %x[%c0, %c0] : memref<?x?xf32> -> !tile.tile<8x64xf32>
      %s = tile.reduce sum %t along 1 : !tile.tile<8x64xf32> -> !tile.tile<8xf32>
      tile.store %s, %y[%c0] : !tile.tile<8xf32>, memref<?xf32>
      gpu.return
    }
  }
}

// -----

// A row's max (a softmax's): the one line on warp 0 (warps 1-3 have none),
// starting from its first element, the lanes from the second on; the
// neutral element is -inf.
// CHECK-LABEL: gpu.func @row_max(
// CHECK: %[[LANE:.+]] = arith.remui %{{.+}}, %c32{{(_[0-9]+)?}}
// CHECK: scf.for %[[ROW:.+]] = %{{.+}} to %c1{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}} {
// CHECK: %[[FIRST:.+]] = memref.load %{{.+}}[%[[ROW]], %{{.+}}] : memref<1x1024xf32>
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[FROM:.+]] = arith.addi %c1{{(_[0-9]+)?}}, %[[LANE]] : index
// CHECK: %[[PART:.+]] = scf.for %{{.+}} = %[[FROM]] to %c1024{{(_[0-9]+)?}} step %c32{{(_[0-9]+)?}} iter_args(%{{.+}} = %[[NINF]]) -> (f32) {
// CHECK: arith.maximumf
// CHECK: gpu.shuffle xor %[[PART]], %c16_i32
// CHECK-COUNT-4: gpu.shuffle xor
// CHECK: %[[ALL:.+]] = arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: %[[MAX:.+]] = arith.maximumf %[[FIRST]], %[[ALL]] : f32
// CHECK: scf.if
// CHECK-NEXT: memref.store %[[MAX]]

module attributes {gpu.container_module} {
  gpu.module @nl_kernels {
    gpu.func @row_max(%x: memref<?x?xf32>, %y: memref<?xf32>) kernel {
      %c0 = arith.constant 0 : index
      %t = tile.load %x[%c0, %c0] : memref<?x?xf32> -> !tile.tile<1x1024xf32>
      %m = tile.reduce max %t along 1 : !tile.tile<1x1024xf32> -> !tile.tile<1xf32>
      tile.store %m, %y[%c0] : !tile.tile<1xf32>, memref<?xf32>
      gpu.return
    }
  }
}

// -----

// Column sums of i32 (16 lines down 32 rows): shuffles of i32, `addi`.
// CHECK-LABEL: gpu.func @column_sums(
// CHECK: scf.for %[[COL:.+]] = %{{.+}} to %c16{{(_[0-9]+)?}} step %c4{{(_[0-9]+)?}} {
// CHECK: scf.for %[[ROW:.+]] = %{{.+}} to %{{.+}} step %c32{{(_[0-9]+)?}} iter_args(%{{.+}} = %c0_i32{{(_[0-9]+)?}}) -> (i32) {
// CHECK: memref.load %{{.+}}[%[[ROW]], %[[COL]]] : memref<32x16xi32>
// CHECK: arith.addi
// CHECK: gpu.shuffle xor %{{.+}}, %c16_i32, %{{.+}} : i32
// CHECK-COUNT-4: gpu.shuffle xor %{{.+}} : i32

module attributes {gpu.container_module} {
  gpu.module @nl_kernels {
    gpu.func @column_sums(%x: memref<?x?xi32>, %y: memref<?xi32>) kernel {
      %c0 = arith.constant 0 : index
      %t = tile.load %x[%c0, %c0] : memref<?x?xi32> -> !tile.tile<32x16xi32>
      %s = tile.reduce sum %t along 0 : !tile.tile<32x16xi32> -> !tile.tile<16xi32>
      tile.store %s, %y[%c0] : !tile.tile<16xi32>, memref<?xi32>
      gpu.return
    }
  }
}

// -----

// Left to a thread per line: 128 lines for 128 threads, an argmax (two
// carried values), an f64 sum (64-bit shuffles are not made).
// CHECK-LABEL: gpu.func @left_alone(
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.return

module attributes {gpu.container_module} {
  gpu.module @nl_kernels {
    gpu.func @left_alone(%x: memref<?x?xf32>, %d: memref<?x?xf64>, %y: memref<?xf32>, %z: memref<?xf64>, %w: memref<?xi32>) kernel {
      %c0 = arith.constant 0 : index
      %t = tile.load %x[%c0, %c0] : memref<?x?xf32> -> !tile.tile<128x8xf32>
      %s = tile.reduce sum %t along 1 : !tile.tile<128x8xf32> -> !tile.tile<128xf32>
      tile.store %s, %y[%c0] : !tile.tile<128xf32>, memref<?xf32>
      %u = tile.load %x[%c0, %c0] : memref<?x?xf32> -> !tile.tile<4x256xf32>
      %a = tile.reduce argmax %u along 1 : !tile.tile<4x256xf32> -> !tile.tile<4xi32>
      tile.store %a, %w[%c0] : !tile.tile<4xi32>, memref<?xi32>
      %e = tile.load %d[%c0, %c0] : memref<?x?xf64> -> !tile.tile<4x256xf64>
      %f = tile.reduce sum %e along 1 : !tile.tile<4x256xf64> -> !tile.tile<4xf64>
      tile.store %f, %z[%c0] : !tile.tile<4xf64>, memref<?xf64>
      gpu.return
    }
  }
}
