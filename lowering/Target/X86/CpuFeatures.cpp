//===- CpuFeatures.cpp - What a hosted program needs from the CPU ---------===//
//
// The features of the target machine, as the bitmask of nl_runtime.h's
// NL_CPU_FEATURES table, become two globals of the program that the hosted
// runtime checks with cpuid before anything else runs. Only the features in
// that table are checked: the ISA extensions compiled code can use.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86Targets.h"
#include "runtime/nl_runtime.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"

namespace nlc::x86 {

namespace {
struct CpuFeature {
  const char *llvmName;
  unsigned bit;
};
} // namespace

static const CpuFeature cpuFeatures[] = {
#define NLC_CPU_FEATURE(NAME, BIT, LLVM, ...) {LLVM, BIT},
    NL_CPU_FEATURES(NLC_CPU_FEATURE)
#undef NLC_CPU_FEATURE
};

void recordRequiredCpuFeatures(llvm::Module &module,
                               const llvm::TargetMachine &machine,
                               llvm::StringRef builtFor) {
  const llvm::MCSubtargetInfo *sti = machine.getMCSubtargetInfo();
  uint64_t mask = 0;
  for (const CpuFeature &feature : cpuFeatures)
    if (sti->checkFeatures(std::string("+") + feature.llvmName))
      mask |= uint64_t(1) << feature.bit;
  llvm::LLVMContext &ctx = module.getContext();
  auto *required = new llvm::GlobalVariable(
      module, llvm::Type::getInt64Ty(ctx), /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantInt::get(llvm::Type::getInt64Ty(ctx), mask),
      "nl_cpu_required");
  required->setAlignment(llvm::Align(8));
  llvm::Constant *text = llvm::ConstantDataArray::getString(ctx, builtFor);
  new llvm::GlobalVariable(module, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           "nl_cpu_built_for");
}

} // namespace nlc::x86
