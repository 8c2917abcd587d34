// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=ZMM --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=256" | FileCheck %s --check-prefix=YMM --enable-var-scope
// `tile.transpose` of a tile of 32- or 16-bit elements whose sides are
// whole multiples of L, the f32 lanes (X86Elementwise.cpp,
// TransposeToVectors): L x L blocks, each read as L row vectors (of L
// 16-bit elements: half a register), transposed by log2(L) levels of shuffles (16 x 16:
// 4 levels of 16 shuffles; 8 x 8: 3 of 8) and written as L rows of the
// result, block row r0 and block column c0 going to (c0, r0). No element
// by element copy (which became gathers).

// ZMM-LABEL: func.func @blocks(
// ZMM-NOT: memref.load {{.*}} : memref<32x64xf32>
// ZMM: %[[OUT:.+]] = memref.alloca() : memref<64x32xf32>
// ZMM: scf.for %[[R:[^ ]+]] = %{{[^ ]+}} to %c32{{[^ ]*}} step %c16 {
// ZMM: scf.for %[[C:[^ ]+]] = %{{[^ ]+}} to %c64{{[^ ]*}} step %c16{{[^ ]*}} {
// ZMM-NEXT: vector.load %{{.+}}[%[[R]], %[[C]]] : memref<32x64xf32>, vector<16xf32>
// ZMM-COUNT-15: vector.load %{{.+}} : memref<32x64xf32>, vector<16xf32>
// ZMM-COUNT-64: vector.shuffle
// ZMM-NEXT: vector.store %{{.+}}, %[[OUT]][%[[C]], %[[R]]] : memref<64x32xf32>, vector<16xf32>
// ZMM-COUNT-15: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %[[R]]] : memref<64x32xf32>, vector<16xf32>
// ZMM-NOT: memref.load {{.*}} : memref<32x64xf32>
// ZMM: return
// YMM-LABEL: func.func @blocks(
// YMM-NOT: memref.load {{.*}} : memref<32x64xf32>
// YMM: scf.for %[[R:[^ ]+]] = %{{[^ ]+}} to %c32{{[^ ]*}} step %c8 {
// YMM: scf.for %[[C:[^ ]+]] = %{{[^ ]+}} to %c64{{[^ ]*}} step %c8{{[^ ]*}} {
// YMM-NEXT: vector.load %{{.+}}[%[[R]], %[[C]]] : memref<32x64xf32>, vector<8xf32>
// YMM-COUNT-7: vector.load %{{.+}} : memref<32x64xf32>, vector<8xf32>
// YMM-COUNT-24: vector.shuffle
// YMM-COUNT-8: vector.store
// YMM-NOT: memref.load {{.*}} : memref<32x64xf32>
// YMM: return
func.func @blocks(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %t = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<32x64xf32>
  %u = tile.transpose %t : !tile.tile<32x64xf32> -> !tile.tile<64x32xf32, col_major>
  %v = tile.exp %u : !tile.tile<64x32xf32, col_major>
  tile.store %v, %a[%i, %i] : !tile.tile<64x32xf32, col_major>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tile.store %u, %a[%i, %i] : !tile.tile<64x32xf32, col_major>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// -----

// The 16 x 16 levels, by their masks (block size 8, then 4, 2, 1): rows i
// and i + b trade the off-diagonal b x b blocks.
// ZMM-LABEL: func.func @levels(
// ZMM: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] : vector<16xi32>, vector<16xi32>
// ZMM: vector.shuffle %{{.+}}, %{{.+}} [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xi32>, vector<16xi32>
// ZMM: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27] : vector<16xi32>, vector<16xi32>
// ZMM: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29] : vector<16xi32>, vector<16xi32>
// ZMM: vector.shuffle %{{.+}}, %{{.+}} [0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30] : vector<16xi32>, vector<16xi32>
// ZMM: vector.shuffle %{{.+}}, %{{.+}} [1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31] : vector<16xi32>, vector<16xi32>
// ZMM: return
func.func @levels(%a: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index) {
  %t = tile.load %a[%i, %i] : memref<?x?xi32, strided<[?, 1], offset: ?>> -> !tile.tile<16x16xi32>
  %u = tile.transpose %t : !tile.tile<16x16xi32> -> !tile.tile<16x16xi32, col_major>
  tile.store %u, %a[%i, %i] : !tile.tile<16x16xi32, col_major>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}

// -----

// 16-bit elements: the same blocks, of 16 elements a row (a ymm).
// ZMM-LABEL: func.func @halves(
// ZMM: scf.for %{{[^ ]+}} = %{{[^ ]+}} to %c16{{[^ ]*}} step %c16{{[^ ]*}} {
// ZMM: scf.for %{{[^ ]+}} = %{{[^ ]+}} to %c32{{[^ ]*}} step %c16{{[^ ]*}} {
// ZMM-COUNT-16: vector.load %{{.+}} : memref<16x32xbf16>, vector<16xbf16>
// ZMM-COUNT-64: vector.shuffle
// ZMM-COUNT-16: vector.store %{{.+}} : memref<32x16xbf16>, vector<16xbf16>
// ZMM: return
func.func @halves(%b: memref<?x?xbf16, strided<[?, 1], offset: ?>>, %i: index) {
  %h = tile.load %b[%i, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<16x32xbf16>
  %g = tile.transpose %h : !tile.tile<16x32xbf16> -> !tile.tile<32x16xbf16, col_major>
  tile.store %g, %b[%i, %i] : !tile.tile<32x16xbf16, col_major>, memref<?x?xbf16, strided<[?, 1], offset: ?>>
  return
}

// -----

// Sides that are not whole vectors, and i8 tiles, stay with the
// reference's element loop.
// ZMM-LABEL: func.func @left(
// ZMM-NOT: vector.shuffle
// ZMM: memref.load %{{.+}} : memref<10x16xf32>
// ZMM-NOT: vector.shuffle
// ZMM: memref.load %{{.+}} : memref<16x16xi8>
// ZMM-NOT: vector.shuffle
// ZMM: return
func.func @left(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>, %b: memref<?x?xi8, strided<[?, 1], offset: ?>>, %i: index) {
  %t = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<10x16xf32>
  %u = tile.transpose %t : !tile.tile<10x16xf32> -> !tile.tile<16x10xf32, col_major>
  tile.store %u, %a[%i, %i] : !tile.tile<16x10xf32, col_major>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  %h = tile.load %b[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<16x16xi8>
  %g = tile.transpose %h : !tile.tile<16x16xi8> -> !tile.tile<16x16xi8, col_major>
  tile.store %g, %b[%i, %i] : !tile.tile<16x16xi8, col_major>, memref<?x?xi8, strided<[?, 1], offset: ?>>
  return
}
