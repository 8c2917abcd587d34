// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1" | FileCheck %s --check-prefix=PAIRS --enable-var-scope
// `dot` operands read in place (X86Dot.cpp, X86Memory.cpp). A tile.load
// whose only use is a tile.dot copies its tile into its buffer only when the
// micro-kernel cannot read it from the view: at the view's edges, for
// another inner stride, or when the tile's rows are not contiguous (row
// stride != tile width). Where the tile is whole and contiguous (a tile of a
// packed tensor), there is no copy: the micro-kernel reads
// `select(inside, window, buffer)`, the window being the tile's part of the
// view, with the tile's static strides.

// CHECK-LABEL: func.func @packed(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?x?x?xf32
// CHECK-SAME: %[[B:[^:]+]]: memref<?x?x?x?xf32
// CHECK: %[[ABUF:.+]] = memref.alloca() : memref<12x4xf32>
// CHECK: %{{.+}}, %{{.+}}, %{{.+}}:4, %[[ASTR:.+]]:4 = memref.extract_strided_metadata %[[A]]
// The whole tile inside a unit-stride view: copied only if its rows are not
// contiguous.
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: scf.if %{{.+}} {
// CHECK: %[[NC:.+]] = arith.cmpi ne, %[[ASTR]]#2, %{{.+}} : index
// CHECK-NEXT: scf.if %[[NC]] {
// CHECK: vector.maskedload
// CHECK: vector.maskedstore %[[ABUF]]
// At an edge: the masked copy with the pad value, as before.
// CHECK: } else {
// CHECK: vector.create_mask
// CHECK: vector.maskedload
// CHECK: vector.maskedstore %[[ABUF]]
// Any other inner stride: the reference's element loop.
// CHECK: } else {
// CHECK: memref.load %[[A]]
// CHECK: memref.store %{{.+}}, %[[ABUF]]
// CHECK: %[[BBUF:.+]] = memref.alloca() : memref<4x16xf32>
// The dot: windows of the views, selected where the tiles lie inside.
// CHECK: %[[AWIN:.+]] = memref.reinterpret_cast %[[A]] to offset: [%{{.+}}], sizes: [12, 4], strides: [4, 1]
// CHECK: %[[ACAST:.+]] = memref.cast %[[ABUF]] : memref<12x4xf32> to memref<12x4xf32, strided<[4, 1], offset: ?>>
// CHECK: %[[ASRC:.+]] = arith.select %{{.+}}, %[[AWIN]], %[[ACAST]] : memref<12x4xf32, strided<[4, 1], offset: ?>>
// CHECK: %[[BWIN:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [4, 16], strides: [16, 1]
// CHECK: %[[BCAST:.+]] = memref.cast %[[BBUF]] : memref<4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
// CHECK: %[[BSRC:.+]] = arith.select %{{.+}}, %[[BWIN]], %[[BCAST]] : memref<4x16xf32, strided<[16, 1], offset: ?>>
// CHECK: scf.for
// CHECK: scf.for {{.+}} iter_args(
// CHECK: vector.load %[[BSRC]]
// CHECK: vector.load %[[BSRC]]
// CHECK: memref.load %[[ASRC]]
// CHECK: vector.fma
func.func @packed(%a: memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>,
                  %b: memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>,
                  %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %k: index) {
  %c0 = arith.constant 0 : index
  %x = tile.load %a[%i, %k, %c0, %c0] : memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>> -> !tile.tile<12x4xf32>
  %y = tile.load %b[%k, %i, %c0, %c0] : memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>> -> !tile.tile<4x16xf32, col_major>
  %d = tile.dot %x, %y : !tile.tile<12x4xf32>, !tile.tile<4x16xf32, col_major> -> !tile.tile<12x16xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// A store between the load and the dot: the load keeps its copy (the dot
// would read what the store wrote). A load used twice (here B, also
// stored) and the accumulator are copied as well: no operand is selected.
// (The load only stored may be read in place where its rows are contiguous
// and the store's view is of another tensor: X86Memory.cpp,
// read-in-place.mlir.)
// CHECK-LABEL: func.func @copies(
// CHECK-NOT: arith.select {{.+}} : memref<
// CHECK: vector.fma
// CHECK: return
func.func @copies(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<12x4xf32>
  %z = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<12x4xf32>
  tile.store %z, %a[%i, %i] : !tile.tile<12x4xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  %y = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<4x16xf32, col_major>
  %acc = tile.load %a[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<12x16xf32>
  %d = tile.dot %x, %y, %acc : !tile.tile<12x4xf32>, !tile.tile<4x16xf32, col_major> -> !tile.tile<12x16xf32>
  tile.store %y, %a[%i, %i] : !tile.tile<4x16xf32, col_major>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  tile.store %d, %a[%i, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// B of a `dot` that packs it into pairs (vdpbf16ps; the same for quads and
// AMX): the packing reads B's rows at the view's row stride, so B's tile is
// read in place wherever it lies inside a unit-stride view (a tile of a
// plain matrix, rows a long stride apart), not only where its rows are
// contiguous: the load copies it only at the view's edges.
// PAIRS-LABEL: func.func @pairs_strided(
// PAIRS-SAME: %{{[^:]+}}: memref<?x?xbf16, {{[^%]+}}, %[[B:[^:]+]]: memref<?x?xbf16
// PAIRS: %[[BBUF:.+]] = memref.alloca() : memref<32x32xbf16>
// The whole tile inside a unit-stride view: never copied.
// PAIRS: scf.if %false {
// At an edge: the masked copy with the pad value, as before.
// PAIRS: } else {
// PAIRS: vector.maskedload
// PAIRS: vector.store {{.+}}, %[[BBUF]]
// PAIRS: %[[BWIN:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [32, 32], strides: [%{{.+}}, 1]
// PAIRS: %[[BCAST:.+]] = memref.cast %[[BBUF]] : memref<32x32xbf16> to memref<32x32xbf16, strided<[?, 1], offset: ?>>
// PAIRS: %[[BSRC:.+]] = arith.select %{{.+}}, %[[BWIN]], %[[BCAST]] : memref<32x32xbf16, strided<[?, 1], offset: ?>>
// PAIRS: vector.load %[[BSRC]]
func.func @pairs_strided(%a: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                         %b: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                         %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %k: index) {
  %x = tile.load %a[%i, %k] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<16x32xbf16>
  %y = tile.load %b[%k, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<32x32xbf16, col_major>
  %d = tile.dot %x, %y : !tile.tile<16x32xbf16>, !tile.tile<32x32xbf16, col_major> -> !tile.tile<16x32xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<16x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
