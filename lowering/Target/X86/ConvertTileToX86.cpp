//===- ConvertTileToX86.cpp - The x86 lowering of the tile dialect --------===//
//
// The pass `convert-tile-to-x86`: the reference lowering of the tile
// dialect with the x86 patterns added in front (X86Dot.cpp,
// X86Elementwise.cpp, X86Reduce.cpp, ...), for the
// vector width the module's target allows. Before the conversion it marks
// the loads whose tiles the `dot` micro-kernel reads in place
// (markInPlaceDotOperands, X86Dot.cpp).
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/IR/TileDialect.h"
#include "dialects/tile/Transforms/Passes.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Target/TargetInfo.h"
#include "lowering/Target/X86/X86Passes.h"
#include "lowering/Target/X86/X86Targets.h"
#include "lowering/Target/X86/X86VectorCode.h"
#include "lowering/TileToSCF/TileToSCF.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/X86TargetParser.h"

namespace nlc::x86 {
#define GEN_PASS_DEF_CONVERTTILETOX86
#define GEN_PASS_DEF_X86PACKDOTOPERANDS
#include "lowering/Target/X86/Passes.h.inc"
} // namespace nlc::x86

using namespace mlir;

namespace {

/// The features `target` enables: those of its CPU, then its explicit
/// `+f`/`-f` list in order, each with what it implies (`-avx512f` also
/// turns off AVX-512's extensions).
llvm::StringMap<bool> enabledFeatures(const nlc::TargetInfo &target) {
  llvm::StringMap<bool> on;
  llvm::SmallVector<llvm::StringRef> cpuFeatures;
  llvm::X86::getFeaturesForCPU(target.cpu, cpuFeatures);
  // updateImpliedFeatures sets what a feature implies, not the feature.
  auto set = [&](llvm::StringRef f, bool enabled) {
    on[f] = enabled;
    llvm::X86::updateImpliedFeatures(f, enabled, on);
  };
  for (llvm::StringRef f : cpuFeatures)
    set(f, true);
  for (llvm::StringRef f : llvm::split(target.features, ','))
    if (f.size() > 1)
      set(f.drop_front(), f.front() == '+');
  return on;
}

} // namespace

bool nlc::x86::hasFeature(const TargetInfo &target, llvm::StringRef feature) {
  return enabledFeatures(target).lookup(feature);
}

namespace {

/// Rows of instances per group (nlc-grids-to-runtime) of a grid whose f32
/// products take A from the rows at `program_id(0)`, where its K loops run
/// in long chunks: each group runs its rows down one column of instances
/// after another, so that B's tiles for a column, which every block of 6
/// rows reads again, stay in L2 across the column's instances, while A's
/// rows, read once per instance, come from L3. On a Sapphire Rapids (2 MiB
/// of L2 per core), best of 2-8 alternated runs against groups of 4: 2048^3
/// 1.09-1.12x, 4096^3 1.08-1.26x on one thread, 1.11-1.28x on two, 4096 x
/// 4096 x 128 0.96-0.98x; groups of 16 did nearly as well.
constexpr int64_t kF32GroupRows = 64;

/// Fixes the groups of rows (kGroupRowsAttrName) of grids whose products
/// read f32 rows at `program_id(0)` (kRowStripAttrName) to kF32GroupRows.
void groupF32Rows(ModuleOp module) {
  module.walk([&](func::CallOp call) {
    auto strip = call->getAttrOfType<DenseI64ArrayAttr>(nlc::kRowStripAttrName);
    if (!strip || strip.size() != 2 || strip[0] < 0 ||
        strip[0] >= int64_t(call.getNumOperands()))
      return;
    auto view = dyn_cast<MemRefType>(call.getOperand(strip[0]).getType());
    if (view && view.getElementType().isF32())
      call->setAttr(nlc::kGroupRowsAttrName,
                    IntegerAttr::get(IntegerType::get(call.getContext(), 64),
                                     kF32GroupRows));
  });
}

/// Asks LLVM not to unroll the loops of kernels whose trip count is known
/// only at run time (`llvm.loop.unroll.disable`). On CPUs whose scheduling
/// model has a loop buffer (the Xeons with AMX, AMD's Zen cores) LLVM
/// unrolls small loops partially and at run time, with a remainder loop
/// each: this lowering's loops, whose bodies it has already unrolled as far
/// as they gain (micro-kernels, blocks of tiles, vectors), grew by a
/// third, and LLVM spent the time to compile that. On an Emerald Rapids
/// (2026-12-07, alternated, one thread): examples/tile_matmul compiled in
/// 0.96 s against 1.11 (medians of 8), bench/'s bf16 program's code was
/// 234 KB against 341; its AMX products ran 1.04-1.13x as fast (the unrolled
/// step loop reloaded its addresses from the stack), f32 and i8 products,
/// softmax, layernorm and Llama's decoding as fast as before. Loops of a
/// known trip count are left to LLVM (it unrolls the short ones whole).
void keepKernelLoopsRolled(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  auto unroll = LLVM::LoopUnrollAttr::get(
      ctx, /*disable=*/BoolAttr::get(ctx, true), /*count=*/{},
      /*runtimeDisable=*/{}, /*full=*/{}, /*followupUnrolled=*/{},
      /*followupRemainder=*/{}, /*followupAll=*/{});
  auto annotation = LLVM::LoopAnnotationAttr::get(
      ctx, {}, {}, {}, unroll, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});
  module.walk([&](func::FuncOp f) {
    if (!f->hasAttr(nlc::tile::kKernelAttrName))
      return;
    // scf-to-cf copies the attribute to the loop's back edge, whose
    // `llvm.br` takes it under this name, and the translation to LLVM IR
    // makes it the loop's metadata.
    f.walk([&](scf::ForOp loop) {
      if (!loop.getStaticTripCount())
        loop->setAttr("loop_annotation", annotation);
    });
  });
}

