//===- MLIRGen.cpp - Typed AST to MLIR: functions and statements ----------===//
//
// Functions become func.func with flattened signatures; statements become
// cf branches between blocks (so `break`, `continue` and early `return` need
// no special structure); `var` storage is a memref.alloca at function entry.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGen.h"
#include "frontend/MLIRGen/MLIRGenImpl.h"
#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/Verifier.h"

#include <algorithm>

namespace nlc {

void registerMLIRGenDialects(mlir::DialectRegistry &registry) {
  registry.insert<nlc::tile::TileDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::scf::SCFDialect,
                  mlir::cf::ControlFlowDialect, mlir::memref::MemRefDialect,
                  mlir::LLVM::LLVMDialect, mlir::ub::UBDialect>();
  // Kernels are inlined through func.call (tile-inline-kernels).
  mlir::func::registerInlinerExtension(registry);
}

mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const std::vector<Module *> &modules,
                                          const SourceManager &sm,
                                          const MLIRGenOptions &options) {
  MLIRGenImpl gen(context, sm, options);
  return gen.run(modules);
}

MLIRGenImpl::MLIRGenImpl(mlir::MLIRContext &ctx, const SourceManager &sm,
                         const MLIRGenOptions &options)
    : ctx(ctx), sm(sm), builder(&ctx), checkBounds(options.checkBounds),
      options(options) {}

