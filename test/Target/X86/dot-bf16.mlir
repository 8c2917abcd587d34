// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1" | FileCheck %s --check-prefix=PAIRS
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=FMA
// bf16 tile.dot with AVX512-BF16: B packed into rows of interleaved pairs
// (B(2p, j), B(2p + 1, j)) padded to whole vectors (N = 20 -> 32 columns),
// then K / 2 steps of vdpbf16ps on 6 x 2 blocks, A's pair broadcast as one
// 32-bit word. An odd K, or no AVX512-BF16, takes the widening FMA kernel.

// PAIRS-LABEL: func.func @mm(
// PAIRS: %[[PACKED:.+]] = memref.alloca() : memref<4x64xbf16>
// PAIRS: scf.for
// PAIRS: vector.shuffle {{.+}} [0, 16, 1, 17, 2, 18
// PAIRS: vector.store {{.+}}, %[[PACKED]]
// PAIRS: scf.for {{.+}} iter_args
// PAIRS: vector.load %[[PACKED]]{{.+}} : memref<4x64xbf16>, vector<32xbf16>
// PAIRS: vector.load {{.+}} : memref<6x8xbf16, strided<[8, 1], offset: ?>>, vector<2xbf16>
// PAIRS: vector.bitcast {{.+}} : vector<2xbf16> to vector<1xi32>
// PAIRS: vector.broadcast {{.+}} : i32 to vector<16xi32>
// PAIRS: vector.bitcast {{.+}} : vector<16xi32> to vector<32xbf16>
// PAIRS-COUNT-2: x86vector.avx512.dot
// PAIRS-LABEL: func.func @odd_k(
// PAIRS-NOT: x86vector.avx512.dot
// PAIRS: vector.fma

// FMA-LABEL: func.func @mm(
// FMA-NOT: x86vector
// FMA: arith.extf {{.+}} : vector<16xbf16> to vector<16xf32>
// FMA: vector.fma
func.func @mm(%v: memref<?x?xbf16, strided<[?, ?], offset: ?>>,
              %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, ?], offset: ?>> -> !tile.tile<6x8xbf16>
  %b = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, ?], offset: ?>> -> !tile.tile<8x20xbf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<6x8xbf16>, !tile.tile<8x20xbf16, col_major> -> !tile.tile<6x20xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<6x20xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @odd_k(%v: memref<?x?xbf16, strided<[?, ?], offset: ?>>,
                 %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, ?], offset: ?>> -> !tile.tile<6x7xbf16>
  %b = tile.load %v[%i, %i] : memref<?x?xbf16, strided<[?, ?], offset: ?>> -> !tile.tile<7x16xbf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<6x7xbf16>, !tile.tile<7x16xbf16, col_major> -> !tile.tile<6x16xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<6x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
