//===- TargetInfo.h - The target as an attribute of the module --*- C++ -*-===//
//
// What a module is compiled for travels with the module, as the dictionary
// attribute `nlc.target` on the builtin module:
//
//   module attributes {nlc.target = {name = "x86_64-linux",
//       triple = "x86_64-unknown-linux-gnu", cpu = "znver4",
//       features = "+avx512f,..."}} { ... }
//
// The driver writes it before the pipelines run; passes that need a target
// fact read it here instead of asking the driver.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_TARGET_TARGETINFO_H
#define NLC_LOWERING_TARGET_TARGETINFO_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir {
class ModuleOp;
}

namespace nlc {

/// A resolved target: `cpu` is a real CPU name (never `native`) and
/// `features` the complete LLVM feature string (`+avx2,-avx512f,...`).
struct TargetInfo {
  /// The registry name (`--target=`), e.g. `x86_64-linux`.
  std::string name;
  /// The LLVM target triple.
  std::string triple;
  /// The CPU name LLVM knows, e.g. `znver4`.
  std::string cpu;
  /// LLVM target features in `-mattr` syntax; may be empty.
  std::string features;
};

/// The name of the module attribute.
inline constexpr llvm::StringLiteral kTargetAttrName = "nlc.target";

/// A unit attribute of the module (nlc --amx-emulation): kernels get the
/// AMX lowering of `dot` on any AVX-512 CPU, the tile instructions emulated
/// in vector code (lowering/Target/X86/X86Amx.cpp). A test of that
/// lowering where no CPU has AMX; slow.
inline constexpr llvm::StringLiteral kAmxEmulationAttrName =
    "nlc.amx_emulation";

/// Reads `nlc.target` from `module`; std::nullopt when it is absent or
/// malformed.
std::optional<TargetInfo> getModuleTarget(mlir::ModuleOp module);

/// Writes `target` to `module` as `nlc.target`, replacing any earlier one.
void setModuleTarget(mlir::ModuleOp module, const TargetInfo &target);

} // namespace nlc

#endif // NLC_LOWERING_TARGET_TARGETINFO_H
