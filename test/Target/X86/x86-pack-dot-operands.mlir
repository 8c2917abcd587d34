// RUN: %nlc-opt %s -split-input-file -x86-pack-dot-operands | FileCheck %s
// RUN: %nlc-opt %s -split-input-file -x86-pack-dot-operands="rhs-pairs=true" | FileCheck %s --check-prefix=FORCED
// x86-pack-dot-operands: tile-pack-dot-operands with the x86 Linux options.
// bf16 B is stored in pairs where the module's target has AVX-512F and
// AVX512-BF16 (znver4), not elsewhere (znver3; or -avx512bf16), and only
// for tiles of whole zmm vectors of columns (16); `rhs-pairs` decides for
// a module without a target. An f32 A is not packed.

!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

// CHECK-LABEL: module attributes {nlc.target = {cpu = "znver4", features = "
// CHECK: func.func private @bf.packed(
// CHECK-SAME: memref<?x?x8x32xbf16, strided<[?, ?, 32, 1], offset: ?>>)
// CHECK: tile.unpair_rows
// CHECK: func.func private @bf.pack1(
// CHECK: tile.pair_rows
// The f32 kernel: only B is packed.
// CHECK: func.func private @mm.packed(%{{[^:]+}}: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?x4x8xf32, strided<[?, ?, 8, 1], offset: ?>>)
// CHECK-NOT: func.func private @mm.pack0(
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "znver4", features = ""}} {
  func.func private @bf(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x16xbf16>
    %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<16x16xbf16, col_major>
    %d = tile.dot %x, %y : !tile.tile<8x16xbf16>, !tile.tile<16x16xbf16, col_major> -> !tile.tile<8x16xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<8x16xf32>, !v2
    return
  }
  func.func private @mm(%a: !v2, %b: !v2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !v2 -> !tile.tile<8x4xf32>
    %y = tile.load %b[%i, %i] : !v2 -> !tile.tile<4x8xf32>
    %d = tile.dot %x, %y : !tile.tile<8x4xf32>, !tile.tile<4x8xf32> -> !tile.tile<8x8xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
    return
  }
  func.func @host(%a: !b2, %b: !b2, %c: !v2, %fa: !v2, %fb: !v2, %n: index) {
    tile.launch @bf[%n](%a, %b, %c) : !b2, !b2, !v2
    tile.launch @mm[%n](%fa, %fb, %c) : !v2, !v2, !v2
    return
  }
}

// -----

!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

// CHECK-LABEL: module attributes {nlc.target = {cpu = "znver4", features = "-avx512bf16"
// CHECK: func.func private @bf.packed(
// CHECK-SAME: memref<?x?x16x16xbf16, strided<[?, ?, 16, 1], offset: ?>>)
// CHECK-NOT: pair_rows
// CHECK-LABEL: module attributes {nlc.target = {cpu = "znver3"
// CHECK: func.func private @bf.packed(
// CHECK-SAME: memref<?x?x16x16xbf16, strided<[?, ?, 16, 1], offset: ?>>)
// CHECK-NOT: pair_rows
// CHECK-LABEL: func.func @host(
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "znver4", features = "-avx512bf16"}} {
  func.func private @bf(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x16xbf16>
    %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<16x16xbf16, col_major>
    %d = tile.dot %x, %y : !tile.tile<8x16xbf16>, !tile.tile<16x16xbf16, col_major> -> !tile.tile<8x16xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<8x16xf32>, !v2
    return
  }
  func.func @host(%a: !b2, %b: !b2, %c: !v2, %n: index) {
    tile.launch @bf[%n](%a, %b, %c) : !b2, !b2, !v2
    return
  }
}

// -----

!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "znver3", features = ""}} {
  func.func private @bf(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x16xbf16>
    %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<16x16xbf16, col_major>
    %d = tile.dot %x, %y : !tile.tile<8x16xbf16>, !tile.tile<16x16xbf16, col_major> -> !tile.tile<8x16xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<8x16xf32>, !v2
    return
  }
  func.func @host(%a: !b2, %b: !b2, %c: !v2, %n: index) {
    tile.launch @bf[%n](%a, %b, %c) : !b2, !b2, !v2
    return
  }
}

// -----

!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

// No target: `rhs-pairs` decides.
// CHECK-LABEL: module {
// CHECK: func.func private @bf.packed(
// CHECK-SAME: memref<?x?x16x16xbf16, strided<[?, ?, 16, 1], offset: ?>>)
// FORCED-LABEL: module {
// FORCED: func.func private @bf.packed(
// FORCED-SAME: memref<?x?x8x32xbf16, strided<[?, ?, 32, 1], offset: ?>>)
// FORCED: tile.unpair_rows
module {
  func.func private @bf(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x16xbf16>
    %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<16x16xbf16, col_major>
    %d = tile.dot %x, %y : !tile.tile<8x16xbf16>, !tile.tile<16x16xbf16, col_major> -> !tile.tile<8x16xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<8x16xf32>, !v2
    return
  }
  func.func @host(%a: !b2, %b: !b2, %c: !v2, %n: index) {
    tile.launch @bf[%n](%a, %b, %c) : !b2, !b2, !v2
    return
  }
}
