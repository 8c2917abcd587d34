// RUN: nlc-opt %s -tile-pack-dot-operands | FileCheck %s --enable-var-scope
// RUN: nlc-opt %s -tile-pack-dot-operands="min-elements=1000 min-f32-elements=2000 min-i8-elements=3000" | FileCheck %s --check-prefix=MIN
// RUN: nlc-opt %s -tile-pack-dot-operands="pack-narrow-float-lhs=true" | FileCheck %s --check-prefix=NARROW
// RUN: nlc-opt %s -tile-pack-dot-operands="widen-f16=true" | FileCheck %s --check-prefix=WIDEN --enable-var-scope
// RUN: nlc-opt %s -tile-pack-dot-operands="widen-f16=true min-widened-elements=5000" | FileCheck %s --check-prefix=WIDENMIN
// RUN: nlc-opt %s -tile-pack-dot-operands="pack-f32-lhs=false" | FileCheck %s --check-prefix=NOLHS --enable-var-scope
// RUN: nlc-opt %s -tile-pack-dot-operands="i8-lhs-in-place=true" | FileCheck %s --check-prefix=INPLACE --enable-var-scope
// tile-pack-dot-operands: a rank-2 view read only by loads of one tile type
// (and memref.dim) whose tiles feed dot operands alone is packed into tiles
// once per launch; everything else keeps the launch as it was.

!v2 = memref<?x?xf32, strided<[?, ?], offset: ?>>

// A and B are packed; C is written, so it is not, and each packed view's
// base pointer is compared with C's at run time.
func.func private @mm(%a: !v2, %b: !v2, %c: !v2, %kt: index) attributes {tile.kernel} {
  %i = tile.program_id 0
  %j = tile.program_id 1
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cst = arith.constant 1.5 : f32
  %zero = tile.splat %cst : f32 -> !tile.tile<8x16xf32>
  %r = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %zero) -> (!tile.tile<8x16xf32>) {
    %x = tile.load %a[%i, %k] padding(%cst : f32) : !v2 -> !tile.tile<8x4xf32>
    %y = tile.load %b[%k, %j] : !v2 -> !tile.tile<4x16xf32, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<8x4xf32>, !tile.tile<4x16xf32, col_major> -> !tile.tile<8x16xf32>
    scf.yield %d : !tile.tile<8x16xf32>
  }
  tile.store %r, %c[%i, %j] : !tile.tile<8x16xf32>, !v2
  return
}

// CHECK-LABEL: func.func private @mm.packed(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?xf32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?xf32
// CHECK-SAME: %[[PA:[^:]+]]: memref<?x?x8x4xf32, strided<[?, ?, 4, 1], offset: ?>>
// CHECK-SAME: %[[PB:[^:]+]]: memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>>
// CHECK: scf.for
// CHECK: tile.load %[[PA]][%{{.+}}, %{{.+}}, %[[Z:.+]], %[[Z]]] padding(%{{.+}} : f32)
// CHECK-SAME: -> !tile.tile<8x4xf32>
// CHECK: tile.load %[[PB]][%{{.+}}, %{{.+}}, %[[Z2:.+]], %[[Z2]]] :
// CHECK-SAME: -> !tile.tile<4x16xf32, col_major>
// CHECK: tile.dot

// The packing kernels: program l of a 1-D grid copies tile (i, j), with the
// load's own pad value, into slice [i, j, 0, 0], l in the packed tensor's
// memory order: A's by rows of tiles (j = l % tiles_j, i = l / tiles_j),
// B's by columns of tiles (i = l % tiles_i, j = l / tiles_i).
// CHECK-LABEL: func.func private @mm.pack0(
// CHECK-SAME: attributes {tile.kernel}
// CHECK: %[[PL:.+]] = tile.program_id 0
// CHECK: %[[PN:.+]] = memref.dim %arg1, %c1
// CHECK: %[[PJ:.+]] = arith.remui %[[PL]], %[[PN]] : index
// CHECK: %[[PI:.+]] = arith.divui %[[PL]], %[[PN]] : index
// CHECK: %[[PAD:.+]] = arith.constant 1.500000e+00 : f32
// CHECK: %[[T:.+]] = tile.load %{{.+}}[%[[PI]], %[[PJ]]] padding(%[[PAD]] : f32) : {{.+}} -> !tile.tile<8x4xf32>
// CHECK: tile.store %[[T]], %{{.+}}[%[[PI]], %[[PJ]], %{{.+}}, %{{.+}}]
// CHECK-LABEL: func.func private @mm.pack1(
// CHECK: %[[QL:.+]] = tile.program_id 0
// CHECK: %[[QN:.+]] = memref.dim %arg1, %c0
// CHECK: %[[QI:.+]] = arith.remui %[[QL]], %[[QN]] : index
// CHECK: %[[QJ:.+]] = arith.divui %[[QL]], %[[QN]] : index
// CHECK: tile.load %{{.+}}[%[[QI]], %[[QJ]]] : {{.+}} -> !tile.tile<4x16xf32, col_major>

