// RUN: %nlc-opt %s -split-input-file -nlc-grids-to-runtime -verify-diagnostics | FileCheck %s --enable-var-scope
// A kernel grid (an scf.parallel without reductions) becomes a call of
// nl_grid_launch: what the body uses from outside (a memref as its LLVM
// descriptor, a scalar, the trip counts) is stored in a struct on the
// stack; constants are cloned into the outlined function, which runs
// iterations [begin, end), the first dimension fastest, but with two or
// more dimensions the first two in groups of 4 positions of the first (all
// of the second for each group: instance l is at first + r % rows, r /
// rows, where the group g = (l % plane) / (4 * trip1) starts at row first =
// 4 g, has rows = min(4, trip0 - first) rows, and r = l % plane - g * 4 *
// trip1). A loop with a reduction is left alone.

// CHECK-LABEL: func.func @launch(
// CHECK-SAME: %[[BUF:[^:]+]]: memref<?xf32>, %[[S:[^:]+]]: f32, %[[X:[^:]+]]: index, %[[Y:[^:]+]]: index
// The argument block is allocated once, at the start of the function.
// CHECK-NEXT: llvm.mlir.constant(1 : i64)
// CHECK-NEXT: %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(f32, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, i64, i64)>
// CHECK: %[[TX:.+]] = arith.ceildivui %{{.+}}, %{{.+}} : index
// CHECK: %[[TY:.+]] = arith.ceildivui %{{.+}}, %{{.+}} : index
// CHECK: %[[N1:.+]] = arith.muli %{{.+}}, %[[TX]]
// CHECK: %[[N2:.+]] = arith.muli %[[N1]], %[[TY]]
// CHECK: llvm.store %[[S]], %{{.+}} : f32, !llvm.ptr
// CHECK: %[[D:.+]] = builtin.unrealized_conversion_cast %[[BUF]] : memref<?xf32> to !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: llvm.store %[[D]]
// CHECK: %[[XI:.+]] = builtin.unrealized_conversion_cast %[[TX]] : index to i64
// CHECK: llvm.store %[[XI]]
// CHECK: %[[YI:.+]] = builtin.unrealized_conversion_cast %[[TY]] : index to i64
// CHECK: llvm.store %[[YI]]
// CHECK: %[[F:.+]] = llvm.mlir.addressof @launch.grid : !llvm.ptr
// CHECK: %[[N:.+]] = arith.index_cast %[[N2]] : index to i64
// The block's size, for the runtime's copy: one past it, from null.
// CHECK: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK: %[[END:.+]] = llvm.getelementptr %[[NULL]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(f32, struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, i64, i64)>
// CHECK: %[[SIZE:.+]] = llvm.ptrtoint %[[END]] : !llvm.ptr to i64
// CHECK: llvm.call @nl_grid_launch(%[[F]], %[[CTX]], %[[SIZE]], %[[N]])
// The loop with a reduction stays.
// CHECK: scf.parallel {{.+}} -> f32
// CHECK: llvm.func @nl_grid_launch(!llvm.ptr, !llvm.ptr, i64, i64)
// The body is marked as kernel code, which code generation tunes for the
// CPU (test/Driver/kernel-tuning.nl).
// CHECK-LABEL: llvm.func internal @launch.grid(
// CHECK-SAME: %[[P:[^:]+]]: !llvm.ptr, %[[B:[^:]+]]: i64, %[[E:[^:]+]]: i64)
// CHECK-SAME: attributes {passthrough = ["nlc-grid-body"]}
// CHECK: %[[TWO:.+]] = arith.constant 2.0
// CHECK: %[[G:.+]] = arith.constant 4 : index
// CHECK: %[[SV:.+]] = llvm.load %{{.+}} : !llvm.ptr -> f32
// CHECK: llvm.load {{.+}} -> !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: %[[MEM:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<?xf32>
// CHECK: %[[SX:.+]] = builtin.unrealized_conversion_cast %{{.+}} : i64 to index
// CHECK: %[[SY:.+]] = builtin.unrealized_conversion_cast %{{.+}} : i64 to index
// CHECK-DAG: %[[EI:.+]] = arith.index_cast %[[E]] : i64 to index
// CHECK-DAG: %[[BI:.+]] = arith.index_cast %[[B]] : i64 to index
// CHECK: scf.for %[[L:.+]] = %[[BI]] to %[[EI]] step
// CHECK: %[[PLANE:.+]] = arith.muli %[[SX]], %[[SY]]
// CHECK: %[[IN:.+]] = arith.remui %[[L]], %[[PLANE]]
// CHECK: %[[SPAN:.+]] = arith.muli %[[G]], %[[SY]]
// CHECK: %[[GI:.+]] = arith.divui %[[IN]], %[[SPAN]]
// CHECK: %[[FIRST:.+]] = arith.muli %[[GI]], %[[G]]
// CHECK: %[[LEFT:.+]] = arith.subi %[[SX]], %[[FIRST]]
// CHECK: %[[ROWS:.+]] = arith.minui %[[G]], %[[LEFT]]
// CHECK: %[[START:.+]] = arith.muli %[[GI]], %[[SPAN]]
// CHECK: %[[R:.+]] = arith.subi %[[IN]], %[[START]]
// CHECK: %[[RI:.+]] = arith.remui %[[R]], %[[ROWS]]
// CHECK: %[[K:.+]] = arith.addi %[[FIRST]], %[[RI]]
// CHECK: arith.divui %[[R]], %[[ROWS]]
// CHECK: %[[KS:.+]] = arith.muli %[[K]], %{{.+}}
// CHECK: %[[I:.+]] = arith.addi %{{.+}}, %[[KS]]
// CHECK: %[[V:.+]] = arith.mulf %[[SV]], %[[TWO]]
// CHECK: memref.store %[[V]], %[[MEM]][%[[I]]]
// CHECK: llvm.return
func.func @launch(%buf: memref<?xf32>, %s: f32, %x: index, %y: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%x, %y) step (%c1, %c1) {
    %v = arith.mulf %s, %two : f32
    memref.store %v, %buf[%i] : memref<?xf32>
    scf.reduce
  }
  %sum = scf.parallel (%i) = (%c0) to (%x) step (%c1) init (%s) -> f32 {
    scf.reduce(%s : f32) {
    ^bb0(%a: f32, %b: f32):
      %t = arith.addf %a, %b : f32
      scf.reduce.return %t : f32
    }
  }
  memref.store %sum, %buf[%c0] : memref<?xf32>
  return
}

