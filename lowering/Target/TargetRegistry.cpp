//===- TargetRegistry.cpp - The targets nlc can build for -----------------===//
//
// The table of Targets.def, CPU and feature validation against LLVM's own
// tables (so every CPU the LLVM backend knows is accepted), and the named
// pipelines of nlc-opt.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/TargetRegistry.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/Target/Codegen.h"
#include "lowering/Target/NVPTX/NVPTXPasses.h"
#include "lowering/Target/NVPTX/NVPTXTarget.h"
#include "lowering/Target/X86/X86Passes.h"
#include "lowering/Target/X86/X86Targets.h"
#include "lowering/TileToSCF/Passes.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>

namespace nlc {

llvm::ArrayRef<const TargetEntry *> getTargets() {
  static const TargetEntry *const targets[] = {
#define NLC_TARGET(getter) &getter(),
#include "lowering/Target/Targets.def"
  };
  return targets;
}

const TargetEntry *lookupTarget(llvm::StringRef name) {
  for (const TargetEntry *entry : getTargets())
    if (entry->name == name)
      return entry;
  return nullptr;
}

std::string getTargetNames() {
  std::string names;
  for (const TargetEntry *entry : getTargets())
    names += (names.empty() ? "" : ", ") + entry->name.str();
  return names;
}

/// LLVM's subtarget tables for `entry`'s triple; nullptr (and `error`) when
/// this LLVM has no backend for it.
static std::unique_ptr<llvm::MCSubtargetInfo>
createSubtargetInfo(const TargetEntry &entry, std::string &error) {
  initializeLLVMTargets();
  llvm::Triple triple(entry.triple);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  return std::unique_ptr<llvm::MCSubtargetInfo>(
      target->createMCSubtargetInfo(triple, "", ""));
}

bool resolveTarget(const TargetEntry &entry, llvm::StringRef cpu,
                   llvm::StringRef attrs, TargetInfo &info,
                   std::string &error) {
  if (!entry.isAvailable()) {
    error = "cannot compile for `" + entry.name.str() +
            "`: " + entry.unavailable.str();
    return false;
  }
  std::unique_ptr<llvm::MCSubtargetInfo> sti =
      createSubtargetInfo(entry, error);
  if (!sti)
    return false;
  std::string cpuName = cpu.empty() ? entry.defaultCpu.str() : cpu.str();
  std::vector<std::string> features;
  if (cpuName == "native" && entry.host) {
    error = "-mcpu=native names this machine's CPU; for `" +
            entry.name.str() + "` name the device (`nlc --target=" +
            entry.name.str() + " -mcpu=help` lists them)";
    return false;
  }
  if (cpuName == "native") {
    cpuName = llvm::sys::getHostCPUName().str();
    llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
    for (const auto &feature : host)
      features.push_back((feature.second ? "+" : "-") + feature.first().str());
    // StringMap order is a hash order: sort for a deterministic string.
    llvm::sort(features, [](const std::string &a, const std::string &b) {
      return llvm::StringRef(a).drop_front() < llvm::StringRef(b).drop_front();
    });
  } else if (!sti->isCPUStringValid(cpuName)) {
    error = "unknown CPU `" + cpuName + "` for target `" + entry.name.str() +
            "` (-mcpu); `nlc --target=" + entry.name.str() +
            " -mcpu=help` lists the CPU names";
    return false;
  }
  llvm::SmallVector<llvm::StringRef> items;
  attrs.split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    if (item.empty())
      continue;
    if (!item.starts_with("+") && !item.starts_with("-")) {
      error = "invalid CPU feature `" + item.str() +
              "` (-mattr): expected `+feature` or `-feature`";
      return false;
    }
    llvm::StringRef name = item.drop_front();
    if (llvm::none_of(sti->getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &kv) {
                        return name == kv.Key;
                      })) {
      error = "unknown CPU feature `" + name.str() + "` for target `" +
              entry.name.str() +
              "` (-mattr); `nlc --target=" + entry.name.str() +
              " -mattr=help` lists the features";
      return false;
    }
    features.push_back(item.str());
  }
  info.name = entry.name.str();
  info.triple = entry.triple.str();
  info.cpu = cpuName;
  info.features = llvm::join(features, ",");
  return true;
}

bool printTargetHelp(const TargetEntry &entry, llvm::StringRef what,
                     std::string &error) {
  if (!entry.isAvailable()) {
    error = std::string("cannot list the ") +
            (what == "cpu" ? "CPUs" : "CPU features") + " of `" +
            entry.name.str() + "`: " + entry.unavailable.str();
    return false;
  }
  std::unique_ptr<llvm::MCSubtargetInfo> sti =
      createSubtargetInfo(entry, error);
  if (!sti)
    return false;
  if (what == "cpu") {
    llvm::outs() << "CPUs of " << entry.name << " (-mcpu=NAME; also "
                 << "`native`, this machine):\n";
    for (const llvm::SubtargetSubTypeKV &kv :
         sti->getAllProcessorDescriptions())
      llvm::outs() << "  " << kv.Key << "\n";
    return true;
  }
  llvm::outs() << "CPU features of " << entry.name
               << " (-mattr=+NAME,-NAME,...):\n";
  for (const llvm::SubtargetFeatureKV &kv : sti->getAllProcessorFeatures())
    llvm::outs() << "  " << llvm::left_justify(kv.Key, 24) << " " << kv.Desc
                 << "\n";
  return true;
}

void registerTargetPipelines() {
  for (const TargetEntry *entry : getTargets()) {
    if (!entry->isAvailable())
      continue;
    mlir::PassPipelineRegistration<>(
        "nlc-" + entry->name.str() + "-kernel",
        "The kernel pipeline of --target=" + entry->name.str() +
            " (what nlc runs first)",
        entry->buildKernelPipeline);
    mlir::PassPipelineRegistration<>(
        "nlc-" + entry->name.str() + "-host",
        "The host pipeline of --target=" + entry->name.str() +
            " (what nlc runs after the kernel pipeline)",
        entry->buildHostPipeline);
  }
}

void registerAllPasses() {
  mlir::registerAllPasses();
  registerLoweringPipelines();
  cpu::registerCpuLowering();
  x86::registerNLCX86Passes();
  nvptx::registerNLCNVPTXPasses();
}

} // namespace nlc
