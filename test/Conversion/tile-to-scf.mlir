// RUN: %nlc-opt %s -split-input-file --convert-tile-to-scf | FileCheck %s --enable-var-scope
// The CPU reference lowering, one case per op: every tile becomes a buffer
// (small ones on the stack) and every op a loop nest of scalar code. The
// checks pin what carries the semantics: padding and masking conditions,
// the scalar code of elementwise ops, accumulator types, saturation bounds.

// CHECK-LABEL: func.func @splat(
// CHECK-SAME: %[[X:[^:]+]]: f32
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<8xf32>
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: memref.store %[[X]], %[[BUF]][%[[I]]] : memref<8xf32>
func.func @splat(%x: f32, %v: memref<?xf32>, %i: index) {
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  tile.store %t, %v[%i] : !tile.tile<8xf32>, memref<?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @iota(
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<16xi8>
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: %[[E:.+]] = arith.index_cast %[[I]] : index to i8
// CHECK-NEXT: memref.store %[[E]], %[[BUF]][%[[I]]] : memref<16xi8>
func.func @iota(%v: memref<?xi8>, %i: index) {
  %t = tile.iota : !tile.tile<16xi8>
  tile.store %t, %v[%i] : !tile.tile<16xi8>, memref<?xi8>
  return
}

// -----

// A load reads an element only where the tile index is in range (compared
// with the number of tiles before any offset is computed, so nothing
// wraps) and the element lies inside the view; elsewhere it gives the pad.
// CHECK-LABEL: func.func @load(
// CHECK-SAME: %[[V:[^:]+]]: memref<?x?xf16>, %[[TI:[^:]+]]: index, %[[TJ:[^:]+]]: index, %[[PAD:[^:]+]]: f16
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<4x8xf16>
// CHECK: %[[D0:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK: %[[N0:.+]] = arith.ceildivui %[[D0]], %{{.+}} : index
// CHECK: %[[OK0:.+]] = arith.cmpi ult, %[[TI]], %[[N0]] : index
// CHECK: %[[D1:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK: %[[N1:.+]] = arith.ceildivui %[[D1]], %{{.+}} : index
// CHECK: %[[OK1:.+]] = arith.cmpi ult, %[[TJ]], %[[N1]] : index
// CHECK: %[[OK:.+]] = arith.andi %[[OK0]], %[[OK1]] : i1
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK: scf.for %[[C:[^ ]+]] =
// CHECK: %[[B0:.+]] = arith.muli %[[TI]], %{{.+}} : index
// CHECK: %[[P0:.+]] = arith.addi %[[B0]], %[[R]] : index
// CHECK: %[[E0:.+]] = arith.cmpi ult, %[[P0]], %{{.+}} : index
// CHECK: %[[IN0:.+]] = arith.andi %[[OK]], %[[E0]] : i1
// CHECK: %[[B1:.+]] = arith.muli %[[TJ]], %{{.+}} : index
// CHECK: %[[P1:.+]] = arith.addi %[[B1]], %[[C]] : index
// CHECK: %[[E1:.+]] = arith.cmpi ult, %[[P1]], %{{.+}} : index
// CHECK: %[[IN:.+]] = arith.andi %[[IN0]], %[[E1]] : i1
// CHECK: %[[X:.+]] = scf.if %[[IN]] -> (f16) {
// CHECK-NEXT: %[[L:.+]] = memref.load %[[V]][%[[P0]], %[[P1]]]
// CHECK-NEXT: scf.yield %[[L]] : f16
// CHECK-NEXT: } else {
// CHECK-NEXT: scf.yield %[[PAD]] : f16
// CHECK: memref.store %[[X]], %[[BUF]][%[[R]], %[[C]]]
func.func @load(%v: memref<?x?xf16>, %ti: index, %tj: index, %pad: f16,
                %w: memref<?x?xf16>) {
  %t = tile.load %v[%ti, %tj] padding(%pad : f16) : memref<?x?xf16> -> !tile.tile<4x8xf16>
  tile.store %t, %w[%ti, %tj] : !tile.tile<4x8xf16>, memref<?x?xf16>
  return
}

// -----

// On a rank-4 view the leading indices are element indices, compared with
// their dimensions (a leading index out of range reads only padding); the
// tile index addresses the last two dimensions.
// CHECK-LABEL: func.func @load_rank4(
// CHECK-SAME: %[[V:[^:]+]]: memref<?x?x?x?xf32>, %[[B:[^:]+]]: index, %[[H:[^:]+]]: index, %[[TI:[^:]+]]: index, %[[TJ:[^:]+]]: index
// CHECK: %[[DB:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK-NOT: arith.ceildivui
// CHECK: %[[OKB:.+]] = arith.cmpi ult, %[[B]], %[[DB]] : index
// CHECK: %[[DH:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK-NOT: arith.ceildivui
// CHECK: %[[OKH:.+]] = arith.cmpi ult, %[[H]], %[[DH]] : index
// CHECK: %[[OK0:.+]] = arith.andi %[[OKB]], %[[OKH]] : i1
// CHECK: %[[D2:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK: %[[N2:.+]] = arith.ceildivui %[[D2]], %{{.+}} : index
// CHECK: arith.cmpi ult, %[[TI]], %[[N2]] : index
// CHECK: %[[D3:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK: %[[N3:.+]] = arith.ceildivui %[[D3]], %{{.+}} : index
// CHECK: arith.cmpi ult, %[[TJ]], %[[N3]] : index
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK: scf.for %[[C:[^ ]+]] =
// CHECK: %[[P0:.+]] = arith.addi %{{.+}}, %[[R]] : index
// CHECK: %[[P1:.+]] = arith.addi %{{.+}}, %[[C]] : index
// CHECK: scf.if %{{.+}} -> (f32) {
// CHECK-NEXT: memref.load %[[V]][%[[B]], %[[H]], %[[P0]], %[[P1]]]
// The store: the same indices.
// CHECK: memref.store %{{.+}}, %[[V]][%[[B]], %[[H]], %{{.+}}, %{{.+}}]
func.func @load_rank4(%v: memref<?x?x?x?xf32>, %b: index, %h: index,
                      %ti: index, %tj: index) {
  %t = tile.load %v[%b, %h, %ti, %tj] : memref<?x?x?x?xf32> -> !tile.tile<4x8xf32>
  tile.store %t, %v[%b, %h, %ti, %tj] : !tile.tile<4x8xf32>, memref<?x?x?x?xf32>
  return
}

// -----

// Without `padding`, loads pad with zero.
// CHECK-LABEL: func.func @load_zero_pad(
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK: scf.if %{{.+}} -> (i32) {
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[ZERO]] : i32
func.func @load_zero_pad(%v: memref<?xi32>, %i: index) {
  %t = tile.load %v[%i] : memref<?xi32> -> !tile.tile<8xi32>
  tile.store %t, %v[%i] : !tile.tile<8xi32>, memref<?xi32>
  return
}

// -----

// A store writes an element only where a load would read it.
// CHECK-LABEL: func.func @store(
// CHECK-SAME: %[[X:[^:]+]]: f32, %[[V:[^:]+]]: memref<?xf32>, %[[TI:[^:]+]]: index
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[D:.+]] = memref.dim %[[V]], %{{.+}}
// CHECK: %[[N:.+]] = arith.ceildivui %[[D]], %{{.+}} : index
// CHECK: %[[OK:.+]] = arith.cmpi ult, %[[TI]], %[[N]] : index
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK: %[[B:.+]] = arith.muli %[[TI]], %{{.+}} : index
// CHECK: %[[P:.+]] = arith.addi %[[B]], %[[I]] : index
// CHECK: %[[E:.+]] = arith.cmpi ult, %[[P]], %{{.+}} : index
// CHECK: %[[IN:.+]] = arith.andi %[[OK]], %[[E]] : i1
// CHECK: scf.if %[[IN]] {
// CHECK-NEXT: %[[L:.+]] = memref.load %[[BUF]][%[[I]]]
// CHECK-NEXT: memref.store %[[L]], %[[V]][%[[P]]]
func.func @store(%x: f32, %v: memref<?xf32>, %ti: index) {
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  tile.store %t, %v[%ti] : !tile.tile<8xf32>, memref<?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @arith_float(
// CHECK-SAME: %[[X:[^:]+]]: f32, %[[Y:[^:]+]]: f32
// CHECK: %[[A:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[B:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[ADD:.+]] = memref.alloca() : memref<8xf32>
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK-NEXT: %[[L:.+]] = memref.load %[[A]][%[[I]]]
// CHECK-NEXT: %[[R:.+]] = memref.load %[[B]][%[[I]]]
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[L]], %[[R]] : f32
// CHECK-NEXT: memref.store %[[S]], %[[ADD]][%[[I]]]
// CHECK: arith.subf %{{.+}}, %{{.+}} : f32
// CHECK: arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// NaN-propagating maximum and minimum:
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK: arith.minimumf %{{.+}}, %{{.+}} : f32
// CHECK: arith.negf %{{.+}} : f32
// CHECK: math.absf %{{.+}} : f32
func.func @arith_float(%x: f32, %y: f32, %v: memref<?xf32>, %i: index) {
  %a = tile.splat %x : f32 -> !tile.tile<8xf32>
  %b = tile.splat %y : f32 -> !tile.tile<8xf32>
  %0 = tile.add %a, %b : !tile.tile<8xf32>
  %1 = tile.sub %0, %b : !tile.tile<8xf32>
  %2 = tile.mul %1, %b : !tile.tile<8xf32>
  %3 = tile.div %2, %b : !tile.tile<8xf32>
  %4 = tile.max %3, %b : !tile.tile<8xf32>
  %5 = tile.min %4, %b : !tile.tile<8xf32>
  %6 = tile.neg %5 : !tile.tile<8xf32>
  %7 = tile.abs %6 : !tile.tile<8xf32>
  tile.store %7, %v[%i] : !tile.tile<8xf32>, memref<?xf32>
  return
}

// -----

// Integer tiles are signed and wrap.
// CHECK-LABEL: func.func @arith_int(
// CHECK: arith.addi %{{.+}}, %{{.+}} : i32
// CHECK: arith.subi %{{.+}}, %{{.+}} : i32
// CHECK: arith.muli %{{.+}}, %{{.+}} : i32
// CHECK: arith.maxsi %{{.+}}, %{{.+}} : i32
// CHECK: arith.minsi %{{.+}}, %{{.+}} : i32
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK: arith.subi %[[ZERO]], %{{.+}} : i32
// CHECK: math.absi %{{.+}} : i32
func.func @arith_int(%x: i32, %y: i32, %v: memref<?xi32>, %i: index) {
  %a = tile.splat %x : i32 -> !tile.tile<8xi32>
  %b = tile.splat %y : i32 -> !tile.tile<8xi32>
  %0 = tile.add %a, %b : !tile.tile<8xi32>
  %1 = tile.sub %0, %b : !tile.tile<8xi32>
  %2 = tile.mul %1, %b : !tile.tile<8xi32>
  %4 = tile.max %2, %b : !tile.tile<8xi32>
  %5 = tile.min %4, %b : !tile.tile<8xi32>
  %6 = tile.neg %5 : !tile.tile<8xi32>
  %7 = tile.abs %6 : !tile.tile<8xi32>
  tile.store %7, %v[%i] : !tile.tile<8xi32>, memref<?xi32>
  return
}

// -----

// Integer division never traps: x / 0 is 0, and MIN / -1 wraps (it is
// computed as 0 - x, with the divisor replaced by 1).
// CHECK-LABEL: func.func @div_int(
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK: %[[X:.+]] = memref.load %{{.+}}[%[[I]]] : memref<8xi8>
// CHECK: %[[Y:.+]] = memref.load %{{.+}}[%[[I]]] : memref<8xi8>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i8
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : i8
// CHECK-DAG: %[[MONE:.+]] = arith.constant -1 : i8
// CHECK: %[[ISZERO:.+]] = arith.cmpi eq, %[[Y]], %[[ZERO]] : i8
// CHECK: %[[ISMONE:.+]] = arith.cmpi eq, %[[Y]], %[[MONE]] : i8
// CHECK: %[[BAD:.+]] = arith.ori %[[ISZERO]], %[[ISMONE]] : i1
// CHECK: %[[SAFE:.+]] = arith.select %[[BAD]], %[[ONE]], %[[Y]] : i8
// CHECK: %[[Q:.+]] = arith.divsi %[[X]], %[[SAFE]] : i8
// CHECK: %[[NEG:.+]] = arith.subi %[[ZERO]], %[[X]] : i8
// CHECK: %[[R:.+]] = arith.select %[[ISMONE]], %[[NEG]], %[[Q]] : i8
// CHECK: %[[OUT:.+]] = arith.select %[[ISZERO]], %[[ZERO]], %[[R]] : i8
// CHECK: memref.store %[[OUT]]
func.func @div_int(%x: i8, %y: i8, %v: memref<?xi8>, %i: index) {
  %a = tile.splat %x : i8 -> !tile.tile<8xi8>
  %b = tile.splat %y : i8 -> !tile.tile<8xi8>
  %q = tile.div %a, %b : !tile.tile<8xi8>
  tile.store %q, %v[%i] : !tile.tile<8xi8>, memref<?xi8>
  return
}

// -----

// CHECK-LABEL: func.func @math(
// CHECK: math.exp %{{.+}} : f32
// CHECK: math.log %{{.+}} : f32
// CHECK: math.sqrt %{{.+}} : f32
// CHECK: math.rsqrt %{{.+}} : f32
// CHECK: math.tanh %{{.+}} : f32
// CHECK: math.erf %{{.+}} : f32
func.func @math(%x: f32, %v: memref<?xf32>, %i: index) {
  %a = tile.splat %x : f32 -> !tile.tile<8xf32>
  %0 = tile.exp %a : !tile.tile<8xf32>
  %1 = tile.log %0 : !tile.tile<8xf32>
  %2 = tile.sqrt %1 : !tile.tile<8xf32>
  %3 = tile.rsqrt %2 : !tile.tile<8xf32>
  %4 = tile.tanh %3 : !tile.tile<8xf32>
  %5 = tile.erf %4 : !tile.tile<8xf32>
  tile.store %5, %v[%i] : !tile.tile<8xf32>, memref<?xf32>
  return
}

// -----

// Floats compare ordered except `ne` (true on NaN); integers signed. A
// select takes its i1 condition element by element.
// CHECK-LABEL: func.func @cmp_select(
// CHECK: %[[LT:.+]] = memref.alloca() : memref<8xi1>
// CHECK: arith.cmpf olt, %{{.+}}, %{{.+}} : f32
// CHECK: arith.cmpf une, %{{.+}}, %{{.+}} : f32
// CHECK: arith.cmpf oge, %{{.+}}, %{{.+}} : f32
// CHECK: arith.cmpi sle, %{{.+}}, %{{.+}} : i32
// CHECK: arith.cmpi sgt, %{{.+}}, %{{.+}} : i32
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK-NEXT: %[[C:.+]] = memref.load %[[LT]][%[[I]]] : memref<8xi1>
// CHECK-NEXT: %[[A:.+]] = memref.load %{{.+}}[%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[B:.+]] = memref.load %{{.+}}[%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[S:.+]] = arith.select %[[C]], %[[A]], %[[B]] : f32
func.func @cmp_select(%x: f32, %y: f32, %k: i32, %v: memref<?xf32>, %i: index) {
  %a = tile.splat %x : f32 -> !tile.tile<8xf32>
  %b = tile.splat %y : f32 -> !tile.tile<8xf32>
  %n = tile.splat %k : i32 -> !tile.tile<8xi32>
  %lt = tile.cmp lt, %a, %b : !tile.tile<8xf32> -> !tile.tile<8xi1>
  %ne = tile.cmp ne, %a, %b : !tile.tile<8xf32> -> !tile.tile<8xi1>
  %ge = tile.cmp ge, %a, %b : !tile.tile<8xf32> -> !tile.tile<8xi1>
  %le = tile.cmp le, %n, %n : !tile.tile<8xi32> -> !tile.tile<8xi1>
  %gt = tile.cmp gt, %n, %n : !tile.tile<8xi32> -> !tile.tile<8xi1>
  %s = tile.select %lt, %a, %b : !tile.tile<8xi1>, !tile.tile<8xf32>
  tile.store %s, %v[%i] : !tile.tile<8xf32>, memref<?xf32>
  return
}

// -----

// Float to integer truncates toward zero and saturates, NaN giving 0; the
// bounds are exact powers of two, compared in at least f32.
// CHECK-LABEL: func.func @cast_saturating(
// CHECK: %[[H:.+]] = memref.load %{{.+}} : memref<8xf16>
// CHECK-NEXT: %[[X:.+]] = arith.extf %[[H]] : f16 to f32
// CHECK: %[[NAN:.+]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[HI:.+]] = arith.constant 1.280000e+02 : f32
// CHECK: %[[BIG:.+]] = arith.cmpf oge, %[[X]], %[[HI]] : f32
// CHECK: %[[LO:.+]] = arith.constant -1.280000e+02 : f32
// CHECK: %[[SMALL:.+]] = arith.cmpf olt, %[[X]], %[[LO]] : f32
// CHECK: %[[CONV:.+]] = arith.fptosi %[[X]] : f32 to i8
// CHECK: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: %[[R1:.+]] = arith.select %[[SMALL]], %[[MIN]], %[[CONV]] : i8
// CHECK: %[[MAX:.+]] = arith.constant 127 : i8
// CHECK: %[[R2:.+]] = arith.select %[[BIG]], %[[MAX]], %[[R1]] : i8
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i8
// CHECK: %[[R3:.+]] = arith.select %[[NAN]], %[[ZERO]], %[[R2]] : i8
// CHECK: memref.store %[[R3]]
func.func @cast_saturating(%x: f16, %v: memref<?xi8>, %i: index) {
  %a = tile.splat %x : f16 -> !tile.tile<8xf16>
  %c = tile.cast %a : !tile.tile<8xf16> -> !tile.tile<8xi8>
  tile.store %c, %v[%i] : !tile.tile<8xi8>, memref<?xi8>
  return
}

// -----

// Integers are signed (i1 as 0/1); floats narrow by rounding to nearest.
// CHECK-LABEL: func.func @cast_other(
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: arith.sitofp %{{.+}} : i32 to f32
// CHECK: arith.truncf %{{.+}} : f32 to bf16
// CHECK: arith.extui %{{.+}} : i1 to i32
func.func @cast_other(%x: i8, %b: i1, %v: memref<?xbf16>, %w: memref<?xi32>, %i: index) {
  %a = tile.splat %x : i8 -> !tile.tile<8xi8>
  %0 = tile.cast %a : !tile.tile<8xi8> -> !tile.tile<8xi32>
  %1 = tile.cast %0 : !tile.tile<8xi32> -> !tile.tile<8xf32>
  %2 = tile.cast %1 : !tile.tile<8xf32> -> !tile.tile<8xbf16>
  %m = tile.splat %b : i1 -> !tile.tile<8xi1>
  %3 = tile.cast %m : !tile.tile<8xi1> -> !tile.tile<8xi32>
  tile.store %2, %v[%i] : !tile.tile<8xbf16>, memref<?xbf16>
  tile.store %3, %w[%i] : !tile.tile<8xi32>, memref<?xi32>
  return
}

// -----

// Sums of f16 and bf16 accumulate in f32, in order of position, and round
// once at the end.
// CHECK-LABEL: func.func @reduce_sum_f16(
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[SUM:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT: %[[X:.+]] = memref.load %{{.+}} : memref<16xf16>
// CHECK-NEXT: %[[W:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[W]] : f32
// CHECK-NEXT: scf.yield %[[S]] : f32
// CHECK: %[[R:.+]] = arith.truncf %[[SUM]] : f32 to f16
// CHECK: return %[[R]] : f16
func.func @reduce_sum_f16(%x: f16) -> f16 {
  %t = tile.splat %x : f16 -> !tile.tile<16xf16>
  %s = tile.reduce sum %t along 0 : !tile.tile<16xf16> -> f16
  return %s : f16
}

// -----

// f32 and integer sums accumulate in the element type.
// CHECK-LABEL: func.func @reduce_sum_rows(
// CHECK: %[[OUT:.+]] = memref.alloca() : memref<4xi32>
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK: %[[SUM:.+]] = scf.for %[[C:[^ ]+]] = %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (i32) {
// CHECK-NEXT: %[[X:.+]] = memref.load %{{.+}}[%[[R]], %[[C]]] : memref<4x8xi32>
// CHECK-NEXT: %[[S:.+]] = arith.addi %[[ACC]], %[[X]] : i32
// CHECK: memref.store %[[SUM]], %[[OUT]][%[[R]]]
func.func @reduce_sum_rows(%x: i32, %v: memref<?xi32>, %i: index) {
  %t = tile.splat %x : i32 -> !tile.tile<4x8xi32>
  %s = tile.reduce sum %t along 1 : !tile.tile<4x8xi32> -> !tile.tile<4xi32>
  tile.store %s, %v[%i] : !tile.tile<4xi32>, memref<?xi32>
  return
}

// -----

// max/min start from element 0; floats propagate NaN, integers are signed.
// Along axis 0 the loop walks the rows of one column.
// CHECK-LABEL: func.func @reduce_max_min(
// CHECK: scf.for %[[C:[^ ]+]] =
// CHECK: %[[FIRST:.+]] = memref.load %{{.+}}[%{{.+}}, %[[C]]] : memref<8x4xf32>
// CHECK: scf.for %[[R:[^ ]+]] = %{{.+}} iter_args(%[[ACC:.+]] = %[[FIRST]]) -> (f32) {
// CHECK-NEXT: %[[X:.+]] = memref.load %{{.+}}[%[[R]], %[[C]]] : memref<8x4xf32>
// CHECK-NEXT: arith.maximumf %[[ACC]], %[[X]] : f32
// CHECK: arith.minsi %{{.+}}, %{{.+}} : i32
func.func @reduce_max_min(%x: f32, %k: i32) -> i32 {
  %t = tile.splat %x : f32 -> !tile.tile<8x4xf32>
  %m = tile.reduce max %t along 0 : !tile.tile<8x4xf32> -> !tile.tile<4xf32>
  %n = tile.splat %k : i32 -> !tile.tile<8xi32>
  %r = tile.reduce min %n along 0 : !tile.tile<8xi32> -> i32
  return %r : i32
}

// -----

// argmax: the first maximum wins (strictly greater replaces it).
// CHECK-LABEL: func.func @reduce_argmax(
// CHECK: %[[FIRST:.+]] = memref.load %{{.+}} : memref<8xf32>
// CHECK: %[[Z:.+]] = arith.constant 0 : i32
// CHECK: %{{.+}}:2 = scf.for %[[I:[^ ]+]] = %{{.+}} iter_args(%[[BEST:.+]] = %[[FIRST]], %[[POS:.+]] = %[[Z]]) -> (f32, i32) {
// CHECK-NEXT: %[[X:.+]] = memref.load %{{.+}}[%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[GT:.+]] = arith.cmpf ogt, %[[X]], %[[BEST]] : f32
// CHECK-NEXT: %[[NB:.+]] = arith.select %[[GT]], %[[X]], %[[BEST]] : f32
// CHECK-NEXT: %[[II:.+]] = arith.index_cast %[[I]] : index to i32
// CHECK-NEXT: %[[NP:.+]] = arith.select %[[GT]], %[[II]], %[[POS]] : i32
// CHECK-NEXT: scf.yield %[[NB]], %[[NP]] : f32, i32
func.func @reduce_argmax(%x: f32) -> i32 {
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  %r = tile.reduce argmax %t along 0 : !tile.tile<8xf32> -> i32
  return %r : i32
}

// -----

// Element (r, c) of a broadcast along 0 is source element c; along 1, r.
// CHECK-LABEL: func.func @broadcast(
// CHECK: %[[SRC:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[ROWS:.+]] = memref.alloca() : memref<4x8xf32>
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK-NEXT: scf.for %[[C:[^ ]+]] =
// CHECK-NEXT: %[[X:.+]] = memref.load %[[SRC]][%[[C]]] : memref<8xf32>
// CHECK-NEXT: memref.store %[[X]], %[[ROWS]][%[[R]], %[[C]]]
// CHECK: %[[COLS:.+]] = memref.alloca() : memref<8x4xf32>
// CHECK: scf.for %[[R2:[^ ]+]] =
// CHECK-NEXT: scf.for %[[C2:[^ ]+]] =
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[SRC]][%[[R2]]] : memref<8xf32>
// CHECK-NEXT: memref.store %[[Y]], %[[COLS]][%[[R2]], %[[C2]]]
func.func @broadcast(%x: f32, %v: memref<?x?xf32>, %i: index) {
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  %rows = tile.broadcast %t along 0 : !tile.tile<8xf32> -> !tile.tile<4x8xf32>
  %cols = tile.broadcast %t along 1 : !tile.tile<8xf32> -> !tile.tile<8x4xf32>
  tile.store %rows, %v[%i, %i] : !tile.tile<4x8xf32>, memref<?x?xf32>
  tile.store %cols, %v[%i, %i] : !tile.tile<8x4xf32>, memref<?x?xf32>
  return
}

// -----

// A transpose moves elements to swapped positions; the layout of the
// result changes no value.
// CHECK-LABEL: func.func @transpose(
// CHECK: %[[SRC:.+]] = memref.alloca() : memref<4x8xf32>
// CHECK: %[[T:.+]] = memref.alloca() : memref<8x4xf32>
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK-NEXT: scf.for %[[C:[^ ]+]] =
// CHECK-NEXT: %[[X:.+]] = memref.load %[[SRC]][%[[C]], %[[R]]] : memref<4x8xf32>
// CHECK-NEXT: memref.store %[[X]], %[[T]][%[[R]], %[[C]]]
func.func @transpose(%x: f32, %v: memref<?x?xf32>, %i: index) {
  %t = tile.splat %x : f32 -> !tile.tile<4x8xf32>
  %r = tile.transpose %t : !tile.tile<4x8xf32> -> !tile.tile<8x4xf32, col_major>
  tile.store %r, %v[%i, %i] : !tile.tile<8x4xf32, col_major>, memref<?x?xf32>
  return
}

// -----

// A reshape keeps the row-major order of elements.
// CHECK-LABEL: func.func @reshape(
// CHECK: %[[SRC:.+]] = memref.alloca() : memref<4x8xf32>
// CHECK: %[[FLAT:.+]] = memref.alloca() : memref<32xf32>
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK-NEXT: %[[EIGHT:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[R:.+]] = arith.divui %[[I]], %[[EIGHT]] : index
// CHECK-NEXT: %[[C:.+]] = arith.remui %[[I]], %[[EIGHT]] : index
// CHECK-NEXT: %[[X:.+]] = memref.load %[[SRC]][%[[R]], %[[C]]] : memref<4x8xf32>
// CHECK-NEXT: memref.store %[[X]], %[[FLAT]][%[[I]]]
// CHECK: %[[FLAT2:.+]] = memref.alloca() : memref<32xf32>
// CHECK: %[[BACK:.+]] = memref.alloca() : memref<2x16xf32>
// CHECK: scf.for %[[R2:[^ ]+]] =
// CHECK-NEXT: scf.for %[[C2:[^ ]+]] =
// CHECK-NEXT: %[[SIXTEEN:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[M:.+]] = arith.muli %[[R2]], %[[SIXTEEN]] : index
// CHECK-NEXT: %[[L:.+]] = arith.addi %[[M]], %[[C2]] : index
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[FLAT2]][%[[L]]] : memref<32xf32>
// CHECK-NEXT: memref.store %[[Y]], %[[BACK]][%[[R2]], %[[C2]]]
func.func @reshape(%x: f32, %v: memref<?xf32>, %w: memref<?x?xf32>, %i: index) {
  %t = tile.splat %x : f32 -> !tile.tile<4x8xf32>
  %f = tile.reshape %t : !tile.tile<4x8xf32> -> !tile.tile<32xf32>
  %g = tile.splat %x : f32 -> !tile.tile<32xf32>
  %b = tile.reshape %g : !tile.tile<32xf32> -> !tile.tile<2x16xf32>
  tile.store %f, %v[%i] : !tile.tile<32xf32>, memref<?xf32>
  tile.store %b, %w[%i, %i] : !tile.tile<2x16xf32>, memref<?x?xf32>
  return
}

// -----

// pair_rows: result (p, q) is source (2p + q % 2, q / 2); unpair_rows:
// result (r, c) is source (r / 2, 2c + r % 2), whatever its layout.
// CHECK-LABEL: func.func @pair_rows(
// CHECK: %[[SRC:.+]] = memref.alloca() : memref<4x8xbf16>
// CHECK: %[[P:.+]] = memref.alloca() : memref<2x16xbf16>
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK-NEXT: scf.for %[[Q:[^ ]+]] =
// CHECK-NEXT: %[[TWO:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[EVEN:.+]] = arith.muli %[[R]], %[[TWO]] : index
// CHECK-NEXT: %[[ODD:.+]] = arith.remui %[[Q]], %[[TWO]] : index
// CHECK-NEXT: %[[ROW:.+]] = arith.addi %[[EVEN]], %[[ODD]] : index
// CHECK-NEXT: %[[COL:.+]] = arith.divui %[[Q]], %[[TWO]] : index
// CHECK-NEXT: %[[X:.+]] = memref.load %[[SRC]][%[[ROW]], %[[COL]]] : memref<4x8xbf16>
// CHECK-NEXT: memref.store %[[X]], %[[P]][%[[R]], %[[Q]]]
// CHECK: %[[U:.+]] = memref.alloca() : memref<4x8xbf16>
// CHECK: scf.for %[[R2:[^ ]+]] =
// CHECK-NEXT: scf.for %[[C2:[^ ]+]] =
// CHECK-NEXT: %[[TWO2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[ROW2:.+]] = arith.divui %[[R2]], %[[TWO2]] : index
// CHECK-NEXT: %[[EVEN2:.+]] = arith.muli %[[C2]], %[[TWO2]] : index
// CHECK-NEXT: %[[ODD2:.+]] = arith.remui %[[R2]], %[[TWO2]] : index
// CHECK-NEXT: %[[COL2:.+]] = arith.addi %[[EVEN2]], %[[ODD2]] : index
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[P]][%[[ROW2]], %[[COL2]]] : memref<2x16xbf16>
// CHECK-NEXT: memref.store %[[Y]], %[[U]][%[[R2]], %[[C2]]]
func.func @pair_rows(%v: memref<?x?xbf16>, %w: memref<?x?xbf16>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xbf16> -> !tile.tile<4x8xbf16>
  %p = tile.pair_rows %t : !tile.tile<4x8xbf16> -> !tile.tile<2x16xbf16>
  %u = tile.unpair_rows %p : !tile.tile<2x16xbf16> -> !tile.tile<4x8xbf16, col_major>
  tile.store %p, %w[%i, %i] : !tile.tile<2x16xbf16>, memref<?x?xbf16>
  tile.store %u, %v[%i, %i] : !tile.tile<4x8xbf16, col_major>, memref<?x?xbf16>
  return
}

// -----

// In blocks of c = 4 columns (4 x 8: two blocks of K/2 = 2 rows): pair_rows'
// result (p, q) is source (2 (p % 2) + q % 2, (p / 2) 4 + q / 2);
// unpair_rows' result (r, j) is source ((j / 4) 2 + r / 2, 2 (j % 4) + r % 2).
// CHECK-LABEL: func.func @pair_rows_blocks(
// CHECK: %[[SRC:.+]] = memref.alloca() : memref<4x8xbf16>
// CHECK: %[[P:.+]] = memref.alloca() : memref<4x8xbf16>
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK-NEXT: scf.for %[[Q:[^ ]+]] =
// CHECK-NEXT: %[[TWO:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[ROWS:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[C:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[BLOCK:.+]] = arith.divui %[[R]], %[[ROWS]] : index
// CHECK-NEXT: %[[BCOL:.+]] = arith.muli %[[BLOCK]], %[[C]] : index
// CHECK-NEXT: %[[IN:.+]] = arith.remui %[[R]], %[[ROWS]] : index
// CHECK-NEXT: %[[EVEN:.+]] = arith.muli %[[IN]], %[[TWO]] : index
// CHECK-NEXT: %[[ODD:.+]] = arith.remui %[[Q]], %[[TWO]] : index
// CHECK-NEXT: %[[ROW:.+]] = arith.addi %[[EVEN]], %[[ODD]] : index
// CHECK-NEXT: %[[QC:.+]] = arith.divui %[[Q]], %[[TWO]] : index
// CHECK-NEXT: %[[COL:.+]] = arith.addi %[[BCOL]], %[[QC]] : index
// CHECK-NEXT: %[[X:.+]] = memref.load %[[SRC]][%[[ROW]], %[[COL]]] : memref<4x8xbf16>
// CHECK-NEXT: memref.store %[[X]], %[[P]][%[[R]], %[[Q]]]
// CHECK: %[[U:.+]] = memref.alloca() : memref<4x8xbf16>
// CHECK: scf.for %[[R2:[^ ]+]] =
// CHECK-NEXT: scf.for %[[J:[^ ]+]] =
// CHECK-NEXT: %[[TWO2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[PAIR:.+]] = arith.divui %[[R2]], %[[TWO2]] : index
// CHECK-NEXT: %[[C2:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[ROWS2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[BLOCK2:.+]] = arith.divui %[[J]], %[[C2]] : index
// CHECK-NEXT: %[[FIRST:.+]] = arith.muli %[[BLOCK2]], %[[ROWS2]] : index
// CHECK-NEXT: %[[ROW2:.+]] = arith.addi %[[FIRST]], %[[PAIR]] : index
// CHECK-NEXT: %[[JC:.+]] = arith.remui %[[J]], %[[C2]] : index
// CHECK-NEXT: %[[EVEN2:.+]] = arith.muli %[[JC]], %[[TWO2]] : index
// CHECK-NEXT: %[[ODD2:.+]] = arith.remui %[[R2]], %[[TWO2]] : index
// CHECK-NEXT: %[[COL2:.+]] = arith.addi %[[EVEN2]], %[[ODD2]] : index
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[P]][%[[ROW2]], %[[COL2]]] : memref<4x8xbf16>
// CHECK-NEXT: memref.store %[[Y]], %[[U]][%[[R2]], %[[J]]]
func.func @pair_rows_blocks(%v: memref<?x?xbf16>, %w: memref<?x?xbf16>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xbf16> -> !tile.tile<4x8xbf16>
  %p = tile.pair_rows %t block 4 : !tile.tile<4x8xbf16> -> !tile.tile<4x8xbf16>
  %u = tile.unpair_rows %p block 4 : !tile.tile<4x8xbf16> -> !tile.tile<4x8xbf16, col_major>
  tile.store %p, %w[%i, %i] : !tile.tile<4x8xbf16>, memref<?x?xbf16>
  tile.store %u, %v[%i, %i] : !tile.tile<4x8xbf16, col_major>, memref<?x?xbf16>
  return
}

// -----

// Quads (group 4): result (p, q) is source (4p + q % 4, q / 4); back,
// result (r, c) is source (r / 4, 4c + r % 4).
// CHECK-LABEL: func.func @quad_rows(
// CHECK: %[[SRC:.+]] = memref.alloca() : memref<8x4xi8>
// CHECK: %[[P:.+]] = memref.alloca() : memref<2x16xi8>
// CHECK: scf.for %[[R:[^ ]+]] =
// CHECK-NEXT: scf.for %[[Q:[^ ]+]] =
// CHECK-NEXT: %[[FOUR:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[FIRST:.+]] = arith.muli %[[R]], %[[FOUR]] : index
// CHECK-NEXT: %[[IN:.+]] = arith.remui %[[Q]], %[[FOUR]] : index
// CHECK-NEXT: %[[ROW:.+]] = arith.addi %[[FIRST]], %[[IN]] : index
// CHECK-NEXT: %[[COL:.+]] = arith.divui %[[Q]], %[[FOUR]] : index
// CHECK-NEXT: %[[X:.+]] = memref.load %[[SRC]][%[[ROW]], %[[COL]]] : memref<8x4xi8>
// CHECK-NEXT: memref.store %[[X]], %[[P]][%[[R]], %[[Q]]]
// CHECK: %[[U:.+]] = memref.alloca() : memref<8x4xi8>
// CHECK: scf.for %[[R2:[^ ]+]] =
// CHECK-NEXT: scf.for %[[C2:[^ ]+]] =
// CHECK-NEXT: %[[FOUR2:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[ROW2:.+]] = arith.divui %[[R2]], %[[FOUR2]] : index
// CHECK-NEXT: %[[FIRST2:.+]] = arith.muli %[[C2]], %[[FOUR2]] : index
// CHECK-NEXT: %[[IN2:.+]] = arith.remui %[[R2]], %[[FOUR2]] : index
// CHECK-NEXT: %[[COL2:.+]] = arith.addi %[[FIRST2]], %[[IN2]] : index
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[P]][%[[ROW2]], %[[COL2]]] : memref<2x16xi8>
// CHECK-NEXT: memref.store %[[Y]], %[[U]][%[[R2]], %[[C2]]]
func.func @quad_rows(%v: memref<?x?xi8>, %w: memref<?x?xi8>, %i: index) {
  %t = tile.load %v[%i, %i] : memref<?x?xi8> -> !tile.tile<8x4xi8>
  %p = tile.pair_rows %t group 4 : !tile.tile<8x4xi8> -> !tile.tile<2x16xi8>
  %u = tile.unpair_rows %p group 4 : !tile.tile<2x16xi8> -> !tile.tile<8x4xi8, col_major>
  tile.store %p, %w[%i, %i] : !tile.tile<2x16xi8>, memref<?x?xi8>
  tile.store %u, %v[%i, %i] : !tile.tile<8x4xi8, col_major>, memref<?x?xi8>
  return
}

