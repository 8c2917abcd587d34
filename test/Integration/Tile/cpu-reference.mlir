// The CPU reference lowering computes what plain scalar loops compute, at
// sizes that are not multiples of the tile sizes (ragged edges padded on
// load, masked on store), with pseudo-random inputs.
// RUN: %nlc-opt %s --nlc-lower-tile-cpu --nlc-lower-host \
// RUN:   | %mlir_runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_c_runner_utils \
// RUN:   | FileCheck %s

// CHECK: matmul mismatches: 0 of 3500
// CHECK-NEXT: softmax mismatches: 0 of 740
// CHECK-NEXT: argmax mismatches: 0 of 37
// CHECK-NEXT: div: -2 -1 -1 0 0 0 1 1
// CHECK-NEXT: div by zero: 0 0

func.func private @printI64(i64)
func.func private @printNewline()
func.func private @printString(!llvm.ptr)

llvm.mlir.global internal constant @s_matmul("matmul mismatches: \00")
llvm.mlir.global internal constant @s_softmax("softmax mismatches: \00")
llvm.mlir.global internal constant @s_argmax("argmax mismatches: \00")
llvm.mlir.global internal constant @s_of(" of \00")
llvm.mlir.global internal constant @s_div("div: \00")
llvm.mlir.global internal constant @s_div0("div by zero: \00")
llvm.mlir.global internal constant @s_sp(" \00")

func.func @say(%p: !llvm.ptr) {
  func.call @printString(%p) : (!llvm.ptr) -> ()
  return
}

func.func @report(%label: !llvm.ptr, %bad: i64, %total: index) {
  func.call @say(%label) : (!llvm.ptr) -> ()
  func.call @printI64(%bad) : (i64) -> ()
  %of = llvm.mlir.addressof @s_of : !llvm.ptr
  func.call @say(%of) : (!llvm.ptr) -> ()
  %t = arith.index_cast %total : index to i64
  func.call @printI64(%t) : (i64) -> ()
  func.call @printNewline() : () -> ()
  return
}

// Fills m with values in [-1, 1) from a 64-bit LCG.
func.func @fill(%m: memref<?x?xf32>, %seed: i64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %m, %c0 : memref<?x?xf32>
  %cols = memref.dim %m, %c1 : memref<?x?xf32>
  %mul = arith.constant 6364136223846793005 : i64
  %inc = arith.constant 1442695040888963407 : i64
  %sh = arith.constant 40 : i64
  %scale = arith.constant 5.9604644775390625e-08 : f32
  %one = arith.constant 1.0 : f32
  %final = scf.for %i = %c0 to %rows step %c1 iter_args(%s0 = %seed) -> (i64) {
    %s2 = scf.for %j = %c0 to %cols step %c1 iter_args(%s = %s0) -> (i64) {
      %a = arith.muli %s, %mul : i64
      %n = arith.addi %a, %inc : i64
      %hi = arith.shrui %n, %sh : i64
      %f = arith.uitofp %hi : i64 to f32
      %u = arith.mulf %f, %scale : f32
      %v = arith.subf %u, %one : f32
      memref.store %v, %m[%i, %j] : memref<?x?xf32>
      scf.yield %n : i64
    }
    scf.yield %s2 : i64
  }
  return
}

/// Counts elements with |x - ref| > 1e-5 + 1e-5 * |ref|.
func.func @compare(%x: memref<?x?xf32>, %ref: memref<?x?xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %x, %c0 : memref<?x?xf32>
  %cols = memref.dim %x, %c1 : memref<?x?xf32>
  %tol = arith.constant 1.0e-5 : f32
  %zero = arith.constant 0 : i64
  %one = arith.constant 1 : i64
  %bad = scf.for %i = %c0 to %rows step %c1 iter_args(%b0 = %zero) -> (i64) {
    %b2 = scf.for %j = %c0 to %cols step %c1 iter_args(%b = %b0) -> (i64) {
      %a = memref.load %x[%i, %j] : memref<?x?xf32>
      %r = memref.load %ref[%i, %j] : memref<?x?xf32>
      %d = arith.subf %a, %r : f32
      %ad = math.absf %d : f32
      %ar = math.absf %r : f32
      %rel = arith.mulf %ar, %tol : f32
      %lim = arith.addf %rel, %tol : f32
      // NaN fails too: "not (ad <= lim)".
      %ok = arith.cmpf ole, %ad, %lim : f32
      %inc = arith.select %ok, %zero, %one : i64
      %bn = arith.addi %b, %inc : i64
      scf.yield %bn : i64
    }
    scf.yield %b2 : i64
  }
  return %bad : i64
}

