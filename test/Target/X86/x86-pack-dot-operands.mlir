// RUN: %nlc-opt %s -split-input-file -x86-pack-dot-operands | FileCheck %s
// RUN: %nlc-opt %s -split-input-file -x86-pack-dot-operands="rhs-pairs=true rhs-quads=true" | FileCheck %s --check-prefix=FORCED
// x86-pack-dot-operands: tile-pack-dot-operands with the x86 Linux options.
// bf16 B is stored in pairs where the module's target has AVX-512F and
// AVX512-BF16 (znver4), not elsewhere (znver3; or -avx512bf16), and only
// for tiles of whole zmm vectors of columns (16); i8 B in quads, and i8 A
// biased, where it has AVX-512F and AVX512-VNNI (A not biased with AMX;
// with AMX, pairs and quads in blocks of 16 columns);
// `rhs-pairs` and `rhs-quads` decide for a module without a target. An f32
// A is not packed.

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

// -----

!i2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>

// i8 B in quads (AVX512-VNNI), then without VNNI and without a target.
// A is stored biased (-128 added to each byte, its pad value 0 too) and
// the packed kernel adds -128 back.
// CHECK-LABEL: module attributes {nlc.target = {cpu = "znver4", features = ""
// CHECK: func.func private @q.packed(
// CHECK-SAME: %[[PA:[^:]+]]: memref<?x?x16x32xi8, strided<[?, ?, 32, 1], offset: ?>>, %{{[^:]+}}: memref<?x?x8x128xi8, strided<[?, ?, 128, 1], offset: ?>>)
// CHECK: %[[PAD:.+]] = arith.constant -128 : i8
// CHECK-NEXT: %[[T:.+]] = tile.load %[[PA]][{{.+}}] padding(%[[PAD]] : i8)
// CHECK-NEXT: %[[M:.+]] = arith.constant -128 : i8
// CHECK-NEXT: %[[S:.+]] = tile.splat %[[M]] : i8 -> !tile.tile<16x32xi8>
// CHECK-NEXT: %[[X:.+]] = tile.add %[[T]], %[[S]] : !tile.tile<16x32xi8>
// CHECK: tile.unpair_rows %{{.+}} group 4 : !tile.tile<8x128xi8> -> !tile.tile<32x32xi8, col_major>
// CHECK: tile.dot %[[X]]
// CHECK: func.func private @q.pack0(
// CHECK: %[[L:.+]] = tile.load
// CHECK-NEXT: %[[M0:.+]] = arith.constant -128 : i8
// CHECK-NEXT: %[[S0:.+]] = tile.splat %[[M0]] : i8 -> !tile.tile<16x32xi8>
// CHECK-NEXT: %[[B0:.+]] = tile.add %[[L]], %[[S0]] : !tile.tile<16x32xi8>
// CHECK: tile.store %[[B0]]
// CHECK: func.func private @q.pack1(
// CHECK: tile.pair_rows %{{.+}} group 4 : !tile.tile<32x32xi8> -> !tile.tile<8x128xi8>
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "znver4", features = ""}} {
  func.func private @q(%a: !i2, %b: !i2, %c: !w2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x32xi8>
    %y = tile.load %b[%i, %i] : !i2 -> !tile.tile<32x32xi8, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<16x32xi32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xi32>, !w2
    return
  }
  func.func @host(%a: !i2, %b: !i2, %c: !w2, %n: index) {
    tile.launch @q[%n](%a, %b, %c) : !i2, !i2, !w2
    return
  }
}

// -----

!i2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>

// CHECK-LABEL: module attributes {nlc.target = {cpu = "znver4", features = "-avx512vnni"
// CHECK: func.func private @q.packed(
// CHECK-SAME: memref<?x?x32x32xi8, strided<[?, ?, 32, 1], offset: ?>>)
// CHECK-NOT: pair_rows
// CHECK-LABEL: func.func @host(
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "znver4", features = "-avx512vnni"}} {
  func.func private @q(%a: !i2, %b: !i2, %c: !w2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x32xi8>
    %y = tile.load %b[%i, %i] : !i2 -> !tile.tile<32x32xi8, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<16x32xi32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xi32>, !w2
    return
  }
  func.func @host(%a: !i2, %b: !i2, %c: !w2, %n: index) {
    tile.launch @q[%n](%a, %b, %c) : !i2, !i2, !w2
    return
  }
}

// -----

!i2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>