// -----

// dot: f16 inputs widen to f32; each step is one fused multiply-add;
// the lhs is read at (i, k) and the rhs at (k, j) whatever their layouts.
// Without an accumulator the result starts from zero.
// CHECK-LABEL: func.func @dot_f16(
// CHECK: %[[A:.+]] = memref.alloca() : memref<4x8xf16>
// CHECK: %[[B:.+]] = memref.alloca() : memref<8x2xf16>
// CHECK: %[[C:.+]] = memref.alloca() : memref<4x2xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: memref.store %[[ZERO]], %[[C]]
// CHECK: scf.for %[[I:[^ ]+]] =
// CHECK-NEXT: scf.for %[[K:[^ ]+]] =
// CHECK-NEXT: scf.for %[[J:[^ ]+]] =
// CHECK-NEXT: %[[X:.+]] = memref.load %[[A]][%[[I]], %[[K]]] : memref<4x8xf16>
// CHECK-NEXT: %[[XW:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[B]][%[[K]], %[[J]]] : memref<8x2xf16>
// CHECK-NEXT: %[[YW:.+]] = arith.extf %[[Y]] : f16 to f32
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[C]][%[[I]], %[[J]]] : memref<4x2xf32>
// CHECK-NEXT: %[[S:.+]] = math.fma %[[XW]], %[[YW]], %[[OLD]] : f32
// CHECK-NEXT: memref.store %[[S]], %[[C]][%[[I]], %[[J]]] : memref<4x2xf32>
func.func @dot_f16(%x: f16, %v: memref<?x?xf32>, %i: index) {
  %a = tile.splat %x : f16 -> !tile.tile<4x8xf16>
  %b = tile.splat %x : f16 -> !tile.tile<8x2xf16, col_major>
  %c = tile.dot %a, %b : !tile.tile<4x8xf16>, !tile.tile<8x2xf16, col_major> -> !tile.tile<4x2xf32>
  tile.store %c, %v[%i, %i] : !tile.tile<4x2xf32>, memref<?x?xf32>
  return
}

