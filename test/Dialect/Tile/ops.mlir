// RUN: %nlc-opt %s | FileCheck %s
// Round trip: print, parse again, print the same.
// RUN: %nlc-opt %s | %nlc-opt | FileCheck %s
// RUN: %nlc-opt %s --mlir-print-op-generic | %nlc-opt | FileCheck %s

// CHECK-LABEL: func.func @types(
// CHECK-SAME: %{{.+}}: !tile.tile<128xf32>, %{{.+}}: !tile.tile<128x64xf16>, %{{.+}}: !tile.tile<64x128xbf16, col_major>, %{{.+}}: !tile.tile<16x16xi8>
func.func @types(%a: !tile.tile<128xf32>, %b: !tile.tile<128x64xf16, row_major>,
                 %c: !tile.tile<64x128xbf16, col_major>, %d: !tile.tile<16x16xi8>) {
  return
}

// Encodings: any attribute, after the layout (always printed with one;
// written, it may be left out before an attribute that is not a keyword).
// CHECK-LABEL: func.func @encodings(
// CHECK-SAME: %{{.+}}: !tile.tile<64x64xbf16, col_major, {vnni = 2 : i64}>
// CHECK-SAME: %{{.+}}: !tile.tile<16x32xbf16, row_major, "amx">
// CHECK-SAME: %{{.+}}: !tile.tile<16x32xbf16, row_major, array<i64: 16, 2>>
// CHECK-SAME: %{{.+}}: !tile.tile<128xf32, row_major, array<i64: 8>>
// CHECK-SAME: %{{.+}}: !tile.tile<128xf32, row_major, 42 : i32>
func.func @encodings(%a: !tile.tile<64x64xbf16, col_major, {vnni = 2 : i64}>,
                     %b: !tile.tile<16x32xbf16, "amx">,
                     %c: !tile.tile<16x32xbf16, row_major, array<i64: 16, 2>>,
                     %d: !tile.tile<128xf32, row_major, array<i64: 8>>,
                     %e: !tile.tile<128xf32, 42 : i32>) {
  return
}

// Elementwise ops keep the encoding; a transpose may choose its own.
// CHECK-LABEL: func.func @encoded_ops(
func.func @encoded_ops(%a: !tile.tile<16x32xf32, row_major, "r">) {
  // CHECK: tile.add %{{.+}}, %{{.+}} : !tile.tile<16x32xf32, row_major, "r">
  %s = tile.add %a, %a : !tile.tile<16x32xf32, row_major, "r">
  // CHECK: tile.cmp lt, %{{.+}}, %{{.+}} : !tile.tile<16x32xf32, row_major, "r"> -> !tile.tile<16x32xi1, row_major, "r">
  %m = tile.cmp lt, %s, %a : !tile.tile<16x32xf32, row_major, "r"> -> !tile.tile<16x32xi1, row_major, "r">
  // CHECK: tile.transpose %{{.+}} : !tile.tile<16x32xf32, row_major, "r"> -> !tile.tile<32x16xf32, col_major, "t">
  %t = tile.transpose %a : !tile.tile<16x32xf32, row_major, "r"> -> !tile.tile<32x16xf32, col_major, "t">
  return
}

// CHECK-LABEL: func.func @memory(
// CHECK-SAME: %[[V:.+]]: memref<?x?xf16, strided<[?, 1], offset: ?>>, %[[I:.+]]: index, %[[J:.+]]: index, %[[P:.+]]: f16)
func.func @memory(%v: memref<?x?xf16, strided<[?, 1], offset: ?>>, %i: index,
                  %j: index, %pad: f16) {
  // CHECK: %[[A:.+]] = tile.load %[[V]][%[[I]], %[[J]]] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<128x64xf16>
  %a = tile.load %v[%i, %j] : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<128x64xf16>
  // CHECK: %[[B:.+]] = tile.load %[[V]][%[[I]], %[[J]]] padding(%[[P]] : f16) : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<128x64xf16>
  %b = tile.load %v[%i, %j] padding(%pad : f16) : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<128x64xf16>
  // CHECK: tile.store %[[A]], %[[V]][%[[J]], %[[I]]] : !tile.tile<128x64xf16>, memref<?x?xf16, strided<[?, 1], offset: ?>>
  tile.store %a, %v[%j, %i] : !tile.tile<128x64xf16>, memref<?x?xf16, strided<[?, 1], offset: ?>>
  return
}

// A rank-4 view: two leading element indices, then the tile index.
// CHECK-LABEL: func.func @memory_rank4(
func.func @memory_rank4(%v: memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>,
                        %b: index, %h: index, %i: index) {
  // CHECK: %[[A:.+]] = tile.load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>> -> !tile.tile<16x16xf32>
  %a = tile.load %v[%b, %h, %i, %i] : memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>> -> !tile.tile<16x16xf32>
  // CHECK: tile.store %[[A]], %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] : !tile.tile<16x16xf32>, memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>
  tile.store %a, %v[%h, %b, %i, %i] : !tile.tile<16x16xf32>, memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>
  return
}