mlir::Location MLIRGenImpl::loc(SourceRange r) {
  if (!r.isValid())
    return builder.getUnknownLoc();
  LineCol lc = sm.getLineCol(r.begin);
  return mlir::FileLineColLoc::get(&ctx, sm.getName(r.begin.file), lc.line,
                                   lc.col);
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

mlir::Type MLIRGenImpl::scalarType(const Type *t) {
  if (t->isTile() || t->isTensor() || t->isView() || t->isDevice())
    return valueType(t);
  if (t->isBool())
    return builder.getI1Type();
  if (t->isInt())
    return builder.getIntegerType(t->getIntWidth());
  switch (t->getFloatKind()) {
  case Type::FloatKind::F16:
    return builder.getF16Type();
  case Type::FloatKind::BF16:
    return builder.getBF16Type();
  case Type::FloatKind::F32:
    return builder.getF32Type();
  case Type::FloatKind::F64:
    return builder.getF64Type();
  }
  return builder.getF32Type();
}

void MLIRGenImpl::leafTypes(
    const Type *t, llvm::SmallVectorImpl<mlir::Type> &elems,
    llvm::SmallVectorImpl<llvm::SmallVector<int64_t, 2>> &shapes,
    llvm::ArrayRef<int64_t> outer) {
  if (t->isScalar() || t->isTile() || t->isTensor() || t->isView() ||
      t->isDevice()) {
    elems.push_back(scalarType(t));
    shapes.emplace_back(outer.begin(), outer.end());
  } else if (t->isText()) {
    // `str`: pointer, length; `String`: buffer, length, capacity.
    elems.push_back(mlir::LLVM::LLVMPointerType::get(&ctx));
    shapes.emplace_back(outer.begin(), outer.end());
    for (unsigned i = 1; i < numLeaves(t); ++i) {
      elems.push_back(builder.getI64Type());
      shapes.emplace_back(outer.begin(), outer.end());
    }
  } else if (t->isVec()) {
    // A data pointer per leaf of the element, then length and capacity.
    for (unsigned i = 0, n = numLeaves(t->getElementType()); i < n; ++i) {
      elems.push_back(mlir::LLVM::LLVMPointerType::get(&ctx));
      shapes.emplace_back(outer.begin(), outer.end());
    }
    for (int i = 0; i < 2; ++i) {
      elems.push_back(builder.getI64Type());
      shapes.emplace_back(outer.begin(), outer.end());
    }
  } else if (t->isStruct() || t->isEnum()) {
    // An enum is its i32 tag, then the payloads of all its variants.
    if (t->isEnum()) {
      elems.push_back(builder.getI32Type());
      shapes.emplace_back(outer.begin(), outer.end());
    }
    for (const Type *m : t->members())
      leafTypes(m, elems, shapes, outer);
  } else if (t->isArray()) {
    llvm::SmallVector<int64_t, 2> dims(outer.begin(), outer.end());
    dims.push_back(static_cast<int64_t>(t->getArraySize()));
    leafTypes(t->getElementType(), elems, shapes, dims);
  }
}

mlir::MemRefType MLIRGenImpl::memType(llvm::ArrayRef<int64_t> shape,
                                      mlir::Type elem) {
  // memref cannot hold pointers: a `str` pointer is stored as an i64.
  if (mlir::isa<mlir::LLVM::LLVMPointerType>(elem))
    elem = builder.getI64Type();
  return mlir::MemRefType::get(shape, elem);
}

llvm::SmallVector<mlir::Type> MLIRGenImpl::abiTypes(const Type *t) {
  llvm::SmallVector<mlir::Type> elems, out;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(t, elems, shapes);
  for (size_t i = 0; i < elems.size(); ++i)
    out.push_back(shapes[i].empty() ? elems[i] : memType(shapes[i], elems[i]));
  return out;
}

unsigned MLIRGenImpl::numLeaves(const Type *t) {
  if (t->isScalar() || t->isTile() || t->isTensor() || t->isView() ||
      t->isDevice())
    return 1;
  if (t->isText())
    return t->isStr() ? 2 : 3;
  if (t->isVec())
    return numLeaves(t->getElementType()) + 2;
  if (t->isArray())
    return numLeaves(t->getElementType());
  unsigned n = t->isEnum() ? 1 : 0;
  for (const Type *m : t->members())
    n += numLeaves(m);
  return n;
}

unsigned MLIRGenImpl::fieldLeafOffset(StructDecl *s, unsigned field) {
  unsigned n = 0;
  for (unsigned i = 0; i < field; ++i)
    n += numLeaves(s->fields[i].type);
  return n;
}

//===----------------------------------------------------------------------===//
// Module and functions
//===----------------------------------------------------------------------===//

static void dropUnreachable(mlir::ModuleOp module,
                            const llvm::DenseSet<mlir::Operation *> &roots);

mlir::OwningOpRef<mlir::ModuleOp>
MLIRGenImpl::run(const std::vector<Module *> &modules) {
  mlir::OwningOpRef<mlir::ModuleOp> owned =
      mlir::ModuleOp::create(builder.getUnknownLoc());
  module = *owned;
  builder.setInsertionPointToEnd(module.getBody());
  std::vector<FnDecl *> fns;
  // The module of each function that another object could define or call
  // (isLinkable): not the instances of templates.
  llvm::DenseMap<FnDecl *, const Module *> linkable;
  auto own = [&](FnDecl *fn, const Module *m) {
    fns.push_back(fn);
    if (isLinkable(*fn))
      linkable[fn] = m;
  };
  for (Module *m : modules) {
    for (auto &d : m->decls)
      if (auto *fn = llvm::dyn_cast<FnDecl>(d.get());
          fn && fn->genericParams.empty())
        own(fn, m);
    for (auto &fn : m->instances)
      fns.push_back(fn.get());
    for (ImplBlock &impl : m->impls)
      if (impl.genericParams.empty()) // Else templates: instances above.
        for (auto &fn : impl.fns)
          own(fn.get(), m);
  }
  // Generic methods are templates, and methods of a generic type's
  // instance that nothing calls are neither checked nor made.
  llvm::erase_if(fns, [](FnDecl *fn) {
    return !fn->genericParams.empty() || fn->unused;
  });
  // Source order (impl methods included), for readable, stable output.
  std::stable_sort(fns.begin(), fns.end(), [](FnDecl *a, FnDecl *b) {
    return std::make_pair(a->range.begin.file, a->range.begin.offset) <
           std::make_pair(b->range.begin.file, b->range.begin.offset);
  });
  for (FnDecl *fn : fns)
    declareFunction(*fn);
  const Module *root = modules.empty() ? nullptr : modules.back();
  for (FnDecl *fn : fns) {
    if (auto it = linkable.find(fn); it != linkable.end()) {
      mlir::func::FuncOp func = functions[fn];
      if (options.separate.count(it->second)) {
        // Made in its module's own object.
        func->removeAttr("llvm.linkage");
        func.setPrivate();
        continue;
      }
      if (options.library && it->second == root)
        func->removeAttr("llvm.linkage");
    }
    if (fn->body && fn->isKernel)
      genKernel(*fn);
    else if (fn->body)
      genFunction(*fn);
  }
  for (const auto &key : tileMapOrder)
    genTileMapKernel(tileMapKernels[key]);
  if (!options.separate.empty() || options.library) {
    llvm::DenseSet<mlir::Operation *> roots;
    for (auto [fn, m] : linkable)
      if (m == root)
        roots.insert(functions[fn].getOperation());
    dropUnreachable(module, roots);
  }
  if (mlir::failed(mlir::verify(module))) {
    module.emitError("nlc internal error: MLIRGen produced invalid IR");
    return nullptr;
  }
  return owned;
}

bool hasAttr(const FnDecl &fn, llvm::StringRef name) {
  for (const Attribute &a : fn.attributes)
    if (a.name.name == name)
      return true;
  return false;
}

bool isLinkable(const FnDecl &fn) {
  return fn.body && !fn.isKernel && !fn.isExtern && fn.genericParams.empty() &&
         !hasAttr(fn, "inline");
}

/// Drops the functions of `module` that no function of `roots`, no
/// function visible outside the module (`main`, `@export`, a library's)
/// and no function they reach refers to.
static void dropUnreachable(mlir::ModuleOp module,
                            const llvm::DenseSet<mlir::Operation *> &roots) {
  mlir::SymbolTable symbols(module);
  llvm::SmallVector<mlir::Operation *> work;
  llvm::DenseSet<mlir::Operation *> reached;
  auto reach = [&](mlir::Operation *op) {
    if (op && reached.insert(op).second)
      work.push_back(op);
  };
  for (auto func : module.getOps<mlir::func::FuncOp>())
    if (roots.contains(func.getOperation()) ||
        (!func.isDeclaration() && !func->hasAttr("llvm.linkage")))
      reach(func);
  while (!work.empty()) {
    mlir::Operation *op = work.pop_back_val();
    if (std::optional<mlir::SymbolTable::UseRange> uses =
            mlir::SymbolTable::getSymbolUses(op))
      for (const mlir::SymbolTable::SymbolUse &use : *uses)
        reach(symbols.lookup(use.getSymbolRef().getRootReference()));
  }
  for (auto func :
       llvm::make_early_inc_range(module.getOps<mlir::func::FuncOp>()))
    if (!reached.contains(func))
      func.erase();
}

void MLIRGenImpl::declareFunction(FnDecl &fn) {
  llvm::SmallVector<mlir::Type> args, results;
  for (auto &p : fn.params) {
    if (paramInMemory(fn, *p)) {
      args.push_back(bufferType(p->type));
    } else if (refInMemory(fn, *p)) {
      args.push_back(refBufferType());
      args.push_back(builder.getIndexType());
    } else {
      paramAbiTypes(*p, args);
    }
  }
  bool isMain = fn.symbol == "nl_main";
  if (isMain)
    results.push_back(builder.getI32Type());
  else if (resultInMemory(fn))
    args.push_back(bufferType(fn.result));
  else
    resultAbiTypes(fn.result, args, results);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  auto func = mlir::func::FuncOp::create(builder, loc(fn.name.range),
                                         fn.symbol,
                                         builder.getFunctionType(args, results));
  if (fn.isKernel)
    func->setAttr(tile::kKernelAttrName, builder.getUnitAttr());
  if (fn.isExtern) {
    func.setPrivate();
  } else if (!isMain && !hasAttr(fn, "export")) {
    func->setAttr("llvm.linkage", mlir::LLVM::LinkageAttr::get(
                                      &ctx, mlir::LLVM::Linkage::Internal));
  }
  if (hasAttr(fn, "inline") || hasAttr(fn, "noinline"))
    func->setAttr("passthrough",
                  builder.getArrayAttr({builder.getStringAttr(
                      hasAttr(fn, "inline") ? "alwaysinline" : "noinline")}));
  functions[&fn] = func;
}

void MLIRGenImpl::genFunction(FnDecl &fn) {
  currentFn = &fn;
  currentFunc = functions[&fn];
  locals.clear();
  tensorValues.clear();
  mlir::Block *entry = currentFunc.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  unsigned argIdx = 0;
  for (auto &p : fn.params) {
    if (paramInMemory(fn, *p)) {
      locals[p.get()] = bufferLeaves(entry->getArgument(argIdx++), p->type,
                                     loc(p->name.range));
      continue;
    }
    if (refInMemory(fn, *p)) {
      locals[p.get()] =
          bufferLeaves(entry->getArgument(argIdx), p->type, loc(p->name.range),
                       entry->getArgument(argIdx + 1));
      argIdx += 2;
      continue;
    }
    Leaves leaves;
    llvm::SmallVector<mlir::Type> elems;
    llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
    leafTypes(p->type, elems, shapes);
    for (size_t i = 0; i < elems.size(); ++i) {
      Leaf leaf;
      leaf.value = entry->getArgument(argIdx++);
      leaf.elementType = elems[i];
      leaf.shape = shapes[i];
      leaf.isRef = !shapes[i].empty() || !passedAsValue(*p);
      leaves.push_back(leaf);
    }
    locals[p.get()] = leaves;
  }
  resultSlots.assign(entry->args_begin() + argIdx, entry->args_end());
  resultBuffer = resultInMemory(fn) ? resultSlots.front() : mlir::Value();
  exitBlocks.clear();
  genBlock(*fn.body);
  if (!terminated()) {
    mlir::Location l = loc(SourceRange(fn.body->range.end));
    if (fn.symbol == "nl_main")
      mlir::func::ReturnOp::create(builder, l,
                                   constInt(builder.getI32Type(), 0, l));
    else if (fn.result->isVoid())
      mlir::func::ReturnOp::create(builder, l);
    else
      mlir::LLVM::UnreachableOp::create(builder, l);
  }
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

bool MLIRGenImpl::terminated() const {
  mlir::Block *b = builder.getInsertionBlock();
  return !b->empty() && b->back().hasTrait<mlir::OpTrait::IsTerminator>();
}

/// Continues code generation in `merge`, or, if nothing branches there,
/// drops it and stays after the terminator of `fallback` so that the
/// following (unreachable) statements are skipped.
static void continueAt(mlir::OpBuilder &builder, mlir::Block *merge,
                       mlir::Block *fallback) {
  if (merge->hasNoPredecessors()) {
    merge->erase();
    builder.setInsertionPointToEnd(fallback);
    return;
  }
  builder.setInsertionPointToEnd(merge);
}

void MLIRGenImpl::genBlock(BlockStmt &b) {
  for (auto &s : b.body) {
    if (terminated())
      return;
    genStmt(*s);
  }
  if (!terminated())
    genDrops(b.drops, loc(SourceRange(b.range.end)));
}

/// Frees what the value `leaves` (loaded, in leafTypes order) of type `t`
/// owns. Each kind of owned value (Type::isOwned) is one case here.
void MLIRGenImpl::dropLeaves(llvm::ArrayRef<Leaf> leaves, const Type *t,
                             mlir::Location l) {
  if (!t->isOwned())
    return;
  if (t->isTensor()) {
    mlir::memref::DeallocOp::create(builder, l, leaves[0].value);
    return;
  }
  if (t->isEnum()) {
    dropEnumLeaves(leaves, t, l);
    return;
  }
  if (t->isString()) {
    dropString(leaves, l);
    return;
  }
  if (t->isVec()) {
    dropVec(leaves, t, l);
    return;
  }
  if (t->isArray()) {
    // Each element in turn: every leaf has the array's length outermost.
    auto loop = mlir::scf::ForOp::create(
        builder, l, constIndex(0, l),
        constIndex(static_cast<int64_t>(t->getArraySize()), l),
        constIndex(1, l));
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(loop.getBody()->getTerminator());
    Leaves element;
    for (Leaf leaf : leaves) {
      leaf.indices.push_back(loop.getInductionVar());
      leaf.shape.erase(leaf.shape.begin());
      element.push_back(leaf);
    }
    dropLeaves(load(element, l), t->getElementType(), l);
    return;
  }
  if (t->isStruct()) {
    for (const FieldDecl &f : t->getStructDecl()->fields) {
      unsigned n = numLeaves(f.type);
      dropLeaves(leaves.take_front(n), f.type, l);
      leaves = leaves.drop_front(n);
    }
  }
}

void MLIRGenImpl::dropValue(const Leaves &value, const Type *t,
                            mlir::Location l) {
  if (t->isOwned())
    dropLeaves(load(value, l), t, l);
}

void MLIRGenImpl::genDrops(llvm::ArrayRef<const VarDecl *> vars,
                           mlir::Location l) {
  for (const VarDecl *v : vars)
    dropValue(locals.lookup(v), v->type, l);
}

void MLIRGenImpl::genFreeTemporaries(llvm::ArrayRef<Expr *> temps,
                                     mlir::Location l) {
  for (Expr *t : temps)
    if (auto it = tensorValues.find(t); it != tensorValues.end())
      dropValue(it->second, t->type, l);
}

mlir::Block *MLIRGenImpl::dropsThen(llvm::ArrayRef<const VarDecl *> vars,
                                    mlir::Block *next, mlir::Location l) {
  if (vars.empty())
    return next;
  mlir::OpBuilder::InsertionGuard guard(builder);
  auto *block = new mlir::Block();
  next->getParent()->push_back(block);
  builder.setInsertionPointToEnd(block);
  genDrops(vars, l);
  mlir::cf::BranchOp::create(builder, l, next);
  return block;
}

void MLIRGenImpl::genStmt(Stmt &s) {
  mlir::Location l = loc(s.range);
  switch (s.getKind()) {
  case Stmt::Kind::Let:
    genLet(llvm::cast<LetStmt>(s));
    return;
  case Stmt::Kind::Expr: {
    auto &e = llvm::cast<ExprStmt>(s);
    genExpr(*e.expr);
    // A `match` statement whose every arm returns.
    if (terminated())
      return;
    genFreeTemporaries(e.temporaries, l);
    auto *call = llvm::dyn_cast<CallExpr>(e.expr.get());
    if (call && call->builtin == Builtin::Panic)
      mlir::LLVM::UnreachableOp::create(builder, l);
    return;
  }
  case Stmt::Kind::Assign:
    genAssign(llvm::cast<AssignStmt>(s));
    return;
  case Stmt::Kind::Block:
    genBlock(llvm::cast<BlockStmt>(s));
    return;
  case Stmt::Kind::If:
    genIf(llvm::cast<IfStmt>(s));
    return;
  case Stmt::Kind::While:
    genWhile(llvm::cast<WhileStmt>(s));
    return;
  case Stmt::Kind::For:
    genFor(llvm::cast<ForStmt>(s));
    return;
  case Stmt::Kind::Break:
    genDrops(llvm::cast<BreakStmt>(s).drops, l);
    mlir::cf::BranchOp::create(builder, l, loops.back().breakTarget);
    return;
  case Stmt::Kind::Continue:
    genDrops(llvm::cast<ContinueStmt>(s).drops, l);
    mlir::cf::BranchOp::create(builder, l, loops.back().continueTarget);
    return;
  case Stmt::Kind::Return:
    genReturn(llvm::cast<ReturnStmt>(s));
    return;
  }
}

void MLIRGenImpl::genIf(IfStmt &s) {
  mlir::Location l = loc(s.range);
  mlir::Block *current = builder.getInsertionBlock();
  mlir::Region *region = current->getParent();
  // A condition the compiler knows (a constant such as
  // `target::BARE_METAL`): only the branch taken is generated, so that the
  // kernel instances the other one launches are not built at all.
  if (s.cond->constValue.kind == ConstValue::Kind::Bool) {
    bool taken = s.cond->constValue.boolValue;
    auto *body = new mlir::Block(), *merge = new mlir::Block();
    region->push_back(body);
    region->push_back(merge);
    mlir::cf::BranchOp::create(builder, l, body);
    builder.setInsertionPointToEnd(body);
    if (taken)
      genBlock(*s.thenBlock);
    else if (s.elseStmt)
      genStmt(*s.elseStmt);
    if (!terminated()) {
      genDrops(taken ? s.thenDrops : s.elseDrops, l);
      mlir::cf::BranchOp::create(builder, l, merge);
    }
    continueAt(builder, merge, current);
    return;
  }
  mlir::Value cond = genScalar(*s.cond);
  auto *thenBlock = new mlir::Block();
  auto *merge = new mlir::Block();
  region->push_back(thenBlock);
  mlir::Block *elseBlock = merge;
  if (s.elseStmt || !s.elseDrops.empty()) {
    elseBlock = new mlir::Block();
    region->push_back(elseBlock);
  }
  region->push_back(merge);
  mlir::cf::CondBranchOp::create(builder, l, cond, thenBlock,
                                 mlir::ValueRange{}, elseBlock,
                                 mlir::ValueRange{});
  builder.setInsertionPointToEnd(thenBlock);
  genBlock(*s.thenBlock);
  if (!terminated()) {
    genDrops(s.thenDrops, l);
    mlir::cf::BranchOp::create(builder, l, merge);
  }
  if (elseBlock != merge) {
    builder.setInsertionPointToEnd(elseBlock);
    if (s.elseStmt)
      genStmt(*s.elseStmt);
    if (!terminated()) {
      genDrops(s.elseDrops, l);
      mlir::cf::BranchOp::create(builder, l, merge);
    }
  }
  continueAt(builder, merge, current);
}

void MLIRGenImpl::genWhile(WhileStmt &s) {
  mlir::Location l = loc(s.range);
  mlir::Block *current = builder.getInsertionBlock();
  mlir::Region *region = current->getParent();
  auto *header = new mlir::Block(), *body = new mlir::Block(),
       *exit = new mlir::Block();
  region->push_back(header);
  region->push_back(body);
  region->push_back(exit);
  mlir::cf::BranchOp::create(builder, l, header);
  builder.setInsertionPointToEnd(header);
  mlir::Value cond = genScalar(*s.cond);
  mlir::cf::CondBranchOp::create(builder, l, cond, body, mlir::ValueRange{},
                                 dropsThen(s.exitDrops, exit, l),
                                 mlir::ValueRange{});
  builder.setInsertionPointToEnd(body);
  loops.push_back({exit, header});
  genBlock(*s.body);
  loops.pop_back();
  if (!terminated())
    mlir::cf::BranchOp::create(builder, l, header);
  continueAt(builder, exit, current);
}

void MLIRGenImpl::genFor(ForStmt &s) {
  mlir::Location l = loc(s.range);
  const Type *t = s.var->type;
  mlir::Type it = scalarType(t);
  bool isSigned = t->isSigned();
  mlir::Value start = genScalar(*s.start);
  mlir::Value end = genScalar(*s.end);
  mlir::Value step = s.step ? genScalar(*s.step) : constInt(it, 1, l);
  mlir::Value zero = constInt(it, 0, l);
  if (s.step && s.step->constValue.kind == ConstValue::Kind::None)
    genCheck(mlir::arith::CmpIOp::create(builder, l,
                                         mlir::arith::CmpIPredicate::eq, step,
                                         zero),
             "`for` step is zero", s.step->range);
  // Counting up unless a signed step is negative.
  mlir::Value up =
      isSigned ? mlir::arith::CmpIOp::create(
                     builder, l, mlir::arith::CmpIPredicate::sgt, step, zero)
                     .getResult()
               : constInt(builder.getI1Type(), 1, l);
  Leaves slot = allocate(t, l);
  mlir::memref::StoreOp::create(builder, l, start, slot[0].value);

  mlir::Block *current = builder.getInsertionBlock();
  mlir::Region *region = current->getParent();
  auto *header = new mlir::Block(), *body = new mlir::Block(),
       *latch = new mlir::Block(), *exit = new mlir::Block();
  for (mlir::Block *b : {header, body, latch, exit})
    region->push_back(b);
  mlir::Block *normalExit = dropsThen(s.exitDrops, exit, l);
  mlir::cf::BranchOp::create(builder, l, header);

  // header: iv < end (counting up) or iv > end (counting down).
  builder.setInsertionPointToEnd(header);
  mlir::Value iv = mlir::memref::LoadOp::create(builder, l, slot[0].value);
  auto lt = isSigned ? mlir::arith::CmpIPredicate::slt
                     : mlir::arith::CmpIPredicate::ult;
  auto gt = isSigned ? mlir::arith::CmpIPredicate::sgt
                     : mlir::arith::CmpIPredicate::ugt;
  mlir::Value below = mlir::arith::CmpIOp::create(builder, l, lt, iv, end);
  mlir::Value above = mlir::arith::CmpIOp::create(builder, l, gt, iv, end);
  mlir::Value inRange =
      mlir::arith::SelectOp::create(builder, l, up, below, above);
  mlir::cf::CondBranchOp::create(builder, l, inRange, body, mlir::ValueRange{},
                                 normalExit, mlir::ValueRange{});

  builder.setInsertionPointToEnd(body);
  Leaf ivLeaf;
  ivLeaf.value = iv;
  ivLeaf.elementType = it;
  locals[s.var.get()] = Leaves{ivLeaf};
  loops.push_back({exit, latch});
  genBlock(*s.body);
  loops.pop_back();
  if (!terminated())
    mlir::cf::BranchOp::create(builder, l, latch);

  // latch: stop when the distance left is at most one step. This never
  // computes a value past `end`, so the loop cannot wrap around.
  builder.setInsertionPointToEnd(latch);
  mlir::Value distUp = mlir::arith::SubIOp::create(builder, l, end, iv);
  mlir::Value distDown = mlir::arith::SubIOp::create(builder, l, iv, end);
  mlir::Value dist =
      mlir::arith::SelectOp::create(builder, l, up, distUp, distDown);
  mlir::Value negStep = mlir::arith::SubIOp::create(builder, l, zero, step);
  mlir::Value mag = mlir::arith::SelectOp::create(builder, l, up, step, negStep);
  mlir::Value done = mlir::arith::CmpIOp::create(
      builder, l, mlir::arith::CmpIPredicate::ule, dist, mag);
  mlir::Value next = mlir::arith::AddIOp::create(builder, l, iv, step);
  mlir::memref::StoreOp::create(builder, l, next, slot[0].value);
  mlir::cf::CondBranchOp::create(builder, l, done, normalExit,
                                 mlir::ValueRange{}, header,
                                 mlir::ValueRange{});
  builder.setInsertionPointToEnd(exit);
}

void MLIRGenImpl::genLet(LetStmt &s) {
  mlir::Location l = loc(s.range);
  Leaves value = genExpr(*s.init);
  const Type *t = s.var->type;
  bool fresh = llvm::isa<ArrayLitExpr>(s.init.get()) ||
               llvm::isa<ArrayRepeatExpr>(s.init.get());
  // A `var` tensor may take a new tensor (views cannot: Sema); other
  // handles are bound.
  bool mutableStorage =
      s.var->isMutable && (!t->containsBuffer() || t->isOwned());
  if (mutableStorage || (t->containsArray() && !fresh)) {
    // Mutable storage, or an array copied for value semantics; a large
    // value's in one buffer, so that a reference to it is that buffer (and
    // a value from another buffer is copied as bytes).
    Leaves storage;
    if (isLarge(t)) {
      mlir::Value buffer = allocateBuffer(t, l);
      storeToBuffer(buffer, t, value, l);
      storage = bufferLeaves(buffer, t, l);
    } else {
      storage = allocate(t, l);
      store(storage, value, l);
    }
    locals[s.var.get()] = mutableStorage ? storage : load(storage, l);
    return;
  }
  // A large value a call returned in its buffer (or its payload, `f()?`)
  // stays there: its leaves are read where they are used. The buffer is
  // the call's own, written again only when this `let` runs again.
  if (isLarge(t) && returnedInMemory(*s.init)) {
    locals[s.var.get()] = value;
    return;
  }
  locals[s.var.get()] = load(value, l);
}

void MLIRGenImpl::genAssign(AssignStmt &s) {
  mlir::Location l = loc(s.range);
  Leaves target = genExpr(*s.target);
  if (!s.op) {
    Leaves value = genExpr(*s.value);
    // The old tensor may be read by the new value's computation.
    if (s.dropOld)
      dropValue(target, s.target->type, l);
    // A large value into a buffer: runs of it from another buffer are
    // copied as bytes.
    const Type *t = s.target->type;
    if (isLarge(t))
      if (auto run = runInBuffer(target, t, l)) {
        storeToBuffer(run->first, t, value, l, run->second);
        return;
      }
    store(target, value, l);
    return;
  }
  mlir::Value current = load(target, l)[0].value;
  mlir::Value rhs = genScalar(*s.value);
  mlir::Value result =
      genArith(*s.op, s.target->type, current, rhs, s.range);
  Leaf v;
  v.value = result;
  v.elementType = result.getType();
  store(target, Leaves{v}, l);
}

void MLIRGenImpl::genReturn(ReturnStmt &s) {
  mlir::Location l = loc(s.range);
  llvm::SmallVector<mlir::Value> results;
  if (s.value && resultBuffer) {
    storeToBuffer(resultBuffer, currentFn->result, genExpr(*s.value), l);
  } else if (s.value) {
    // Array leaves go to the out-parameters.
    unsigned slot = 0;
    for (const Leaf &leaf : genExpr(*s.value)) {
      if (leaf.shape.empty()) {
        results.push_back(load(Leaves{leaf}, l)[0].value);
        continue;
      }
      Leaf dst = leaf;
      dst.value = resultSlots[slot++];
      dst.indices.clear();
      store(Leaves{dst}, Leaves{leaf}, l);
    }
  } else if (currentFn->symbol == "nl_main") {
    results.push_back(constInt(builder.getI32Type(), 0, l));
  }
  genExit(s.drops, results, l);
}

// Each exit used to free its variables itself, so a function whose `?`s
// come one after another, each with one more live variable, had code
// quadratic in their number (llama's Loader.model: 302 calls of
// nl_dealloc). Variables are freed innermost first, so exits in the same
// scopes end their lists alike: one chain of blocks, each freeing one
// variable, serves them all.
void MLIRGenImpl::genExit(llvm::ArrayRef<const VarDecl *> drops,
                          mlir::ValueRange results, mlir::Location l) {
  if (mlir::Block *chain = exitBlock(drops, l))
    mlir::cf::BranchOp::create(builder, l, chain, results);
  else
    mlir::func::ReturnOp::create(builder, l, results);
}

mlir::Block *MLIRGenImpl::exitBlock(llvm::ArrayRef<const VarDecl *> drops,
                                    mlir::Location l) {
  if (drops.empty())
    return nullptr;
  std::vector<const VarDecl *> key(drops.begin(), drops.end());
  if (auto it = exitBlocks.find(key); it != exitBlocks.end())
    return it->second;
  // Every exit reaching the block frees drops[0], so the variable is in
  // scope there: its definition dominates each of them, hence the block.
  mlir::Block *next = exitBlock(drops.drop_front(), l);
  auto *block = new mlir::Block();
  currentFunc.getBody().push_back(block);
  for (mlir::Type t : currentFunc.getFunctionType().getResults())
    block->addArgument(t, l);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(block);
  genDrops(drops.take_front(), l);
  if (next)
    mlir::cf::BranchOp::create(builder, l, next, block->getArguments());
  else
    mlir::func::ReturnOp::create(builder, l, block->getArguments());
  exitBlocks.emplace(std::move(key), block);
  return block;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

Leaves MLIRGenImpl::allocate(const Type *t, mlir::Location l) {
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&currentFunc.getBody().front());
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(t, elems, shapes);
  Leaves out;
  for (size_t i = 0; i < elems.size(); ++i) {
    Leaf leaf;
    leaf.isRef = true;
    leaf.elementType = elems[i];
    leaf.shape = shapes[i];
    leaf.value =
        mlir::memref::AllocaOp::create(builder, l, memType(shapes[i], elems[i]));
    out.push_back(leaf);
  }
  return out;
}

/// Emits loops over `shape` and calls `body` with the induction variables.
static void forEachIndex(
    mlir::OpBuilder &builder, mlir::Location l, llvm::ArrayRef<int64_t> shape,
    llvm::SmallVectorImpl<mlir::Value> &ivs,
    llvm::function_ref<void(llvm::ArrayRef<mlir::Value>)> body) {
  if (shape.empty()) {
    body(ivs);
    return;
  }
  mlir::Value lo = mlir::arith::ConstantIndexOp::create(builder, l, 0);
  mlir::Value hi = mlir::arith::ConstantIndexOp::create(builder, l, shape[0]);
  mlir::Value one = mlir::arith::ConstantIndexOp::create(builder, l, 1);
  auto loop = mlir::scf::ForOp::create(builder, l, lo, hi, one);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(loop.getBody()->getTerminator());
  ivs.push_back(loop.getInductionVar());
  forEachIndex(builder, l, shape.drop_front(), ivs, body);
  ivs.pop_back();
}

void MLIRGenImpl::store(const Leaves &dst, const Leaves &src,
                        mlir::Location l) {
  for (size_t i = 0; i < dst.size(); ++i) {
    const Leaf &d = dst[i];
    const Leaf &s = src[i];
    if (d.shape.empty()) {
      mlir::Value v = load(Leaves{s}, l)[0].value;
      if (mlir::isa<mlir::LLVM::LLVMPointerType>(v.getType()))
        v = mlir::LLVM::PtrToIntOp::create(builder, l, builder.getI64Type(), v);
      mlir::memref::StoreOp::create(builder, l, v, d.value, d.indices);
      continue;
    }
    // Array leaf: element-wise copy (source and target may be sub-arrays).
    llvm::SmallVector<mlir::Value, 4> ivs;
    forEachIndex(builder, l, d.shape, ivs,
                 [&](llvm::ArrayRef<mlir::Value> idx) {
                   llvm::SmallVector<mlir::Value, 4> si(s.indices.begin(),
                                                        s.indices.end());
                   si.append(idx.begin(), idx.end());
                   llvm::SmallVector<mlir::Value, 4> di(d.indices.begin(),
                                                        d.indices.end());
                   di.append(idx.begin(), idx.end());
                   mlir::Value v =
                       mlir::memref::LoadOp::create(builder, l, s.value, si);
                   mlir::memref::StoreOp::create(builder, l, v, d.value, di);
                 });
  }
}

mlir::Value MLIRGenImpl::copyArray(const Leaf &leaf, mlir::Location l) {
  mlir::Value mem;
  {
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&currentFunc.getBody().front());
    mem = mlir::memref::AllocaOp::create(
        builder, l, memType(leaf.shape, leaf.elementType));
  }
  Leaf dst;
  dst.value = mem;
  dst.isRef = true;
  dst.elementType = leaf.elementType;
  dst.shape = leaf.shape;
  store(Leaves{dst}, Leaves{leaf}, l);
  return mem;
}

Leaves MLIRGenImpl::load(const Leaves &leaves, mlir::Location l) {
  Leaves out;
  for (const Leaf &leaf : leaves) {
    if (!leaf.isRef) {
      out.push_back(leaf);
      continue;
    }
    Leaf v = leaf;
    if (!leaf.shape.empty()) {
      // Arrays stay in memory; an indexed sub-array, or one seen through a
      // reference (a strided memref), becomes its own copy.
      if (!leaf.indices.empty() ||
          !mlir::cast<mlir::MemRefType>(leaf.value.getType())
               .getLayout()
               .isIdentity()) {
        v.value = copyArray(leaf, l);
        v.indices.clear();
      }
      out.push_back(v);
      continue;
    }
    v.isRef = false;
    v.indices.clear();
    v.value =
        mlir::memref::LoadOp::create(builder, l, leaf.value, leaf.indices);
    if (mlir::isa<mlir::LLVM::LLVMPointerType>(leaf.elementType))
      v.value = mlir::LLVM::IntToPtrOp::create(builder, l, leaf.elementType,
                                               v.value);
    out.push_back(v);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Runtime interface
//===----------------------------------------------------------------------===//

mlir::func::FuncOp MLIRGenImpl::runtimeFn(llvm::StringRef name,
                                          llvm::ArrayRef<mlir::Type> args,
                                          llvm::ArrayRef<mlir::Type> results) {
  auto it = runtimeFns.find(name);
  if (it != runtimeFns.end())
    return it->second;
  // The program may declare the runtime function itself (`extern fn`):
  // calls share that declaration.
  auto type = builder.getFunctionType(args, results);
  if (auto existing = module.lookupSymbol<mlir::func::FuncOp>(name);
      existing && existing.getFunctionType() == type)
    return runtimeFns[name] = existing;
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  auto fn =
      mlir::func::FuncOp::create(builder, builder.getUnknownLoc(), name, type);
  fn.setPrivate();
  runtimeFns[name] = fn;
  return fn;
}

mlir::Value MLIRGenImpl::constIndex(int64_t v, mlir::Location l) {
  return mlir::arith::ConstantIndexOp::create(builder, l, v);
}

mlir::Value MLIRGenImpl::constInt(mlir::Type t, int64_t v, mlir::Location l) {
  return mlir::arith::ConstantOp::create(builder, l,
                                         builder.getIntegerAttr(t, v));
}

} // namespace nlc
