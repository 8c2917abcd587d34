// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 bf16-dot=1" -canonicalize | FileCheck %s --enable-var-scope --check-prefix=BF16
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=256" -canonicalize | FileCheck %s --enable-var-scope --check-prefix=I8
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" -canonicalize | FileCheck %s --check-prefix=NOPAIRS
// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512 vnni-dot=1" -canonicalize | FileCheck %s --enable-var-scope --check-prefix=QUADS
// The K loop run whole for `dot`s of pairs and quads (X86Dot.cpp,
// DotKLoop): bf16 with vdpbf16ps, i8 with vpmaddwd, i8 with vpdpbusd. The tiles are read in place in views
// of any row stride (plain matrices), so the check asks only that every
// iteration's tiles lie inside their views. Each chunk of iterations (2048
// k: 32 iterations of K = 64) first packs its B tiles into pairs, one below
// the other in one buffer (32 rows of pairs each), then every register
// block runs the chunk's iterations with its accumulators in registers,
// reading A's pairs from the view and B's from the buffer at the
// iteration's rows.

// BF16-LABEL: func.func @bf16_k_loop(
// BF16-SAME: %[[A:[^:]+]]: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
// BF16-SAME: %[[B:[^:]+]]: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
// BF16-SAME: %[[N:[^:]+]]: index)
// The check carries whether all iterations' tiles lie inside their views
// and the first whose do not (N where none).
// BF16: %[[ALL:.+]]:2 = scf.for %{{.+}} = %c0 to %[[N]] step %c1 iter_args(%{{.+}} = %true, %{{.+}} = %[[N]]) -> (i1, index) {
// BF16: scf.if %[[ALL]]#0 {
// The buffer holds a chunk's iterations, or the loop's if it has fewer,
// sized at run time.
// BF16: %[[FEWER:.+]] = arith.minsi %[[N]], %c32 : index
// BF16-NEXT: %[[ITERS:.+]] = arith.maxsi %[[FEWER]], %c1 : index
// BF16-NEXT: %[[ROWS:.+]] = arith.muli %[[ITERS]], %c32 : index
// BF16-NEXT: %[[PACKED:.+]] = memref.alloca(%[[ROWS]]) : memref<?x64xbf16>
// Where the store writes fewer rows than a block's 6, chunks of 4
// iterations (16 KiB of pairs, kFewRowsChunkBytes: read by one block, they
// stay in L1).
// BF16: %[[FEW:.+]] = arith.cmpi ult, %{{.+}}, %c6 : index
// BF16-NEXT: %[[STEP:.+]] = arith.select %[[FEW]], %c4, %c32 : index
// BF16-NEXT: scf.for %[[C0:.+]] = %c0 to %[[N]] step %[[STEP]] {
// BF16: %[[C1:.+]] = arith.minsi %{{.+}}, %[[N]] : index
// The packing: each iteration's B tile, in the view (its row stride), to
// rows (iteration - chunk start) * 32 + p of the buffer.
// BF16-NEXT: scf.for %[[IT:.+]] = %[[C0]] to %[[C1]] step %c1 {
// BF16: %[[BW:.+]] = memref.reinterpret_cast %[[B]] to offset: [%{{.+}}], sizes: [64, 32], strides: [%[[BSTRIDE:.+]], 1]
// BF16-NEXT: %[[PLACE:.+]] = arith.subi %[[IT]], %[[C0]] : index
// BF16-NEXT: %[[ROW0:.+]] = arith.muli %[[PLACE]], %c32 : index
// Only where a block's 6 rows are stored (else the steps make the pairs
// from B's rows in place, below).
// BF16-NEXT: %[[MANY:.+]] = arith.cmpi uge, %{{.+}}, %c6 : index
// BF16-NEXT: scf.if %[[MANY]] {
// BF16-NEXT: scf.for %[[P:.+]] = %c0 to %c32 step %c1 {
// BF16: %[[TO:.+]] = arith.addi %[[ROW0]], %[[P]] : index
// BF16: vector.load %[[BW]]
// BF16: vector.interleave
// BF16-NEXT: vector.store %{{.+}}, %[[PACKED]][%[[TO]], %c0] : memref<?x64xbf16>, vector<32xbf16>
// The blocks: accumulators loaded once per chunk, then the chunk's
// iterations and their 32 pair steps.
// BF16: scf.for %[[I0:.+]] = %c0 to %{{.+}} step %c6 {
// BF16: scf.if
// BF16: } else {
// BF16-COUNT-12: vector.load %[[OUT:[0-9]+]]
// BF16: %[[ACC:.+]]:12 = scf.for %[[IT2:.+]] = %[[C0]] to %[[C1]] step %c1 iter_args(
// BF16: %[[AW:.+]] = memref.reinterpret_cast %[[A]] to offset: [%{{.+}}], sizes: [12, 64], strides: [%{{.+}}, 1]
// BF16-NOT: %[[OUT]]
// BF16: %[[PB:.+]] = memref.subview %[[PACKED]][%{{.+}}, 0] [32, 64] [1, 1]
// BF16-NEXT: %[[STEPS:.+]]:12 = scf.for %[[KP:.+]] = %c0 to %c32 step %c1 iter_args(
// BF16-NEXT: vector.load %[[PB]][%[[KP]], %c0] : {{.+}}, vector<32xbf16>
// BF16-NEXT: vector.load %[[PB]][%[[KP]], %c32] : {{.+}}, vector<32xbf16>
// BF16: vector.load %[[AW]][%[[I0]], %{{.+}}] : {{.+}}, vector<2xbf16>
// BF16-NOT: %[[OUT]]
// BF16-COUNT-12: x86vector.avx512.dot
// BF16-NOT: %[[OUT]]
// BF16: scf.yield %[[STEPS]]#0,
// BF16: vector.store %[[ACC]]#0, %[[OUT]][%[[I0]], %c0]
// Blocks of one row (fewer than 6 stored): where fewer than 6 rows are
// stored, the pairs made from B's two rows in its view as the steps read
// them, the same pairs the packing stores; else the packed buffer.
// BF16: %[[ONE:.+]]:2 = scf.if %[[FEW]] -> (vector<16xf32>, vector<16xf32>) {
// BF16: vector.load %[[BW2:.+]][%{{.+}}, %c0] : memref<64x32xbf16, strided<[?, 1], offset: ?>>, vector<16xbf16>
// BF16: vector.interleave
// BF16: x86vector.avx512.dot
// BF16: } else {
// BF16: vector.load %{{.+}} : memref<32x64xbf16, strided<[64, 1], offset: ?>>, vector<32xbf16>
// BF16: x86vector.avx512.dot
// Otherwise the iterations before the first whose tiles leave their views
// run whole as well (a K that is not a multiple of the K step leaves only
// the last), then the loop as written, a micro-kernel per iteration, from
// that one.
// BF16: } else {
// BF16: %[[LSTEP:.+]] = arith.select %{{.+}}, %c4, %c32 : index
// BF16: scf.for %{{.+}} = %c0 to %[[ALL]]#1 step %[[LSTEP]] {
// BF16: x86vector.avx512.dot
// BF16: scf.for %{{.+}} = %[[ALL]]#1 to %[[N]] step %c1 {
// BF16: x86vector.avx512.dot
// BF16: return