// A view that is also stored to, a load that feeds an add, a load used as
// the accumulator, two tile shapes, and a pad value that is not a constant:
// none of these is packed.
func.func private @written(%a: !v2, %b: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : !v2 -> !tile.tile<8x4xf32>
  %y = tile.load %b[%i, %i] : !v2 -> !tile.tile<4x16xf32>
  %d = tile.dot %x, %y : !tile.tile<8x4xf32>, !tile.tile<4x16xf32> -> !tile.tile<8x16xf32>
  tile.store %x, %a[%i, %i] : !tile.tile<8x4xf32>, !v2
  tile.store %d, %b[%i, %i] : !tile.tile<8x16xf32>, !v2
  return
}
func.func private @not_dot(%a: !v2, %b: !v2, %c: !v2, %e: !v2, %p: f32) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : !v2 -> !tile.tile<8x8xf32>
  %y = tile.load %b[%i, %i] padding(%p : f32) : !v2 -> !tile.tile<8x8xf32>
  %s = tile.add %x, %x : !tile.tile<8x8xf32>
  %d = tile.dot %s, %y : !tile.tile<8x8xf32>, !tile.tile<8x8xf32> -> !tile.tile<8x8xf32>
  %w = tile.load %c[%i, %i] : !v2 -> !tile.tile<8x8xf32>
  %w2 = tile.load %c[%i, %i] : !v2 -> !tile.tile<4x8xf32>
  %f = tile.dot %w2, %w : !tile.tile<4x8xf32>, !tile.tile<8x8xf32> -> !tile.tile<4x8xf32>
  %g = tile.load %e[%i, %i] : !v2 -> !tile.tile<8x8xf32>
  %h = tile.dot %d, %d, %g : !tile.tile<8x8xf32>, !tile.tile<8x8xf32> -> !tile.tile<8x8xf32>
  tile.store %f, %a[%i, %i] : !tile.tile<4x8xf32>, !v2
  tile.store %h, %a[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// CHECK-NOT: @written.packed
// CHECK-NOT: @not_dot.packed

// An f16 dot: B is packed, A (the left operand, which the x86 micro-kernel
// widens into a buffer anyway) only with pack-narrow-float-lhs.
!h2 = memref<?x?xf16, strided<[?, ?], offset: ?>>
func.func private @half(%a: !h2, %b: !h2, %c: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %x = tile.load %a[%i, %i] : !h2 -> !tile.tile<8x8xf16>
  %y = tile.load %b[%i, %i] : !h2 -> !tile.tile<8x8xf16>
  %d = tile.dot %x, %y : !tile.tile<8x8xf16>, !tile.tile<8x8xf16> -> !tile.tile<8x8xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// CHECK-LABEL: func.func private @half.packed(
// CHECK-SAME: %{{[^:]+}}: memref<?x?x8x8xf16, strided<[?, ?, 8, 1], offset: ?>>)
// CHECK-NOT: @half.pack0
// CHECK: func.func private @half.pack1(
// NARROW-LABEL: func.func private @half.packed(
// NARROW-SAME: memref<?x?x8x8xf16, strided<[?, ?, 8, 1], offset: ?>>, %{{[^:]+}}: memref<?x?x8x8xf16
// NARROW: func.func private @half.pack0(
// With widen-f16 both are packed widened to f32 and the packed kernel's
// `dot` takes the f32 tiles.
// WIDEN-LABEL: func.func private @half.packed(
// WIDEN-SAME: %[[PA:[^:]+]]: memref<?x?x8x8xf32, strided<[?, ?, 8, 1], offset: ?>>, %[[PB:[^:]+]]: memref<?x?x8x8xf32, strided<[?, ?, 8, 1], offset: ?>>)
// WIDEN: %[[X:.+]] = tile.load %[[PA]]{{.+}} -> !tile.tile<8x8xf32>
// WIDEN: %[[Y:.+]] = tile.load %[[PB]]{{.+}} -> !tile.tile<8x8xf32>
// WIDEN: tile.dot %[[X]], %[[Y]] : !tile.tile<8x8xf32>, !tile.tile<8x8xf32> -> !tile.tile<8x8xf32>
// WIDEN-LABEL: func.func private @half.pack0(
// WIDEN-SAME: memref<?x?x8x8xf32, strided<[?, ?, 8, 1], offset: ?>>)
// WIDEN: %[[T:.+]] = tile.load %{{.+}} -> !tile.tile<8x8xf16>
// WIDEN: %[[W:.+]] = tile.cast %[[T]] : !tile.tile<8x8xf16> -> !tile.tile<8x8xf32>
// WIDEN: tile.store %[[W]]
// WIDEN-LABEL: func.func private @half.pack1(
// WIDEN: tile.cast %{{.+}} : !tile.tile<8x8xf16> -> !tile.tile<8x8xf32>

// CHECK-LABEL: func.func @host(
// CHECK-SAME: %[[HA:[^:]+]]: memref<?x?xf32, strided<[?, ?], offset: ?>>, %[[HB:[^:]+]]: memref<?x?xf32, strided<[?, ?], offset: ?>>, %[[HC:[^:]+]]: memref<?x?xf32
// CHECK-SAME: %[[HH:[^:]+]]: memref<?x?xf16, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?xf16
// The f16 launch: each tile of its B is read once per row tile of its A
// (tiles of 8 rows): B is packed only where A has more than one.
// CHECK: %[[HROWS:.+]] = memref.dim %[[HH]], %{{.+}}
// CHECK-NEXT: arith.cmpi ugt, %[[HROWS]], %c8{{.*}} : index
// CHECK: %[[R:.+]] = memref.dim %[[HA]], %{{.+}}
// CHECK: %[[C:.+]] = memref.dim %[[HA]], %{{.+}}
// Every packed view has min-elements (32768); the views being all f32,
// one of them (A or B) must also have min-f32-elements (2^19).
// CHECK: %[[N:.+]] = arith.muli %[[R]], %[[C]] : index
// CHECK: arith.cmpi uge, %[[N]], %c32768
// CHECK: %[[LA:.+]] = arith.cmpi uge, %[[N]], %c524288
// CHECK: %[[LARGEA:.+]] = arith.ori %false{{.*}}, %[[LA]] : i1
// CHECK: %[[PC:.+]] = memref.extract_aligned_pointer_as_index %[[HC]]
// CHECK: %[[PA0:.+]] = memref.extract_aligned_pointer_as_index %[[HA]]
// CHECK: arith.cmpi ne, %[[PA0]], %[[PC]] : index
// CHECK: %[[NB:.+]] = arith.muli
// CHECK: arith.cmpi uge, %[[NB]], %c32768
// An f32 B is packed even where A has one row tile (see the f16 launch).
// CHECK-NOT: arith.cmpi ugt
// CHECK: %[[LB:.+]] = arith.cmpi uge, %[[NB]], %c524288
// CHECK: %[[LARGE:.+]] = arith.ori %[[LARGEA]], %[[LB]] : i1
// CHECK: %[[PAYS:.+]] = arith.andi %{{.+}}, %[[LARGE]] : i1
// CHECK: scf.if %[[PAYS]] {
// The buffers are scratch memory, kept by the runtime between launches.
// CHECK: %[[BA:.+]] = memref.alloc(%{{.+}}, %{{.+}}) {nlc.scratch} : memref<?x?x8x4xf32>
// CHECK: %[[VA:.+]] = memref.cast %[[BA]] : memref<?x?x8x4xf32> to memref<?x?x8x4xf32, strided<[?, ?, 4, 1], offset: ?>>
// CHECK: %[[NTA:.+]] = arith.muli %{{.+}}, %{{.+}} : index
// CHECK: tile.launch @mm.pack0[%[[NTA]]] (%[[HA]], %[[VA]])
// B (only a right operand) is stored column of tiles by column of tiles:
// allocated [tiles_n, tiles_k, ..] and read through a transposed view.
// CHECK: %[[BB:.+]] = memref.alloc(%{{.+}}, %{{.+}}) {nlc.scratch} : memref<?x?x4x16xf32>
// CHECK: %[[TB:.+]] = memref.transpose %[[BB]] (d0, d1, d2, d3) -> (d1, d0, d2, d3) : memref<?x?x4x16xf32> to memref<?x?x4x16xf32, strided<[64, ?, 16, 1]>>
// CHECK: memref.cast %[[TB]]
// CHECK: tile.launch @mm.pack1
// CHECK: tile.launch @mm.packed[%{{.+}}, %{{.+}}] (%[[HA]], %[[HB]], %[[HC]], %{{.+}}, %[[VA]], %{{.+}})
// CHECK: memref.dealloc %[[BA]]
// CHECK: memref.dealloc %[[BB]]
// CHECK: } else {
// CHECK: tile.launch @mm[%{{.+}}, %{{.+}}] (%[[HA]], %[[HB]], %[[HC]], %{{.+}})
// CHECK: }
// CHECK: tile.launch @written
// CHECK-NOT: scf.if
// CHECK: tile.launch @not_dot
// MIN-LABEL: func.func @host(
// MIN: arith.constant 1000 : index
// MIN: arith.constant 2000 : index
func.func @host(%a: !v2, %b: !v2, %c: !v2, %n: index, %p: f32, %ha: !h2, %hb: !h2) {
  tile.launch @half[%n](%ha, %hb, %c) : !h2, !h2, !v2
  tile.launch @mm[%n, %n](%a, %b, %c, %n) : !v2, !v2, !v2, index
  tile.launch @written[%n](%a, %b) : !v2, !v2
  tile.launch @not_dot[%n](%a, %b, %c, %b, %p) : !v2, !v2, !v2, !v2, f32
  return
}

// widen-f16 with pad values: the packed loads pad with the widened value.
func.func private @half_pads(%a: !h2, %b: !h2, %c: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %one = arith.constant 1.0 : f16
  %two = arith.constant 2.0 : f16
  %x = tile.load %a[%i, %i] padding(%one : f16) : !h2 -> !tile.tile<8x8xf16>
  %y = tile.load %b[%i, %i] padding(%two : f16) : !h2 -> !tile.tile<8x8xf16>
  %d = tile.dot %x, %y : !tile.tile<8x8xf16>, !tile.tile<8x8xf16> -> !tile.tile<8x8xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// WIDEN-LABEL: func.func private @half_pads.packed(
// WIDEN-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f16
// WIDEN-DAG: %[[TWO:.+]] = arith.constant 2.000000e+00 : f16
// WIDEN-DAG: %[[ONE32:.+]] = arith.extf %[[ONE]] : f16 to f32
// WIDEN-DAG: %[[TWO32:.+]] = arith.extf %[[TWO]] : f16 to f32
// WIDEN-DAG: tile.load %{{.+}} padding(%[[ONE32]] : f32) : {{.+}} -> !tile.tile<8x8xf32>
// WIDEN-DAG: tile.load %{{.+}} padding(%[[TWO32]] : f32) : {{.+}} -> !tile.tile<8x8xf32>
// WIDEN-LABEL: func.func private @half_pads.pack0(
// WIDEN: padding(%{{.+}} : f16)
// WIDEN: tile.cast

// An f16 dot whose left operand is no load of a view: nothing is widened,
// B is packed as it is, and A (a splat) is not.
func.func private @half_splat(%b: !h2, %c: !v2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %h = arith.constant 0.5 : f16
  %x = tile.splat %h : f16 -> !tile.tile<8x8xf16>
  %y = tile.load %b[%i, %i] : !h2 -> !tile.tile<8x8xf16>
  %d = tile.dot %x, %y : !tile.tile<8x8xf16>, !tile.tile<8x8xf16> -> !tile.tile<8x8xf32>
  tile.store %d, %c[%i, %i] : !tile.tile<8x8xf32>, !v2
  return
}
// WIDEN-LABEL: func.func private @half_splat.packed(
// WIDEN-SAME: memref<?x?x8x8xf16, strided<[?, ?, 8, 1], offset: ?>>)
// WIDEN-NOT: tile.cast
// WIDEN-LABEL: func.func private @half_splat.pack0(
// WIDEN-NOT: tile.cast
// WIDEN: return

// The launch packs the widened views into f32 buffers, where one of them
// has min-widened-elements (2^17); f16 packed as it is needs no such size.
// WIDEN-LABEL: func.func @host_half(
// WIDEN: %[[NA:.+]] = arith.muli
// WIDEN: %[[LA:.+]] = arith.cmpi uge, %[[NA]], %c131072
// WIDEN: arith.ori %false{{.*}}, %[[LA]] : i1
// WIDEN: %[[NB:.+]] = arith.muli
// WIDEN: %[[LB:.+]] = arith.cmpi uge, %[[NB]], %c131072
// WIDEN: scf.if
// WIDEN: memref.alloc(%{{.+}}, %{{.+}}) {nlc.scratch} : memref<?x?x8x8xf32>
// WIDEN: tile.launch @half_pads.pack0
// WIDEN: memref.alloc(%{{.+}}, %{{.+}}) {nlc.scratch} : memref<?x?x8x8xf32>
// WIDEN: tile.launch @half_pads.pack1
// WIDEN: tile.launch @half_pads.packed
// WIDEN-NOT: 131072
// WIDEN: scf.if
// WIDEN: memref.alloc(%{{.+}}, %{{.+}}) {nlc.scratch} : memref<?x?x8x8xf16>
// WIDEN: tile.launch @half_splat.pack0
// WIDEN: tile.launch @half_splat.packed
// WIDENMIN-LABEL: func.func @host_half(
// WIDENMIN: arith.cmpi uge, %{{.+}}, %c5000
// WIDENMIN-NOT: 131072
// WIDENMIN: tile.launch @half_pads.packed
func.func @host_half(%ha: !h2, %hb: !h2, %c: !v2, %n: index) {
  tile.launch @half_pads[%n](%ha, %hb, %c) : !h2, !h2, !v2
  tile.launch @half_splat[%n](%hb, %c) : !h2, !v2
  return
}

// An i8 dot: as for f32, one of its views must also have min-i8-elements
// (2^17): unpacked, the x86 K loop packs B's quads and biases A per
// instance from any row stride, which smaller views do faster than the
// launch's copies.
!b2 = memref<?x?xi8, strided<[?, ?], offset: ?>>
!w2 = memref<?x?xi32, strided<[?, ?], offset: ?>>
func.func private @bytes(%a: !b2, %b: !b2, %c: !w2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %j = tile.program_id 1
  %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x8xi8>
  %y = tile.load %b[%i, %j] : !b2 -> !tile.tile<8x16xi8, col_major>
  %d = tile.dot %x, %y : !tile.tile<8x8xi8>, !tile.tile<8x16xi8, col_major> -> !tile.tile<8x16xi32>
  tile.store %d, %c[%i, %j] : !tile.tile<8x16xi32>, !w2
  return
}
// CHECK-LABEL: func.func @host_bytes(
// CHECK: %[[IA:.+]] = arith.muli
// CHECK: arith.cmpi uge, %[[IA]], %c32768
// CHECK: %[[ILA:.+]] = arith.cmpi uge, %[[IA]], %c131072
// CHECK-NEXT: %[[ILARGEA:.+]] = arith.ori %false{{.*}}, %[[ILA]] : i1
// CHECK: %[[IB:.+]] = arith.muli
// CHECK: arith.cmpi uge, %[[IB]], %c32768
// CHECK: %[[ILB:.+]] = arith.cmpi uge, %[[IB]], %c131072
// CHECK-NEXT: %[[ILARGE:.+]] = arith.ori %[[ILARGEA]], %[[ILB]] : i1
// CHECK: %[[IPAYS:.+]] = arith.andi %{{.+}}, %[[ILARGE]] : i1
// CHECK: scf.if %[[IPAYS]] {
// CHECK: tile.launch @bytes.packed
// CHECK: } else {
// CHECK: tile.launch @bytes[
// MIN-LABEL: func.func @host_bytes(
// MIN: arith.constant 3000 : index
// With i8-lhs-in-place, a second clone takes B's packed view only, and the
// packed branch runs it where A's columns are whole tiles (of 8) and fewer
// than 4096, the first clone (A packed too) elsewhere; no such clone without
// the option.
// CHECK-NOT: @bytes.packed_0
// INPLACE-LABEL: func.func private @bytes.packed(
// INPLACE-SAME: memref<?x?x8x8xi8, strided<[?, ?, 8, 1], offset: ?>>, %{{[^:]+}}: memref<?x?x8x16xi8, strided<[?, ?, 16, 1], offset: ?>>) attributes
// INPLACE-LABEL: func.func private @bytes.packed_0(
// INPLACE-SAME: %{{[^:]+}}: memref<?x?xi32, strided<[?, ?], offset: ?>>, %{{[^:]+}}: memref<?x?x8x16xi8, strided<[?, ?, 16, 1], offset: ?>>) attributes
// INPLACE-LABEL: func.func @host_bytes(
// INPLACE: scf.if
// INPLACE: %[[K:.+]] = memref.dim %arg0, %c1
// INPLACE: %[[R:.+]] = arith.remui %[[K]], %c8
// INPLACE: %[[RAGGED:.+]] = arith.cmpi ne, %[[R]], %c0
// INPLACE: %[[WIDE:.+]] = arith.cmpi uge, %[[K]], %c4096
// INPLACE: %[[PACKA:.+]] = arith.ori %[[RAGGED]], %[[WIDE]] : i1
// INPLACE: scf.if %[[PACKA]] {
// INPLACE: tile.launch @bytes.pack0
// INPLACE: tile.launch @bytes.pack1
// INPLACE: tile.launch @bytes.packed[
// INPLACE: } else {
// INPLACE-NOT: @bytes.pack0
// INPLACE: tile.launch @bytes.pack1
// INPLACE: tile.launch @bytes.packed_0[
// INPLACE: } else {
// INPLACE: tile.launch @bytes[
func.func @host_bytes(%a: !b2, %b: !b2, %c: !w2, %n: index) {
  tile.launch @bytes[%n, %n](%a, %b, %c) : !b2, !b2, !w2
  return
}

// An i8 dot whose right operand is not a load (`dot(x, transpose(w))`):
// only its left operand could be packed, which the x86 K loop biases into
// a buffer anyway; no packed clone, the launch unchanged.
// CHECK-NOT: @bytes_t.packed
// CHECK-LABEL: func.func @host_bytes_t(
// CHECK-NEXT: tile.launch @bytes_t[
// CHECK-NEXT: return
func.func private @bytes_t(%a: !b2, %w: !b2, %c: !w2) attributes {tile.kernel} {
  %i = tile.program_id 0
  %j = tile.program_id 1
  %x = tile.load %a[%i, %i] : !b2 -> !tile.tile<8x32xi8>
  %y = tile.load %w[%j, %i] : !b2 -> !tile.tile<16x32xi8>
  %t = tile.transpose %y : !tile.tile<16x32xi8> -> !tile.tile<32x16xi8, col_major>
  %d = tile.dot %x, %t : !tile.tile<8x32xi8>, !tile.tile<32x16xi8, col_major> -> !tile.tile<8x16xi32>
  tile.store %d, %c[%i, %j] : !tile.tile<8x16xi32>, !w2
  return
}
func.func @host_bytes_t(%a: !b2, %w: !b2, %c: !w2, %n: index) {
  tile.launch @bytes_t[%n, %n](%a, %w, %c) : !b2, !b2, !w2
  return
}

// Without pack-f32-lhs (the x86 Linux pipeline), @mm's A is not packed:
// no @mm.pack0, the packed clone takes B's packed view only; but A's size
// still decides, with B's, whether the launch packs (a one-row A, as in a
// decoding step's matrix-vector product, reads each tile of B once: packing
// B would only add a pass over it).
// NOLHS-NOT: @mm.pack0
// NOLHS-LABEL: func.func private @mm.packed(
// NOLHS-SAME: %{{[^:]+}}: index, %{{[^:]+}}: memref<?x?x4x16xf32, strided<[?, ?, 16, 1], offset: ?>>) attributes
// NOLHS-LABEL: func.func @host(
// NOLHS: tile.launch @half
// NOLHS: %[[RA:.+]] = memref.dim %arg0, %c0
// NOLHS: %[[CA:.+]] = memref.dim %arg0, %c1
// NOLHS: %[[NA:.+]] = arith.muli %[[RA]], %[[CA]] : index
// NOLHS: arith.cmpi uge, %[[NA]], %c32768
// NOLHS: %[[NB:.+]] = arith.muli
// NOLHS: arith.cmpi uge, %[[NB]], %c32768
// NOLHS: arith.cmpi uge, %[[NB]], %c524288
// NOLHS: tile.launch @mm.pack1
// NOLHS-NEXT: tile.launch @mm.packed
