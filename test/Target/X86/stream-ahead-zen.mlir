// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=ZEN
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 stream-ahead=1" | FileCheck %s --check-prefix=ON
// RUN: sed 's/"znver4"/"emeraldrapids"/' %s | %nlc-opt -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=ON
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 stream-ahead=0" | FileCheck %s --check-prefix=ZEN
// RUN: sed 's/"znver4"/"emeraldrapids"/' %s | %nlc-opt -convert-tile-to-x86="vector-bits=512 stream-ahead=0" | FileCheck %s --check-prefix=ZEN
// Streams ahead (stream-ahead.mlir) by target: the loads of short runs in a
// loop prefetch 8 tiles ahead on every CPU but AMD's Zen cores, where they
// made Llama's F16 and BF16 decoding 1.5-1.6x slower (ConvertTileToX86.cpp);
// the option `stream-ahead` overrides the target's choice either way.

// ZEN-LABEL: func.func @stream(
// ZEN-NOT: llvm.intr.prefetch
// ZEN: return
// ON-LABEL: func.func @stream(
// ON-COUNT-12: "llvm.intr.prefetch"(%{{.+}}) <{cache = 1 : i32, hint = 3 : i32, rw = 0 : i32}>
// ON-NOT: llvm.intr.prefetch
// ON: return
module attributes {nlc.target = {cpu = "znver4", features = "", name = "x86_64-linux",
                                 triple = "x86_64-unknown-linux-gnu"}} {
func.func @stream(%q: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                  %c: memref<?x?xi8, strided<[?, 1], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %y = tile.load %q[%k, %c0] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<24x32xi8>
    tile.store %y, %c[%k, %c0] : !tile.tile<24x32xi8>, memref<?x?xi8, strided<[?, 1], offset: ?>>
  }
  return
}
}
