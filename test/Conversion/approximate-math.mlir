// RUN: %nlc-opt %s --nlc-approximate-math | FileCheck %s
// f32 (and narrower, via f32) exp/log/tanh/erf become polynomials; f64 is
// left to libm.

// CHECK-LABEL: func.func @f32_ops(
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: return
func.func @f32_ops(%x: f32) -> (f32, f32, f32, f32) {
  %a = math.exp %x : f32
  %b = math.log %x : f32
  %c = math.tanh %x : f32
  %d = math.erf %x : f32
  return %a, %b, %c, %d : f32, f32, f32, f32
}

// CHECK-LABEL: func.func @f16_exp(
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK-NOT: math.exp
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @f16_exp(%x: f16) -> f16 {
  %a = math.exp %x : f16
  return %a : f16
}

// CHECK-LABEL: func.func @f64_exp(
// CHECK: math.exp %{{.+}} : f64
func.func @f64_exp(%x: f64) -> f64 {
  %a = math.exp %x : f64
  return %a : f64
}

// Vectors (from the x86 tile lowering) get the same polynomial, lane by
// lane: no libm call per lane.
// CHECK-LABEL: func.func @vector_ops(
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: arith.extf %{{.+}} : vector<16xf16> to vector<16xf32>
// CHECK-NOT: math.exp
// CHECK: return
func.func @vector_ops(%x: vector<16xf32>, %h: vector<16xf16>) -> (vector<16xf32>, vector<16xf32>, vector<16xf16>) {
  %a = math.exp %x : vector<16xf32>
  %b = math.tanh %x : vector<16xf32>
  %c = math.exp %h : vector<16xf16>
  return %a, %b, %c : vector<16xf32>, vector<16xf32>, vector<16xf16>
}