// CHECK-LABEL: func.func @elementwise(
func.func @elementwise(%a: !tile.tile<64x64xf32>, %b: !tile.tile<64x64xf32>,
                       %x: f32) -> !tile.tile<64x64xf32> {
  // CHECK: tile.splat %{{.+}} : f32 -> !tile.tile<64x64xf32>
  %s = tile.splat %x : f32 -> !tile.tile<64x64xf32>
  // CHECK: tile.add {{.+}} : !tile.tile<64x64xf32>
  // CHECK: tile.sub
  // CHECK: tile.mul
  // CHECK: tile.div
  // CHECK: tile.max
  // CHECK: tile.min
  %0 = tile.add %a, %s : !tile.tile<64x64xf32>
  %1 = tile.sub %0, %b : !tile.tile<64x64xf32>
  %2 = tile.mul %1, %b : !tile.tile<64x64xf32>
  %3 = tile.div %2, %b : !tile.tile<64x64xf32>
  %4 = tile.max %3, %b : !tile.tile<64x64xf32>
  %5 = tile.min %4, %b : !tile.tile<64x64xf32>
  // CHECK: tile.neg
  // CHECK: tile.abs
  // CHECK: tile.exp
  // CHECK: tile.log
  // CHECK: tile.sqrt
  // CHECK: tile.rsqrt
  // CHECK: tile.tanh
  // CHECK: tile.erf
  %6 = tile.neg %5 : !tile.tile<64x64xf32>
  %7 = tile.abs %6 : !tile.tile<64x64xf32>
  %8 = tile.exp %7 : !tile.tile<64x64xf32>
  %9 = tile.log %8 : !tile.tile<64x64xf32>
  %10 = tile.sqrt %9 : !tile.tile<64x64xf32>
  %11 = tile.rsqrt %10 : !tile.tile<64x64xf32>
  %12 = tile.tanh %11 : !tile.tile<64x64xf32>
  %13 = tile.erf %12 : !tile.tile<64x64xf32>
  // CHECK: %[[M:.+]] = tile.cmp lt, {{.+}} : !tile.tile<64x64xf32> -> !tile.tile<64x64xi1>
  // CHECK: tile.select %[[M]], {{.+}} : !tile.tile<64x64xi1>, !tile.tile<64x64xf32>
  %m = tile.cmp lt, %13, %a : !tile.tile<64x64xf32> -> !tile.tile<64x64xi1>
  %14 = tile.select %m, %13, %a : !tile.tile<64x64xi1>, !tile.tile<64x64xf32>
  return %14 : !tile.tile<64x64xf32>
}

// Blocks of columns: 16 x 32 in blocks of 16, pairs (2 blocks of 8 rows of
// 32) and quads (2 blocks of 4 rows of 64).
// CHECK-LABEL: func.func @blocks(
func.func @blocks(%b: !tile.tile<16x32xbf16>) {
  // CHECK: tile.pair_rows %{{.+}} block 16 : !tile.tile<16x32xbf16> -> !tile.tile<16x32xbf16>
  %pb = tile.pair_rows %b block 16 : !tile.tile<16x32xbf16> -> !tile.tile<16x32xbf16>
  // CHECK: tile.pair_rows %{{.+}} group 4 block 16 : !tile.tile<16x32xbf16> -> !tile.tile<8x64xbf16>
  %qb = tile.pair_rows %b group 4 block 16 : !tile.tile<16x32xbf16> -> !tile.tile<8x64xbf16>
  // CHECK: tile.unpair_rows %{{.+}} group 4 block 16 : !tile.tile<8x64xbf16> -> !tile.tile<16x32xbf16, col_major>
  %ub = tile.unpair_rows %qb group 4 block 16 : !tile.tile<8x64xbf16> -> !tile.tile<16x32xbf16, col_major>
  return
}

