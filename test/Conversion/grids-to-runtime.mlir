// RUN: %nlc-opt %s -split-input-file -nlc-grids-to-runtime -verify-diagnostics | FileCheck %s --enable-var-scope
// A kernel grid (scf.parallel marked nlc.grid) becomes a call of
// nl_grid_launch: what the body uses from outside (a memref as its LLVM
// descriptor, a scalar, the grid sizes) is stored in a struct on the
// stack; constants are cloned into the outlined function, which runs
// instances [begin, end), the first grid dimension fastest. Unmarked loops
// are left alone.

// CHECK-LABEL: func.func @launch(
// CHECK-SAME: %[[BUF:[^:]+]]: memref<?xf32>, %[[S:[^:]+]]: f32, %[[X:[^:]+]]: index, %[[Y:[^:]+]]: index
// CHECK: %[[N1:.+]] = arith.muli %{{.+}}, %[[X]]
// CHECK: %[[N2:.+]] = arith.muli %[[N1]], %[[Y]]
// CHECK: %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(f32, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, i64, i64)>
// CHECK: llvm.store %[[S]], %{{.+}} : f32, !llvm.ptr
// CHECK: %[[D:.+]] = builtin.unrealized_conversion_cast %[[BUF]] : memref<?xf32> to !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: llvm.store %[[D]]
// CHECK: %[[XI:.+]] = builtin.unrealized_conversion_cast %[[X]] : index to i64
// CHECK: llvm.store %[[XI]]
// CHECK: %[[YI:.+]] = builtin.unrealized_conversion_cast %[[Y]] : index to i64
// CHECK: llvm.store %[[YI]]
// CHECK: %[[F:.+]] = llvm.mlir.addressof @launch.grid : !llvm.ptr
// CHECK: %[[N:.+]] = arith.index_cast %[[N2]] : index to i64
// CHECK: llvm.call @nl_grid_launch(%[[F]], %[[CTX]], %[[N]])
// The unmarked loop stays.
// CHECK: scf.parallel
// CHECK: llvm.func @nl_grid_launch(!llvm.ptr, !llvm.ptr, i64)
// CHECK-LABEL: llvm.func internal @launch.grid(
// CHECK-SAME: %[[P:[^:]+]]: !llvm.ptr, %[[B:[^:]+]]: i64, %[[E:[^:]+]]: i64)
// CHECK: %[[TWO:.+]] = arith.constant 2.0
// CHECK: %[[SV:.+]] = llvm.load %{{.+}} : !llvm.ptr -> f32
// CHECK: llvm.load {{.+}} -> !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: %[[MEM:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<?xf32>
// CHECK: %[[SX:.+]] = builtin.unrealized_conversion_cast %{{.+}} : i64 to index
// CHECK: %[[SY:.+]] = builtin.unrealized_conversion_cast %{{.+}} : i64 to index
// CHECK-DAG: %[[EI:.+]] = arith.index_cast %[[E]] : i64 to index
// CHECK-DAG: %[[BI:.+]] = arith.index_cast %[[B]] : i64 to index
// CHECK: scf.for %[[L:.+]] = %[[BI]] to %[[EI]] step
// CHECK: %[[I:.+]] = arith.remui %[[L]], %[[SX]]
// CHECK: %[[R:.+]] = arith.divui %[[L]], %[[SX]]
// CHECK: arith.remui %[[R]], %[[SY]]
// CHECK: %[[V:.+]] = arith.mulf %[[SV]], %[[TWO]]
// CHECK: memref.store %[[V]], %[[MEM]][%[[I]]]
// CHECK: llvm.return
func.func @launch(%buf: memref<?xf32>, %s: f32, %x: index, %y: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%x, %y) step (%c1, %c1) {
    %v = arith.mulf %s, %two : f32
    memref.store %v, %buf[%i] : memref<?xf32>
    scf.reduce
  } {nlc.grid}
  scf.parallel (%i) = (%c0) to (%x) step (%c1) {
    memref.store %s, %buf[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

func.func @not_from_zero(%buf: memref<?xf32>, %x: index) {
  %c1 = arith.constant 1 : index
  // expected-error@+1 {{is not a kernel grid: bounds from 0 by 1, no reductions}}
  scf.parallel (%i) = (%c1) to (%x) step (%c1) {
    scf.reduce
  } {nlc.grid}
  return
}
