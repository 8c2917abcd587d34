//===- Pipeline.cpp - MLIR lowering pipelines -----------------------------===//
//
// The host pipeline: canonicalize, structured control flow to cf, then each
// dialect to LLVM (vector and math first, the rest in one convert-to-llvm:
// six separate conversion passes took 2.2 s of llama's compile, the one
// 0.8), then clean-up of the casts that conversion left behind. The passes
// that convert inside a function run on each function apart, so in
// parallel: vector-to-llvm took 0.31 s of llama's compile on the whole
// module, 0.07 s (wall) this way (2 CPUs, Zen 5). Those that add symbols
// (math-to-libm, memref's malloc, func itself) run on the module.
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Pipeline.h"
#include "lowering/Host/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/AMX/Transforms.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/Transforms/InlinerInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

namespace nlc {

void buildHostLoweringPipeline(mlir::OpPassManager &pm, bool parallel,
                               bool runtimeAllocator) {
  pm.nestAny().addPass(mlir::createCanonicalizerPass());
  pm.nestAny().addPass(createApproximateMath());
  // Views of views (memref.subview) become index arithmetic.
  pm.nestAny().addPass(mlir::memref::createExpandStridedMetadataPass());
  pm.nestAny().addPass(mlir::createLowerAffinePass());
  // Kernel grids (scf.parallel) run on the runtime's thread pool; without
  // `parallel`, scf-to-cf runs them as plain loops (the bare-metal target).
  if (parallel)
    pm.addPass(createGridsToRuntime());
  pm.nestAny().addPass(mlir::createSCFToControlFlowPass());
  // Heap memrefs through the runtime's checked allocator, before arith is
  // lowered (the size computation is arith code).
  if (runtimeAllocator)
    pm.addPass(createCheckedAllocations());
  // Vector code of the x86 kernel lowering (and of ApproximateMath), its
  // AMX tiles included.
  mlir::ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.x86Vector = true;
  vectorOptions.amx = true;
  pm.nestAny().addPass(mlir::createConvertVectorToLLVMPass(vectorOptions));
  pm.nestAny().addPass(mlir::createConvertMathToLLVMPass());
  // What has no LLVM intrinsic (erf of f64, cbrt) becomes a libm call; the
  // bare-metal runtime defines those it can need (baremetal/libm.c).
  pm.addPass(mlir::createConvertMathToLibmPass());
  // The rest in one conversion (ub.poison: the unset payload leaves of
  // enum values, MLIRGen).
  mlir::ConvertToLLVMPassOptions rest;
  // (amx: its tile type, for the branches that carry tiles: a K loop's
  // accumulators.)
  rest.filterDialects = {"arith", "ub", "memref", "cf", "func", "index", "amx"};
  pm.addPass(mlir::createConvertToLLVMPass(rest));
  pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  pm.nestAny().addPass(mlir::createCanonicalizerPass());
}

void registerLoweringPipelines() {
  registerNLCLoweringPasses();
  // For IR run by mlir-runner, which has no nlc runtime: heap memrefs stay
  // malloc and free.
  mlir::PassPipelineRegistration<>(
      "nlc-lower-host",
      "Lower nlc host code (func/arith/math/scf/cf/memref) to the LLVM "
      "dialect, with MLIR's malloc/free for heap memrefs (for mlir-runner)",
      [](mlir::OpPassManager &pm) {
        buildHostLoweringPipeline(pm, false, /*runtimeAllocator=*/false);
      });
}

void registerLLVMTranslations(mlir::DialectRegistry &registry) {
  // What convert-to-llvm converts (buildHostLoweringPipeline).
  mlir::arith::registerConvertArithToLLVMInterface(registry);
  mlir::ub::registerConvertUBToLLVMInterface(registry);
  mlir::registerConvertMemRefToLLVMInterface(registry);
  mlir::cf::registerConvertControlFlowToLLVMInterface(registry);
  mlir::registerConvertFuncToLLVMInterface(registry);
  mlir::registerConvertAMXToLLVMInterface(registry);
  registry.insert<mlir::index::IndexDialect>();
  mlir::index::registerConvertIndexToLLVMInterface(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
  // Device code of --target=nvptx64-nvidia-cuda.
  mlir::registerGPUDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
}

} // namespace nlc
