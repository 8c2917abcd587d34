// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --enable-var-scope
// RUN: %nlc-opt %s -split-input-file -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --check-prefix=YMM
// A division of f32 vectors by one value (divideByScalars,
// X86Elementwise.cpp): the lanes multiply by the value's reciprocal and
// take two FMA corrections (rounded correctly, so the same bits as the
// division), where the divisor lies in [2^-24, 2^24) and every lane's
// dividend in [2^-100, 2^100) (their magnitudes' bits, offset, below a
// bound, unsigned) or is zero (whose quotient is the product, a signed
// zero);
// a vector that has another lane divides. The branch is expected taken.
// Only with zmm vectors: ymm ones (AVX2) keep the division, which is as
// fast there.
// A division by a vector of different values stays a division.

// CHECK-LABEL: func.func @by_row_sum(
// CHECK: %[[S:.+]] = memref.load %{{.+}} : memref<1xf32>
// CHECK-NEXT: %[[SV:.+]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.cmpf oeq, %[[X:.+]], %{{.+}} : vector<16xf32>
// CHECK-NEXT: %[[XB:.+]] = arith.bitcast %[[X]] : vector<16xf32> to vector<16xi32>
// CHECK-NEXT: %[[XM:.+]] = arith.andi %[[XB]], %{{.+}} : vector<16xi32>
// CHECK-NEXT: %[[XO:.+]] = arith.subi %[[XM]], %{{.+}} : vector<16xi32>
// CHECK-NEXT: %[[XIN:.+]] = arith.cmpi ult, %[[XO]], %{{.+}} : vector<16xi32>
// CHECK-NEXT: %[[LANES:.+]] = arith.ori %[[ZERO]], %[[XIN]] : vector<16xi1>
// CHECK-NEXT: %[[SB:.+]] = arith.bitcast %[[S]] : f32 to i32
// CHECK-NEXT: %[[SM:.+]] = arith.andi %[[SB]], %c2147483647_i32 : i32
// CHECK-NEXT: %[[SO:.+]] = arith.subi %[[SM]], %c864026624_i32 : i32
// CHECK-NEXT: %[[SIN:.+]] = arith.cmpi ult, %[[SO]], %c402653184_i32 : i32
// CHECK-NEXT: %[[ALL:.+]] = vector.reduction <and>, %[[LANES]] : vector<16xi1> into i1
// CHECK-NEXT: %[[OK:.+]] = arith.andi %[[SIN]], %[[ALL]] : i1
// CHECK-NEXT: %[[EXPECT:.+]] = llvm.intr.expect %[[OK]], %true : i1
// CHECK-NEXT: %[[Q:.+]] = scf.if %[[EXPECT]] -> (vector<16xf32>) {
// CHECK-NEXT: %[[R:.+]] = arith.divf %cst{{.*}}, %[[S]] : f32
// CHECK-NEXT: %[[RV:.+]] = vector.broadcast %[[R]] : f32 to vector<16xf32>
// CHECK-NEXT: %[[Q0:.+]] = arith.mulf %[[X]], %[[RV]] : vector<16xf32>
// CHECK-NEXT: %[[N0:.+]] = arith.negf %[[Q0]] : vector<16xf32>
// CHECK-NEXT: %[[E0:.+]] = math.fma %[[N0]], %[[SV]], %[[X]] : vector<16xf32>
// CHECK-NEXT: %[[Q1:.+]] = math.fma %[[E0]], %[[RV]], %[[Q0]] : vector<16xf32>
// CHECK-NEXT: %[[N1:.+]] = arith.negf %[[Q1]] : vector<16xf32>
// CHECK-NEXT: %[[E1:.+]] = math.fma %[[N1]], %[[SV]], %[[X]] : vector<16xf32>
// CHECK-NEXT: %[[Q2:.+]] = math.fma %[[E1]], %[[RV]], %[[Q1]] : vector<16xf32>
// CHECK-NEXT: %[[PICK:.+]] = arith.select %[[ZERO]], %[[Q0]], %[[Q2]] : vector<16xi1>, vector<16xf32>
// CHECK-NEXT: scf.yield %[[PICK]] : vector<16xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[D:.+]] = arith.divf %[[X]], %[[SV]] : vector<16xf32>
// CHECK-NEXT: scf.yield %[[D]] : vector<16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: vector.store %[[Q]]
// YMM-LABEL: func.func @by_row_sum(
// YMM-NOT: math.fma
// YMM: arith.divf %{{.+}} : vector<8xf32>
// YMM-NOT: math.fma
// YMM: return
func.func @by_row_sum(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x256xf32>
  %s = tile.reduce sum %t along 1 : !tile.tile<1x256xf32> -> !tile.tile<1xf32>
  %q = tile.fused(%t, %s) broadcast [-1, 1] : (!tile.tile<1x256xf32>, !tile.tile<1xf32>) -> !tile.tile<1x256xf32> {
  ^bb0(%a: f32, %b: f32):
    %d = arith.divf %a, %b : f32
    tile.yield %d : f32
  }
  tile.store %q, %y[%i, %c0] : !tile.tile<1x256xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// -----

// CHECK-LABEL: func.func @elementwise(
// CHECK-NOT: math.fma
// CHECK: arith.divf %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK-NOT: math.fma
// CHECK: return
func.func @elementwise(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %y: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index) {
  %c0 = arith.constant 0 : index
  %a = tile.load %x[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x256xf32>
  %b = tile.load %y[%i, %c0] : memref<?x?xf32, strided<[?, 1], offset: ?>> -> !tile.tile<1x256xf32>
  %q = tile.div %a, %b : !tile.tile<1x256xf32>
  tile.store %q, %y[%i, %c0] : !tile.tile<1x256xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}