// -----

// i8 inputs sign-extend to i32, which wraps. An accumulator that nothing
// else reads is updated in place; one read again is copied in first.
// CHECK-LABEL: func.func @dot_i8_acc(
// CHECK: %[[ACC:.+]] = memref.alloca() : memref<2x2xi32>
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.alloca
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: %[[P:.+]] = arith.muli %{{.+}}, %{{.+}} : i32
// CHECK-NEXT: %[[S:.+]] = arith.addi %{{.+}}, %[[P]] : i32
// CHECK-NEXT: memref.store %[[S]], %[[ACC]]
func.func @dot_i8_acc(%x: i8, %k: i32, %v: memref<?x?xi32>, %i: index) {
  %a = tile.splat %x : i8 -> !tile.tile<2x4xi8>
  %b = tile.splat %x : i8 -> !tile.tile<4x2xi8, col_major>
  %acc = tile.splat %k : i32 -> !tile.tile<2x2xi32>
  %c = tile.dot %a, %b, %acc : !tile.tile<2x4xi8>, !tile.tile<4x2xi8, col_major> -> !tile.tile<2x2xi32>
  tile.store %c, %v[%i, %i] : !tile.tile<2x2xi32>, memref<?x?xi32>
  return
}

// CHECK-LABEL: func.func @dot_acc_read_again(
// CHECK: %[[ACC:.+]] = memref.alloca() : memref<2x2xi32>
// CHECK: %[[C:.+]] = memref.alloca() : memref<2x2xi32>
// CHECK-NEXT: memref.copy %[[ACC]], %[[C]]
// CHECK: memref.store %{{.+}}, %[[C]]
func.func @dot_acc_read_again(%x: i8, %k: i32, %v: memref<?x?xi32>, %i: index) {
  %a = tile.splat %x : i8 -> !tile.tile<2x4xi8>
  %b = tile.splat %x : i8 -> !tile.tile<4x2xi8, col_major>
  %acc = tile.splat %k : i32 -> !tile.tile<2x2xi32>
  %c = tile.dot %a, %b, %acc : !tile.tile<2x4xi8>, !tile.tile<4x2xi8, col_major> -> !tile.tile<2x2xi32>
  tile.store %c, %v[%i, %i] : !tile.tile<2x2xi32>, memref<?x?xi32>
  tile.store %acc, %v[%i, %i] : !tile.tile<2x2xi32>, memref<?x?xi32>
  return
}

