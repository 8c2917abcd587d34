// RUN: %nlc-opt %s -split-input-file -convert-tile-launch-to-gpu -verify-diagnostics | FileCheck %s --enable-var-scope
// The GPU form of a launch: each launched kernel becomes a `gpu.func` in
// one `gpu.module @nl_kernels`, named as PTX allows; grid queries become
// block ids and grid sizes; each launch runs one thread per grid instance.

// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @host(
// CHECK-SAME: %[[HX:[a-z0-9]+]]: memref<?xf32, strided<[?], offset: ?>>, %[[M:[a-z0-9]+]]: index, %[[N:[a-z0-9]+]]: index)
// CHECK: %[[C1:.+]] = arith.constant 1 : index
// CHECK: gpu.launch_func @nl_kernels::@mod_k_map blocks in (%[[M]], %[[N]], %[[C1]]) threads in (%[[C1]], %[[C1]], %[[C1]]) args(%[[HX]] : memref<?xf32, strided<[?], offset: ?>>)
// CHECK-NOT: tile.launch
// CHECK-NOT: func.func private @"mod.k.map"
// CHECK: gpu.module @nl_kernels
// CHECK: gpu.func @mod_k_map(%[[X:[a-z0-9]+]]: memref<?xf32, strided<[?], offset: ?>>) kernel attributes {nlc.source_name = "mod.k.map"}
// CHECK-DAG: %[[I:.+]] = gpu.block_id x
// CHECK-DAG: %[[J:.+]] = gpu.block_id y
// CHECK-DAG: %[[NJ:.+]] = gpu.grid_dim y
// CHECK: %[[S:.+]] = arith.addi %[[I]], %[[J]]
// CHECK: arith.addi %[[S]], %[[NJ]]
// CHECK: memref.store %{{.+}}, %[[X]][%[[I]]]
// CHECK: gpu.return
func.func private @"mod.k.map"(%x: memref<?xf32, strided<[?], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %j = tile.program_id 1
  %n = tile.num_programs 1
  %s = arith.addi %i, %j : index
  %t = arith.addi %s, %n : index
  %v = arith.index_cast %t : index to i64
  %f = arith.sitofp %v : i64 to f32
  memref.store %f, %x[%i] : memref<?xf32, strided<[?], offset: ?>>
  return
}

func.func @host(%x: memref<?xf32, strided<[?], offset: ?>>, %m: index, %n: index) {
  tile.launch @"mod.k.map"[%m, %n] (%x) : memref<?xf32, strided<[?], offset: ?>>
  return
}

// -----

// A failed check of a kernel (here a division by zero) cannot call the
// runtime on a GPU: it prints its message and traps, and the strings it
// would have passed stay in the host module.
// CHECK-LABEL: gpu.func @div(
// CHECK: scf.if
// CHECK-DAG: %[[BX:.+]] = arith.index_cast %{{.+}} : index to i32
// CHECK: gpu.printf "error: kernel div at m.nl:3:9: division by zero (block %u, %u, %u)\0A", %[[BX]], %{{.+}}, %{{.+}} : i32, i32, i32
// CHECK-NEXT: llvm.intr.trap
// CHECK-NOT: nl_panic
// CHECK-NOT: llvm.mlir.addressof
// CHECK: gpu.return
llvm.mlir.global private constant @str.0("division by zero") {addr_space = 0 : i32}
llvm.mlir.global private constant @str.1("m.nl") {addr_space = 0 : i32}
func.func private @nl_panic(!llvm.ptr, i64, !llvm.ptr, i64, i64, i64)
func.func private @div(%x: memref<?xi64>, %d: i64) attributes {tile.kernel} {
  %c0 = arith.constant 0 : i64
  %z = arith.cmpi eq, %d, %c0 : i64
  scf.if %z {
    %m = llvm.mlir.addressof @str.0 : !llvm.ptr
    %ml = arith.constant 16 : i64
    %f = llvm.mlir.addressof @str.1 : !llvm.ptr
    %fl = arith.constant 4 : i64
    %line = arith.constant 3 : i64
    %col = arith.constant 9 : i64
    func.call @nl_panic(%m, %ml, %f, %fl, %line, %col) : (!llvm.ptr, i64, !llvm.ptr, i64, i64, i64) -> () loc("m.nl":3:9)
  }
  return
}
func.func @host(%x: memref<?xi64>, %d: i64, %n: index) {
  tile.launch @div[%n] (%x, %d) : memref<?xi64>, i64
  return
}

// -----

func.func private @helper() -> ()
func.func private @calls(%x: memref<?xf32>) attributes {tile.kernel} {
  // expected-error@+1 {{'func.call' op in kernel @calls calls a function that does not run on the GPU}}
  func.call @helper() : () -> ()
  return
}
func.func @host(%x: memref<?xf32>, %n: index) {
  tile.launch @calls[%n] (%x) : memref<?xf32>
  return
}

// -----

func.func @not_a_kernel() -> index {
  // expected-error@+1 {{'tile.program_id' op outside a launched kernel: no grid to query}}
  %i = tile.program_id 0
  return %i : index
}
