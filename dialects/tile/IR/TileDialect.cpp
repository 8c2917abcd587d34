//===- TileDialect.cpp - The tile dialect ---------------------------------===//
//
// Dialect registration and the generated attribute and enum definitions.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace nlc::tile;

#include "dialects/tile/IR/TileDialect.cpp.inc"
#include "dialects/tile/IR/TileEnums.cpp.inc"

// Type storage must be complete where addTypes runs; the custom parser,
// printer and verifier are in TileTypes.cpp.
#define GET_TYPEDEF_CLASSES
#include "dialects/tile/IR/TileTypes.cpp.inc"

namespace {
/// Every tile op may be inlined: kernels on tiles are functions that the
/// `tile-inline-kernels` pass inlines into the grid kernels that call them.
struct TileInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void TileDialect::initialize() {
  addInterfaces<TileInlinerInterface>();
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/tile/IR/TileTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/tile/IR/TileOps.cpp.inc"
      >();
}
