// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefixes=ZMM,ALL
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" | FileCheck %s --check-prefixes=YMM,ALL
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 vnni-dot=1" | FileCheck %s --check-prefix=QUADS
// i8 tile.dot into i32: B packed into rows of interleaved pairs widened to
// i16 (N = 20 -> 32 columns with 16 lanes, 24 with 8), then K / 2 steps of
// vpmaddwd on A's pair (two i16 in one 32-bit word, broadcast) and B's
// pairs, each added to its accumulator. An odd K takes the reference.

// ALL-LABEL: func.func @mm(
// ZMM: %[[PACKED:.+]] = memref.alloca() : memref<4x64xi16>
// YMM: %[[PACKED:.+]] = memref.alloca() : memref<4x48xi16>
// ALL: scf.for
// ZMM: arith.extsi {{.+}} : vector<16xi8> to vector<16xi16>
// YMM: arith.extsi {{.+}} : vector<8xi8> to vector<8xi16>
// ZMM: vector.shuffle {{.+}} [0, 16, 1, 17, 2, 18
// YMM: vector.shuffle {{.+}} [0, 8, 1, 9, 2, 10
// ALL: vector.store {{.+}}, %[[PACKED]]
// ALL: scf.for {{.+}} iter_args
// ZMM: vector.load %[[PACKED]]{{.+}} : memref<4x64xi16>, vector<32xi16>
// YMM: vector.load %[[PACKED]]{{.+}} : memref<4x48xi16>, vector<16xi16>
// ALL: vector.load {{.+}} : memref<6x8xi8, strided<[8, 1], offset: ?>>, vector<2xi8>
// ALL: arith.extsi {{.+}} : vector<2xi8> to vector<2xi16>
// ALL: vector.bitcast {{.+}} : vector<2xi16> to vector<1xi32>
// ZMM: %[[P:.+]] = llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"({{.+}}) : (vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// YMM: %[[P:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"({{.+}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// ALL: arith.addi %{{.+}}, %[[P]]
// ALL-LABEL: func.func @odd_k(
// ALL-NOT: llvm.call_intrinsic
// ALL: return

// With AVX512-VNNI and K a multiple of 4: B packed into quads of rows
// (K = 8 -> 2 rows of 32 columns of 4 bytes), its column sums times 128
// kept aside (vpdpbusd of ones, shifted by 7); A biased by 128 (xor 0x80)
// into a buffer, in 64-byte vectors over the whole tile; each block's
// accumulators less the bias, then K / 4 steps of vpdpbusd on A's quad
// (one word, broadcast) and B's quads.
// K = 6 takes the pairs; an odd K, the reference.
// QUADS-LABEL: func.func @mm(
// QUADS: %[[PACKED:.+]] = memref.alloca() : memref<2x128xi8>
// QUADS: %[[BIAS:.+]] = memref.alloca() : memref<32xi32>
// QUADS: scf.for {{.+}} iter_args
// QUADS-COUNT-3: vector.shuffle {{.+}} [0, 16, 1, 17, 2, 18
// QUADS: vector.store %[[Q:.+]], %[[PACKED]]{{.+}} : memref<2x128xi8>, vector<64xi8>
// QUADS: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"({{.+}}, %[[Q]])
// QUADS: %[[B128:.+]] = arith.shli
// QUADS: vector.store %[[B128]], %[[BIAS]]
// QUADS: %[[BIASED:.+]] = memref.alloca() : memref<6x8xi8>
// QUADS: %[[FLAT:.+]] = memref.collapse_shape %[[BIASED]]
// QUADS: %[[FLIP:.+]] = arith.xori {{.+}} : vector<64xi8>
// QUADS: vector.maskedstore %[[FLAT]]{{.+}}, %[[FLIP]]
// QUADS: vector.load %[[BIAS]]
// QUADS: arith.subi {{.+}} : vector<16xi32>
// QUADS: scf.for {{.+}} iter_args
// QUADS: vector.load %[[PACKED]]{{.+}} : memref<2x128xi8>, vector<64xi8>
// QUADS: vector.load %[[BIASED]]{{.+}} : memref<6x8xi8>, vector<4xi8>
// QUADS: vector.bitcast {{.+}} : vector<4xi8> to vector<1xi32>
// QUADS: vector.broadcast {{.+}} : i32 to vector<16xi32>
// QUADS-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// QUADS-NOT: pmaddw
// QUADS-LABEL: func.func @odd_k(
// QUADS-NOT: llvm.call_intrinsic
// QUADS-LABEL: func.func @k6(
// QUADS-NOT: vpdpbusd
// QUADS: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"
// QUADS-NOT: vpdpbusd
// QUADS: return

