// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 small-code=1" | FileCheck %s --check-prefix=SMALL --enable-var-scope
// tile.load and tile.store on x86: with a unit inner stride the copy goes
// row by row in vectors (whole vectors when the tile lies in the view,
// masked vectors with the pad value at its edges, the pad alone for rows
// past the view's last); any other stride takes
// the reference's element loop. An i8 row of 20 is one 64-lane vector;
// an f32 row of 20 is a whole vector and a 4-lane rest. The whole vectors
// of a row are a loop, so a row of 32768 is not 2048 copies of the code.

// CHECK-LABEL: func.func @copy(
// CHECK: %{{.+}}, %{{.+}}, %{{.+}}:2, %[[STRIDES:.+]]:2 = memref.extract_strided_metadata %{{.+}}
// CHECK: %[[UNIT:.+]] = arith.cmpi eq, %[[STRIDES]]#1, %{{.+}} : index
// CHECK: %[[VIEW:.+]] = memref.reinterpret_cast {{.+}} to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK: scf.if %[[UNIT]] {
// CHECK: scf.if %{{.+}} {
// Whole tile inside the view: plain vectors.
// CHECK: vector.load %[[VIEW]]{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK: vector.maskedload %[[VIEW]]{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: } else {
// At an edge: the rows inside the view are masked loads (the mask covers
// the columns inside it, the pad the rest); the rows past it are the pad
// alone, with no access to the view at all (an all-false masked load
// outside mapped memory costs a microcode assist each).
// CHECK: %[[IN:.+]] = arith.minui %{{.+}}, %c3{{.*}} : index
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %[[IN]] step
// CHECK: vector.create_mask
// CHECK: vector.maskedload
// CHECK: scf.for %{{.+}} = %[[IN]] to %c3{{.*}} step
// CHECK-NOT: %[[VIEW]]
// CHECK: vector.maskedstore %alloca
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: } else {
// The reference: an element loop with a bounds test per element.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.if
// CHECK: memref.load
// The store: the same three paths, masked stores into the view.
// CHECK: memref.extract_strided_metadata
// CHECK: vector.store {{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK: vector.maskedstore
// CHECK-LABEL: func.func @bytes(
// CHECK: vector.load {{.+}} vector<64xi8>
// CHECK-LABEL: func.func @long_row(
// CHECK: scf.for %[[C:.+]] = %c0{{.*}} to %c32768{{.*}} step %c16{{.*}} {
// CHECK-NEXT: arith.addi %{{.+}}, %[[C]] : index
// CHECK-NEXT: arith.addi
// CHECK-NEXT: vector.load
// CHECK-NEXT: vector.store
// CHECK-NEXT: }
// With small-code (the unikernel image), a unit-stride copy has the masked
// path only, whole tile or not: no plain vector access and no test of
// whether the tile lies inside the view; other strides keep the reference.
// SMALL-LABEL: func.func @copy(
// SMALL: %[[UNIT:.+]] = arith.cmpi eq
// SMALL-NOT: vector.load
// SMALL: scf.if %[[UNIT]] {
// SMALL-NOT: scf.if
// SMALL-NOT: vector.load
// SMALL: vector.maskedload
// SMALL-NOT: vector.load
// SMALL: } else {
// SMALL: memref.load
// SMALL-NOT: vector.store {{.+}} : memref<?x?xf32
// SMALL: vector.maskedstore {{.+}} : memref<?x?xf32
// SMALL-NOT: vector.store {{.+}} : memref<?x?xf32
// SMALL-LABEL: func.func @bytes(
func.func @copy(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index, %p: f32) {
  %t = tile.load %v[%i, %i] padding(%p : f32) : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<3x20xf32>
  tile.store %t, %v[%i, %i] : !tile.tile<3x20xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @bytes(%v: memref<?xi8, strided<[?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i] : memref<?xi8, strided<[?], offset: ?>> -> !tile.tile<64xi8>
  tile.store %t, %v[%i] : !tile.tile<64xi8>, memref<?xi8, strided<[?], offset: ?>>
  return
}
func.func @long_row(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x32768xf32>
  tile.store %t, %v[%i, %i] : !tile.tile<1x32768xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
