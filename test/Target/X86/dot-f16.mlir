// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --enable-var-scope
// f16 `dot` into f32 on the FMA micro-kernel (X86Dot.cpp): A widened to an
// f32 buffer once, row by row from the view where the tile lies inside it
// (at the view's row stride: no copy of the f16 tile first), and B, in
// vectors, where more than one block of 6
// rows reads it (12 rows here): the k loop then loads f32 rows of B and
// broadcasts f32 elements of A, converting nothing. With one block of rows
// (a decoding step's one row, here 6), B's rows are widened as the k loop
// reads them: a pass over B first would read it twice.

// CHECK-LABEL: func.func @mm(
// CHECK: %[[WINDOW:.+]] = memref.reinterpret_cast %arg0 to offset: [%{{.+}}], sizes: [12, 8], strides: [%{{.+}}, 1]
// CHECK: %[[A:.+]] = arith.select %{{.+}}, %[[WINDOW]], %{{.+}} : memref<12x8xf16, strided<[?, 1], offset: ?>>
// CHECK: %[[WA:.+]] = memref.alloca() : memref<12x8xf32>
// CHECK-NEXT: scf.for %[[R:.+]] = %c0 to %c12 step %c1 {
// CHECK-NEXT: vector.load %[[A]][%[[R]], %c0] : memref<12x8xf16, strided<[?, 1], offset: ?>>, vector<8xf16>
// CHECK-NEXT: arith.extf %{{.+}} : vector<8xf16> to vector<8xf32>
// CHECK-NEXT: vector.store %{{.+}}, %[[WA]][%[[R]], %c0]
// CHECK: %[[WB:.+]] = memref.alloca() : memref<8x16xf32>
// CHECK: %[[FB:.+]] = memref.collapse_shape %[[WB]] {{\[\[}}0, 1]] : memref<8x16xf32> into memref<128xf32>
// CHECK: scf.for
// CHECK: arith.extf %{{.+}} : vector<8xf16> to vector<8xf32>
// CHECK: vector.store %{{.+}}, %[[FB]]
// CHECK: scf.for %{{.+}} = %c0 to %c8 step %c1 iter_args(
// CHECK-NOT: arith.extf
// CHECK: vector.load %[[WB]][%{{.+}}, %c0] : memref<8x16xf32>, vector<8xf32>
// CHECK-NEXT: vector.load %[[WB]][%{{.+}}, %c8] : memref<8x16xf32>, vector<8xf32>
// CHECK-NEXT: memref.load %[[WA]]
// CHECK-NOT: arith.extf
// CHECK-COUNT-12: vector.fma
// CHECK: scf.yield

// CHECK-LABEL: func.func @six_rows(
// CHECK-NOT: memref<8x16xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c8 step %c1 iter_args(
// CHECK-NEXT: vector.load %{{.+}} : memref<8x16xf16, strided<[16, 1], offset: ?>>, vector<8xf16>
// CHECK-NEXT: arith.extf %{{.+}} : vector<8xf16> to vector<8xf32>

func.func @mm(%a: memref<?x?xf16, strided<[?, ?], offset: ?>>,
              %b: memref<?x?xf16, strided<[?, ?], offset: ?>>,
              %c: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<12x8xf16>
  %y = tile.load %b[%i, %i] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<8x16xf16, col_major>
  %d = tile.dot %x, %y : !tile.tile<12x8xf16>, !tile.tile<8x16xf16, col_major> -> !tile.tile<12x16xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<12x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @six_rows(%a: memref<?x?xf16, strided<[?, ?], offset: ?>>,
              %b: memref<?x?xf16, strided<[?, ?], offset: ?>>,
              %c: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %x = tile.load %a[%i, %i] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<6x8xf16>
  %y = tile.load %b[%i, %i] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<8x16xf16, col_major>
  %d = tile.dot %x, %y : !tile.tile<6x8xf16>, !tile.tile<8x16xf16, col_major> -> !tile.tile<6x16xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<6x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
