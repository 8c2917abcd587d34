// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=ZMM
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" | FileCheck %s --check-prefix=YMM
// RUN: %nlc-opt %s -convert-tile-to-x86 | FileCheck %s --check-prefix=REF
// f32 tile.dot on x86: 6-row blocks of 4 (AVX-512) or 2 (AVX2) vectors of
// accumulators carried through the k loop, one broadcast per row and one
// FMA per accumulator each step; the ragged columns (N = 72 = 64 + 8) take
// masked loads and stores. Without a vector width (no target), the
// reference loops. The micro-kernel reads its operands through memrefs with
// a dynamic offset: their tiles may be read in place (dot-in-place.mlir).

// ZMM-LABEL: func.func @mm(
// ZMM: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// ZMM-COUNT-24: vector.load {{.+}} : memref<12x72xf32>, vector<16xf32>
// ZMM: scf.for %{{.+}} iter_args({{.+}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// ZMM-COUNT-4: vector.load {{.+}} : memref<5x72xf32, strided<[72, 1], offset: ?>>, vector<16xf32>
// ZMM: memref.load {{.+}} : memref<12x5xf32, strided<[5, 1], offset: ?>>
// ZMM-NEXT: vector.broadcast {{.+}} : f32 to vector<16xf32>
// ZMM-COUNT-4: vector.fma
// ZMM: scf.yield
// ZMM-COUNT-24: vector.store
// The last 8 columns: one masked vector per row.
// ZMM: vector.constant_mask [8] : vector<16xi1>
// ZMM: vector.maskedload
// ZMM: vector.fma
// ZMM: vector.maskedstore
// ZMM-NOT: memref.copy

// With 8 lanes, the four whole column blocks of 16 are one loop around
// one copy of the block's code (12 accumulators); the last 8 columns, one
// vector a row, follow it (6 accumulators).
// YMM-LABEL: func.func @mm(
// YMM: scf.for %[[J:.+]] = %{{.+}} to %c64 step %c16 {
// YMM: scf.for %{{.+}} iter_args({{.+}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// YMM-COUNT-12: vector.fma
// YMM: scf.for %{{.+}} iter_args({{.+}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// YMM-COUNT-6: vector.fma

// REF-LABEL: func.func @mm(
// REF-NOT: vector.fma
// REF: math.fma
func.func @mm(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>,
              %b: memref<?x?xf32, strided<[?, ?], offset: ?>>,
              %c: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<12x5xf32>
  %y = tile.load %b[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<5x72xf32, col_major>
  %acc = tile.load %c[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<12x72xf32>
  %d = tile.dot %x, %y, %acc : !tile.tile<12x5xf32>, !tile.tile<5x72xf32, col_major> -> !tile.tile<12x72xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<12x72xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// An accumulator defined outside the loop that holds the dot: copied into a
// fresh buffer each iteration, never updated in place.
// ZMM-LABEL: func.func @acc_outside_loop(
// ZMM: scf.for
// ZMM: memref.copy
// ZMM: vector.fma
func.func @acc_outside_loop(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index, %n: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<6x16xf32>
  %y = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<16x16xf32, col_major>
  %acc = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<6x16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %d = tile.dot %x, %y, %acc : !tile.tile<6x16xf32>, !tile.tile<16x16xf32, col_major> -> !tile.tile<6x16xf32>
    tile.store %d, %a[%k, %i] : !tile.tile<6x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  }
  return
}

// The usual K loop: where its tiles may leave the view (the `else` branch
// of the K loop's split, dot-k-loop.mlir), the accumulator is the loop's
// own tile, updated in place (one copy of the initial zeros before the
// loop, none inside it).
// ZMM-LABEL: func.func @k_loop(
// ZMM: scf.if %{{.+}} -> (memref<6x16xf32>) {
// ZMM: } else {
// ZMM: memref.copy
// ZMM: scf.for
// ZMM-NOT: memref.copy
// ZMM: vector.fma
// ZMM-NOT: memref.copy
// ZMM: scf.yield %{{.+}} : memref<6x16xf32>
// ZMM-NEXT: }
// ZMM: return
func.func @k_loop(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<6x16xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<6x16xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<6x16xf32>
    %y = tile.load %a[%k, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<16x16xf32, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<6x16xf32>, !tile.tile<16x16xf32, col_major> -> !tile.tile<6x16xf32>
    scf.yield %d : !tile.tile<6x16xf32>
  }
  tile.store %r, %a[%i, %i] : !tile.tile<6x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
