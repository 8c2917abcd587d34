// RUN: %nlc-opt %s -split-input-file -x86-emulate-amx -cse | FileCheck %s
// x86-emulate-amx: in a module marked nlc.amx_emulation, AMX tiles become
// vectors of their shape (through a loop's iter_args too), tile loads and
// stores row-by-row vector loads and stores, and each product a call, in
// an alloca scope, of one private function per shape and kind whose loops
// add the products row by row, pair (or quad) of k by pair in order, with
// one fma per product (floats) or a wrapping multiply-add (i8, signed or
// zero-extended as the op says). Unmarked modules keep their tiles.

// CHECK-LABEL: func.func @bf16(
// CHECK-NOT: amx.
// CHECK: vector.load %{{.+}} : memref<32x32xf32>, vector<16xf32>
// CHECK: scf.for {{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<16x16xf32>)
// CHECK: memref.alloca_scope
// CHECK: memref.alloca() : memref<16x32xbf16>
// CHECK: memref.alloca() : memref<16x32xbf16>
// CHECK: %[[C:.+]] = memref.alloca() : memref<16x16xf32>
// CHECK: vector.extract %[[ACC]][15]
// CHECK: call @nlc.amx_emulation.tile_mulf.ss.16x32xbf16.16x32xbf16.16x16xf32(
// CHECK-COUNT-16: vector.load %[[C]]
// CHECK: memref.alloca_scope.return
// CHECK: vector.store %{{.+}} : memref<32x32xf32>, vector<16xf32>
// CHECK-LABEL: func.func private @nlc.amx_emulation.tile_mulf.ss.16x32xbf16.16x32xbf16.16x16xf32(
// CHECK-SAME: %[[A:[^:]+]]: memref<16x32xbf16>, %[[B:[^:]+]]: memref<16x32xbf16>, %[[S:[^:]+]]: memref<16x16xf32>)
// CHECK: scf.for %[[M:.+]] = %c0 to %c16 step %c1
// CHECK: scf.for %[[P:.+]] = %c0 to %c16 step %c1
// CHECK: scf.for %[[Q:.+]] = %c0 to %c2 step %c1
// CHECK: memref.load %[[A]][%[[M]], %{{.+}}]
// CHECK: arith.extf
// CHECK: scf.for %[[N:.+]] = %c0 to %c16 step %c1
// CHECK: memref.load %[[B]][%[[P]], %{{.+}}]
// CHECK: %[[OLD:.+]] = memref.load %[[S]][%[[M]], %[[N]]]
// CHECK: %[[NEW:.+]] = math.fma %{{.+}}, %{{.+}}, %[[OLD]] : f32
// CHECK: memref.store %[[NEW]], %[[S]][%[[M]], %[[N]]]
module attributes {nlc.amx_emulation} {
  func.func @bf16(%a: memref<32x64xbf16>, %b: memref<32x64xbf16>, %c: memref<32x32xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %init = amx.tile_load %c[%c0, %c0] : memref<32x32xf32> into !amx.tile<16x16xf32>
    %r = scf.for %s = %c0 to %c2 step %c1 iter_args(%acc = %init) -> (!amx.tile<16x16xf32>) {
      %x = amx.tile_load %a[%s, %c0] : memref<32x64xbf16> into !amx.tile<16x32xbf16>
      %y = amx.tile_load %b[%s, %c0] : memref<32x64xbf16> into !amx.tile<16x32xbf16>
      %n = amx.tile_mulf %x, %y, %acc : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
      scf.yield %n : !amx.tile<16x16xf32>
    }
    amx.tile_store %c[%c0, %c0], %r : memref<32x32xf32>, !amx.tile<16x16xf32>
    return
  }
}

// -----

// CHECK-LABEL: func.func @i8(
// CHECK: arith.constant dense<0> : vector<16x16xi32>
// CHECK: call @nlc.amx_emulation.tile_muli.us.16x64xi8.16x64xi8.16x16xi32(
// CHECK-LABEL: func.func private @nlc.amx_emulation.tile_muli.us.16x64xi8.16x64xi8.16x16xi32(
// CHECK: scf.for %{{.+}} = %c0 to %c4 step %c1
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: arith.muli
// CHECK: arith.addi
module attributes {nlc.amx_emulation} {
  func.func @i8(%a: memref<16x64xi8>, %c: memref<16x16xi32>) {
    %c0 = arith.constant 0 : index
    %z = amx.tile_zero : !amx.tile<16x16xi32>
    %x = amx.tile_load %a[%c0, %c0] : memref<16x64xi8> into !amx.tile<16x64xi8>
    %n = amx.tile_muli %x zext, %x, %z : !amx.tile<16x64xi8>, !amx.tile<16x64xi8>, !amx.tile<16x16xi32>
    amx.tile_store %c[%c0, %c0], %n : memref<16x16xi32>, !amx.tile<16x16xi32>
    return
  }
}

// -----

// CHECK-LABEL: func.func @unmarked(
// CHECK: amx.tile_zero
// CHECK: amx.tile_store
func.func @unmarked(%c: memref<16x16xi32>) {
  %c0 = arith.constant 0 : index
  %z = amx.tile_zero : !amx.tile<16x16xi32>
  amx.tile_store %c[%c0, %c0], %z : memref<16x16xi32>, !amx.tile<16x16xi32>
  return
}