// C = A x B with 32x16 by 16x32 tiles and the accumulator carried by the
// K loop.
func.func @matmul_tiled(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %c16 = arith.constant 16 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  %m = memref.dim %A, %c0 : memref<?x?xf32>
  %k = memref.dim %A, %c1 : memref<?x?xf32>
  %n = memref.dim %B, %c1 : memref<?x?xf32>
  %m1 = arith.addi %m, %c31 : index
  %gm = arith.divui %m1, %c32 : index
  %n1 = arith.addi %n, %c31 : index
  %gn = arith.divui %n1, %c32 : index
  %k1 = arith.addi %k, %c15 : index
  %gk = arith.divui %k1, %c16 : index
  %zero = arith.constant 0.0 : f32
  scf.for %ti = %c0 to %gm step %c1 {
    scf.for %tj = %c0 to %gn step %c1 {
      %init = tile.splat %zero : f32 -> !tile.tile<32x32xf32>
      %acc = scf.for %tk = %c0 to %gk step %c1 iter_args(%a = %init) -> (!tile.tile<32x32xf32>) {
        %ta = tile.load %A[%ti, %tk] : memref<?x?xf32> -> !tile.tile<32x16xf32>
        %tb = tile.load %B[%tk, %tj] : memref<?x?xf32> -> !tile.tile<16x32xf32>
        %next = tile.dot %ta, %tb, %a : !tile.tile<32x16xf32>, !tile.tile<16x32xf32> -> !tile.tile<32x32xf32>
        scf.yield %next : !tile.tile<32x32xf32>
      }
      tile.store %acc, %C[%ti, %tj] : !tile.tile<32x32xf32>, memref<?x?xf32>
    }
  }
  return
}

