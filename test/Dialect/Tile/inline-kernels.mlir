// RUN: %nlc-opt %s -split-input-file -tile-inline-kernels -verify-diagnostics | FileCheck %s --enable-var-scope
// Calls to kernels are inlined, transitively; kernels that no launch names
// are erased; other functions and calls are left alone.

// CHECK-NOT: func.func private @twice
// CHECK-NOT: func.func private @quad
// CHECK-LABEL: func.func private @grid(
// CHECK-SAME: %[[X:.+]]: memref<?xf32, strided<[?], offset: ?>>)
// CHECK: %[[I:.+]] = tile.program_id 0
// CHECK: %[[T:.+]] = tile.load %[[X]][%[[I]]]
// CHECK: %[[A:.+]] = tile.add %[[T]], %[[T]]
// CHECK: %[[B:.+]] = tile.add %[[A]], %[[A]]
// CHECK: tile.store %[[B]], %[[X]][%[[I]]]
// CHECK: call @plain()
// CHECK-LABEL: func.func @host(
// CHECK: tile.launch @grid
func.func private @twice(%t: !tile.tile<16xf32>) -> !tile.tile<16xf32> attributes {tile.kernel} {
  %r = tile.add %t, %t : !tile.tile<16xf32>
  return %r : !tile.tile<16xf32>
}
func.func private @quad(%t: !tile.tile<16xf32>) -> !tile.tile<16xf32> attributes {tile.kernel} {
  %a = func.call @twice(%t) : (!tile.tile<16xf32>) -> !tile.tile<16xf32>
  %b = func.call @twice(%a) : (!tile.tile<16xf32>) -> !tile.tile<16xf32>
  return %b : !tile.tile<16xf32>
}
func.func private @plain() {
  return
}
func.func private @grid(%x: memref<?xf32, strided<[?], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %t = tile.load %x[%i] : memref<?xf32, strided<[?], offset: ?>> -> !tile.tile<16xf32>
  %q = func.call @quad(%t) : (!tile.tile<16xf32>) -> !tile.tile<16xf32>
  tile.store %q, %x[%i] : !tile.tile<16xf32>, memref<?xf32, strided<[?], offset: ?>>
  func.call @plain() : () -> ()
  return
}
func.func @host(%x: memref<?xf32, strided<[?], offset: ?>>, %n: index) {
  tile.launch @grid[%n] (%x) : memref<?xf32, strided<[?], offset: ?>>
  return
}

// -----

func.func private @self(%t: !tile.tile<16xf32>) -> !tile.tile<16xf32> attributes {tile.kernel} {
  // expected-error@+1 {{recursive kernel calls cannot be inlined}}
  %r = func.call @self(%t) : (!tile.tile<16xf32>) -> !tile.tile<16xf32>
  return %r : !tile.tile<16xf32>
}
func.func private @grid(%x: memref<?xf32, strided<[?], offset: ?>>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %t = tile.load %x[%i] : memref<?xf32, strided<[?], offset: ?>> -> !tile.tile<16xf32>
  %q = func.call @self(%t) : (!tile.tile<16xf32>) -> !tile.tile<16xf32>
  tile.store %q, %x[%i] : !tile.tile<16xf32>, memref<?xf32, strided<[?], offset: ?>>
  return
}
