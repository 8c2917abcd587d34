// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1 amx=1" -canonicalize | FileCheck %s --check-prefix=AMX --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1" -canonicalize | FileCheck %s --check-prefix=VEC --enable-var-scope
// B stored in pairs in blocks of 16 columns (tile-pack-dot-operands with
// pack-rhs-pairs and pair-blocks, which x86-pack-dot-operands sets for an
// AMX target): a 64 x 32 tile of B is two blocks of 32 rows of 64 bytes,
// 64 x 32; the columns j .. j + 15 of pair row p are row (j / 16) 32 + p.
// - With AMX, the K loop's B tiles are read where they lie, each one run
//   of 1 KiB: rows (j / 16) 32 + 16 s of the stored tile, column 0.
// - With vdpbf16ps, the pair steps read the same rows, one vector each.
// - The loop as written (the else branch) unpairs the tile: each vector
//   of pairs from its block's row, deinterleaved into two rows.

// AMX-LABEL: func.func @bf16_blocks_k_loop(
// AMX-SAME: %[[B:[^:]+]]: memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
// AMX: scf.if %{{.+}} {
// AMX-NOT: vector.interleave
// AMX: %[[PB:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [64, 32], strides: [32, 1]
// AMX: %[[CB:.+]] = memref.cast %[[PB]]
// AMX: scf.for %[[S:.+]] = %c0 to %c2 step %c1 iter_args(
// AMX: %[[K:.+]] = arith.muli %[[S]], %c16 : index
// AMX: amx.tile_load %[[CB]][%[[K]], %c0] : memref<64x32xbf16, strided<[?, 1], offset: ?>> into !amx.tile<16x32xbf16>
// AMX: %[[K2:.+]] = arith.addi %[[K]], %c32 : index
// AMX: amx.tile_load %[[CB]][%[[K2]], %c0] : memref<64x32xbf16, strided<[?, 1], offset: ?>> into !amx.tile<16x32xbf16>
// AMX-COUNT-4: amx.tile_mulf
// AMX: } else {
// AMX: vector.deinterleave
// AMX: return

// VEC-LABEL: func.func @bf16_blocks_k_loop(
// VEC-SAME: %[[B:[^:]+]]: memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
// VEC: scf.if %{{.+}} {
// VEC-NOT: vector.interleave
// VEC: %[[PB:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [64, 32], strides: [32, 1]
// VEC: scf.for %[[KP:.+]] = %c0 to %c32 step %c1 iter_args(
// VEC: %[[ROW0:.+]] = vector.load %[[PB]][%[[KP]], %c0] : memref<64x32xbf16, strided<[32, 1], offset: ?>>, vector<32xbf16>
// VEC: %[[KP2:.+]] = arith.addi %[[KP]], %c32 : index
// VEC: %[[ROW1:.+]] = vector.load %[[PB]][%[[KP2]], %c0] : memref<64x32xbf16, strided<[32, 1], offset: ?>>, vector<32xbf16>
// VEC: x86vector.avx512.dot %{{.+}}, %{{.+}}, %[[ROW0]] : vector<32xbf16> -> vector<16xf32>
// VEC: x86vector.avx512.dot %{{.+}}, %{{.+}}, %[[ROW1]] : vector<32xbf16> -> vector<16xf32>
// VEC: } else {
// VEC: %[[P:.+]] = vector.load %{{.+}}[%[[R:[a-z0-9_]+]], %c0] : memref<64x32xbf16>, vector<32xbf16>
// VEC-NEXT: vector.deinterleave %[[P]]
// VEC: %[[R2:.+]] = arith.addi %[[R]], %c32 : index
// VEC-NEXT: %[[Q:.+]] = vector.load %{{.+}}[%[[R2]], %c0] : memref<64x32xbf16>, vector<32xbf16>
// VEC-NEXT: vector.deinterleave %[[Q]]
// VEC: return
func.func @bf16_blocks_k_loop(%a: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                              %b: memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
                              %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<32x32xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<32x32xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x64xbf16>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<64x32xbf16>
    %y = tile.unpair_rows %p block 16 : !tile.tile<64x32xbf16> -> !tile.tile<64x32xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<32x64xbf16>, !tile.tile<64x32xbf16, col_major> -> !tile.tile<32x32xf32>
    scf.yield %d : !tile.tile<32x32xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<32x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
