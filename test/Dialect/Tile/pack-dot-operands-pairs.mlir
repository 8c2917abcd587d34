// RUN: nlc-opt %s -tile-pack-dot-operands="pack-rhs-pairs=true" | FileCheck %s --enable-var-scope
// RUN: nlc-opt %s -tile-pack-dot-operands="pack-rhs-pairs=true pair-columns=16" | FileCheck %s --check-prefix=WIDE
// RUN: nlc-opt %s -tile-pack-dot-operands | FileCheck %s --check-prefix=PLAIN
// RUN: nlc-opt %s -tile-pack-dot-operands="pack-rhs-pairs=true pair-columns=4 pair-blocks=true" | FileCheck %s --check-prefix=BLOCKS
// With `pack-rhs-pairs`, a bf16 view read only as right operands of `dot`s
// is packed with each tile's rows paired (tile.pair_rows: a tile of 16x8
// is stored as 8x16), and the packed kernel unpairs the tile it loads; the
// left operand, an f16 right operand and a bf16 one of an odd number of
// rows are packed as before. With `pair-columns=16`, tiles of 8 columns
// are not paired. With `pair-blocks` (and `pair-columns=4`), each tile's
// pairs are stored in blocks of 4 columns one below the other: the 16x8
// tile as two blocks of 8x8, 16x8.

!b2 = memref<?x?xbf16, strided<[?, ?], offset: ?>>
!h2 = memref<?x?xf16, strided<[?, ?], offset: ?>>
!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

func.func private @bf(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x16xbf16>
  %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<16x8xbf16, col_major>
  %d = tile.dot %x, %y : !tile.tile<8x16xbf16>, !tile.tile<16x8xbf16, col_major> -> !tile.tile<8x8xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// CHECK-LABEL: func.func private @bf.packed(
// CHECK-SAME: %{{[^:]+}}: memref<?x?x8x16xbf16, strided<[?, ?, 16, 1], offset: ?>>)
// CHECK: %[[Y:.+]] = tile.load %{{.+}} : memref<?x?x8x16xbf16, strided<[?, ?, 16, 1], offset: ?>> -> !tile.tile<8x16xbf16>
// CHECK-NEXT: %[[U:.+]] = tile.unpair_rows %[[Y]] : !tile.tile<8x16xbf16> -> !tile.tile<16x8xbf16, col_major>
// CHECK-NEXT: tile.dot %{{.+}}, %[[U]]
// The packing kernel: a row-major tile, its rows paired, stored.
// CHECK-LABEL: func.func private @bf.pack1(
// CHECK-SAME: %[[SRC:[^:]+]]: memref<?x?xbf16, strided<[?, ?], offset: ?>>, %[[DST:[^:]+]]: memref<?x?x8x16xbf16, strided<[?, ?, 16, 1], offset: ?>>)
// CHECK: %[[T:.+]] = tile.load %[[SRC]][%{{.+}}, %{{.+}}] : memref<?x?xbf16, strided<[?, ?], offset: ?>> -> !tile.tile<16x8xbf16>
// CHECK-NEXT: %[[P:.+]] = tile.pair_rows %[[T]] : !tile.tile<16x8xbf16> -> !tile.tile<8x16xbf16>
// CHECK-NEXT: tile.store %[[P]], %[[DST]]
// WIDE-LABEL: func.func private @bf.packed(
// WIDE-SAME: memref<?x?x16x8xbf16, strided<[?, ?, 8, 1], offset: ?>>)
// WIDE-NOT: pair_rows
// WIDE-LABEL: func.func @host(
// BLOCKS-LABEL: func.func private @bf.packed(
// BLOCKS-SAME: %{{[^:]+}}: memref<?x?x16x8xbf16, strided<[?, ?, 8, 1], offset: ?>>)
// BLOCKS: tile.unpair_rows %{{.+}} block 4 : !tile.tile<16x8xbf16> -> !tile.tile<16x8xbf16, col_major>
// BLOCKS-LABEL: func.func private @bf.pack1(
// BLOCKS: tile.pair_rows %{{.+}} block 4 : !tile.tile<16x8xbf16> -> !tile.tile<16x8xbf16>
// PLAIN-LABEL: func.func private @bf.packed(
// PLAIN-SAME: memref<?x?x16x8xbf16, strided<[?, ?, 8, 1], offset: ?>>)
// PLAIN-NOT: unpair_rows
// PLAIN-LABEL: func.func private @bf.pack1(
// PLAIN-NOT: pair_rows
// PLAIN: return

func.func private @odd(%a: !b2, %b: !b2, %c: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x15xbf16>
  %y = tile.load %b[%i, %i] : !b2 -> !tile.tile<15x8xbf16>
  %d = tile.dot %x, %y : !tile.tile<8x15xbf16>, !tile.tile<15x8xbf16> -> !tile.tile<8x8xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// CHECK-LABEL: func.func private @odd.packed(
// CHECK-SAME: %{{[^:]+}}: memref<?x?x15x8xbf16, strided<[?, ?, 8, 1], offset: ?>>)
// CHECK-NOT: pair_rows
// CHECK: return

func.func private @half(%a: !h2, %b: !h2, %c: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : !h2 -> !tile.tile<8x16xf16>
  %y = tile.load %b[%i, %i] : !h2 -> !tile.tile<16x8xf16>
  %d = tile.dot %x, %y : !tile.tile<8x16xf16>, !tile.tile<16x8xf16> -> !tile.tile<8x8xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// CHECK-LABEL: func.func private @half.packed(
// CHECK-SAME: %{{[^:]+}}: memref<?x?x16x8xf16, strided<[?, ?, 8, 1], offset: ?>>)
// CHECK-NOT: pair_rows
// CHECK: return

// The paired buffer: tiles of 8x16, column of tiles by column of tiles.
// CHECK-LABEL: func.func @host(
// CHECK: %[[BUF:.+]] = memref.alloc(%{{.+}}, %{{.+}}) {nlc.scratch} : memref<?x?x8x16xbf16>
// CHECK: tile.launch @bf.pack1
// CHECK: tile.launch @bf.packed
func.func @host(%a: !b2, %b: !b2, %c: !v2, %n: index, %ha: !h2, %hb: !h2) {
  tile.launch @bf[%n](%a, %b, %c) : !b2, !b2, !v2
  tile.launch @odd[%n](%a, %b, %c) : !b2, !b2, !v2
  tile.launch @half[%n](%ha, %hb, %c) : !h2, !h2, !v2
  return
}