// No target; tiles of 24 columns (not whole vectors) are not grouped even
// when forced.
// CHECK-LABEL: module {
// CHECK: func.func private @q.packed(
// CHECK-SAME: memref<?x?x32x32xi8, strided<[?, ?, 32, 1], offset: ?>>
// CHECK-SAME: memref<?x?x32x24xi8, strided<[?, ?, 24, 1], offset: ?>>)
// FORCED-LABEL: module {
// FORCED: func.func private @q.packed(
// FORCED-SAME: memref<?x?x8x128xi8, strided<[?, ?, 128, 1], offset: ?>>
// FORCED-SAME: memref<?x?x32x24xi8, strided<[?, ?, 24, 1], offset: ?>>)
// FORCED: tile.unpair_rows %{{.+}} group 4
// FORCED-NOT: tile.unpair_rows
// FORCED-LABEL: func.func @host(
module {
  func.func private @q(%a: !i2, %b: !i2, %c: !w2, %b2: !i2, %c2: !w2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x32xi8>
    %y = tile.load %b[%i, %i] : !i2 -> !tile.tile<32x32xi8, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<16x32xi32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xi32>, !w2
    %x2 = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x32xi8>
    %y2 = tile.load %b2[%i, %i] : !i2 -> !tile.tile<32x24xi8>
    %d2 = tile.dot %x2, %y2 : !tile.tile<16x32xi8>, !tile.tile<32x24xi8> -> !tile.tile<16x24xi32>
    tile.store %d2, %c2[%i, %i] : !tile.tile<16x24xi32>, !w2
    return
  }
  func.func @host(%a: !i2, %b: !i2, %c: !w2, %b2: !i2, %c2: !w2, %n: index) {
    tile.launch @q[%n](%a, %b, %c, %b2, %c2) : !i2, !i2, !w2, !i2, !w2
    return
  }
}

// -----

!i2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>

// With AMX (tdpbssd multiplies signed bytes) B is in quads, A not biased,
// and the quads in blocks of 16 columns (a 32 x 32 tile: two blocks of 8
// rows of 64 bytes, 16 x 64), so that an AMX tile of B is one run of
// memory. i8 packs from `min-elements` (32768) there, not from
// `min-i8-elements` (131072, tuned for vpdpbusd): the tiles take i8 K steps
// of 32 only from B stored in quads.
// CHECK-LABEL: module attributes {nlc.target = {cpu = "sapphirerapids"
// CHECK: func.func private @q.packed(
// CHECK-SAME: memref<?x?x16x64xi8, strided<[?, ?, 64, 1], offset: ?>>)
// CHECK-NOT: tile.add
// CHECK: tile.unpair_rows %{{.+}} group 4 block 16 : !tile.tile<16x64xi8> -> !tile.tile<32x32xi8, col_major>
// CHECK-NOT: tile.add
// CHECK: func.func private @q.pack1(
// CHECK: tile.pair_rows %{{.+}} group 4 block 16 : !tile.tile<32x32xi8> -> !tile.tile<16x64xi8>
// CHECK-LABEL: func.func @host(
// CHECK-NOT: 131072
// CHECK: arith.constant 32768
// CHECK-NOT: 131072
// CHECK: tile.launch @q.packed
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "sapphirerapids", features = ""}} {
  func.func private @q(%a: !i2, %b: !i2, %c: !w2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x32xi8>
    %y = tile.load %b[%i, %i] : !i2 -> !tile.tile<32x32xi8, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<16x32xi32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xi32>, !w2
    return
  }
  func.func @host(%a: !i2, %b: !i2, %c: !w2, %n: index) {
    tile.launch @q[%n](%a, %b, %c) : !i2, !i2, !w2
    return
  }
}

// -----

!i2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

