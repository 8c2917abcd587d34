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

// exp and log of f32 first move subnormal cases into the normal range:
// exp(x) = exp(x + 32) * exp(-32) below -87, log(x) = log(x * 2^23) - 23 ln 2
// below FLT_MIN. A vector takes that path only when some lane needs it
// (scf.if on the or of the lanes); otherwise it is the plain polynomial.
// CHECK-LABEL: func.func @subnormal_steps(
// CHECK-SAME: %[[X:[^:]+]]: vector<8xf32>, %[[Y:[^:]+]]: f32
// CHECK-DAG: %[[M87:.+]] = arith.constant dense<-8.700000e+01> : vector<8xf32>
// CHECK-DAG: %[[C32:.+]] = arith.constant dense<3.200000e+01> : vector<8xf32>
// CHECK-DAG: %[[EM32:.+]] = arith.constant dense<1.26641{{[0-9]+}}E-14> : vector<8xf32>
// CHECK-DAG: %[[MIN:.+]] = arith.constant 1.17549435E-38 : f32
// CHECK-DAG: %[[P23:.+]] = arith.constant 0x4B000000 : f32
// CHECK-DAG: %[[L:.+]] = arith.constant 15.9423{{[0-9]+}} : f32
// CHECK: %[[S:.+]] = arith.cmpf olt, %[[X]], %[[M87]] : vector<8xf32>
// CHECK: %[[ANY:.+]] = vector.reduction <or>, %[[S]] : vector<8xi1> into i1
// CHECK: scf.if %[[ANY]] -> (vector<8xf32>) {
// CHECK: %[[XS:.+]] = arith.addf %[[X]], %[[C32]]
// CHECK: arith.select %[[S]], %[[XS]], %[[X]]
// CHECK: %[[E:.+]] = arith.mulf %{{.+}}, %[[EM32]]
// CHECK: %[[SEL:.+]] = arith.select %[[S]], %[[E]], %{{.+}} : vector<8xi1>, vector<8xf32>
// CHECK: scf.yield %[[SEL]]
// CHECK: } else {
// CHECK-NOT: arith.select %[[S]]
// CHECK: scf.yield
// CHECK: }
// CHECK: %[[T:.+]] = arith.cmpf olt, %[[Y]], %[[MIN]] : f32
// CHECK: arith.mulf %[[Y]], %[[P23]]
// CHECK: arith.subf %{{.+}}, %[[L]] : f32
// CHECK: arith.select %[[T]]
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK: return
func.func @subnormal_steps(%x: vector<8xf32>, %y: f32) -> (vector<8xf32>, f32) {
  %a = math.exp %x : vector<8xf32>
  %b = math.log %y : f32
  return %a, %b : vector<8xf32>, f32
}
