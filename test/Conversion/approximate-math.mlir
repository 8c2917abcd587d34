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

// f32 exp is nlc's own (ApproximateMath.cpp, ExpF32): a vector whose lanes
// all lie in [-87, 88.72] (|x - 0.86| <= 87.86, the `and` of the lanes)
// takes the core alone: k from x * log2(e) + 1.5 * 2^23 in one FMA, r in
// two, a degree-5 polynomial in FMAs, and 2^k added to the exponent bits.
// Any other vector takes the full form: x < -87 as exp(x + 32) * exp(-32)
// (clamped at -87.3), x > ln(FLT_MAX) as +inf, NaN as itself.
// log of f32 moves a subnormal argument into the normal range first:
// log(x) = log(x * 2^23) - 23 ln 2 below FLT_MIN.
// CHECK-LABEL: func.func @subnormal_steps(
// CHECK-SAME: %[[X:[^:]+]]: vector<8xf32>, %[[Y:[^:]+]]: f32
// CHECK-DAG: %[[MIN:.+]] = arith.constant 1.17549435E-38 : f32
// CHECK-DAG: %[[P23:.+]] = arith.constant 0x4B000000 : f32
// CHECK-DAG: %[[L:.+]] = arith.constant 15.9423{{[0-9]+}} : f32
// CHECK-DAG: %[[C086:.+]] = arith.constant dense<8.600000e-01> : vector<8xf32>
// CHECK-DAG: %[[C8786:.+]] = arith.constant dense<8.786000e+01> : vector<8xf32>
// CHECK-DAG: %[[SHIFTER:.+]] = arith.constant dense<0x4B400000> : vector<8xf32>
// CHECK-DAG: %[[LOG2E:.+]] = arith.constant dense<1.44269502> : vector<8xf32>
// CHECK-DAG: %[[LN2HI:.+]] = arith.constant dense<-0.693145751> : vector<8xf32>
// CHECK-DAG: %[[LN2LO:.+]] = arith.constant dense<-1.42860677E-6> : vector<8xf32>
// CHECK-DAG: %[[C23:.+]] = arith.constant dense<23> : vector<8xi32>
// CHECK-DAG: %[[M87:.+]] = arith.constant dense<-8.700000e+01> : vector<8xf32>
// CHECK-DAG: %[[M873:.+]] = arith.constant dense<-8.730000e+01> : vector<8xf32>
// CHECK-DAG: %[[C32:.+]] = arith.constant dense<3.200000e+01> : vector<8xf32>
// CHECK-DAG: %[[EM32:.+]] = arith.constant dense<1.26641{{[0-9]+}}E-14> : vector<8xf32>
// CHECK-DAG: %[[HI:.+]] = arith.constant dense<88.7228317> : vector<8xf32>
// CHECK-DAG: %[[INF:.+]] = arith.constant dense<0x7F800000> : vector<8xf32>
// CHECK: %[[D:.+]] = arith.subf %[[X]], %[[C086]]
// CHECK: %[[A:.+]] = math.absf %[[D]]
// CHECK: %[[IN:.+]] = arith.cmpf ole, %[[A]], %[[C8786]]
// CHECK: %[[ALL:.+]] = vector.reduction <and>, %[[IN]] : vector<8xi1> into i1
// CHECK: scf.if %[[ALL]] -> (vector<8xf32>) {
// CHECK: %[[S:.+]] = math.fma %[[X]], %[[LOG2E]], %[[SHIFTER]]
// CHECK: %[[K:.+]] = arith.subf %[[S]], %[[SHIFTER]]
// CHECK: %[[R1:.+]] = math.fma %[[K]], %[[LN2HI]], %[[X]]
// CHECK: %[[R:.+]] = math.fma %[[K]], %[[LN2LO]], %[[R1]]
// CHECK-COUNT-6: math.fma %{{.+}}, %[[R]]
// CHECK: %[[SB:.+]] = arith.bitcast %[[S]] : vector<8xf32> to vector<8xi32>
// CHECK: %[[SCALE:.+]] = arith.shli %[[SB]], %[[C23]]
// CHECK: %[[PB:.+]] = arith.bitcast %{{.+}} : vector<8xf32> to vector<8xi32>
// CHECK: %[[E:.+]] = arith.addi %[[PB]], %[[SCALE]]
// CHECK: %[[EF:.+]] = arith.bitcast %[[E]] : vector<8xi32> to vector<8xf32>
// CHECK: scf.yield %[[EF]]
// CHECK: } else {
// CHECK: %[[LOW:.+]] = arith.cmpf olt, %[[X]], %[[M87]]
// CHECK: %[[XS:.+]] = arith.addf %[[X]], %[[C32]]
// CHECK: %[[MOVED:.+]] = arith.select %[[LOW]], %[[XS]], %[[X]]
// CHECK: %[[UNDER:.+]] = arith.cmpf olt, %[[MOVED]], %[[M873]]
// CHECK: %[[CLAMPED:.+]] = arith.select %[[UNDER]], %[[M873]], %[[MOVED]]
// CHECK: math.fma %[[CLAMPED]], %[[LOG2E]], %[[SHIFTER]]
// CHECK: %[[CORE:.+]] = arith.bitcast %{{.+}} : vector<8xi32> to vector<8xf32>
// CHECK: %[[BACK:.+]] = arith.mulf %[[CORE]], %[[EM32]]
// CHECK: %[[R2:.+]] = arith.select %[[LOW]], %[[BACK]], %[[CORE]]
// CHECK: %[[OVER:.+]] = arith.cmpf ogt, %[[X]], %[[HI]]
// CHECK: %[[R3:.+]] = arith.select %[[OVER]], %[[INF]], %[[R2]]
// CHECK: %[[NAN:.+]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK: %[[R4:.+]] = arith.select %[[NAN]], %[[X]], %[[R3]]
// CHECK: scf.yield %[[R4]]
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