// A K loop: the carried accumulator is the `dot`'s result, so no copy in
// and none back at the end of the iteration.
// CHECK-LABEL: func.func @dot_k_loop(
// CHECK: memref.copy %{{.+}}, %[[ACC:.+]] : memref<2x2xf32> to memref<2x2xf32>
// CHECK-NEXT: scf.for
// CHECK-NOT: memref.copy
// CHECK: %[[OLD:.+]] = memref.load %[[ACC]]
// CHECK-NEXT: %[[NEW:.+]] = math.fma %{{.+}}, %{{.+}}, %[[OLD]]
// CHECK-NEXT: memref.store %[[NEW]], %[[ACC]]
// CHECK-NOT: memref.copy
// CHECK: call @tile_to_scf_end_of_dot_k_loop
func.func @dot_k_loop(%x: f32, %v: memref<?x?xf32>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = tile.splat %x : f32 -> !tile.tile<2x4xf32>
  %b = tile.splat %x : f32 -> !tile.tile<4x2xf32, col_major>
  %zero = tile.splat %x : f32 -> !tile.tile<2x2xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero) -> (!tile.tile<2x2xf32>) {
    %c = tile.dot %a, %b, %acc : !tile.tile<2x4xf32>, !tile.tile<4x2xf32, col_major> -> !tile.tile<2x2xf32>
    scf.yield %c : !tile.tile<2x2xf32>
  }
  tile.store %r, %v[%i, %i] : !tile.tile<2x2xf32>, memref<?x?xf32>
  func.call @tile_to_scf_end_of_dot_k_loop() : () -> ()
  return
}
func.func private @tile_to_scf_end_of_dot_k_loop()

