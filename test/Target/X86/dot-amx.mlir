// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1 vnni-dot=1 amx=1" -canonicalize | FileCheck %s
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1 vnni-dot=1" | FileCheck %s --check-prefix=VEC --implicit-check-not=amx.
// `dot` on AMX tiles (X86Amx.cpp): bf16 into f32 and i8 into i32 of whole tiles
// (M, N multiples of 16; K of 32 bf16, 64 i8, or 32 i8 in steps of half a
// tile's depth). B is packed in pairs (bf16) or quads (i8, no bias: tdpbssd
// multiplies signed bytes) in blocks of 16 columns, one below the other (bf16
// 64 x 80: 5 blocks of 32 rows of 32, so that a B tile is 16 rows one after the
// other); C's 16 x 16 tiles go in blocks of 2 x 2 along the rows (48 x 80:
// pairs of row tiles, then the last row tile; in each, pairs of column tiles,
// then the last), each block's tiles loaded from the accumulator buffer
// (zeroed, `tilezero`, where the `dot` starts from zero), carried by the k loop (one step per 32 bf16 or 64 i8 (or 32): a tile of A per
// row tile, of B per column tile, one product per accumulator) and stored back.
// A shape that is not whole tiles keeps the vector micro-kernel. Without `amx`,
// every `dot` takes the vector micro-kernels.

