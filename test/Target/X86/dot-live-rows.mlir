// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize -cse | FileCheck %s --check-prefix=PAD --enable-var-scope
// Rows nothing observes (findLiveDotRows): a K loop's `dot` whose result
// only one store writes computes the register blocks holding the rows that
// store writes. Their number is computed before the loop from the store's
// view and indices, as the store computes it (here the row index is cast
// again after the loop, as MLIRGen does: the cast moves before the loop,
// splitDotKLoops' DirectStore): min(rows - i * 64, 64) where the tile
// starts inside the view,
// else 0 (and A's padding rows are written only up to it). The loop of
// 6-row blocks then ends
// at that count rounded down to whole blocks (at most 60); when all 64
// rows are live the ragged block of rows 60..63 follows, else blocks of
// one row up to the count (a 1-row matrix computes one row, not six).

// CHECK-LABEL: func.func @kloop(
// CHECK: arith.index_cast %arg3 : i64 to index
// CHECK-NEXT: %[[ROW:.+]] = arith.index_cast %arg3 : i64 to index
// After the loop that checks whether the K loop can run whole (and the
// streaming store's count of k, planStreamingStores):
// CHECK: scf.yield %{{.+}} : i1
// CHECK-NEXT: }
// CHECK: %{{.+}}, %{{.+}}, %[[SIZES:.+]]:2, %{{.+}}:2 = memref.extract_strided_metadata %arg2
// CHECK: %[[TILES:.+]] = arith.ceildivui %[[SIZES]]#0, %c64
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[ROW]], %[[TILES]] : index
// CHECK: %[[SAFE:.+]] = arith.select %[[IN]], %[[ROW]], %c0{{.*}} : index
// CHECK: %[[START:.+]] = arith.muli %[[SAFE]], %c64
// CHECK: %[[LEFT:.+]] = arith.subi %[[SIZES]]#0, %[[START]] : index
// CHECK: %[[MIN:.+]] = arith.minui %[[LEFT]], %c64
// CHECK: %[[LIVE:.+]] = arith.select %[[IN]], %[[MIN]], %c0{{.*}} : index
// CHECK: scf.if
// CHECK: %[[BLOCKS:.+]] = arith.divui %[[LIVE]], %c6{{.*}} : index
// CHECK: %[[ROWS:.+]] = arith.muli %[[BLOCKS]], %c6{{.*}} : index
// CHECK: %[[END:.+]] = arith.minui %c60{{.*}}, %[[ROWS]] : index
// CHECK: %[[ALL:.+]] = arith.cmpi uge, %[[LIVE]], %c64{{.*}} : index
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %[[END]] step %c6
// CHECK: scf.if %[[ALL]] {
// CHECK: } else {
// CHECK: scf.for %{{.+}} = %[[END]] to %[[LIVE]] step %c1
func.func @kloop(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %b: memref<?x?xf32, strided<[?, ?], offset: ?>>, %c: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: i64, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %init = tile.splat %zero : f32 -> !tile.tile<64x64xf32>
  %ii = arith.index_cast %i : i64 to index
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<64x64xf32>) {
    %x = tile.load %a[%ii, %k] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<64x32xf32>
    %y = tile.load %b[%k, %c0] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x64xf32, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<64x32xf32>, !tile.tile<32x64xf32, col_major> -> !tile.tile<64x64xf32>
    scf.yield %d : !tile.tile<64x64xf32>
  }
  %row = arith.index_cast %i : i64 to index
  tile.store %r, %c[%row, %c0] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// A result stored twice: every row is computed (the row blocks run to 60
// and the ragged block always).
// CHECK-LABEL: func.func @two_uses(
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %c60{{.*}} step %c6
// CHECK-NOT: arith.cmpi uge, %{{[0-9]+}}, %c64
// CHECK: return
func.func @two_uses(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %b: memref<?x?xf32, strided<[?, ?], offset: ?>>, %c: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %x = tile.load %a[%i, %c0] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<64x32xf32>
  %y = tile.load %b[%c0, %c0] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x64xf32, col_major>
  %d = tile.dot %x, %y : !tile.tile<64x32xf32>, !tile.tile<32x64xf32, col_major> -> !tile.tile<64x64xf32>
  tile.store %d, %c[%i, %c0] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  tile.store %d, %a[%i, %c0] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// A's padding rows (an f16 `dot`, whose K loop runs whole only where every
// tile lies inside its view, A's up to the live rows; otherwise the loop as
// written, whose A is copied): where A's tile leaves its view, its copy
// fills the padding rows (from the view's last row) only up to the live
// count (the blocks read no row past it unless every row is live).
// PAD-LABEL: func.func @pad_rows(
// PAD: %[[MIN:.+]] = arith.minui %{{.+}}, %c64 : index
// PAD-NEXT: %[[LIVE:.+]] = arith.select %{{.+}}, %[[MIN]], %c0 : index
// The check asks of A's tiles only that their live rows lie in the view:
// the loop run whole computes those rows alone, and widens only those.
// PAD: %[[OK:.+]] = scf.for
// PAD: %[[NEED:.+]] = arith.minui %[[LIVE]], %c64 : index
// PAD: arith.cmpi uge, %{{.+}}, %[[NEED]] : index
// PAD: scf.if %[[OK]] {
// PAD: %[[AROWS:.+]] = arith.minui %[[LIVE]], %c64 : index
// PAD-NEXT: scf.for %{{.+}} = %c0 to %[[AROWS]] step %c1 {
// PAD: arith.extf
// PAD: %[[PADEND:.+]] = arith.minui %[[LIVE]], %c64 : index
// PAD-NEXT: scf.for %{{.+}} = %{{.+}} to %[[PADEND]] step %c1 {
// PAD-NEXT: vector.store %cst, %{{.+}} : memref<64x32xf16>, vector<32xf16>
// PAD: return
func.func @pad_rows(%a: memref<?x?xf16, strided<[?, ?], offset: ?>>, %b: memref<?x?xf16, strided<[?, ?], offset: ?>>, %c: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %init = tile.splat %zero : f32 -> !tile.tile<64x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<64x64xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<64x32xf16>
    %y = tile.load %b[%k, %c0] : memref<?x?xf16, strided<[?, ?], offset: ?>> -> !tile.tile<32x64xf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<64x32xf16>, !tile.tile<32x64xf16, col_major> -> !tile.tile<64x64xf32>
    scf.yield %d : !tile.tile<64x64xf32>
  }
  tile.store %r, %c[%i, %c0] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
