// RUN: %nlc-opt %s -split-input-file --convert-tile-to-scf | FileCheck %s --enable-var-scope
// Where convert-tile-to-scf puts tile buffers and when it releases them.
// Tiles of up to 64 KiB live on the stack; loop and parallel bodies save
// and restore the stack pointer. Tiles of up to 4 KiB in loops and
// branches are allocated once at the start of their function or parallel
// body instead (up to 32 KiB of them per body), so their loops need no
// stack save. Larger tiles, and tiles past 256 KiB of stack in one scope,
// live on the heap and are freed at the end of the block that allocates
// them, last allocated first freed. Tiles carried by loops and yielded by
// `if`s get a buffer outside them.

// 4 MiB tiles on the heap, freed at the end of the function in reverse
// order; the 64 KiB one (128x128xf32) stays on the stack.
// CHECK-LABEL: func.func @large(
// CHECK: %[[A:.+]] = memref.alloc() : memref<1024x1024xf32>
// CHECK: %[[B:.+]] = memref.alloc() : memref<1024x1024xf32>
// CHECK: %[[S:.+]] = memref.alloca() : memref<128x128xf32>
// CHECK-NOT: memref.dealloc
// CHECK: memref.dealloc %[[B]] : memref<1024x1024xf32>
// CHECK-NEXT: memref.dealloc %[[A]] : memref<1024x1024xf32>
// CHECK-NEXT: return
func.func @large(%v: memref<?x?xf32>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<1024x1024xf32>
  %b = tile.add %a, %a : !tile.tile<1024x1024xf32>
  tile.store %b, %v[%i, %i] : !tile.tile<1024x1024xf32>, memref<?x?xf32>
  %s = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<128x128xf32>
  tile.store %s, %v[%i, %i] : !tile.tile<128x128xf32>, memref<?x?xf32>
  return
}

// -----

// A scope keeps at most 256 KiB of stack buffers: the fifth 64 KiB tile
// goes to the heap.
// CHECK-LABEL: func.func @stack_budget(
// CHECK-COUNT-4: memref.alloca() : memref<128x128xf32>
// CHECK: %[[H:.+]] = memref.alloc() : memref<128x128xf32>
// CHECK: memref.dealloc %[[H]]
// CHECK-NEXT: return
func.func @stack_budget(%x: f32, %v: memref<?x?xf32>, %i: index) {
  %a = tile.splat %x : f32 -> !tile.tile<128x128xf32>
  %b = tile.add %a, %a : !tile.tile<128x128xf32>
  %c = tile.add %b, %b : !tile.tile<128x128xf32>
  %d = tile.add %c, %c : !tile.tile<128x128xf32>
  %e = tile.add %d, %d : !tile.tile<128x128xf32>
  tile.store %e, %v[%i, %i] : !tile.tile<128x128xf32>, memref<?x?xf32>
  return
}

// -----

// A carried tile gets a buffer before the loop, which the body reads and
// copies its new value into. The body's own small buffer (8 x f32) is
// allocated once at the start of the function: no stack save in the loop.
// CHECK-LABEL: func.func @carried(
// CHECK-NEXT: %[[NEXT:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[INIT:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[CARRIED:.+]] = memref.alloca() : memref<8xf32>
// CHECK: memref.copy %[[INIT]], %[[CARRIED]]
// CHECK: scf.for
// CHECK-NOT: llvm.intr.stacksave
// CHECK-NOT: memref.alloca
// CHECK: memref.load %[[CARRIED]]
// CHECK: memref.store %{{.+}}, %[[NEXT]]
// CHECK: memref.copy %[[NEXT]], %[[CARRIED]]
// CHECK-NEXT: scf.yield
// CHECK: memref.load %[[CARRIED]]
func.func @carried(%x: f32, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %t) -> (!tile.tile<8xf32>) {
    %next = tile.add %acc, %acc : !tile.tile<8xf32>
    scf.yield %next : !tile.tile<8xf32>
  }
  %s = tile.reduce sum %r along 0 : !tile.tile<8xf32> -> f32
  return %s : f32
}

