//===- TargetInfo.cpp - The target as an attribute of the module ----------===//
//
// `nlc.target` is a plain DictionaryAttr of four strings, so it prints and
// parses without a dialect of its own.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/TargetInfo.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

namespace nlc {

std::optional<TargetInfo> getModuleTarget(mlir::ModuleOp module) {
  auto dict = module->getAttrOfType<mlir::DictionaryAttr>(kTargetAttrName);
  if (!dict)
    return std::nullopt;
  TargetInfo info;
  for (auto [key, field] : {std::pair{"name", &info.name},
                            {"triple", &info.triple},
                            {"cpu", &info.cpu},
                            {"features", &info.features}}) {
    auto value = dict.getAs<mlir::StringAttr>(key);
    if (!value)
      return std::nullopt;
    *field = value.str();
  }
  return info;
}

void setModuleTarget(mlir::ModuleOp module, const TargetInfo &target) {
  mlir::Builder b(module.getContext());
  module->setAttr(
      kTargetAttrName,
      b.getDictionaryAttr({
          b.getNamedAttr("name", b.getStringAttr(target.name)),
          b.getNamedAttr("triple", b.getStringAttr(target.triple)),
          b.getNamedAttr("cpu", b.getStringAttr(target.cpu)),
          b.getNamedAttr("features", b.getStringAttr(target.features)),
      }));
}

} // namespace nlc