struct ConvertTileToX86Pass
    : nlc::x86::impl::ConvertTileToX86Base<ConvertTileToX86Pass> {
  using ConvertTileToX86Base::ConvertTileToX86Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    unsigned bits = vectorBits;
    bool bf16 = bf16Dot, vnni = vnniDot, vl = vnniDot;
    bool amxBf16 = amx, amxInt8 = amx;
    std::optional<nlc::TargetInfo> moduleTarget = nlc::getModuleTarget(module);
    if (!bits)
      if (const std::optional<nlc::TargetInfo> &t = moduleTarget) {
        llvm::StringMap<bool> on = enabledFeatures(*t);
        if (on.lookup("avx512f"))
          bits = 512;
        else if (on.lookup("avx2") && on.lookup("fma"))
          bits = 256;
        bf16 = on.lookup("avx512bf16");
        vnni = on.lookup("avx512vnni");
        vl = on.lookup("avx512vl");
        amxBf16 = on.lookup("amx-tile") && on.lookup("amx-bf16");
        amxInt8 = on.lookup("amx-tile") && on.lookup("amx-int8");
      }
    if (nlc::x86::emulatingAmx(module))
      amxBf16 = amxInt8 = true;
    nlc::x86::VectorTarget target;
    target.bf16Pairs = bf16 && bits == 512;
    target.int8Quads = vnni && bits == 512;
    target.narrowQuads = target.int8Quads && vl;
    target.amxBf16 = amxBf16 && bits == 512;
    target.amxInt8 = amxInt8 && bits == 512;
    target.f32Lanes = bits / 32;
    target.smallCode = smallCode;
    // f32 K loops in chunks of 2048 k where B's tiles are one run of memory
    // (a column of packed tiles), on the Xeons with AMX (2 MiB of L2 per
    // core): on a Sapphire Rapids, against chunks of 256, bench/'s f32
    // forms ran 1.01-1.14x at 1024^3-4096^3 (docs/Performance.md). Tiles
    // of B a power of two apart (a user's tensor of tiles stored k-major)
    // keep 256: in chunks of 2048 k they ran 0.55x, their lines in the
    // same sets of L2.
    target.f32ChunkK = f32ChunkK ? f32ChunkK : target.amxBf16 ? 2048 : 0;
    if (target.f32ChunkK)
      groupF32Rows(module);
    // AVX-512 has 32 vector registers: 24 accumulators, 4 rows of B, one
    // broadcast; AVX2 has 16: 12 accumulators, 2 rows, one broadcast.
    target.dotVectors = bits >= 512 ? 4 : 2;
    nlc::x86::markInPlaceDotOperands(module, target);
    nlc::x86::markInPlaceLoads(module, target);
    // Loads streamed ahead (X86Memory.cpp) everywhere but on AMD's Zen
    // cores: on a Zen 4 (2026-12-08, Llama 125M decode, alternated) they
    // made the F16 and BF16 matrix-vector products 1.5-1.6x slower on one
    // thread and 1.2x on two (2, 4 or 16 tiles ahead, every second line,
    // prefetcht1 or prefetchnta: 0.56-0.90x of none), and Q8_0's 1.02-1.04x
    // faster, within the noise; on a Sapphire Rapids they made all three
    // 1.34-1.51x faster.
    bool zen =
        moduleTarget && StringRef(moduleTarget->cpu).starts_with("znver");
    if (streamAhead > 0 || (streamAhead < 0 && !zen))
      nlc::x86::markStreamLoads(module);
    nlc::x86::markInPlaceResults(module);
    nlc::x86::DirectStores direct;
    nlc::x86::LiveDotRows live;
    nlc::x86::splitDotKLoops(module, target, direct, live);
    target.direct = &direct;
    nlc::x86::markNextTileBelow(module);
    nlc::x86::StreamingStores streaming;
    nlc::x86::planStreamingStores(module, target, streaming);
    target.streaming = &streaming;
    nlc::x86::findLiveDotRows(module, live);
    nlc::x86::SpreadPrefetches spread;
    nlc::x86::planSpreadPrefetches(module, target, streaming, spread);
    target.spread = &spread;
    // After splitDotKLoops, which clones and moves ops: the plan holds ops.
    nlc::x86::FusedSums fusedSums;
    nlc::x86::planFusedSums(module, target, fusedSums);
    target.fusedSums = &fusedSums;
    if (failed(nlc::cpu::lowerTilesToBuffers(
            module, [&](TypeConverter &converter, RewritePatternSet &patterns) {
              nlc::x86::populateX86DotPatterns(converter, patterns, target,
                                               live);
              nlc::x86::populateX86MemoryPatterns(converter, patterns, target,
                                                  live);
              nlc::x86::populateX86ElementwisePatterns(converter, patterns,
                                                       target);
              nlc::x86::populateX86ReducePatterns(converter, patterns, target);
            }))) {
      signalPassFailure();
      return;
    }
    keepKernelLoopsRolled(module);
    // Where vdivps is slow: on an Emerald Rapids a zmm vector took 4 ns
    // (1016 ns for 4096 floats) against 2.4 ns multiplied and corrected; a
    // ymm vector 2 ns either way (C probes, 2026-12-07), so AVX2 code keeps
    // vdivps. AMD's Zen 4 and Zen 5 divide zmm vectors about twice as fast
    // as Intel's cores by the published instruction tables (not measured
    // here): they keep vdivps too.
    std::optional<nlc::TargetInfo> cpu = nlc::getModuleTarget(module);
    if (bits == 512 && !(cpu && StringRef(cpu->cpu).starts_with("znver")))
      nlc::x86::divideByScalars(module);
    // A function on AMX tiles configures them at its entry (`ldtilecfg`,
    // hundreds of cycles) and releases them at its exit: a kernel inlined
    // into its grid's loop of instances does so once per run of instances,
    // not once per instance (bf16 256^3 in 64 x 64 tiles on a Sapphire
    // Rapids: 10% of the kernel's time after `ldtilecfg`; 1.1x, best of 10
    // alternated).
    module.walk([&](func::FuncOp f) {
      bool tiles = f.walk([](Operation *op) {
                      return isa_and_nonnull<amx::AMXDialect>(op->getDialect())
                                 ? WalkResult::interrupt()
                                 : WalkResult::advance();
                    }).wasInterrupted();
      if (tiles && f->hasAttr(nlc::tile::kKernelAttrName))
        f->setAttr("passthrough",
                   ArrayAttr::get(
                       module.getContext(),
                       {StringAttr::get(module.getContext(), "alwaysinline")}));
    });
  }
};