// -----

// A body buffer over 4 KiB (64 x 64 x f32, 16 KiB) stays in the loop, which
// releases it each time round by stackrestore.
// CHECK-LABEL: func.func @carried_mid(
// CHECK: %[[INIT:.+]] = memref.alloca() : memref<64x64xf32>
// CHECK: %[[CARRIED:.+]] = memref.alloca() : memref<64x64xf32>
// CHECK: memref.copy %[[INIT]], %[[CARRIED]]
// CHECK: scf.for
// CHECK: %[[SP:.+]] = llvm.intr.stacksave
// CHECK: %[[NEXT:.+]] = memref.alloca() : memref<64x64xf32>
// CHECK: memref.load %[[CARRIED]]
// CHECK: memref.copy %[[NEXT]], %[[CARRIED]]
// CHECK: llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT: scf.yield
func.func @carried_mid(%x: f32, %n: index, %v: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tile.splat %x : f32 -> !tile.tile<64x64xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %t) -> (!tile.tile<64x64xf32>) {
    %next = tile.add %acc, %acc : !tile.tile<64x64xf32>
    scf.yield %next : !tile.tile<64x64xf32>
  }
  tile.store %r, %v[%c0, %c0] : !tile.tile<64x64xf32>, memref<?x?xf32>
  return
}

// -----

// At most 32 KiB of small buffers move to the start of a function: of ten
// 4 KiB tiles (32 x 32 x f32) made in a loop, eight are allocated there and
// two stay in the loop, which saves and restores the stack for them.
// CHECK-LABEL: func.func @hoist_budget(
// CHECK-COUNT-8: memref.alloca() : memref<32x32xf32>
// CHECK: scf.for
// CHECK-NEXT: llvm.intr.stacksave
// CHECK-COUNT-2: memref.alloca() : memref<32x32xf32>
// CHECK-NOT: memref.alloca
// CHECK: llvm.intr.stackrestore
func.func @hoist_budget(%x: f32, %n: index, %v: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %k = %c0 to %n step %c1 {
    %a = tile.splat %x : f32 -> !tile.tile<32x32xf32>
    %b = tile.add %a, %a : !tile.tile<32x32xf32>
    %c = tile.add %b, %b : !tile.tile<32x32xf32>
    %d = tile.add %c, %c : !tile.tile<32x32xf32>
    %e = tile.add %d, %d : !tile.tile<32x32xf32>
    %f = tile.add %e, %e : !tile.tile<32x32xf32>
    %g = tile.add %f, %f : !tile.tile<32x32xf32>
    %h = tile.add %g, %g : !tile.tile<32x32xf32>
    %i = tile.add %h, %h : !tile.tile<32x32xf32>
    %j = tile.add %i, %i : !tile.tile<32x32xf32>
    tile.store %j, %v[%c0, %c0] : !tile.tile<32x32xf32>, memref<?x?xf32>
  }
  return
}

// -----

// CHECK-LABEL: func.func @carried_large(
// CHECK: %[[INIT:.+]] = memref.alloc() : memref<512x512xf32>
// CHECK: %[[CARRIED:.+]] = memref.alloc() : memref<512x512xf32>
// CHECK: memref.copy %[[INIT]], %[[CARRIED]]
// CHECK: scf.for
// CHECK-NOT: llvm.intr.stacksave
// CHECK: %[[NEXT:.+]] = memref.alloc() : memref<512x512xf32>
// CHECK: memref.load %[[CARRIED]]
// CHECK: memref.copy %[[NEXT]], %[[CARRIED]]
// CHECK-NEXT: memref.dealloc %[[NEXT]]
// CHECK-NEXT: scf.yield
// CHECK: memref.load %[[CARRIED]]
// CHECK: memref.dealloc %[[CARRIED]]
// CHECK-NEXT: memref.dealloc %[[INIT]]
// CHECK-NEXT: return
func.func @carried_large(%x: f32, %n: index, %v: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tile.splat %x : f32 -> !tile.tile<512x512xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %t) -> (!tile.tile<512x512xf32>) {
    %next = tile.add %acc, %acc : !tile.tile<512x512xf32>
    scf.yield %next : !tile.tile<512x512xf32>
  }
  tile.store %r, %v[%c0, %c0] : !tile.tile<512x512xf32>, memref<?x?xf32>
  return
}

