// RUN: %nlc-opt %s -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=512 vnni-dot=true" | FileCheck %s --check-prefix=QUADS
// RUN: %nlc-opt %s -tile-fuse-elementwise -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=PAIRS
// Row sums of i8 products (X86Reduce.cpp, RowSumsOfPairs) under the pass's
// options: with vnni-dot, rows of 32 bytes are one ymm of quads, the first
// input's bytes xor 0x80 into one vpdpbusd and the 128s into another, the
// second subtracted; without it, both inputs widened to i16 for vpmaddwd.
// QUADS-LABEL: func.func @block_dots(
// QUADS: %[[A:.+]] = vector.load %{{.+}} : memref<24x32xi8{{.*}}>, vector<32xi8>
// QUADS-NEXT: %[[B:.+]] = vector.load %{{.+}} : memref<24x32xi8{{.*}}>, vector<32xi8>
// QUADS-NEXT: %[[HIGH:.+]] = arith.constant dense<-128> : vector<32xi8>
// QUADS: %[[FLIP:.+]] = arith.xori %[[A]], %[[HIGH]] : vector<32xi8>
// QUADS: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.+}}, %[[FLIP]], %[[B]])
// QUADS: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.+}}, %[[HIGH]], %[[B]])
// QUADS: arith.subi %{{.+}} : vector<8xi32>
// QUADS-NOT: pmaddw
// QUADS: return
// PAIRS-LABEL: func.func @block_dots(
// PAIRS-NOT: vpdpbusd
// PAIRS: arith.extsi %{{.+}} : vector<32xi8> to vector<32xi16>
// PAIRS: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"
// PAIRS-NOT: vpdpbusd
// PAIRS: return
func.func @block_dots(%q: memref<?x?xi8, strided<[?, 1], offset: ?>>, %x: memref<?x?xi8, strided<[?, 1], offset: ?>>, %o: memref<?xi32, strided<[1], offset: ?>>, %i: index) {
  %a = tile.load %q[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<24x32xi8>
  %b = tile.load %x[%i, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<24x32xi8>
  %wa = tile.cast %a : !tile.tile<24x32xi8> -> !tile.tile<24x32xi32>
  %wb = tile.cast %b : !tile.tile<24x32xi8> -> !tile.tile<24x32xi32>
  %p = tile.mul %wa, %wb : !tile.tile<24x32xi32>
  %s = tile.reduce sum %p along 1 : !tile.tile<24x32xi32> -> !tile.tile<24xi32>
  tile.store %s, %o[%i] : !tile.tile<24xi32>, memref<?xi32, strided<[1], offset: ?>>
  return
}
