// RUN: %nlc-opt --nlc-x86_64-linux-host %s | FileCheck %s --check-prefix=LINUX --enable-var-scope
// RUN: %nlc-opt --nlc-x86_64-bare-host %s | FileCheck %s --check-prefix=BARE --enable-var-scope
// RUN: %nlc-opt --nlc-x86_64-linux-kernel %s | FileCheck %s --check-prefix=KERNEL --enable-var-scope
// The x86 targets' pipelines, by the names of the target registry. On Linux
// a kernel grid (scf.parallel) runs on OpenMP threads: the host pipeline
// leaves an omp.parallel around a worksharing loop whose body is LLVM
// dialect code (LLVM IR translation turns it into __kmpc calls). The
// unikernel has one core: the same grid is a plain loop of branches.

// LINUX-LABEL: llvm.func @grid(
// LINUX-SAME: %[[N:.+]]: i64, %[[BUF:.+]]: !llvm.ptr
// LINUX-NOT: scf.
// LINUX: omp.parallel {
// LINUX: omp.wsloop {
// LINUX: omp.loop_nest (%[[I:.+]]) : i64 = (%{{.+}}) to (%[[N]]) step (%{{.+}}) {
// LINUX: %[[P:.+]] = llvm.getelementptr {{.*}}[%[[I]]]
// LINUX: llvm.store %{{.+}}, %[[P]] : f32, !llvm.ptr
// LINUX: omp.yield
// LINUX: omp.terminator
// LINUX: llvm.return

// BARE-LABEL: llvm.func @grid(
// BARE-NOT: omp.
// BARE: llvm.cond_br
// BARE: llvm.store %{{.+}}, %{{.+}} : f32, !llvm.ptr
// BARE: llvm.br
// BARE: llvm.return

// The kernel pipeline changes nothing here (no tile ops).
// KERNEL-LABEL: func.func @grid(
// KERNEL: scf.parallel
func.func @grid(%n: index, %buf: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %one, %buf[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