// B packed by rows (X86Dot.cpp, kQuadRowBytes): each step reads 4 rows of
// up to 128 bytes (8 vectors of columns, their sums carried), so a wide B
// (160 columns) takes one loop over K for its first 8 vectors and one for
// the other 2, not one loop per vector going down all of K again (rows 4
// KiB apart shared the level 1 cache's sets: a 1 x 4096 x 4096 product
// ran at half the speed).
// QUADS-LABEL: func.func @wide(
// QUADS: %[[PACKED:.+]] = memref.alloca() : memref<4x640xi8>
// QUADS: scf.for {{.+}} iter_args({{[^)]+}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>) {
// QUADS-COUNT-8: vector.store %{{.+}}, %[[PACKED]]{{.+}} : memref<4x640xi8>, vector<64xi8>
// QUADS-NOT: scf.for
// QUADS: scf.yield
// QUADS-COUNT-8: vector.store %{{.+}}, %{{.+}} : memref<160xi32>, vector<16xi32>
// QUADS-NOT: vector.store
// QUADS: %{{.+}} = scf.for {{.+}} iter_args({{[^)]+}}) -> (vector<16xi32>, vector<16xi32>) {
// QUADS-COUNT-2: vector.store %{{.+}}, %[[PACKED]]{{.+}} : memref<4x640xi8>, vector<64xi8>
// QUADS-NOT: scf.for
// QUADS: scf.yield
// QUADS-COUNT-2: vector.store %{{.+}}, %{{.+}} : memref<160xi32>, vector<16xi32>
// QUADS: return
func.func @mm(%v: memref<?x?xi8, strided<[?, ?], offset: ?>>,
              %w: memref<?x?xi32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<6x8xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<8x20xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<6x8xi8>, !tile.tile<8x20xi8, col_major> -> !tile.tile<6x20xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<6x20xi32>, memref<?x?xi32, strided<[?, ?], offset: ?>>
  return
}
func.func @odd_k(%v: memref<?x?xi8, strided<[?, ?], offset: ?>>,
                 %w: memref<?x?xi32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<6x7xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<7x16xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<6x7xi8>, !tile.tile<7x16xi8, col_major> -> !tile.tile<6x16xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<6x16xi32>, memref<?x?xi32, strided<[?, ?], offset: ?>>
  return
}
func.func @k6(%v: memref<?x?xi8, strided<[?, ?], offset: ?>>,
              %w: memref<?x?xi32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<6x6xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<6x16xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<6x6xi8>, !tile.tile<6x16xi8, col_major> -> !tile.tile<6x16xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<6x16xi32>, memref<?x?xi32, strided<[?, ?], offset: ?>>
  return
}
func.func @wide(%v: memref<?x?xi8, strided<[?, ?], offset: ?>>,
                %w: memref<?x?xi32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<6x16xi8>
  %b = tile.load %v[%i, %i] : memref<?x?xi8, strided<[?, ?], offset: ?>> -> !tile.tile<16x160xi8, col_major>
  %c = tile.dot %a, %b : !tile.tile<6x16xi8>, !tile.tile<16x160xi8, col_major> -> !tile.tile<6x160xi32>
  tile.store %c, %w[%i, %i] : !tile.tile<6x160xi32>, memref<?x?xi32, strided<[?, ?], offset: ?>>
  return
}
