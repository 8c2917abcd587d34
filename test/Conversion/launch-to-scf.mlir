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

// -----

// A kernel whose bf16 (or i8, or f32) products take their left operand
// from tiles of a view argument at row `program_id(0)` (through the casts a
// `let` makes): the call is marked with that argument and the rows each
// row of instances reads (`nlc.row_strip = [arg, rows]`, for
// nlc-grids-to-runtime and convert-tile-to-x86), here argument 1's tile
// rows, 64, and the f32 product's argument 0, 16 rows. An f16 product
// leaves its call unmarked, as does a left operand at row program_id(1).
// CHECK-LABEL: func.func @host2(
// CHECK: func.call @mm({{.+}}) {nlc.row_strip = array<i64: 1, 64>}
// CHECK: func.call @mm_f32({{.+}}) {nlc.row_strip = array<i64: 0, 16>}
// CHECK: func.call @mm_f16(
// CHECK-NOT: nlc.row_strip
// CHECK: func.call @mm_cols(
// CHECK-NOT: nlc.row_strip
// CHECK: return
func.func private @mm(%s: f32, %a: memref<?x?xbf16, strided<[?, 1], offset: ?>>, %b: memref<?x?xbf16, strided<[?, 1], offset: ?>>, %c: memref<?x?xf32, strided<[?, 1], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %i64 = arith.index_cast %i : index to i64
  %ii = arith.index_cast %i64 : i64 to index
  %j = tile.program_id 1
  %x = tile.load %a[%ii, %j] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<64x32xbf16>
  %y = tile.load %b[%j, %j] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x64xbf16, col_major>
  %z = tile.dot %x, %y : !tile.tile<64x32xbf16>, !tile.tile<32x64xbf16, col_major> -> !tile.tile<64x64xf32>
  tile.store %z, %c[%i, %j] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func private @mm_f32(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>, %c: memref<?x?xf32, strided<[?, 1], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<16x16xf32>
  %y = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<16x16xf32, col_major>
  %z = tile.dot %x, %y : !tile.tile<16x16xf32>, !tile.tile<16x16xf32, col_major> -> !tile.tile<16x16xf32>
  tile.store %z, %c[%i, %i] : !tile.tile<16x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func private @mm_f16(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>, %c: memref<?x?xf32, strided<[?, 1], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<16x16xf16>
  %y = tile.load %a[%i, %i] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<16x16xf16, col_major>
  %z = tile.dot %x, %y : !tile.tile<16x16xf16>, !tile.tile<16x16xf16, col_major> -> !tile.tile<16x16xf32>
  tile.store %z, %c[%i, %i] : !tile.tile<16x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func private @mm_cols(%a: memref<?x?xbf16, strided<[?, 1], offset: ?>>, %c: memref<?x?xf32, strided<[?, 1], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %j = tile.program_id 1
  %x = tile.load %a[%j, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xbf16>
  %y = tile.load %a[%i, %j] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xbf16, col_major>
  %z = tile.dot %x, %y : !tile.tile<32x32xbf16>, !tile.tile<32x32xbf16, col_major> -> !tile.tile<32x32xf32>
  tile.store %z, %c[%i, %j] : !tile.tile<32x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func @host2(%s: f32, %a: memref<?x?xbf16, strided<[?, 1], offset: ?>>, %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %f: memref<?x?xf32, strided<[?, 1], offset: ?>>, %h: memref<?x?xf16, strided<[?, 1], offset: ?>>, %m: index) {
  tile.launch @mm[%m, %m] (%s, %a, %a, %c) : f32, memref<?x?xbf16, strided<[?, 1], offset: ?>>, memref<?x?xbf16, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tile.launch @mm_f32[%m] (%f, %f) : memref<?x?xf32, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tile.launch @mm_f16[%m] (%h, %f) : memref<?x?xf16, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tile.launch @mm_cols[%m, %m] (%a, %c) : memref<?x?xbf16, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