// -----

// A tile an `if` yields gets a buffer before it. A branch whose value is a
// buffer of its own (here the sum's) computes it in that buffer directly;
// a branch yielding another value (the splat's, also used after the `if`)
// copies it in at its end. Heap buffers made inside a branch are freed at
// the end of that branch (none here).
// CHECK-LABEL: func.func @if_large(
// CHECK: %[[T:.+]] = memref.alloc() : memref<256x256xf32>
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<256x256xf32>
// CHECK: scf.if
// CHECK-NOT: memref.alloc
// CHECK: memref.store %{{.+}}, %[[OUT]]
// CHECK-NOT: memref.copy
// CHECK: scf.yield %[[OUT]]
// CHECK-NEXT: } else {
// CHECK-NEXT: memref.copy %[[T]], %[[OUT]]
// CHECK-NEXT: scf.yield %[[OUT]]
// CHECK: memref.dealloc %[[OUT]]
// CHECK-NEXT: memref.dealloc %[[T]]
// CHECK-NEXT: return
func.func @if_large(%c: i1, %x: f32, %v: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %t = tile.splat %x : f32 -> !tile.tile<256x256xf32>
  %r = scf.if %c -> (!tile.tile<256x256xf32>) {
    %a = tile.add %t, %t : !tile.tile<256x256xf32>
    scf.yield %a : !tile.tile<256x256xf32>
  } else {
    scf.yield %t : !tile.tile<256x256xf32>
  }
  tile.store %r, %v[%c0, %c0] : !tile.tile<256x256xf32>, memref<?x?xf32>
  return
}

// -----

// A heap buffer made inside a branch for a value the branch does not yield
// is freed at the end of that branch.
// CHECK-LABEL: func.func @if_temporary(
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<256x256xf32>
// CHECK: scf.if
// CHECK: %[[A:.+]] = memref.alloc() : memref<256x256xf32>
// CHECK: memref.store %{{.+}}, %[[A]]
// CHECK: memref.store %{{.+}}, %[[OUT]]
// CHECK: memref.dealloc %[[A]]
// CHECK-NEXT: scf.yield %[[OUT]]
func.func @if_temporary(%c: i1, %x: f32, %v: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %t = tile.splat %x : f32 -> !tile.tile<256x256xf32>
  %r = scf.if %c -> (!tile.tile<256x256xf32>) {
    %a = tile.add %t, %t : !tile.tile<256x256xf32>
    %b = tile.mul %a, %t : !tile.tile<256x256xf32>
    scf.yield %b : !tile.tile<256x256xf32>
  } else {
    scf.yield %t : !tile.tile<256x256xf32>
  }
  tile.store %r, %v[%c0, %c0] : !tile.tile<256x256xf32>, memref<?x?xf32>
  return
}

// -----

