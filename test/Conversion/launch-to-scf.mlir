// RUN: %nlc-opt %s -split-input-file -convert-tile-launch-to-scf -verify-diagnostics | FileCheck %s --enable-var-scope
// The CPU form of a launch: the kernel takes its position and the grid's
// sizes as six trailing index arguments, and the launch is a parallel loop
// over the grid (missing axes have size 1) that calls it.

// CHECK-LABEL: func.func private @k(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?xf32, strided<[?], offset: ?>>, %[[PI:[a-z0-9]+]]: index, %[[PJ:[a-z0-9]+]]: index, %{{[a-z0-9]+}}: index, %{{[a-z0-9]+}}: index, %[[NJ:[a-z0-9]+]]: index, %{{[a-z0-9]+}}: index)
// CHECK-NOT: tile.program_id
// CHECK-NOT: tile.num_programs
// CHECK: arith.addi %[[PI]], %[[PJ]]
// CHECK: arith.addi %{{.+}}, %[[NJ]]
func.func private @k(%x: memref<?xf32, strided<[?], offset: ?>>) attributes {tile.kernel} {
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

// CHECK-LABEL: func.func @host(
// CHECK-SAME: %[[HX:[a-z0-9]+]]: memref<?xf32, strided<[?], offset: ?>>, %[[M:[a-z0-9]+]]: index, %[[N:[a-z0-9]+]]: index)
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]], %[[K:.+]]) = (%[[C0]], %[[C0]], %[[C0]]) to (%[[M]], %[[N]], %[[C1]]) step (%[[C1]], %[[C1]], %[[C1]])
// CHECK-NEXT: func.call @k(%[[HX]], %[[I]], %[[J]], %[[K]], %[[M]], %[[N]], %[[C1]])
// CHECK-NOT: tile.launch
func.func @host(%x: memref<?xf32, strided<[?], offset: ?>>, %m: index, %n: index) {
  tile.launch @k[%m, %n] (%x) : memref<?xf32, strided<[?], offset: ?>>
  return
}

// -----

func.func @not_a_kernel() -> index {
  // expected-error@+1 {{'tile.program_id' op outside a launched kernel: no grid to query}}
  %i = tile.program_id 0
  return %i : index
}