// CHECK-LABEL: func.func @bf16_48x80x64(
// CHECK: %[[PACKED:.+]] = memref.alloca() : memref<160x32xbf16>
// CHECK: vector.interleave
// CHECK: vector.store {{.+}}, %[[PACKED]][%{{.+}}, %c0]
// CHECK: vector.interleave
// CHECK: %[[ROW:.+]] = arith.addi %{{.+}}, %c32
// CHECK: vector.store {{.+}}, %[[PACKED]][%[[ROW]], %c0]
// Blocks go along the rows. Rows: pairs of row tiles up to the live rows
// (the store's), then the last one (48 = 32 + 16) where it holds a live
// row; in each, columns: pairs of column tiles, then the last one
// (80 = 2 * 32 + 16).
// CHECK: scf.for %[[I:.+]] = %c0 to %{{.+}} step %c32
// CHECK-NEXT: scf.for %[[J:.+]] = %c0 to %c64 step %c32
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c2 step %c1 iter_args(
// CHECK-COUNT-2: amx.tile_load %{{.+}} : memref<48x64xbf16, strided<[?, 1], offset: ?>> into !amx.tile<16x32xbf16>
// CHECK-COUNT-2: amx.tile_load %[[PACKED]][%{{.+}}, %c0] : memref<160x32xbf16> into !amx.tile<16x32xbf16>
// CHECK-COUNT-4: amx.tile_mulf {{.+}} : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
// CHECK: scf.yield
// CHECK: amx.tile_store %{{.+}}[%[[I]], %[[J]]]
// CHECK-COUNT-3: amx.tile_store
// The row pair's last column tile: a 2 x 1 block.
// CHECK: scf.for
// CHECK-COUNT-2: amx.tile_mulf
// CHECK: scf.yield
// CHECK: amx.tile_store %{{.+}}[%[[I]], %c64]
// CHECK: amx.tile_store
// Live rows past the pairs: a pair of row tiles or one.
// CHECK: scf.if
// CHECK: scf.if
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c32
// CHECK-COUNT-4: amx.tile_mulf
// CHECK: } else {
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c32
// CHECK-COUNT-2: amx.tile_mulf
// The last row tile where it holds a live row: 1 x 2 blocks, then 1 x 1.
// CHECK: scf.if
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c32
// CHECK-COUNT-2: amx.tile_mulf
// CHECK: scf.yield
// CHECK-COUNT-2: amx.tile_store
// CHECK: scf.for
// CHECK-COUNT-1: amx.tile_mulf
// CHECK: scf.yield
// CHECK-COUNT-1: amx.tile_store

// CHECK-LABEL: func.func @i8_32x32x128(
// CHECK-NOT: x86vector
// CHECK: scf.for %{{.+}} = %c0 to %c2 step %c1 iter_args(
// CHECK-COUNT-2: amx.tile_load %{{.+}} into !amx.tile<16x64xi8>
// CHECK-COUNT-4: amx.tile_muli {{.+}} : !amx.tile<16x64xi8>, !amx.tile<16x64xi8>, !amx.tile<16x16xi32>

// K an odd multiple of 32 i8 (96): steps of half a tile's depth, A's tiles
// 16 rows of 32 bytes, B's 8 rows of quads (64 bytes), 3 steps.
// CHECK-LABEL: func.func @i8_32x32x96(
// CHECK-NOT: x86vector
// CHECK: scf.for %{{.+}} = %c0 to %c3 step %c1 iter_args(
// CHECK-COUNT-2: amx.tile_load %{{.+}} into !amx.tile<16x32xi8>
// CHECK-COUNT-2: amx.tile_load %{{.+}} into !amx.tile<8x64xi8>
// CHECK-COUNT-4: amx.tile_muli {{.+}} : !amx.tile<16x32xi8>, !amx.tile<8x64xi8>, !amx.tile<16x16xi32>

// K of 32 i8: AMX (half-depth steps) where the `dot` adds to the tile a
// loop carries and reads B stored in quads by the launch
// (tile.unpair_rows), or where it starts from zero (no accumulator, or
// zeros(): a Q8_0 block's product, scaled right after it): each block's
// tiles zeroed (`tilezero`), one step, stored; no fill, no accumulator
// loaded. A's tiles are read in the view at its row stride where the tile
// lies inside it. From a plain B in a loop that carries the sum (a
// decoding step's launch, which does not pack B), or with an accumulator
// of other values, it keeps vpdpbusd.
// CHECK-LABEL: func.func @i8_k32_loop(
// CHECK: amx.tile_muli {{.+}} : !amx.tile<16x32xi8>, !amx.tile<8x64xi8>, !amx.tile<16x16xi32>
// CHECK-LABEL: func.func @i8_k32_loop_plain(
// CHECK-NOT: amx.
// CHECK: vpdpbusd.512
// CHECK-LABEL: func.func @i8_k32_alone(
// CHECK-NOT: vector.store %{{.+}}, %{{.+}} : memref<32x32xi32>
// CHECK: %[[A:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : memref<32x32xi8, strided<[?, 1], offset: ?>>
// CHECK-NOT: amx.tile_load %{{.+}} into !amx.tile<16x16xi32>
// CHECK: scf.for
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xi32>
// CHECK-NEXT: amx.tile_load %[[A]][%{{.+}}, %c0] : memref<32x32xi8, strided<[?, 1], offset: ?>> into !amx.tile<16x32xi8>
// CHECK-NEXT: arith.addi
// CHECK-NEXT: amx.tile_load %[[A]]
// CHECK-COUNT-2: amx.tile_load %{{.+}} : memref<16x64xi8> into !amx.tile<8x64xi8>
// CHECK-COUNT-4: amx.tile_muli {{.+}} : !amx.tile<16x32xi8>, !amx.tile<8x64xi8>, !amx.tile<16x16xi32>
// CHECK-COUNT-4: amx.tile_store
// CHECK-NOT: vpdpbusd
// CHECK-LABEL: func.func @i8_k32_zeros(
// CHECK-NOT: amx.tile_load %{{.+}} into !amx.tile<16x16xi32>
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xi32>
// CHECK-COUNT-4: amx.tile_muli
// CHECK-NOT: vpdpbusd
// CHECK-LABEL: func.func @i8_k32_acc(
// CHECK-NOT: amx.
// CHECK: vpdpbusd.512
// The transpose of a row-major tile as B: its quads packed from the
// tile's rows (16 x 8 transposes of words, as for vpdpbusd:
// dot-i8-transposed.mlir) into AMX's blocks of 16 columns (8 rows of
// quads each), no bias.
// CHECK-LABEL: func.func @i8_k32_transposed(
// CHECK: %[[PACKED:.+]] = memref.alloca() : memref<16x64xi8>
// CHECK: %[[WT:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : memref<32x32xi8, strided<[?, 1], offset: ?>>
// CHECK: vector.load %[[WT]]
// CHECK-COUNT-24: vector.shuffle {{.+}} : vector<16xi32>, vector<16xi32>
// CHECK-COUNT-8: vector.store %{{.+}}, %[[PACKED]][%{{.+}}, %c0] : memref<16x64xi8>, vector<64xi8>
// CHECK-NOT: vpdpbusd
// CHECK-COUNT-4: amx.tile_zero
// CHECK-COUNT-2: amx.tile_load
// CHECK-NEXT: amx.tile_load %[[PACKED]][%c0, %c0] : memref<16x64xi8> into !amx.tile<8x64xi8>
// CHECK-NEXT: amx.tile_load %[[PACKED]][%c8, %c0] : memref<16x64xi8> into !amx.tile<8x64xi8>
// CHECK-COUNT-4: amx.tile_muli
// A bf16 `dot` alone: its tiles zeroed, not loaded.
// CHECK-LABEL: func.func @bf16_alone(
// CHECK-NOT: amx.tile_load %{{.+}} into !amx.tile<16x16xf32>
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xf32>
// CHECK: amx.tile_mulf

// CHECK-LABEL: func.func @ragged_m(
// CHECK-NOT: amx.
// CHECK: x86vector.avx512.dot
// CHECK-LABEL: func.func @ragged_k(
// CHECK-NOT: amx.
// CHECK: x86vector.avx512.dot

// VEC-LABEL: func.func @bf16_48x80x64(
// VEC: x86vector.avx512.dot
// VEC-LABEL: func.func @i8_32x32x128(
// VEC: vpdpbusd.512
// VEC-LABEL: func.func @i8_32x32x96(
// VEC: vpdpbusd.512

func.func @bf16_48x80x64(%v: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                         %w: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<48x64xbf16>
  %b = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<64x80xbf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<48x64xbf16>, !tile.tile<64x80xbf16, col_major> -> !tile.tile<48x80xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<48x80xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_32x32x128(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                        %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x128xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<128x32xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x128xi8>, !tile.tile<128x32xi8, col_major> -> !tile.tile<32x32xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_32x32x96(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                        %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x96xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<96x32xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x96xi8>, !tile.tile<96x32xi8, col_major> -> !tile.tile<32x32xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_k32_loop(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                       %q: memref<?x?x16x64xi8, strided<[?, ?, 64, 1], offset: ?>>,
                       %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %init = tile.splat %z : i32 -> !tile.tile<32x32xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<32x32xi32>) {
    %a = tile.load %v[%c0, %k] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
    %p = tile.load %q[%k, %c0, %c0, %c0] : memref<?x?x16x64xi8, strided<[?, ?, 64, 1], offset: ?>> -> !tile.tile<16x64xi8>
    %b = tile.unpair_rows %p group 4 block 16 : !tile.tile<16x64xi8> -> !tile.tile<32x32xi8, col_major>
    %c = tile.dot %a, %b, %acc : !tile.tile<32x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<32x32xi32>
    scf.yield %c : !tile.tile<32x32xi32>
  }
  tile.store %r, %w[%c0, %c0] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_k32_loop_plain(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                       %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %init = tile.splat %z : i32 -> !tile.tile<32x32xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<32x32xi32>) {
    %a = tile.load %v[%c0, %k] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
    %b = tile.load %v[%k, %c0] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8, col_major>
    %c = tile.dot %a, %b, %acc : !tile.tile<32x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<32x32xi32>
    scf.yield %c : !tile.tile<32x32xi32>
  }
  tile.store %r, %w[%c0, %c0] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_k32_alone(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                        %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<32x32xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_k32_zeros(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                        %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %z = arith.constant 0 : i32
  %init = tile.splat %z : i32 -> !tile.tile<32x32xi32>
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8, col_major>
  %c = tile.dot %a, %b, %init : !tile.tile<32x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<32x32xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_k32_acc(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                      %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8, col_major>
  %old = tile.load %w[%i, %i] : memref<?x?xi32, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi32>
  %c = tile.dot %a, %b, %old : !tile.tile<32x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<32x32xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @i8_k32_transposed(%v: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                             %w: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
  %wt = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xi8>
  %b = tile.transpose %wt : !tile.tile<32x32xi8> -> !tile.tile<32x32xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<32x32xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
func.func @bf16_alone(%v: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                      %w: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xbf16>
  %b = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xbf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x32xbf16>, !tile.tile<32x32xbf16, col_major> -> !tile.tile<32x32xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func @ragged_m(%v: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                    %w: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<20x32xbf16>
  %b = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xbf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<20x32xbf16>, !tile.tile<32x32xbf16, col_major> -> !tile.tile<20x32xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<20x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
func.func @ragged_k(%v: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                    %w: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x48xbf16>
  %b = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<48x32xbf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x48xbf16>, !tile.tile<48x32xbf16, col_major> -> !tile.tile<32x32xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
