// RUN: %nlc-opt --nlc-x86_64-linux-host %s | FileCheck %s --check-prefix=LINUX --enable-var-scope
// RUN: %nlc-opt --nlc-x86_64-bare-host %s | FileCheck %s --check-prefix=BARE --enable-var-scope
// RUN: %nlc-opt --nlc-x86_64-linux-kernel %s | FileCheck %s --check-prefix=KERNEL --enable-var-scope
// The x86 targets' pipelines, by the names of the target registry. On Linux
// a kernel grid (an scf.parallel) runs on the runtime's
// thread pool: the host pipeline stores what the body uses (the memref as
// its descriptor, the grid size) in a struct on the stack and calls
// nl_grid_launch with an outlined function that runs a range of instances.
// The unikernel has one core: the same grid is a plain loop of branches.

// LINUX-LABEL: llvm.func @grid(
// LINUX-SAME: %[[N:[^:]+]]: i64, %{{.+}}: !llvm.ptr
// LINUX-NOT: scf.
// LINUX-NOT: omp.
// LINUX: %[[BODY:.+]] = llvm.mlir.addressof @grid.grid : !llvm.ptr
// LINUX: %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, i64)>
// The trip count: max(n, 0).
// LINUX: %[[T:.+]] = llvm.intr.smax(%[[N]], %{{.+}})
// LINUX: llvm.store %{{.+}}, %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, !llvm.ptr
// LINUX: llvm.store %[[T]], %{{.+}} : i64, !llvm.ptr
// LINUX: llvm.call @nl_grid_launch(%[[BODY]], %[[CTX]], %{{.+}}, %[[T]])
// LINUX: llvm.func @nl_grid_launch(!llvm.ptr, !llvm.ptr, i64, i64)
// LINUX-LABEL: llvm.func internal @grid.grid(
// LINUX-SAME: %[[C:[^:]+]]: !llvm.ptr, %[[BEGIN:[^:]+]]: i64, %[[END:[^:]+]]: i64)
// LINUX: %[[D:.+]] = llvm.load %{{.+}} : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// LINUX: %[[SIZE:.+]] = llvm.load %{{.+}} : !llvm.ptr -> i64
// LINUX: llvm.br ^bb1(%[[BEGIN]] : i64)
// LINUX: llvm.icmp "slt" %{{.+}}, %[[END]]
// LINUX: %[[I:.+]] = llvm.urem %{{.+}}, %[[SIZE]]
// LINUX: llvm.extractvalue %[[D]][1]
// LINUX: llvm.getelementptr {{.*}}[%[[I]]]
// LINUX: llvm.store %{{.+}} : f32, !llvm.ptr
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
