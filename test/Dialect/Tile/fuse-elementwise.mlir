// RUN: %nlc-opt %s -split-input-file -tile-fuse-elementwise | FileCheck %s --enable-var-scope
// Elementwise trees become one tile.fused: producers only the tree uses,
// splats (scalar inputs) and broadcasts (inputs along an axis). Values
// used twice stay tiles; an i1 result is not a root.

// A softmax row: exp(t - broadcast(max)) and e / broadcast(sum).
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:[^:]+]]: memref
// CHECK: %[[T:.+]] = tile.load %[[X]]
// CHECK: %[[M:.+]] = tile.reduce max %[[T]] along 1
// CHECK-NOT: tile.broadcast
// CHECK: %[[E:.+]] = tile.fused(%[[T]], %[[M]]) broadcast [-1, 1] : (!tile.tile<1x100xf32>, !tile.tile<1xf32>) -> !tile.tile<1x100xf32> {
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32):
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[R:.+]] = math.exp %[[D]] : f32
// CHECK-NEXT: tile.yield %[[R]] : f32
// CHECK-NEXT: }
// CHECK: %[[S:.+]] = tile.reduce sum %[[E]] along 1
// CHECK: %[[Q:.+]] = tile.fused(%[[E]], %[[S]]) broadcast [-1, 1]
// CHECK: arith.divf
// CHECK: tile.store %[[Q]], %[[X]]
func.func @softmax(%x: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %t = tile.load %x[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x100xf32>
  %m = tile.reduce max %t along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %mb = tile.broadcast %m along 1 : !tile.tile<1xf32> -> !tile.tile<1x100xf32>
  %d = tile.sub %t, %mb : !tile.tile<1x100xf32>
  %e = tile.exp %d : !tile.tile<1x100xf32>
  %s = tile.reduce sum %e along 1 : !tile.tile<1x100xf32> -> !tile.tile<1xf32>
  %sb = tile.broadcast %s along 1 : !tile.tile<1xf32> -> !tile.tile<1x100xf32>
  %q = tile.div %e, %sb : !tile.tile<1x100xf32>
  tile.store %q, %x[%i, %i] : !tile.tile<1x100xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

// -----

// A deep tree with a splat and a column broadcast: one op, each input
// once (the splat's scalar, the broadcast's source), ops in order.
// CHECK-LABEL: func.func @tree(
// CHECK-SAME: %[[A:[^:]+]]: !tile.tile<4x8xf32>, %[[G:[^:]+]]: !tile.tile<8xf32>, %[[K:[^:]+]]: f32
// CHECK-NOT: tile.splat
// CHECK: %[[F:.+]] = tile.fused(%[[A]], %[[K]], %[[G]]) broadcast [-1, -1, 0] : (!tile.tile<4x8xf32>, f32, !tile.tile<8xf32>) -> !tile.tile<4x8xf32> {
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32, %[[C:.+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[X]], %[[S]]
// CHECK-NEXT: %[[N:.+]] = arith.mulf %[[M]], %[[C]]
// CHECK-NEXT: %[[P:.+]] = arith.addf %[[N]], %[[X]]
// CHECK-NEXT: tile.yield %[[P]]
// CHECK-NOT: tile.
// CHECK: return %[[F]]
func.func @tree(%a: !tile.tile<4x8xf32>, %g: !tile.tile<8xf32>, %k: f32) -> !tile.tile<4x8xf32> {
  %s = tile.splat %k : f32 -> !tile.tile<4x8xf32>
  %m = tile.mul %a, %s : !tile.tile<4x8xf32>
  %gb = tile.broadcast %g along 0 : !tile.tile<8xf32> -> !tile.tile<4x8xf32>
  %n = tile.mul %m, %gb : !tile.tile<4x8xf32>
  %p = tile.add %n, %a : !tile.tile<4x8xf32>
  return %p : !tile.tile<4x8xf32>
}

// -----

// A value used twice stays a tile, an input of the tree that uses it
// (here, twice: as the neg's operand and the add's); a lone op with only
// tile operands is left as it is.
// CHECK-LABEL: func.func @shared(
// CHECK: %[[E:.+]] = tile.exp %{{.+}} : !tile.tile<16xf32>
// CHECK: tile.fused(%[[E]]) broadcast [-1]
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32):
// CHECK-NEXT: %[[N:.+]] = arith.negf %[[X]]
// CHECK-NEXT: arith.addf %[[X]], %[[N]]
// CHECK-LABEL: func.func @lone(
// CHECK-NEXT: tile.add
// CHECK-NEXT: return
func.func @shared(%a: !tile.tile<16xf32>) -> !tile.tile<16xf32> {
  %e = tile.exp %a : !tile.tile<16xf32>
  %n = tile.neg %e : !tile.tile<16xf32>
  %r = tile.add %e, %n : !tile.tile<16xf32>
  return %r : !tile.tile<16xf32>
}
func.func @lone(%a: !tile.tile<16xf32>, %b: !tile.tile<16xf32>) -> !tile.tile<16xf32> {
  %r = tile.add %a, %b : !tile.tile<16xf32>
  return %r : !tile.tile<16xf32>
}

// -----

// where(a < b, a, b): the i1 comparison is computed inside the fused body;
// a comparison whose result is used as a tile is not a root.
// CHECK-LABEL: func.func @select(
// CHECK: tile.fused(%{{.+}}, %{{.+}}) broadcast [-1, -1]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[C:.+]] = arith.cmpf olt
// CHECK-NEXT: %[[S:.+]] = arith.select %[[C]]
// CHECK-NEXT: tile.yield %[[S]]
// CHECK-LABEL: func.func @bool_root(
// CHECK-NEXT: tile.add
// CHECK-NEXT: tile.cmp
// CHECK-NOT: tile.fused
func.func @select(%a: !tile.tile<16xf32>, %b: !tile.tile<16xf32>) -> !tile.tile<16xf32> {
  %c = tile.cmp lt, %a, %b : !tile.tile<16xf32> -> !tile.tile<16xi1>
  %s = tile.select %c, %a, %b : !tile.tile<16xi1>, !tile.tile<16xf32>
  return %s : !tile.tile<16xf32>
}
func.func @bool_root(%a: !tile.tile<16xf32>, %b: !tile.tile<16xf32>) -> !tile.tile<16xi1> {
  %s = tile.add %a, %b : !tile.tile<16xf32>
  %c = tile.cmp lt, %s, %b : !tile.tile<16xf32> -> !tile.tile<16xi1>
  return %c : !tile.tile<16xi1>
}

// -----

// Producers in another block (here outside the loop) are inputs, not
// absorbed: the loop body would recompute them every iteration.
// CHECK-LABEL: func.func @other_block(
// CHECK: %[[E:.+]] = tile.exp
// CHECK: scf.for
// CHECK: tile.fused(%[[E]], %{{.+}}) broadcast [-1, -1]
func.func @other_block(%a: !tile.tile<16xf32>, %k: f32, %n: index) -> !tile.tile<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tile.exp %a : !tile.tile<16xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %a) -> !tile.tile<16xf32> {
    %s = tile.splat %k : f32 -> !tile.tile<16xf32>
    %m = tile.mul %e, %s : !tile.tile<16xf32>
    scf.yield %m : !tile.tile<16xf32>
  }
  return %r : !tile.tile<16xf32>
}