// Without AVX512-BF16 the bf16 `dot` widens to f32 FMAs, a micro-kernel
// per iteration: A widened into an f32 buffer first, reading its rows in
// the view at any row stride; B, whose rows the k loop reads, only where
// they are contiguous (a constant row stride).
// NOPAIRS-LABEL: func.func @bf16_k_loop(
// NOPAIRS-NOT: x86vector.avx512.dot
// NOPAIRS: memref.reinterpret_cast %arg0 to offset: [%{{.+}}], sizes: [12, 64], strides: [%
// NOPAIRS-NOT: x86vector.avx512.dot
// NOPAIRS: memref.reinterpret_cast %arg1 to offset: [%{{.+}}], sizes: [64, 32], strides: [32, 1]
// NOPAIRS-NOT: x86vector.avx512.dot
// NOPAIRS: return
func.func @bf16_k_loop(%a: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                       %b: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                       %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<12x32xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x32xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<12x64xbf16>
    %y = tile.load %b[%k, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<64x32xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x64xbf16>, !tile.tile<64x32xbf16, col_major> -> !tile.tile<12x32xf32>
    scf.yield %d : !tile.tile<12x32xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x32xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// A chunk's packed B takes at most 512 KiB: 256 columns of bf16 leave room
// for 1024 k (16 iterations), not 2048.
// BF16-LABEL: func.func @bf16_wide_k_loop(
// BF16: arith.minsi %{{.+}}, %c16 : index
// BF16: memref.alloca(%{{.+}}) : memref<?x512xbf16>
// BF16: arith.select %{{.+}}, %c1, %c16 : index
func.func @bf16_wide_k_loop(%a: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                            %b: memref<?x?xbf16, strided<[?, 1], offset: ?>>,
                            %c: memref<?x?xf32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %init = tile.splat %z : f32 -> !tile.tile<6x256xf32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<6x256xf32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<6x64xbf16>
    %y = tile.load %b[%k, %i] : memref<?x?xbf16, strided<[?, 1], offset: ?>> -> !tile.tile<64x256xbf16, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<6x64xbf16>, !tile.tile<64x256xbf16, col_major> -> !tile.tile<6x256xf32>
    scf.yield %d : !tile.tile<6x256xf32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<6x256xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
  return
}

// i8 with AVX512-VNNI: quads. Each chunk also biases its A tiles (xor
// 0x80) into a buffer, one below the other (12 rows each), and sums its B
// tiles' biases (128 x column sums, zeroed at the chunk's start); each
// block subtracts that sum from its accumulators once per chunk, then runs
// the chunk's iterations, 16 vpdpbusd steps each.
// QUADS-LABEL: func.func @i8_k_loop(
// The bias sums' buffer (64 bytes) is allocated once, at the start.
// QUADS: %[[BIAS:.+]] = memref.alloca() : memref<16xi32>
// QUADS: scf.if %{{.+}} {
// QUADS: %[[FEWER:.+]] = arith.minsi %{{.+}}, %c32 : index
// QUADS-NEXT: %[[ITERS:.+]] = arith.maxsi %[[FEWER]], %c1 : index
// QUADS-NEXT: %[[ROWS:.+]] = arith.muli %[[ITERS]], %c16 : index
// QUADS-NEXT: %[[PACKED:.+]] = memref.alloca(%[[ROWS]]) : memref<?x64xi8>
// QUADS-NEXT: %[[AROWS:.+]] = arith.muli %[[ITERS]], %c12 : index
// QUADS-NEXT: %[[BIASED:.+]] = memref.alloca(%[[AROWS]]) : memref<?x64xi8>
// Fewer stored rows than a block's: chunks of 9 iterations (1792 bytes of
// buffers each, within kFewRowsChunkBytes).
// QUADS: %[[QSTEP:.+]] = arith.select %{{.+}}, %c9, %c32 : index
// QUADS-NEXT: scf.for %[[C0:.+]] = %c0 to %{{.+}} step %[[QSTEP]] {
// QUADS: %[[ZERO:.+]] = memref.expand_shape %[[BIAS]]
// QUADS-NEXT: vector.store %{{.+}}, %[[ZERO]][%c0, %c0]
// QUADS: vector.store %{{.+}}, %[[PACKED]][%{{.+}}, %c0] : memref<?x64xi8>, vector<64xi8>
// QUADS: %[[OLD:.+]] = vector.load %[[BIAS]][%c0]
// QUADS-NEXT: %[[NEW:.+]] = arith.addi %[[OLD]], %{{.+}} : vector<16xi32>
// QUADS-NEXT: vector.store %[[NEW]], %[[BIAS]][%c0]
// QUADS: arith.xori %{{.+}} : vector<64xi8>
// QUADS-NEXT: vector.store %{{.+}}, %[[BIASED]]
// QUADS: scf.for %[[I0:.+]] = %c0 to %{{.+}} step %c6 {
// QUADS: %[[CB:.+]] = vector.load %[[BIAS]][%c0]
// QUADS-COUNT-6: arith.subi %{{.+}}, %[[CB]] : vector<16xi32>
// QUADS-NEXT: scf.for %{{.+}} = %[[C0]] to
// QUADS: %[[PB:.+]] = memref.subview %[[PACKED]][%{{.+}}, 0] [16, 64] [1, 1]
// QUADS: %[[PA:.+]] = memref.subview %[[BIASED]][%{{.+}}, 0] [12, 64] [1, 1]
// QUADS-NEXT: scf.for %[[KQ:.+]] = %c0 to %c16 step %c1 iter_args(
// QUADS-NEXT: vector.load %[[PB]][%[[KQ]], %c0]
// QUADS: vector.load %[[PA]][%[[I0]], %{{.+}}] : {{.+}}, vector<4xi8>
// QUADS: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// QUADS: } else {
// QUADS: return

// i8 on AVX2: pairs widened to i16 when packed (8 lanes: a vector holds
// the pairs of 8 columns, 16 i16), vpmaddwd then an add.
// I8-LABEL: func.func @i8_k_loop(
// I8: scf.if %{{.+}} {
// I8: %[[PACKED:.+]] = memref.alloca(%{{.+}}) : memref<?x32xi16>
// I8: arith.extsi %{{.+}} : vector<8xi8> to vector<8xi16>
// I8: vector.store %{{.+}}, %[[PACKED]][%{{.+}}, %c0] : memref<?x32xi16>, vector<16xi16>
// I8: %[[PB:.+]] = memref.subview %[[PACKED]][%{{.+}}, 0] [32, 32] [1, 1]
// I8: vector.load %[[PB]]{{.+}} vector<16xi16>
// I8: arith.extsi %{{.+}} : vector<2xi8> to vector<2xi16>
// I8: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// I8: arith.addi %{{.+}} : vector<8xi32>
// I8: } else {
// I8: return
func.func @i8_k_loop(%a: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                     %b: memref<?x?xi8, strided<[?, 1], offset: ?>>,
                     %c: memref<?x?xi32, strided<[?, 1], offset: ?>>, %i: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0 : i32
  %init = tile.splat %z : i32 -> !tile.tile<12x16xi32>
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.tile<12x16xi32>) {
    %x = tile.load %a[%i, %k] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<12x64xi8>
    %y = tile.load %b[%k, %i] : memref<?x?xi8, strided<[?, 1], offset: ?>> -> !tile.tile<64x16xi8, col_major>
    %d = tile.dot %x, %y, %acc : !tile.tile<12x64xi8>, !tile.tile<64x16xi8, col_major> -> !tile.tile<12x16xi32>
    scf.yield %d : !tile.tile<12x16xi32>
  }
  tile.store %r, %c[%i, %i] : !tile.tile<12x16xi32>, memref<?x?xi32, strided<[?, 1], offset: ?>>
  return
}
