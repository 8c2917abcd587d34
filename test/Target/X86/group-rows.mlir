// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 f32-chunk-k=2048" | FileCheck %s
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --check-prefix=OTHER
// Where f32 K loops run in long chunks (AMX targets; f32-chunk-k here), a
// grid whose f32 products read A's rows at program_id(0) (the call marked
// `nlc.row_strip` by convert-tile-launch-to-scf) runs its instances in
// groups of 64 rows (`nlc.group_rows`, which nlc-grids-to-runtime takes as
// it is): down the columns, B's tiles kept in L2. bf16 strips keep the
// runtime's L2 fit; without long chunks nothing changes.

// CHECK-LABEL: func.func @host(
// CHECK: func.call @k32({{.+}}) {nlc.group_rows = 64 : i64, nlc.row_strip = array<i64: 0, 64>}
// CHECK: func.call @k16({{.+}}) {nlc.row_strip = array<i64: 0, 64>}
// OTHER-LABEL: func.func @host(
// OTHER-NOT: nlc.group_rows
func.func private @k32(%a: memref<?x?xf32>, %i: index, %j: index)
func.func private @k16(%a: memref<?x?xbf16>, %i: index, %j: index)
func.func @host(%a: memref<?x?xf32>, %b: memref<?x?xbf16>, %x: index, %y: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%x, %y) step (%c1, %c1) {
    func.call @k32(%a, %i, %j) {nlc.row_strip = array<i64: 0, 64>} : (memref<?x?xf32>, index, index) -> ()
    func.call @k16(%b, %i, %j) {nlc.row_strip = array<i64: 0, 64>} : (memref<?x?xbf16>, index, index) -> ()
    scf.reduce
  }
  return
}
