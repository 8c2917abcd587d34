//===- X86Targets.cpp - The x86-64 registry entries -----------------------===//
//
// Both x86 targets lower kernels with the x86 lowering (elementwise trees
// fused, then the reference lowering, TileToSCF, with vector code for the
// ops it makes fast, for the target's vector width) and host code with the
// host pipeline; they differ in how kernel grids run (the runtime's thread
// pool on Linux, plain loops on the unikernel's one core), in the default
// CPU, in whether `dot` operands are packed and in the link step.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86Targets.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/TileToSCF/Passes.h"
#include "lowering/Target/X86/X86Passes.h"

#include "dialects/tile/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace nlc::x86 {

static void buildKernelPipeline(mlir::OpPassManager &pm,
                                std::unique_ptr<mlir::Pass> pack,
                                bool smallCode) {
  cpu::buildLaunchLoweringPipeline(pm, std::move(pack));
  // One pass over the elements for each tree of elementwise ops.
  pm.addPass(tile::createTileFuseElementwise());
  ConvertTileToX86Options options;
  options.smallCode = smallCode;
  pm.addPass(createConvertTileToX86(options));
  // Only in a module marked for it (nlc --amx-emulation): a test.
  pm.addPass(createX86EmulateAmx());
  pm.nestAny().addPass(mlir::createCanonicalizerPass());
}

static void buildLinuxKernelPipeline(mlir::OpPassManager &pm) {
  // Views read only as `dot` operands packed into tiles once per launch,
  // which the micro-kernel reads in place (docs/Kernels.md): the grid's
  // threads then share one copy instead of each copying its tiles. Not an
  // f32 left operand: the micro-kernel broadcasts A's elements from its
  // rows at any stride as fast (1.00-1.10x without packing it at
  // 1024-4096 on a Zen 5, docs/Performance.md). With AVX512-BF16, bf16 B
  // stored in pairs, which vdpbf16ps reads in place (x86-pack-dot-operands).
  buildKernelPipeline(pm, createX86PackDotOperands(), /*smallCode=*/false);
}

static void buildBareKernelPipeline(mlir::OpPassManager &pm) {
  // No packing: it would add a `.packed` clone of every `dot` kernel to the
  // image (each as large as the kernel) to save, on the unikernel's one
  // core, a tile copy per K step that is small next to the step's products
  // (docs/BareMetal.md, image size). For the same reason tile copies have
  // one path, masked, not a second one for whole tiles.
  buildKernelPipeline(pm, /*pack=*/nullptr, /*smallCode=*/true);
}

static void buildLinuxHostPipeline(mlir::OpPassManager &pm) {
  buildHostLoweringPipeline(pm, /*parallel=*/true);
}

static void buildBareHostPipeline(mlir::OpPassManager &pm) {
  buildHostLoweringPipeline(pm, /*parallel=*/false);
}

const TargetEntry &getLinuxTarget() {
  static const TargetEntry entry = [] {
    TargetEntry e;
    e.name = "x86_64-linux";
    e.description = "a Linux x86-64 executable (default)";
    e.triple = "x86_64-unknown-linux-gnu";
    // A performance-minded default; the startup check catches a program
    // copied to an older machine.
    e.defaultCpu = "native";
    e.buildKernelPipeline = buildLinuxKernelPipeline;
    e.buildHostPipeline = buildLinuxHostPipeline;
    e.link = linkExecutable;
    e.finalizeModule = recordRequiredCpuFeatures;
    return e;
  }();
  return entry;
}

const TargetEntry &getBareTarget() {
  static const TargetEntry entry = [] {
    TargetEntry e;
    e.name = "x86_64-bare";
    e.description = "a unikernel image booted by QEMU (x86-64-v3)";
    e.triple = "x86_64-unknown-none-elf";
    // What QEMU's TCG emulates with -cpu max: AVX2 and FMA, no AVX-512.
    e.defaultCpu = "x86-64-v3";
    e.buildKernelPipeline = buildBareKernelPipeline;
    e.buildHostPipeline = buildBareHostPipeline;
    e.link = linkBareImage;
    e.freestanding = true;
    e.exeSuffix = ".elf";
    e.run = RunKind::Qemu;
    e.defaultRunTimeout = 30;
    return e;
  }();
  return entry;
}

} // namespace nlc::x86