// CHECK-LABEL: func.func @shapes(
func.func @shapes(%a: !tile.tile<16x8xf32>, %v: !tile.tile<8xf32>) {
  // CHECK: tile.cast %{{.+}} : !tile.tile<16x8xf32> -> !tile.tile<16x8xbf16>
  %h = tile.cast %a : !tile.tile<16x8xf32> -> !tile.tile<16x8xbf16>
  // CHECK: tile.reduce sum %{{.+}} along 1 : !tile.tile<16x8xf32> -> !tile.tile<16xf32>
  %rows = tile.reduce sum %a along 1 : !tile.tile<16x8xf32> -> !tile.tile<16xf32>
  // CHECK: tile.reduce argmax %{{.+}} along 0 : !tile.tile<8xf32> -> i32
  %best = tile.reduce argmax %v along 0 : !tile.tile<8xf32> -> i32
  // CHECK: tile.broadcast %{{.+}} along 0 : !tile.tile<8xf32> -> !tile.tile<16x8xf32>
  %b = tile.broadcast %v along 0 : !tile.tile<8xf32> -> !tile.tile<16x8xf32>
  // CHECK: tile.transpose %{{.+}} : !tile.tile<16x8xf32> -> !tile.tile<8x16xf32, col_major>
  %t = tile.transpose %a : !tile.tile<16x8xf32> -> !tile.tile<8x16xf32, col_major>
  // CHECK: tile.reshape %{{.+}} : !tile.tile<16x8xf32> -> !tile.tile<128xf32>
  %r = tile.reshape %a : !tile.tile<16x8xf32> -> !tile.tile<128xf32>
  // CHECK: tile.pair_rows %{{.+}} : !tile.tile<16x8xf32> -> !tile.tile<8x16xf32>
  %p = tile.pair_rows %a : !tile.tile<16x8xf32> -> !tile.tile<8x16xf32>
  // CHECK: tile.unpair_rows %{{.+}} : !tile.tile<8x16xf32> -> !tile.tile<16x8xf32, col_major>
  %u = tile.unpair_rows %p : !tile.tile<8x16xf32> -> !tile.tile<16x8xf32, col_major>
  // The default group (2) is not printed; 4 is.
  // CHECK: tile.pair_rows %{{.+}} group 4 : !tile.tile<16x8xf32> -> !tile.tile<4x32xf32>
  %q = tile.pair_rows %a group 4 : !tile.tile<16x8xf32> -> !tile.tile<4x32xf32>
  // CHECK: tile.unpair_rows %{{.+}} group 4 : !tile.tile<4x32xf32> -> !tile.tile<16x8xf32>
  %uq = tile.unpair_rows %q group 4 : !tile.tile<4x32xf32> -> !tile.tile<16x8xf32>
  // CHECK: tile.pair_rows %{{.+}} : !tile.tile<16x8xf32> -> !tile.tile<8x16xf32>
  %p2 = tile.pair_rows %a group 2 : !tile.tile<16x8xf32> -> !tile.tile<8x16xf32>
  // CHECK: tile.iota : !tile.tile<128xi32>
  %i = tile.iota : !tile.tile<128xi32>
  return
}

// CHECK-LABEL: func.func @contraction(
func.func @contraction(%a: !tile.tile<128x64xf16>, %b: !tile.tile<64x128xf16, col_major>,
                       %acc: !tile.tile<128x128xf32>, %q: !tile.tile<16x32xi8>,
                       %k: !tile.tile<32x16xi8>) {
  // CHECK: tile.dot %{{.+}}, %{{.+}} : !tile.tile<128x64xf16>, !tile.tile<64x128xf16, col_major> -> !tile.tile<128x128xf32>
  %0 = tile.dot %a, %b : !tile.tile<128x64xf16>, !tile.tile<64x128xf16, col_major> -> !tile.tile<128x128xf32>
  // CHECK: tile.dot %{{.+}}, %{{.+}}, %{{.+}} : !tile.tile<128x64xf16>, !tile.tile<64x128xf16, col_major> -> !tile.tile<128x128xf32>
  %1 = tile.dot %a, %b, %acc : !tile.tile<128x64xf16>, !tile.tile<64x128xf16, col_major> -> !tile.tile<128x128xf32>
  // CHECK: tile.dot %{{.+}}, %{{.+}} : !tile.tile<16x32xi8>, !tile.tile<32x16xi8> -> !tile.tile<16x16xi32>
  %2 = tile.dot %q, %k : !tile.tile<16x32xi8>, !tile.tile<32x16xi8> -> !tile.tile<16x16xi32>
  // CHECK: tile.program_id 0
  // CHECK: tile.num_programs 1
  %p = tile.program_id 0
  %n = tile.num_programs 1
  return
}

// CHECK-LABEL: func.func @fused(
// CHECK: %{{.+}} = tile.fused(%{{.+}}, %{{.+}}, %{{.+}}) broadcast [-1, 1, -1] : (!tile.tile<4x8xf16>, !tile.tile<4xf16>, f16) -> !tile.tile<4x8xf16> {
// CHECK-NEXT: ^bb0(%[[X:.+]]: f16, %[[R:.+]]: f16, %[[S:.+]]: f16):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[X]], %[[R]] : f16
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[D]], %[[S]] : f16
// CHECK-NEXT: tile.yield %[[M]] : f16
// CHECK-NEXT: }
func.func @fused(%a: !tile.tile<4x8xf16>, %r: !tile.tile<4xf16>, %s: f16) -> !tile.tile<4x8xf16> {
  %0 = tile.fused(%a, %r, %s) broadcast [-1, 1, -1] : (!tile.tile<4x8xf16>, !tile.tile<4xf16>, f16) -> !tile.tile<4x8xf16> {
  ^bb0(%x: f16, %row: f16, %k: f16):
    %d = arith.subf %x, %row : f16
    %m = arith.mulf %d, %k : f16
    tile.yield %m : f16
  }
  return %0 : !tile.tile<4x8xf16>
}