// Each program instance frees its heap buffers and restores its stack; its
// small buffers stay in it (instances may run on several threads).
// CHECK-LABEL: func.func @parallel(
// CHECK: scf.parallel
// CHECK-NEXT: %[[SP:.+]] = llvm.intr.stacksave
// CHECK: %[[BIG:.+]] = memref.alloc() : memref<256x256xf32>
// CHECK: %[[SMALL:.+]] = memref.alloca() : memref<16xf32>
// CHECK: memref.dealloc %[[BIG]]
// CHECK-NEXT: llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT: scf.reduce
func.func @parallel(%v: memref<?x?xf32>, %w: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%p) = (%c0) to (%n) step (%c1) {
    %t = tile.load %v[%p, %c0] : memref<?x?xf32> -> !tile.tile<256x256xf32>
    tile.store %t, %v[%p, %c0] : !tile.tile<256x256xf32>, memref<?x?xf32>
    %s = tile.load %w[%p] : memref<?xf32> -> !tile.tile<16xf32>
    tile.store %s, %w[%p] : !tile.tile<16xf32>, memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A tile carried by an scf.while has one buffer before the loop: the
// condition forwards it, the body reads it and copies its new value into
// it before yielding it, and after the loop it holds the result. Each
// region's own small buffers are allocated once, before it.
// CHECK-LABEL: func.func @while_carried(
// CHECK-NEXT: %[[NEXT:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[INIT:.+]] = memref.alloca() : memref<8xf32>
// CHECK: %[[CARRIED:.+]] = memref.alloca() : memref<8xf32>
// CHECK: memref.copy %[[INIT]], %[[CARRIED]]
// CHECK: scf.while ({{.*}}%[[CARRIED]]
// CHECK: scf.condition(%{{.+}}) {{.*}}%[[CARRIED]]
// CHECK: do {
// CHECK-NOT: llvm.intr.stacksave
// CHECK: memref.load %[[CARRIED]]
// CHECK: memref.copy %[[NEXT]], %[[CARRIED]]
// CHECK: scf.yield {{.*}}%[[CARRIED]]
// CHECK: memref.load %[[CARRIED]]
func.func @while_carried(%x: f32, %n: index, %v: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  %r:2 = scf.while (%i = %c0, %acc = %t) : (index, !tile.tile<8xf32>) -> (index, !tile.tile<8xf32>) {
    %go = arith.cmpi ult, %i, %n : index
    scf.condition(%go) %i, %acc : index, !tile.tile<8xf32>
  } do {
  ^bb0(%i: index, %acc: !tile.tile<8xf32>):
    %next = tile.add %acc, %acc : !tile.tile<8xf32>
    %j = arith.addi %i, %c1 : index
    scf.yield %j, %next : index, !tile.tile<8xf32>
  }
  tile.store %r#1, %v[%c0] : !tile.tile<8xf32>, memref<?xf32>
  return
}

// -----

// Two carried tiles that swap: the value of one buffer is copied aside
// (in a buffer allocated once, before the loop) before the other's new
// value overwrites it.
// CHECK-LABEL: func.func @swap(
// CHECK-NEXT: %[[ASIDE:.+]] = memref.alloca() : memref<8xf32>
// CHECK: memref.copy %{{.+}}, %[[A:[a-z0-9_]+]] :
// CHECK: memref.copy %{{.+}}, %[[B:[a-z0-9_]+]] :
// CHECK: scf.for %{{.+}} iter_args
// CHECK-NEXT: memref.copy %[[A]], %[[ASIDE]]
// CHECK-NEXT: memref.copy %[[B]], %[[A]]
// CHECK-NEXT: memref.copy %[[ASIDE]], %[[B]]
func.func @swap(%x: f32, %y: f32, %n: index, %v: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = tile.splat %x : f32 -> !tile.tile<8xf32>
  %b = tile.splat %y : f32 -> !tile.tile<8xf32>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%p = %a, %q = %b) -> (!tile.tile<8xf32>, !tile.tile<8xf32>) {
    scf.yield %q, %p : !tile.tile<8xf32>, !tile.tile<8xf32>
  }
  tile.store %r#0, %v[%c0] : !tile.tile<8xf32>, memref<?xf32>
  tile.store %r#1, %v[%c1] : !tile.tile<8xf32>, memref<?xf32>
  return
}
