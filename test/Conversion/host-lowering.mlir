// RUN: %nlc-opt --nlc-lower-host %s | FileCheck %s
// The host pipeline nlc runs, by name: everything reaches the LLVM dialect.

// CHECK-LABEL: llvm.func @count(
// CHECK-SAME: %[[N:.+]]: i64) -> i64
// CHECK-NOT: memref.
// CHECK-NOT: cf.
// CHECK-NOT: scf.
// CHECK: llvm.alloca
// CHECK: llvm.cond_br
// CHECK: llvm.return
func.func @count(%n: i64) -> i64 {
  %slot = memref.alloca() : memref<i64>
  %c0 = arith.constant 0 : i64
  %c1 = arith.constant 1 : i64
  memref.store %c0, %slot[] : memref<i64>
  cf.br ^head
^head:
  %i = memref.load %slot[] : memref<i64>
  %more = arith.cmpi slt, %i, %n : i64
  cf.cond_br %more, ^body, ^exit
^body:
  %big = arith.cmpi sgt, %i, %c1 : i64
  scf.if %big {
    func.call @report(%i) : (i64) -> ()
  }
  %next = arith.addi %i, %c1 : i64
  memref.store %next, %slot[] : memref<i64>
  cf.br ^head
^exit:
  return %i : i64
}

// CHECK-LABEL: llvm.func @root(
// CHECK: llvm.intr.sqrt
func.func @root(%x: f64) -> f64 {
  %r = math.sqrt %x : f64
  return %r : f64
}

// CHECK: llvm.func @report(i64)
func.func private @report(i64)
