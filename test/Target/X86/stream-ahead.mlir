// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --check-prefix=COUNT
// Streams ahead (X86Memory.cpp). A load in a loop whose indices change from
// one iteration to the next, of a tile of at most 2 KiB, prefetches the run
// of memory 8 tiles further on (one prefetch per 64 bytes; the run moved
// back to end at the view's last element where it would pass it, one clamp
// for all its lines) where, at run time, the tile is whole, one run of
// memory, and the view spans at least 8 MiB: a Q8_0 matrix read 24 blocks
// of 32 bytes at a time (stdlib/llama.nl's matvec_q8). A load whose indices
// do not change in the loop gets none, nor a larger tile.

// CHECK-LABEL: func.func @stream(
// CHECK: %[[SPAN:.+]] = arith.muli %[[SIZES:[^#]+]]#0, %[[STRIDES:[^#]+]]#0 : index
// CHECK-NEXT: %[[LARGE:.+]] = arith.cmpi sge, %[[SPAN]], %c8388608 : index
// CHECK: %[[TAKEN:.+]] = arith.andi %{{.+}}, %[[LARGE]] : i1
// CHECK-NEXT: scf.if %[[TAKEN]] {
// CHECK-NEXT: %[[END:.+]] = arith.addi %{{.+}}, %[[SPAN]] : index
// CHECK: %[[TILE:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK-NEXT: %[[AHEAD:.+]] = arith.addi %[[TILE]], %c6144 : index
// The 24 x 32 bytes end at the view's end at the latest.
// CHECK-NEXT: %[[BACK:.+]] = arith.subi %[[END]], %c768 : index
// CHECK-NEXT: %[[START:.+]] = arith.minsi %[[AHEAD]], %[[BACK]] : index
// No clamp per line: the 12th line is the run's start + 704.
// CHECK-NOT: arith.minsi
// CHECK: %[[P11:.+]] = arith.addi %[[START]], %c704 : index
// CHECK-NEXT: %[[I11:.+]] = arith.index_cast %[[P11]] : index to i64
// CHECK-NEXT: %[[A11:.+]] = llvm.getelementptr %{{.+}}[%[[I11]]]
// CHECK-NEXT: "llvm.intr.prefetch"(%[[A11]]) <{cache = 1 : i32, hint = 3 : i32, rw = 0 : i32}>
// CHECK-NOT: llvm.intr.prefetch
// CHECK: return
// COUNT-LABEL: func.func @stream(
// COUNT-COUNT-12: "llvm.intr.prefetch"(%{{.+}}) <{cache = 1 : i32, hint = 3 : i32, rw = 0 : i32}>
// COUNT-NOT: llvm.intr.prefetch
// COUNT: return
func.func @stream(%q: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                  %c: memref<?x?xi8, strided<[?, 1], offset: ?>>, %j: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %y = tile.load %q[%k, %c0] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<24x32xi8>
    %z = tile.load %q[%j, %c0] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<24x32xi8>
    %s = tile.add %y, %z : !tile.tile<24x32xi8>
    tile.store %s, %c[%k, %c0] : !tile.tile<24x32xi8>, memref<?x?xi8, strided<[?, 1], offset: ?>>
  }
  return
}

// A tile of 4 KiB: no prefetch ahead.
// CHECK-LABEL: func.func @large(
// CHECK-NOT: llvm.intr.prefetch
// CHECK: return
func.func @large(%q: memref<?x?xf32, strided<[?, 1], offset: ?>>,
                 %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %y = tile.load %q[%k, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<16x64xf32>
    tile.store %y, %c[%k, %c0] : !tile.tile<16x64xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  }
  return
}
