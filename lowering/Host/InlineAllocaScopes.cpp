//===- InlineAllocaScopes.cpp - alloca_scope to stack save/restore --------===//
//
// Pass `nlc-inline-alloca-scopes` (see Passes.td): runs after
// convert-scf-to-openmp and before convert-scf-to-cf in the host pipeline.
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace nlc {
#define GEN_PASS_DEF_INLINEALLOCASCOPES
#include "lowering/Host/Passes.h.inc"
} // namespace nlc

using namespace mlir;

namespace {
struct InlineAllocaScopesPass
    : public nlc::impl::InlineAllocaScopesBase<InlineAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    // Post-order: inner scopes are inlined first.
    getOperation().walk([&](memref::AllocaScopeOp s) { scopes.push_back(s); });
    for (memref::AllocaScopeOp scope : scopes) {
      Block &body = scope.getBodyRegion().front();
      auto ret = cast<memref::AllocaScopeReturnOp>(body.getTerminator());
      OpBuilder b(scope);
      Value sp = LLVM::StackSaveOp::create(
          b, scope.getLoc(), LLVM::LLVMPointerType::get(b.getContext()));
      SmallVector<Value> results(ret.getResults());
      ret.erase();
      scope->getBlock()->getOperations().splice(scope->getIterator(),
                                                body.getOperations());
      LLVM::StackRestoreOp::create(b, scope.getLoc(), sp);
      scope->replaceAllUsesWith(results);
      scope.erase();
    }
  }
};
} // namespace