// -----

// Bounds other than 0 and steps other than 1: iteration k of a dimension
// is lb + k * step, and the trip count is ceil((ub - lb) / step), 0 if
// ub <= lb.
// CHECK-LABEL: func.func @strided(
// CHECK-SAME: %{{[^:]+}}: memref<?xf32>, %[[LB:[^:]+]]: index, %[[UB:[^:]+]]: index
// CHECK: %[[HI:.+]] = arith.maxsi %[[UB]], %[[LB]]
// CHECK: %[[SPAN:.+]] = arith.subi %[[HI]], %[[LB]]
// CHECK: arith.ceildivui %[[SPAN]], %c3
// CHECK: llvm.call @nl_grid_launch
// CHECK-LABEL: llvm.func internal @strided.grid(
// CHECK: %[[C3:.+]] = arith.constant 3 : index
// CHECK: scf.for
// CHECK: %[[K:.+]] = arith.remui
// CHECK: %[[KS:.+]] = arith.muli %[[K]], %[[C3]]
// CHECK: %[[I:.+]] = arith.addi %{{.+}}, %[[KS]]
// CHECK: memref.store %{{.+}}[%[[I]]]
func.func @strided(%buf: memref<?xf32>, %lb: index, %ub: index) {
  %c3 = arith.constant 3 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%lb) to (%ub) step (%c3) {
    memref.store %one, %buf[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A kernel call marked `nlc.row_strip = [arg, rows]`
// (convert-tile-launch-to-scf: operand `arg` is the left operand of bf16
// or i8 products, `rows` of its rows per row of instances): the groups
// take nl_grid_group_rows(rows x the bytes of a row, at most 4) rows,
// computed at the launch and passed in the context, instead of 4. Here 64
// rows of a bf16 matrix of %k columns: 128 * %k bytes.
// CHECK-LABEL: func.func @marked(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x?xbf16>
// CHECK: %[[K:.+]] = memref.dim %[[A]], %c1
// CHECK: %[[BYTES:.+]] = arith.muli %{{.+}}, %[[K]]
// CHECK: %[[B64:.+]] = arith.index_cast %[[BYTES]] : index to i64
// CHECK: %[[MOST:.+]] = llvm.mlir.constant(4 : i64) : i64
// CHECK: %[[ROWS:.+]] = llvm.call @nl_grid_group_rows(%[[B64]], %[[MOST]]) : (i64, i64) -> i64
// CHECK: %[[G:.+]] = arith.index_cast %[[ROWS]] : i64 to index
// CHECK: %[[GI:.+]] = builtin.unrealized_conversion_cast %[[G]] : index to i64
// CHECK: llvm.store %[[GI]]
// CHECK: llvm.call @nl_grid_launch
// CHECK: llvm.func @nl_grid_group_rows(i64, i64) -> i64
// CHECK-LABEL: llvm.func internal @marked.grid(
// CHECK: %[[SG:.+]] = builtin.unrealized_conversion_cast %{{.+}} : i64 to index
// CHECK: scf.for
// CHECK: arith.muli %[[SG]], %{{.+}}
// CHECK: func.call @k(
func.func private @k(%a: memref<?x?xbf16>, %i: index, %j: index)
func.func @marked(%a: memref<?x?xbf16>, %x: index, %y: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%x, %y) step (%c1, %c1) {
    func.call @k(%a, %i, %j) {nlc.row_strip = array<i64: 0, 64>} : (memref<?x?xbf16>, index, index) -> ()
    scf.reduce
  }
  return
}

// -----

// A marked call with `nlc.group_rows` (set by convert-tile-to-x86: f32
// products on AMX targets) takes that many rows per group, a constant;
// an f32 strip without it keeps 4: neither asks the runtime, which is not
// even declared.
// CHECK-LABEL: func.func @fixed(
// CHECK-NOT: nl_grid_group_rows
// CHECK: llvm.call @nl_grid_launch
// CHECK-NOT: nl_grid_group_rows
// CHECK: llvm.call @nl_grid_launch
// CHECK-NOT: nl_grid_group_rows
// CHECK-LABEL: llvm.func internal @fixed.grid(
// CHECK: %[[G:.+]] = arith.constant 64 : index
// CHECK: scf.for
// CHECK: arith.muli %[[G]], %{{.+}}
// CHECK: func.call @k(
// CHECK-LABEL: llvm.func internal @fixed.grid_0(
// CHECK: %[[G4:.+]] = arith.constant 4 : index
// CHECK: scf.for
// CHECK: arith.muli %[[G4]], %{{.+}}
// CHECK: func.call @k(
func.func private @k(%a: memref<?x?xf32>, %i: index, %j: index)
func.func @fixed(%a: memref<?x?xf32>, %x: index, %y: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%x, %y) step (%c1, %c1) {
    func.call @k(%a, %i, %j) {nlc.group_rows = 64 : i64, nlc.row_strip = array<i64: 0, 64>} : (memref<?x?xf32>, index, index) -> ()
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%x, %y) step (%c1, %c1) {
    func.call @k(%a, %i, %j) {nlc.row_strip = array<i64: 0, 64>} : (memref<?x?xf32>, index, index) -> ()
    scf.reduce
  }
  return
}
