// RUN: %nlc-opt %s -canonicalize -split-input-file | FileCheck %s --enable-var-scope

// CHECK-LABEL: func.func @add_zero(
// CHECK-SAME: %[[A:.+]]: !tile.tile<8xi32>)
// CHECK-NEXT: return %[[A]], %[[A]]
func.func @add_zero(%a: !tile.tile<8xi32>) -> (!tile.tile<8xi32>, !tile.tile<8xi32>) {
  %c0 = arith.constant 0 : i32
  %z = tile.splat %c0 : i32 -> !tile.tile<8xi32>
  %r = tile.add %a, %z : !tile.tile<8xi32>
  %l = tile.add %z, %a : !tile.tile<8xi32>
  return %r, %l : !tile.tile<8xi32>, !tile.tile<8xi32>
}

// -----

// Float `x + 0.0` is not `x` (for x = -0.0): it stays.
// CHECK-LABEL: func.func @add_zero_float(
// CHECK: tile.add
func.func @add_zero_float(%a: !tile.tile<8xf32>) -> !tile.tile<8xf32> {
  %c0 = arith.constant 0.0 : f32
  %z = tile.splat %c0 : f32 -> !tile.tile<8xf32>
  %r = tile.add %a, %z : !tile.tile<8xf32>
  return %r : !tile.tile<8xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one(
// CHECK-SAME: %[[A:.+]]: !tile.tile<8xf32>)
// CHECK-NEXT: return %[[A]]
func.func @mul_one(%a: !tile.tile<8xf32>) -> !tile.tile<8xf32> {
  %c1 = arith.constant 1.0 : f32
  %one = tile.splat %c1 : f32 -> !tile.tile<8xf32>
  %r = tile.mul %one, %a : !tile.tile<8xf32>
  return %r : !tile.tile<8xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_twice(
// CHECK-SAME: %[[A:.+]]: !tile.tile<4x8xf32>)
// CHECK-NEXT: return %[[A]]
func.func @transpose_twice(%a: !tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  %t = tile.transpose %a : !tile.tile<4x8xf32> -> !tile.tile<8x4xf32, col_major>
  %u = tile.transpose %t : !tile.tile<8x4xf32, col_major> -> !tile.tile<4x8xf32>
  return %u : !tile.tile<4x8xf32>
}

// -----

// unpair_rows(pair_rows(x)) is x when the layouts agree; with another
// layout it stays.
// CHECK-LABEL: func.func @pair_unpair(
// CHECK-SAME: %[[A:.+]]: !tile.tile<4x8xbf16>)
// CHECK-NEXT: %[[P:.+]] = tile.pair_rows %[[A]]
// CHECK-NEXT: %[[C:.+]] = tile.unpair_rows %[[P]] : !tile.tile<2x16xbf16> -> !tile.tile<4x8xbf16, col_major>
// CHECK-NEXT: return %[[A]], %[[C]]
func.func @pair_unpair(%a: !tile.tile<4x8xbf16>) -> (!tile.tile<4x8xbf16>, !tile.tile<4x8xbf16, col_major>) {
  %p = tile.pair_rows %a : !tile.tile<4x8xbf16> -> !tile.tile<2x16xbf16>
  %u = tile.unpair_rows %p : !tile.tile<2x16xbf16> -> !tile.tile<4x8xbf16>
  %c = tile.unpair_rows %p : !tile.tile<2x16xbf16> -> !tile.tile<4x8xbf16, col_major>
  return %u, %c : !tile.tile<4x8xbf16>, !tile.tile<4x8xbf16, col_major>
}

// -----

// Quads fold like pairs; ungrouping by another group than the grouping
// (a tile of another shape) stays.
// CHECK-LABEL: func.func @quads_unquad(
// CHECK-SAME: %[[A:.+]]: !tile.tile<8x16xi8>)
// CHECK-NEXT: %[[P:.+]] = tile.pair_rows %[[A]] :
// CHECK-NEXT: %[[U:.+]] = tile.unpair_rows %[[P]] group 4 : !tile.tile<4x32xi8> -> !tile.tile<16x8xi8>
// CHECK-NEXT: return %[[A]], %[[U]]
func.func @quads_unquad(%a: !tile.tile<8x16xi8>) -> (!tile.tile<8x16xi8>, !tile.tile<16x8xi8>) {
  %q = tile.pair_rows %a group 4 : !tile.tile<8x16xi8> -> !tile.tile<2x64xi8>
  %u = tile.unpair_rows %q group 4 : !tile.tile<2x64xi8> -> !tile.tile<8x16xi8>
  %p = tile.pair_rows %a : !tile.tile<8x16xi8> -> !tile.tile<4x32xi8>
  %w = tile.unpair_rows %p group 4 : !tile.tile<4x32xi8> -> !tile.tile<16x8xi8>
  return %u, %w : !tile.tile<8x16xi8>, !tile.tile<16x8xi8>
}

// -----

// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[A:.+]]: !tile.tile<4x8xf32>)
// CHECK-NEXT: %[[R:.+]] = tile.reshape %[[A]] : !tile.tile<4x8xf32> -> !tile.tile<2x16xf32>
// CHECK-NEXT: return %[[A]], %[[R]]
func.func @reshape(%a: !tile.tile<4x8xf32>) -> (!tile.tile<4x8xf32>, !tile.tile<2x16xf32>) {
  %same = tile.reshape %a : !tile.tile<4x8xf32> -> !tile.tile<4x8xf32>
  %flat = tile.reshape %a : !tile.tile<4x8xf32> -> !tile.tile<32xf32>
  %r = tile.reshape %flat : !tile.tile<32xf32> -> !tile.tile<2x16xf32>
  return %same, %r : !tile.tile<4x8xf32>, !tile.tile<2x16xf32>
}

// -----

// CHECK-LABEL: func.func @cast_same(
// CHECK-SAME: %[[A:.+]]: !tile.tile<4xf16>)
// CHECK-NEXT: return %[[A]]
func.func @cast_same(%a: !tile.tile<4xf16>) -> !tile.tile<4xf16> {
  %r = tile.cast %a : !tile.tile<4xf16> -> !tile.tile<4xf16>
  return %r : !tile.tile<4xf16>
}

// -----

// CHECK-LABEL: func.func @select(
// CHECK-SAME: %[[A:.+]]: !tile.tile<4xf32>, %[[B:.+]]: !tile.tile<4xf32>, %[[C:.+]]: !tile.tile<4xi1>)
// CHECK-NEXT: return %[[A]], %[[B]], %[[A]]
func.func @select(%a: !tile.tile<4xf32>, %b: !tile.tile<4xf32>, %c: !tile.tile<4xi1>)
    -> (!tile.tile<4xf32>, !tile.tile<4xf32>, !tile.tile<4xf32>) {
  %t = arith.constant true
  %f = arith.constant false
  %all = tile.splat %t : i1 -> !tile.tile<4xi1>
  %none = tile.splat %f : i1 -> !tile.tile<4xi1>
  %0 = tile.select %all, %a, %b : !tile.tile<4xi1>, !tile.tile<4xf32>
  %1 = tile.select %none, %a, %b : !tile.tile<4xi1>, !tile.tile<4xf32>
  %2 = tile.select %c, %a, %a : !tile.tile<4xi1>, !tile.tile<4xf32>
  return %0, %1, %2 : !tile.tile<4xf32>, !tile.tile<4xf32>, !tile.tile<4xf32>
}

// -----

// In blocks of columns (block 16) they fold when the blocks agree; a
// block of every column (block 16 of 16 columns) is the layout without
// blocks, but the fold asks for the same attribute and leaves it.
// CHECK-LABEL: func.func @blocks_unpair(
// CHECK-SAME: %[[A:.+]]: !tile.tile<8x32xbf16>, %[[B:.+]]: !tile.tile<8x16xbf16>)
// CHECK-NEXT: %[[P:.+]] = tile.pair_rows %[[B]] block 16 :
// CHECK-NEXT: %[[U:.+]] = tile.unpair_rows %[[P]] : !tile.tile<4x32xbf16> -> !tile.tile<8x16xbf16>
// CHECK-NEXT: return %[[A]], %[[U]]
func.func @blocks_unpair(%a: !tile.tile<8x32xbf16>, %b: !tile.tile<8x16xbf16>) -> (!tile.tile<8x32xbf16>, !tile.tile<8x16xbf16>) {
  %p = tile.pair_rows %a block 16 : !tile.tile<8x32xbf16> -> !tile.tile<8x32xbf16>
  %u = tile.unpair_rows %p block 16 : !tile.tile<8x32xbf16> -> !tile.tile<8x32xbf16>
  %q = tile.pair_rows %b block 16 : !tile.tile<8x16xbf16> -> !tile.tile<4x32xbf16>
  %w = tile.unpair_rows %q : !tile.tile<4x32xbf16> -> !tile.tile<8x16xbf16>
  return %u, %w : !tile.tile<8x32xbf16>, !tile.tile<8x16xbf16>
}
