// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --enable-var-scope
// Rows ahead (X86Memory.cpp). The copy of a whole tile whose rows are not
// one run of memory prefetches, at each row r, the lines of row r + 8: the
// tile's own rows, and past its last row the view's rows below it where
// the loop around the load reads the tile below next (its row tile index
// is the loop's induction variable), else the tile's last row again. Rows
// wider than 512 bytes get none; neither do the masked copy at the view's
// edges nor the rows' values (a prefetch changes none).

// The tile below: row r + 8 up to the view's last row (its rows minus the
// tile's first, minus one), one prefetch per 64 bytes (16 f32: one line).
// CHECK-LABEL: func.func @below(
// CHECK: %{{[^,]+}}, %{{[^,]+}}, %[[ROWS:[^:,]+]]:2, %{{[^ ]+}} = memref.extract_strided_metadata
// CHECK: %[[VIEW:.+]] = memref.reinterpret_cast
// CHECK: scf.for %[[R:.+]] = %c0 to %c32 step %c1 {
// CHECK: scf.if %{{.+}} {
// CHECK: %[[LEFT:.+]] = arith.subi %[[ROWS]]#0, %[[ROW0:.+]] : index
// CHECK-NEXT: %[[LAST:.+]] = arith.subi %[[LEFT]], %c1 : index
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[R]], %c8 : index
// CHECK-NEXT: %[[AHEAD:.+]] = arith.minui %[[NEXT]], %[[LAST]] : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[ROW0]], %[[AHEAD]] : index
// CHECK-NEXT: memref.prefetch %[[VIEW]][%[[AT]], %{{.+}}], read, locality<3>, data
// CHECK-NEXT: }
// CHECK-NEXT: scf.for
// CHECK: vector.load %[[VIEW]]
// CHECK: vector.store
// The masked copy at the edges: no prefetch.
// CHECK: } else {
// CHECK-NOT: memref.prefetch
// CHECK: vector.maskedload
// CHECK-LABEL: func.func @across(
func.func @below(%b: memref<?x?xf32, strided<[?, 1], offset: ?>>,
                 %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %j: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %y = tile.load %b[%k, %j] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<32x16xf32>
    %e = tile.exp %y : !tile.tile<32x16xf32>
    tile.store %e, %c[%k, %j] : !tile.tile<32x16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  }
  return
}

// A loop that reads the tile to the right: row r + 8 within the tile (at
// most its row 7), two lines a row (32 f32).
// CHECK: scf.for %[[R:.+]] = %c0 to %c8 step %c1 {
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[R]], %c8 : index
// CHECK-NEXT: %[[AHEAD:.+]] = arith.minui %[[NEXT]], %c7 : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %{{.+}}, %[[AHEAD]] : index
// CHECK-NEXT: memref.prefetch
// CHECK-NEXT: arith.addi %{{.+}}, %c16 : index
// CHECK-NEXT: arith.addi
// CHECK-NEXT: memref.prefetch
// CHECK-NEXT: }
// CHECK-LABEL: func.func @wide(
func.func @across(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>,
                  %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %x = tile.load %a[%i, %k] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<8x32xf32>
    %e = tile.exp %x : !tile.tile<8x32xf32>
    tile.store %e, %c[%i, %k] : !tile.tile<8x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  }
  return
}

// Rows of 1 KiB (256 f32): no prefetch.
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @wide(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>,
                %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %x = tile.load %a[%k, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<4x256xf32>
    %e = tile.exp %x : !tile.tile<4x256xf32>
    tile.store %e, %c[%k, %c0] : !tile.tile<4x256xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  }
  return
}
