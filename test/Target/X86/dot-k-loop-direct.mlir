// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1" -canonicalize | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1 amx=1" -canonicalize | FileCheck %s --check-prefix=AMX --enable-var-scope
// A K loop run whole whose result one store writes right after it
// (DirectStore, X86Dot.cpp): where the store's tile lies wholly inside its
// view, the loop runs in one chunk and the view shares no base pointer
// with A's or B's, the register blocks store their accumulators straight
// into the store's tile (a window of C) instead of a buffer the store then
// copies, with non-temporal stores where the store would stream (a 64 x 64
// f32 tile, K at most 512, a large aligned C: streaming-store.mlir), then
// one sfence; the store runs only where they did not.
// On AMX, from zeros: the first chunk's blocks start from zeroed tiles (no
// buffer filled, no tile loaded) and store their tiles straight into the
// store's tile; where the store would stream they store into the buffer
// instead (a tile store is never non-temporal), which is then copied into
// the store's tile with non-temporal stores and one sfence. Otherwise (the
// else branch) the iterations before the first whose tiles leave their
// views run whole too, from zeroed tiles into their own buffer, then the
// loop as written from that iteration on; both whole loops read the
// splat's value only (the splat's buffer is then read by nothing, and LLVM
// deletes its stores).

// CHECK-LABEL: func.func @direct(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?x64x32xbf16
// CHECK-SAME: %[[B:[^:]+]]: memref<?x?x16x128xbf16
// CHECK-SAME: %[[C:[^:]+]]: memref<?x?xf32
// CHECK: %[[WINDOW:.+]] = memref.reinterpret_cast %[[C]] to offset: [%{{.+}}], sizes: [64, 64], strides: [%{{.+}}, 1]
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<64x64xf32>
// CHECK: scf.if %[[ALL:.+]] {
// CHECK: %[[CAST:.+]] = memref.cast %[[BUF]]
// CHECK-NEXT: %[[OUT:.+]] = arith.select %[[DIRECT:[0-9]+]], %[[WINDOW]], %[[CAST]]
// CHECK: %[[NT:.+]] = arith.andi %[[DIRECT]], %{{.+}} : i1
// The blocks' stores: non-temporal where streaming, plain otherwise.
// CHECK: scf.if %[[NT]] {
// CHECK: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] {alignment = 64 : i64, nontemporal = true} : memref<64x64xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK: } else {
// CHECK: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] : memref<64x64xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// After all blocks (the ragged rows' block included):
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"()
// CHECK-NEXT: }
// CHECK-NEXT: } else {
// The store after the loop runs where the blocks did not write C.
// CHECK: %[[WROTE:.+]] = arith.andi %[[ALL]], %[[DIRECT]] : i1
// CHECK-NEXT: %[[RUNS:.+]] = arith.xori %[[WROTE]], %true : i1
// CHECK-NEXT: scf.if %[[RUNS]] {
// CHECK: vector.load %[[BUF]]
// CHECK: return
// AMX-LABEL: func.func @direct(
// AMX-SAME: %[[C:[^:]+]]: memref<?x?xf32
// AMX: %[[WINDOW:.+]] = memref.reinterpret_cast %[[C]] to offset: [%{{.+}}], sizes: [64, 64], strides: [%{{.+}}, 1]
// AMX: %[[BUF:.+]] = memref.alloca() : memref<64x64xf32>
// AMX: scf.if %[[ALL:.+]] {
// AMX: %[[CAST:.+]] = memref.cast %[[BUF]]
// AMX: %[[NOTSTREAMS:.+]] = arith.xori %[[STREAMS:[0-9]+]], %true : i1
// AMX-NEXT: %[[TILES:.+]] = arith.andi %[[DIRECT:[0-9]+]], %[[NOTSTREAMS]] : i1
// AMX-NEXT: %[[OUT:.+]] = arith.select %[[TILES]], %[[WINDOW]], %[[CAST]]
// Zeros only where the loop runs no iteration.
// AMX: scf.if %{{.+}} {
// AMX: vector.store %{{.+}}, %[[OUT]]
// AMX: scf.for %[[FROM:.+]] = %c0 to %{{.+}} step %c64 {
// AMX: %[[FIRST:.+]] = arith.cmpi eq, %[[FROM]], %c0 : index
// AMX-NEXT: scf.if %[[FIRST]] {
// AMX-NOT: amx.tile_load %[[OUT]]
// AMX-COUNT-4: amx.tile_zero : !amx.tile<16x16xf32>
// AMX: amx.tile_mulf
// AMX: amx.tile_store %[[OUT]]
// Later chunks start from the tiles stored.
// AMX: } else {
// AMX: amx.tile_load %[[OUT]]
// AMX: amx.tile_mulf
// AMX: amx.tile_store %[[OUT]]
// After the chunks, where the store streams:
// AMX: %[[V:.+]] = vector.load %[[BUF]][%{{.+}}, %c0]
// AMX-NEXT: vector.store %[[V]], %[[WINDOW]][%{{.+}}, %c0] {alignment = 64 : i64, nontemporal = true}
// AMX: llvm.call_intrinsic "llvm.x86.sse.sfence"()
// AMX: } else {
// AMX-NEXT: %[[OWN:.+]] = memref.alloca() : memref<64x64xf32>
// AMX-NEXT: %[[NONE:.+]] = arith.cmpi sle, %[[SPLIT:[0-9]+#1]], %c0 : index
// AMX-NEXT: scf.if %[[NONE]] {
// AMX: vector.store %{{.+}}, %[[OWN]]
// AMX: scf.for %{{.+}} = %c0 to %[[SPLIT]] step %c64 {
// AMX: amx.tile_zero
// AMX: amx.tile_store %{{.+}}[%{{.+}}, %{{.+}}], %{{.+}} : memref<64x64xf32>
// AMX: memref.copy %[[OWN]], %[[BUF]]
// AMX-NEXT: scf.for %{{.+}} = %[[SPLIT]] to %{{.+}} step %c1 {
// AMX: %[[WROTE:.+]] = arith.andi %[[ALL]], %[[DIRECT]] : i1
// AMX-NEXT: %[[RUNS:.+]] = arith.xori %[[WROTE]], %true : i1
// AMX-NEXT: scf.if %[[RUNS]] {
// AMX: return
func.func @direct(%a: memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
                  %b: memref<?x?x16x128xbf16, strided<[?, ?, 128, 1], offset: ?>>,
                  %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<64x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<64x64xf32>) {
    %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<64x32xbf16>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x16x128xbf16, strided<[?, ?, 128, 1], offset: ?>> -> !tile.tile<16x128xbf16>
    %y = tile.unpair_rows %p : !tile.tile<16x128xbf16> -> !tile.tile<32x64xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x64xbf16, col_major> -> !tile.tile<64x64xf32>
    scf.yield %d : !tile.tile<64x64xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// No direct store: the carried tile starts from a load (not a splat), or
// the result is stored twice, or something is stored between.
// CHECK-LABEL: func.func @accumulated(
// CHECK-NOT: memref<64x64xf32, strided<[?, 1], offset: ?>>
// CHECK: return
// On AMX, the blocks start from the tiles the buffer holds.
// AMX-LABEL: func.func @accumulated(
// AMX-NOT: amx.tile_zero
// AMX-NOT: memref<64x64xf32, strided<[?, 1], offset: ?>>
// AMX: amx.tile_load
// AMX-NOT: amx.tile_zero
// AMX: return
func.func @accumulated(%a: memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
                       %b: memref<?x?x16x128xbf16, strided<[?, ?, 128, 1], offset: ?>>,
                       %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = tile.load %c[%i, %i] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<64x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<64x64xf32>) {
    %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<64x32xbf16>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x16x128xbf16, strided<[?, ?, 128, 1], offset: ?>> -> !tile.tile<16x128xbf16>
    %y = tile.unpair_rows %p : !tile.tile<16x128xbf16> -> !tile.tile<32x64xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x64xbf16, col_major> -> !tile.tile<64x64xf32>
    scf.yield %d : !tile.tile<64x64xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// CHECK-LABEL: func.func @store_between(
// CHECK-NOT: memref<64x64xf32, strided<[?, 1], offset: ?>>
// CHECK: return
func.func @store_between(%a: memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>>,
                         %b: memref<?x?x16x128xbf16, strided<[?, ?, 128, 1], offset: ?>>,
                         %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<64x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<64x64xf32>) {
    %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x64x32xbf16, strided<[?, ?, 32, 1], offset: ?>> -> !tile.tile<64x32xbf16>
    %p = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x16x128xbf16, strided<[?, ?, 128, 1], offset: ?>> -> !tile.tile<16x128xbf16>
    %y = tile.unpair_rows %p : !tile.tile<16x128xbf16> -> !tile.tile<32x64xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x64xbf16, col_major> -> !tile.tile<64x64xf32>
    scf.yield %d : !tile.tile<64x64xf32>
  }
  tile.store %init, %c[%c0, %c0] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  tile.store %r, %c[%i, %i] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
