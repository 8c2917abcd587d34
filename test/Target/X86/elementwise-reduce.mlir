// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefixes=ZMM,ALL --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=256" | FileCheck %s --check-prefixes=YMM,ALL --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86 | FileCheck %s --check-prefix=REF
// Elementwise ops run over the whole buffer (16 x 100 = 1600 elements: 100
// zmm or 200 ymm vectors, no ragged end); 13 x 9 = 117 elements end in one
// masked vector, with no scalar loop. Scalar operands are splat once.
// (Each result is stored twice, so it has a buffer: a tile only stored once
// is computed by its store, see store-producer.mlir.)
// Without a vector width, the reference loops.

// ALL-LABEL: func.func @ew(
// ALL: %[[S:.+]] = vector.broadcast %{{.+}} : f32 to vector<{{16|8}}xf32>
// ALL: %[[B:.+]] = memref.collapse_shape %{{.+}} {{\[\[}}0, 1]] : memref<16x100xf32> into memref<1600xf32>
// ZMM: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %c16
// YMM: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %c8
// ALL: %[[X:.+]] = vector.load %{{.+}}[%[[I]]]
// ALL: %[[Y:.+]] = arith.addf %[[X]], %{{.+}} : vector<{{16|8}}xf32>
// ALL: vector.store %[[Y]]
// ALL: math.exp %{{.+}} : vector<{{16|8}}xf32>
// ALL-NOT: vector.maskedload
// The tile.store that follows (its own masked edge path).
// ALL: memref.extract_strided_metadata
// ALL: return
// REF-LABEL: func.func @ew(
// REF-NOT: vector.
// REF: return
func.func @ew(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index, %s: f32) {
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<16x100xf32>
  %z = tile.splat %s : f32 -> !tile.tile<16x100xf32>
  %y = tile.add %x, %z : !tile.tile<16x100xf32>
  %e = tile.exp %y : !tile.tile<16x100xf32>
  tile.store %e, %a[%i, %i] : !tile.tile<16x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  tile.store %e, %a[%i, %i] : !tile.tile<16x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// -----

// 117 = 7 x 16 + 5 (zmm) = 14 x 8 + 5 (ymm); i8 division by zero stays
// defined on vectors (64 i8 lanes on AVX-512).
// ALL-LABEL: func.func @ragged(
// ALL: scf.for
// ALL: arith.mulf %{{.+}} : vector<{{16|8}}xf32>
// ZMM: %[[M:.+]] = vector.constant_mask [5] : vector<16xi1>
// YMM: %[[M:.+]] = vector.constant_mask [5] : vector<8xi1>
// ALL: vector.maskedload %{{.+}}, %[[M]]
// ALL: vector.maskedstore %{{.+}}, %[[M]]
// ZMM: arith.divsi %{{.+}} : vector<64xi8>
// YMM: arith.divsi %{{.+}} : vector<32xi8>
// ALL: return
func.func @ragged(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %b: memref<?x?xi8, strided<[?, ?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<13x9xf32>
  %y = tile.mul %x, %x : !tile.tile<13x9xf32>
  tile.store %y, %a[%i, %i] : !tile.tile<13x9xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  tile.store %y, %a[%i, %i] : !tile.tile<13x9xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  %c = tile.load %b[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<13x9xi8>
  %d = tile.div %c, %c : !tile.tile<13x9xi8>
  tile.store %d, %b[%i, %i] : !tile.tile<13x9xi8>, memref<?x?xi8, strided<[?, ?], offset: ?>>
  tile.store %d, %b[%i, %i] : !tile.tile<13x9xi8>, memref<?x?xi8, strided<[?, ?], offset: ?>>
  return
}

// -----

// Reductions: of a 13 x 20 tile along 0, a lane per column (vector loads of
// rows, masked for the last 4 columns at 16 lanes); of a 20 x 13 tile along
// 1, a lane per row (gathers of a column, the last 4 rows masked), each in
// the reference's order.
// ALL-LABEL: func.func @reduce(
// ZMM: scf.for %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<16xf32>)
// ZMM: vector.load %{{.+}} : memref<13x20xf32>, vector<16xf32>
// ZMM: vector.constant_mask [4] : vector<16xi1>
// ZMM: vector.maskedload %{{.+}} : memref<13x20xf32>, vector<16xi1>, vector<16xf32>
// ZMM: vector.gather %{{.+}} : memref<260xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// ZMM: arith.maximumf %{{.+}} : vector<16xf32>
// ZMM: vector.maskedstore
// ALL: return
func.func @reduce(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %o: memref<?xf32, strided<[?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<13x20xf32>
  %s = tile.reduce sum %x along 0 : !tile.tile<13x20xf32> -> !tile.tile<20xf32>
  tile.store %s, %o[%i] : !tile.tile<20xf32>, memref<?xf32, strided<[?], offset: ?>>
  %y = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<20x13xf32>
  %m = tile.reduce max %y along 1 : !tile.tile<20x13xf32> -> !tile.tile<20xf32>
  tile.store %m, %o[%i] : !tile.tile<20xf32>, memref<?xf32, strided<[?], offset: ?>>
  return
}

// -----

// A rank-1 sum: one accumulator vector, the ragged end masked in as 0, then
// the lanes added; i1 tiles (comparisons) stay on the reference.
// ALL-LABEL: func.func @line(
// ZMM: %[[Z:.+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// ZMM: vector.maskedload %{{.+}}, %{{.+}}, %[[Z]] : memref<20xf32>, vector<16xi1>, vector<16xf32>
// ALL: vector.reduction <add>
// ALL: arith.cmpf olt, %{{.+}} : f32
// ALL: return
func.func @line(%a: memref<?xf32, strided<[?], offset: ?>>, %b: memref<?xi1, strided<[?], offset: ?>>, %i: index) -> f32 {
  %x = tile.load %a[%i] : memref<?xf32, strided<[?], offset: ?>> -> !tile.tile<20xf32>
  %s = tile.reduce sum %x along 0 : !tile.tile<20xf32> -> f32
  %c = tile.cmp lt, %x, %x : !tile.tile<20xf32> -> !tile.tile<20xi1>
  tile.store %c, %b[%i] : !tile.tile<20xi1>, memref<?xi1, strided<[?], offset: ?>>
  return %s : f32
}
