// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 vnni-dot=1" | FileCheck %s
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=PAIRS
// An i8 `dot` whose right operand is the transpose of a row-major tile
// (here 40 x 64: B is 64 x 40) with AVX512-VNNI and K a multiple of 32:
// B's quads are packed from the tile's rows, 32 bytes (8 words) of two rows
// to a vector, then three rounds of two-input shuffles of 16 words, 8 per
// round and per 8 quads (a 16 x 8 transpose), into rows of 4 x 48 bytes
// (40 columns rounded up to 48; rows 40..47 of the source are zeros), with
// the column sums times 128 (vpdpbusd of ones, shifted by 7); the transpose
// builds nothing (a reinterpret_cast of its source stands for it). The
// rows are read where they lie in the view (at its row stride) when the
// tile is wholly inside it, else from the buffer the load filled.
// Without VNNI (pairs) the transpose is built as before.

// CHECK-LABEL: func.func @mt(
// CHECK: memref.reinterpret_cast %{{.+}} to offset: [0], sizes: [64, 40], strides: [40, 1] : memref<40x64xi8> to memref<64x40xi8>
// CHECK-NOT: memref<64x40xi8>
// CHECK: %[[WT:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : memref<40x64xi8, strided<[?, 1], offset: ?>>
// CHECK: %[[PACKED:.+]] = memref.alloca() : memref<16x192xi8>
// CHECK: %[[BIAS:.+]] = memref.alloca() : memref<48xi32>
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2{{.*}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (vector<16xi32>) {
// CHECK: vector.load %[[WT]][%{{.+}}, %{{.+}}] : memref<40x64xi8, strided<[?, 1], offset: ?>>, vector<32xi8>
// CHECK: vector.bitcast %{{.+}} : vector<32xi8> to vector<8xi32>
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xi32>, vector<8xi32>
// CHECK-COUNT-24: vector.shuffle %{{.+}}, %{{.+}} [{{.+}}] : vector<16xi32>, vector<16xi32>
// CHECK: vector.store %{{.+}}, %[[PACKED]][%{{.+}}, %{{.+}}] : memref<16x192xi8>, vector<64xi8>
// CHECK: "llvm.x86.avx512.vpdpbusd.512"
// CHECK: scf.yield
// CHECK: arith.shli
// CHECK: vector.store %{{.+}}, %[[BIAS]]
// CHECK: "llvm.x86.avx512.vpdpbusd.512"
// CHECK: return

// PAIRS-LABEL: func.func @mt(
// PAIRS-NOT: memref.reinterpret_cast {{.+}} sizes: [64, 40]
// PAIRS: scf.for
// PAIRS: memref.load
// PAIRS: return
func.func @mt(%a: memref<?x?xi8, strided<[?, ?], offset: ?>>,
              %w: memref<?x?xi8, strided<[?, ?], offset: ?>>,
              %c: memref<?x?xi32, strided<[?, ?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<6x64xi8>
  %wt = tile.load %w[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<40x64xi8>
  %b = tile.transpose %wt : !tile.tile<40x64xi8> -> !tile.tile<64x40xi8, col_major>
  %d = tile.dot %x, %b : !tile.tile<6x64xi8>, !tile.tile<64x40xi8, col_major> -> !tile.tile<6x40xi32>
  tile.store %d, %c[%i, %i] : !tile.tile<6x40xi32>, memref<?x?xi32, strided<[?, ?], offset: ?>>
  return
}