func.func @matmul_ref(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %A, %c0 : memref<?x?xf32>
  %k = memref.dim %A, %c1 : memref<?x?xf32>
  %n = memref.dim %B, %c1 : memref<?x?xf32>
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %m step %c1 {
    scf.for %j = %c0 to %n step %c1 {
      %s = scf.for %p = %c0 to %k step %c1 iter_args(%acc = %zero) -> (f32) {
        %a = memref.load %A[%i, %p] : memref<?x?xf32>
        %b = memref.load %B[%p, %j] : memref<?x?xf32>
        %ab = arith.mulf %a, %b : f32
        %t = arith.addf %acc, %ab : f32
        scf.yield %t : f32
      }
      memref.store %s, %C[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// Row softmax with 16x32 tiles over a 37x20 matrix: padding is -inf, so the
// padded columns contribute exp(-inf) = 0.
func.func @softmax_tiled(%X: memref<?x?xf32>, %Y: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %c16 = arith.constant 16 : index
  %m = memref.dim %X, %c0 : memref<?x?xf32>
  %m1 = arith.addi %m, %c15 : index
  %gm = arith.divui %m1, %c16 : index
  %ninf = arith.constant 0xFF800000 : f32
  scf.for %ti = %c0 to %gm step %c1 {
    %x = tile.load %X[%ti, %c0] padding(%ninf : f32) : memref<?x?xf32> -> !tile.tile<16x32xf32>
    %mx = tile.reduce max %x along 1 : !tile.tile<16x32xf32> -> !tile.tile<16xf32>
    %mb = tile.broadcast %mx along 1 : !tile.tile<16xf32> -> !tile.tile<16x32xf32>
    %d = tile.sub %x, %mb : !tile.tile<16x32xf32>
    %e = tile.exp %d : !tile.tile<16x32xf32>
    %s = tile.reduce sum %e along 1 : !tile.tile<16x32xf32> -> !tile.tile<16xf32>
    %sb = tile.broadcast %s along 1 : !tile.tile<16xf32> -> !tile.tile<16x32xf32>
    %y = tile.div %e, %sb : !tile.tile<16x32xf32>
    tile.store %y, %Y[%ti, %c0] : !tile.tile<16x32xf32>, memref<?x?xf32>
  }
  return
}

func.func @softmax_ref(%X: memref<?x?xf32>, %Y: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %X, %c0 : memref<?x?xf32>
  %n = memref.dim %X, %c1 : memref<?x?xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %m step %c1 {
    %mx = scf.for %j = %c0 to %n step %c1 iter_args(%a = %ninf) -> (f32) {
      %v = memref.load %X[%i, %j] : memref<?x?xf32>
      %b = arith.maximumf %a, %v : f32
      scf.yield %b : f32
    }
    %s = scf.for %j = %c0 to %n step %c1 iter_args(%a = %zero) -> (f32) {
      %v = memref.load %X[%i, %j] : memref<?x?xf32>
      %d = arith.subf %v, %mx : f32
      %e = math.exp %d : f32
      %b = arith.addf %a, %e : f32
      scf.yield %b : f32
    }
    scf.for %j = %c0 to %n step %c1 {
      %v = memref.load %X[%i, %j] : memref<?x?xf32>
      %d = arith.subf %v, %mx : f32
      %e = math.exp %d : f32
      %y = arith.divf %e, %s : f32
      memref.store %y, %Y[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// Row argmax with the same tiling; rows are written through a rank-1 view.
func.func @argmax_tiled(%X: memref<?x?xf32>, %I: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %c16 = arith.constant 16 : index
  %m = memref.dim %X, %c0 : memref<?x?xf32>
  %m1 = arith.addi %m, %c15 : index
  %gm = arith.divui %m1, %c16 : index
  %ninf = arith.constant 0xFF800000 : f32
  scf.for %ti = %c0 to %gm step %c1 {
    %x = tile.load %X[%ti, %c0] padding(%ninf : f32) : memref<?x?xf32> -> !tile.tile<16x32xf32>
    %best = tile.reduce argmax %x along 1 : !tile.tile<16x32xf32> -> !tile.tile<16xi32>
    tile.store %best, %I[%ti] : !tile.tile<16xi32>, memref<?xi32>
  }
  return
}

func.func @argmax_check(%X: memref<?x?xf32>, %I: memref<?xi32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %X, %c0 : memref<?x?xf32>
  %n = memref.dim %X, %c1 : memref<?x?xf32>
  %zero = arith.constant 0 : i64
  %one = arith.constant 1 : i64
  %ninf = arith.constant 0xFF800000 : f32
  %z32 = arith.constant 0 : i32
  %bad = scf.for %i = %c0 to %m step %c1 iter_args(%b = %zero) -> (i64) {
    %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%best = %ninf, %at = %z32) -> (f32, i32) {
      %v = memref.load %X[%i, %j] : memref<?x?xf32>
      %gt = arith.cmpf ogt, %v, %best : f32
      %nb = arith.select %gt, %v, %best : f32
      %jj = arith.index_cast %j : index to i32
      %na = arith.select %gt, %jj, %at : i32
      scf.yield %nb, %na : f32, i32
    }
    %got = memref.load %I[%i] : memref<?xi32>
    %same = arith.cmpi eq, %got, %r#1 : i32
    %inc = arith.select %same, %zero, %one : i64
    %bn = arith.addi %b, %inc : i64
    scf.yield %bn : i64
  }
  return %bad : i64
}

// Integer tile division truncates, and division by zero gives 0.
func.func @int_division() {
  %iota = tile.iota : !tile.tile<8xi32>
  %c4 = arith.constant 4 : i32
  %four = tile.splat %c4 : i32 -> !tile.tile<8xi32>
  %x = tile.sub %iota, %four : !tile.tile<8xi32>
  %c2 = arith.constant 2 : i32
  %two = tile.splat %c2 : i32 -> !tile.tile<8xi32>
  %q = tile.div %x, %two : !tile.tile<8xi32>
  %c0i = arith.constant 0 : i32
  %zero = tile.splat %c0i : i32 -> !tile.tile<8xi32>
  %z = tile.div %x, %zero : !tile.tile<8xi32>
  %buf = memref.alloc() : memref<8xi32>
  %v = memref.cast %buf : memref<8xi32> to memref<?xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %sp = llvm.mlir.addressof @s_sp : !llvm.ptr
  %sdiv = llvm.mlir.addressof @s_div : !llvm.ptr
  func.call @say(%sdiv) : (!llvm.ptr) -> ()
  tile.store %q, %v[%c0] : !tile.tile<8xi32>, memref<?xi32>
  scf.for %i = %c0 to %c8 step %c1 {
    %e = memref.load %buf[%i] : memref<8xi32>
    %w = arith.extsi %e : i32 to i64
    %first = arith.cmpi eq, %i, %c0 : index
    scf.if %first {} else { func.call @say(%sp) : (!llvm.ptr) -> () }
    func.call @printI64(%w) : (i64) -> ()
  }
  func.call @printNewline() : () -> ()
  %sdiv0 = llvm.mlir.addressof @s_div0 : !llvm.ptr
  func.call @say(%sdiv0) : (!llvm.ptr) -> ()
  tile.store %z, %v[%c0] : !tile.tile<8xi32>, memref<?xi32>
  %e0 = memref.load %buf[%c0] : memref<8xi32>
  %w0 = arith.extsi %e0 : i32 to i64
  func.call @printI64(%w0) : (i64) -> ()
  func.call @say(%sp) : (!llvm.ptr) -> ()
  %c7 = arith.constant 7 : index
  %e7 = memref.load %buf[%c7] : memref<8xi32>
  %w7 = arith.extsi %e7 : i32 to i64
  func.call @printI64(%w7) : (i64) -> ()
  func.call @printNewline() : () -> ()
  return
}

func.func @main() {
  %c20 = arith.constant 20 : index
  %c37 = arith.constant 37 : index
  %c40 = arith.constant 40 : index
  %c50 = arith.constant 50 : index
  %c70 = arith.constant 70 : index
  %A = memref.alloc(%c70, %c40) : memref<?x?xf32>
  %B = memref.alloc(%c40, %c50) : memref<?x?xf32>
  %C = memref.alloc(%c70, %c50) : memref<?x?xf32>
  %R = memref.alloc(%c70, %c50) : memref<?x?xf32>
  %s1 = arith.constant 1 : i64
  %s2 = arith.constant 2 : i64
  func.call @fill(%A, %s1) : (memref<?x?xf32>, i64) -> ()
  func.call @fill(%B, %s2) : (memref<?x?xf32>, i64) -> ()
  func.call @matmul_tiled(%A, %B, %C) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  func.call @matmul_ref(%A, %B, %R) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  %bad1 = func.call @compare(%C, %R) : (memref<?x?xf32>, memref<?x?xf32>) -> i64
  %n1 = arith.constant 3500 : index
  %l1 = llvm.mlir.addressof @s_matmul : !llvm.ptr
  func.call @report(%l1, %bad1, %n1) : (!llvm.ptr, i64, index) -> ()

  %X = memref.alloc(%c37, %c20) : memref<?x?xf32>
  %Y = memref.alloc(%c37, %c20) : memref<?x?xf32>
  %Z = memref.alloc(%c37, %c20) : memref<?x?xf32>
  %s3 = arith.constant 3 : i64
  func.call @fill(%X, %s3) : (memref<?x?xf32>, i64) -> ()
  func.call @softmax_tiled(%X, %Y) : (memref<?x?xf32>, memref<?x?xf32>) -> ()
  func.call @softmax_ref(%X, %Z) : (memref<?x?xf32>, memref<?x?xf32>) -> ()
  %bad2 = func.call @compare(%Y, %Z) : (memref<?x?xf32>, memref<?x?xf32>) -> i64
  %n2 = arith.constant 740 : index
  %l2 = llvm.mlir.addressof @s_softmax : !llvm.ptr
  func.call @report(%l2, %bad2, %n2) : (!llvm.ptr, i64, index) -> ()

  %I = memref.alloc(%c37) : memref<?xi32>
  func.call @argmax_tiled(%X, %I) : (memref<?x?xf32>, memref<?xi32>) -> ()
  %bad3 = func.call @argmax_check(%X, %I) : (memref<?x?xf32>, memref<?xi32>) -> i64
  %l3 = llvm.mlir.addressof @s_argmax : !llvm.ptr
  func.call @report(%l3, %bad3, %c37) : (!llvm.ptr, i64, index) -> ()

  func.call @int_division() : () -> ()
  return
}
