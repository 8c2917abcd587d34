//===- InlineKernels.cpp - Inline calls to kernels ------------------------===//
//
// The `tile-inline-kernels` pass: kernels on tiles exist once, as functions,
// and are inlined into every kernel that calls them, so that later passes
// see grid kernels whose bodies hold every tile op they run.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/Transforms/Passes.h"

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Transforms/InliningUtils.h"

namespace nlc::tile {
#define GEN_PASS_DEF_TILEINLINEKERNELS
#include "dialects/tile/Transforms/Passes.h.inc"
} // namespace nlc::tile

using namespace mlir;

namespace {

struct TileInlineKernels
    : nlc::tile::impl::TileInlineKernelsBase<TileInlineKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    auto kernelOf = [&](CallOpInterface call) -> func::FuncOp {
      auto ref = dyn_cast_if_present<SymbolRefAttr>(call.getCallableForCallee());
      if (!ref)
        return {};
      auto fn = symbols.lookup<func::FuncOp>(ref.getRootReference());
      return fn && fn->hasAttr(nlc::tile::kKernelAttrName) && !fn.isExternal()
                 ? fn
                 : func::FuncOp();
    };
    InlinerInterface interface(&getContext());
    auto clone = [](OpBuilder &builder, Region *src, Block *inlineBlock,
                    Block *postBlock, IRMapping &mapper,
                    bool shouldCloneInlinedRegion) {
      Region *insertRegion = inlineBlock->getParent();
      src->cloneInto(insertRegion, postBlock->getIterator(), mapper);
    };
    // Each round inlines the calls present at its start; a call that an
    // inlined body brings in is handled by the next round. Without
    // recursion, rounds are bounded by the depth of the call graph.
    unsigned limit = 1 + std::distance(module.getOps<func::FuncOp>().begin(),
                                       module.getOps<func::FuncOp>().end());
    for (unsigned round = 0;; ++round) {
      SmallVector<CallOpInterface> calls;
      module.walk([&](CallOpInterface call) {
        if (kernelOf(call))
          calls.push_back(call);
      });
      if (calls.empty())
        break;
      if (round == limit) {
        calls.front().emitError("recursive kernel calls cannot be inlined");
        return signalPassFailure();
      }
      for (CallOpInterface call : calls) {
        func::FuncOp callee = kernelOf(call);
        if (call->getParentOfType<func::FuncOp>() == callee) {
          call.emitError("recursive kernel calls cannot be inlined");
          return signalPassFailure();
        }
        if (failed(inlineCall(interface, clone, call,
                              cast<CallableOpInterface>(callee.getOperation()),
                              &callee.getBody()))) {
          call.emitError("cannot inline kernel `") << callee.getName() << "`";
          return signalPassFailure();
        }
        call->erase();
      }
    }
    // Kernels that no launch names have no use left. The names in use are
    // gathered in one walk of the module (a walk per kernel took most of
    // this pass's time on a program of 80 kernel instances).
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(&module.getBodyRegion());
    if (!uses)
      return; // An op that may refer to symbols unseen: erase nothing.
    llvm::DenseSet<StringAttr> named;
    for (const SymbolTable::SymbolUse &use : *uses)
      named.insert(use.getSymbolRef().getRootReference());
    for (func::FuncOp fn :
         llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (fn->hasAttr(nlc::tile::kKernelAttrName) &&
          !named.contains(fn.getSymNameAttr()))
        fn.erase();
  }
};

} // namespace
