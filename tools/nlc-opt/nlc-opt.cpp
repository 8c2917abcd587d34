//===- nlc-opt.cpp - The nlc optimizer driver -----------------------------===//
//
// mlir-opt with every nlc dialect, pass and pipeline registered, for
// IR-level tests of each pass in isolation.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/IR/TileDialect.h"
#include "lowering/Host/Pipeline.h"
#include "lowering/Target/TargetRegistry.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  nlc::registerAllPasses();
  nlc::registerTargetPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<nlc::tile::TileDialect>();
  // nlc-gpu-launches-to-runtime compiles device code to PTX.
  nlc::registerLLVMTranslations(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "nlc optimizer driver\n", registry));
}