// With AMX, A is read in place where its rows are whole tiles (and, for
// i8, under 4096 bytes): a second packed clone takes B's packed view only
// (i8-lhs-in-place, bf16-lhs-in-place); A is packed too elsewhere.
// CHECK-LABEL: module attributes {nlc.target = {cpu = "sapphirerapids"
// CHECK: func.func private @qi.packed(
// CHECK-SAME: memref<?x?x16x32xi8, strided<[?, ?, 32, 1], offset: ?>>, %{{[^:]+}}: memref<?x?x16x64xi8, strided<[?, ?, 64, 1], offset: ?>>)
// CHECK: func.func private @qi.packed_0(
// CHECK-SAME: %{{[^:]+}}: memref<?x?xi32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?x16x64xi8, strided<[?, ?, 64, 1], offset: ?>>)
// CHECK: func.func private @bh.packed(
// CHECK-SAME: memref<?x?x16x32xbf16, strided<[?, ?, 32, 1], offset: ?>>, %{{[^:]+}}: memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>)
// CHECK: func.func private @[[BH0:bh.packed_[0-9]+]](
// CHECK-SAME: %{{[^:]+}}: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?x32x32xbf16, strided<[?, ?, 32, 1], offset: ?>>)
// CHECK-LABEL: func.func @host(
// CHECK: %[[RI:.+]] = arith.remui %[[KI:[^,]+]], %c32{{[_0-9]*}} : index
// CHECK-NEXT: %[[RAGI:.+]] = arith.cmpi ne, %[[RI]], %c0
// CHECK: %[[WIDE:.+]] = arith.cmpi uge, %[[KI]], %c4096
// CHECK: %[[PACKI:.+]] = arith.ori %[[RAGI]], %[[WIDE]] : i1
// CHECK: scf.if %[[PACKI]] {
// CHECK: tile.launch @qi.packed[
// CHECK: } else {
// CHECK: tile.launch @qi.packed_0[
// The bf16 product packs A only where its last tile is ragged; whether
// the launch packs at all is B's size alone, as before A was planned.
// CHECK: tile.launch @qi[
// CHECK: arith.cmpi uge, %{{.+}}, %c32768
// CHECK-NOT: arith.cmpi uge, %{{.+}}, %c32768
// CHECK: %[[RB:.+]] = arith.remui %{{[^,]+}}, %c32{{[_0-9]*}} : index
// CHECK-NEXT: %[[RAGB:.+]] = arith.cmpi ne, %[[RB]], %c0
// CHECK-NOT: 4096
// CHECK: scf.if %[[RAGB]] {
// CHECK: tile.launch @bh.packed[
// CHECK: } else {
// CHECK: tile.launch @[[BH0]][
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "sapphirerapids", features = ""}} {
  func.func private @qi(%a: !i2, %b: !i2, %c: !w2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x32xi8>
    %y = tile.load %b[%i, %i] : !i2 -> !tile.tile<32x32xi8, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x32xi8>, !tile.tile<32x32xi8, col_major> -> !tile.tile<16x32xi32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xi32>, !w2
    return
  }
  func.func private @bh(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<16x32xbf16>
    %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<32x32xbf16, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x32xbf16>, !tile.tile<32x32xbf16, col_major> -> !tile.tile<16x32xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xf32>, !v2
    return
  }
  func.func @host(%a: !i2, %b: !i2, %c: !w2, %fa: !b2, %fb: !b2, %fc: !v2, %n: index) {
    tile.launch @qi[%n](%a, %b, %c) : !i2, !i2, !w2
    tile.launch @bh[%n](%fa, %fb, %fc) : !b2, !b2, !v2
    return
  }
}

// -----

!i2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

// A is read in place only for the products AMX runs (x86::amxDot): a K
// step of 16 runs on the vector units (vdpbf16ps, vpdpbusd), so there bf16
// A is not planned (one packed clone, of B) and i8 A is packed as before
// AMX (no second clone).
// CHECK-LABEL: module attributes {nlc.target = {cpu = "sapphirerapids"
// CHECK: func.func private @vi.packed(
// CHECK-SAME: memref<?x?x16x16xi8, strided<[?, ?, 16, 1], offset: ?>>, %{{[^:]+}}: memref<?x?x8x64xi8, strided<[?, ?, 64, 1], offset: ?>>)
// CHECK-NOT: @vi.packed_
// CHECK: func.func private @vh.packed(
// CHECK-SAME: %{{[^:]+}}: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?x16x32xbf16, strided<[?, ?, 32, 1], offset: ?>>)
// CHECK-NOT: @vh.packed_
// CHECK-LABEL: func.func @host(
// CHECK-NOT: arith.remui
// CHECK: tile.launch @vi.packed[
// CHECK: tile.launch @vh.packed[
module attributes {nlc.target = {name = "x86_64-linux", triple = "x86_64-unknown-linux-gnu", cpu = "sapphirerapids", features = ""}} {
  func.func private @vi(%a: !i2, %b: !i2, %c: !w2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !i2 -> !tile.tile<16x16xi8>
    %y = tile.load %b[%i, %i] : !i2 -> !tile.tile<16x32xi8, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x16xi8>, !tile.tile<16x32xi8, col_major> -> !tile.tile<16x32xi32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xi32>, !w2
    return
  }
  func.func private @vh(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
    %i = tile.program_id 0
    %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<16x16xbf16>
    %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<16x32xbf16, col_major>
    %d = tile.dot %x, %y : !tile.tile<16x16xbf16>, !tile.tile<16x32xbf16, col_major> -> !tile.tile<16x32xf32>
    tile.store %d, %c[%i, %i] : !tile.tile<16x32xf32>, !v2
    return
  }
  func.func @host(%a: !i2, %b: !i2, %c: !w2, %fa: !b2, %fb: !b2, %fc: !v2, %n: index) {
    tile.launch @vi[%n](%a, %b, %c) : !i2, !i2, !w2
    tile.launch @vh[%n](%fa, %fb, %fc) : !b2, !b2, !v2
    return
  }
}