// -----

// Encodings are for backends: the reference lowering ignores them.
// CHECK-LABEL: func.func @encoding_ignored(
// CHECK: memref.alloca() : memref<4x8xf32>
// CHECK: arith.addf
func.func @encoding_ignored(%x: f32, %v: memref<?x?xf32>, %i: index) {
  %t = tile.splat %x : f32 -> !tile.tile<4x8xf32, row_major, {vnni = 2 : i64}>
  %s = tile.add %t, %t : !tile.tile<4x8xf32, row_major, {vnni = 2 : i64}>
  tile.store %s, %v[%i, %i] : !tile.tile<4x8xf32, row_major, {vnni = 2 : i64}>, memref<?x?xf32>
  return
}

// -----

// tile.fused: one loop nest; a tile input is read at (i, j), an input
// broadcast along 0 at j, along 1 at i; a scalar is used as it is; the
// body is cloned on the elements.
// CHECK-LABEL: func.func @fused(
// CHECK-SAME: %{{[^:]+}}: memref<?x?xf32>, %{{[^:]+}}: memref<?xf32>, %{{[^:]+}}: memref<?xf32>, %[[S:[^:]+]]: f32
// The three tile.load nests, the last two reading the rank-1 views:
// CHECK: memref.load %{{.+}} : memref<?x?xf32>
// CHECK: memref.load %{{.+}} : memref<?xf32>
// CHECK: memref.load %{{.+}} : memref<?xf32>
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step
// CHECK-DAG: %[[X:.+]] = memref.load %{{.+}}[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-DAG: %[[Y:.+]] = memref.load %{{.+}}[%[[J]]] : memref<8xf32>
// CHECK-DAG: %[[Z:.+]] = memref.load %{{.+}}[%[[I]]] : memref<4xf32>
// CHECK: %[[P:.+]] = arith.mulf %[[X]], %[[Y]]
// CHECK: %[[Q:.+]] = arith.subf %[[P]], %[[Z]]
// CHECK: %[[T:.+]] = arith.addf %[[Q]], %[[S]]
// CHECK: memref.store %[[T]], %{{.+}}[%[[I]], %[[J]]] : memref<4x8xf32>
func.func @fused(%va: memref<?x?xf32>, %vc: memref<?xf32>, %vr: memref<?xf32>, %s: f32, %i: index) {
  %a = tile.load %va[%i, %i] : memref<?x?xf32> -> !tile.tile<4x8xf32>
  %c = tile.load %vc[%i] : memref<?xf32> -> !tile.tile<8xf32>
  %r = tile.load %vr[%i] : memref<?xf32> -> !tile.tile<4xf32>
  %0 = tile.fused(%a, %c, %r, %s) broadcast [-1, 0, 1, -1] : (!tile.tile<4x8xf32>, !tile.tile<8xf32>, !tile.tile<4xf32>, f32) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f32, %y: f32, %z: f32, %k: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.subf %p, %z : f32
    %t = arith.addf %q, %k : f32
    tile.yield %t : f32
  }
  tile.store %0, %va[%i, %i] : !tile.tile<4x8xf32>, memref<?x?xf32>
  return
}