struct X86PackDotOperandsPass
    : nlc::x86::impl::X86PackDotOperandsBase<X86PackDotOperandsPass> {
  using X86PackDotOperandsBase::X86PackDotOperandsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    nlc::tile::TilePackDotOperandsOptions options;
    options.packF32Lhs = false;
    options.packRhsPairs = rhsPairs;
    options.packRhsQuads = rhsQuads;
    options.biasI8Lhs = rhsQuads;
    // The x86 `dot` widens f16 to f32 (vcvtph2ps): done once, by the
    // launch's packing, instead of by each program instance (Zen 4, one
    // thread: 1.03-1.12x at 512^3-4096^3, docs/Performance.md).
    options.widenF16 = true;
    // Whole zmm vectors of f32 lanes: the columns DotKLoop reads in pairs
    // or quads (and pair_rows / unpair_rows shuffle) at a time.
    options.pairColumns = 16;
    // The target as amxDot sees it (below).
    nlc::x86::VectorTarget tiles;
    if (std::optional<nlc::TargetInfo> t = nlc::getModuleTarget(module)) {
      llvm::StringMap<bool> on = enabledFeatures(*t);
      tiles.f32Lanes = on.lookup("avx512f") ? 16 : 8;
      options.packRhsPairs = on.lookup("avx512f") && on.lookup("avx512bf16");
      options.packRhsQuads = on.lookup("avx512f") && on.lookup("avx512vnni");
      // AMX's tdpbssd multiplies signed bytes: A stays as it is there
      // (emulated AMX included, so that it runs the K loops AMX runs).
      options.biasI8Lhs = options.packRhsQuads && !on.lookup("amx-int8") &&
                          !nlc::x86::emulatingAmx(module);
      // And reads it in place where its rows allow (i8-lhs-in-place):
      // 1.04-1.14x at 256^3-2048^3 on one thread on a Sapphire Rapids
      // (docs/Performance.md).
      options.i8LhsInPlace =
          on.lookup("amx-int8") || nlc::x86::emulatingAmx(module);
      // bf16 A, otherwise never packed, is where its last tile is ragged
      // (bf16-lhs-in-place): 1000^3 1.46-2.19x on a Sapphire Rapids.
      options.bf16LhsInPlace =
          on.lookup("amx-bf16") || nlc::x86::emulatingAmx(module);
      // AMX reads B's tiles best as one run of memory each (X86Amx.cpp):
      // grouped B in blocks of 16 columns, which the vector code reads too.
      options.pairBlocks = on.lookup("amx-bf16") || on.lookup("amx-int8") ||
                           nlc::x86::emulatingAmx(module);
      // i8 K steps of 32 run on the tiles only from B stored in quads by
      // the launch (amxDot): i8 packs from `min-elements` there, as bf16
      // does (256^3, 64 x 64 k32, on a Sapphire Rapids: about 1300 GOP/s
      // on the tiles against 350-440 with vpdpbusd).
      if (on.lookup("amx-int8") || nlc::x86::emulatingAmx(module))
        options.minI8Elements = options.minElements;
    }
    // A is read in place only for the products AMX runs: the vector paths
    // gain nothing from a second clone (bf16's widen A into a buffer
    // anyway; i8's bias it), which took a fifth of examples/tile_matmul's
    // compile time.
    tiles.amxBf16 = options.bf16LhsInPlace;
    tiles.amxInt8 = options.i8LhsInPlace;
    auto readsLhsInPlace = [tiles](Operation *op) {
      auto dot = cast<nlc::tile::DotOp>(op);
      ArrayRef<int64_t> a = dot.getLhs().getType().getShape();
      return nlc::x86::amxDot(dot.getLhs().getType().getElementType(),
                              dot.getType().getElementType(), a[0],
                              dot.getRhs().getType().getShape()[1], a[1], tiles,
                              /*halfDepth=*/true);
    };
    OpPassManager pm(ModuleOp::getOperationName());
    pm.addPass(nlc::tile::createTilePackDotOperands(options, readsLhsInPlace));
    if (failed(runPipeline(pm, module)))
      signalPassFailure();
  }
};

} // namespace
