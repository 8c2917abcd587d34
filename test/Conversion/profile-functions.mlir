// RUN: %nlc-opt --nlc-profile-functions %s | FileCheck %s --enable-var-scope
// nlc --profile: every function with a body reads the cycle counter at entry
// and, before each return, atomically adds one call and the elapsed cycles
// to its record; a constructor registers the records with the runtime.

// CHECK-LABEL: llvm.func @twice(
// CHECK-NEXT: %[[START:.+]] = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
// CHECK: llvm.cond_br
// First return.
// CHECK: %[[END1:.+]] = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
// CHECK: %[[ELAPSED1:.+]] = llvm.sub %[[END1]], %[[START]] : i64
// CHECK: %[[ENTRY1:.+]] = llvm.mlir.addressof @__nl_prof.twice : !llvm.ptr
// Atomic adds: kernel instances run on several threads at once.
// CHECK: %[[CALLS1:.+]] = llvm.getelementptr %[[ENTRY1]][0, 0]
// CHECK: llvm.atomicrmw add %[[CALLS1]], %{{.+}} monotonic : !llvm.ptr, i64
// CHECK: %[[CYCLES1:.+]] = llvm.getelementptr %[[ENTRY1]][0, 1]
// CHECK: llvm.atomicrmw add %[[CYCLES1]], %[[ELAPSED1]] monotonic : !llvm.ptr, i64
// CHECK-NEXT: llvm.return %{{.+}} : i64
// Second return: the same, from the same start.
// CHECK: %[[END2:.+]] = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
// CHECK: llvm.sub %[[END2]], %[[START]] : i64
// CHECK: llvm.return
llvm.func @twice(%x: i64) -> i64 {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %neg = llvm.icmp "slt" %x, %zero : i64
  llvm.cond_br %neg, ^small, ^big
^small:
  llvm.return %zero : i64
^big:
  %y = llvm.add %x, %x : i64
  llvm.return %y : i64
}

// nl_main is listed as `main`.
// CHECK-LABEL: llvm.func @nl_main()
// CHECK-NEXT: llvm.call_intrinsic "llvm.readcyclecounter"
// CHECK: llvm.mlir.addressof @__nl_prof.nl_main
// CHECK: llvm.return
llvm.func @nl_main() -> i32 {
  %c = llvm.mlir.constant(0 : i32) : i32
  llvm.return %c : i32
}

// Declarations are not instrumented.
// CHECK-LABEL: llvm.func @nl_print_i64(i64)
// CHECK-NOT: readcyclecounter
llvm.func @nl_print_i64(i64)

// The records: {calls, cycles, name, name length, next}.
// CHECK: llvm.mlir.global internal constant @__nl_prof_name.twice("twice")
// CHECK: llvm.mlir.global internal @__nl_prof.twice() {{.*}}: !llvm.struct<(i64, i64, ptr, i64, ptr)> {
// CHECK: %[[ZERO:.+]] = llvm.mlir.zero : !llvm.struct<(i64, i64, ptr, i64, ptr)>
// CHECK: %[[NAME:.+]] = llvm.mlir.addressof @__nl_prof_name.twice : !llvm.ptr
// CHECK: %[[WITHNAME:.+]] = llvm.insertvalue %[[NAME]], %[[ZERO]][2]
// CHECK: %[[LEN:.+]] = llvm.mlir.constant(5 : i64) : i64
// CHECK: %[[RECORD:.+]] = llvm.insertvalue %[[LEN]], %[[WITHNAME]][3]
// CHECK: llvm.return %[[RECORD]]
// CHECK: llvm.mlir.global internal constant @__nl_prof_name.nl_main("main")
// CHECK: llvm.mlir.global internal @__nl_prof.nl_main()

// CHECK: llvm.func @nl_profile_register(!llvm.ptr)
// CHECK-LABEL: llvm.func internal @__nl_prof_init()
// CHECK: %[[T:.+]] = llvm.mlir.addressof @__nl_prof.twice : !llvm.ptr
// CHECK: llvm.call @nl_profile_register(%[[T]])
// CHECK: %[[M:.+]] = llvm.mlir.addressof @__nl_prof.nl_main : !llvm.ptr
// CHECK: llvm.call @nl_profile_register(%[[M]])
// CHECK: llvm.return
// CHECK: llvm.mlir.global_ctors ctors = [@__nl_prof_init], priorities = [65535 : i32]
