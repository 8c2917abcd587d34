//===- MLIRGenKernel.cpp - Kernels, tiles and tensors to MLIR -------------===//
//
// Every `@kernel` is one function marked `tile.kernel`, whose body is
// structured control flow on tile dialect values: variables are SSA values,
// an `if` yields the variables it assigns, a `for` carries them as
// iter_args. A kernel call from another kernel is a func.call (inlined by
// `tile-inline-kernels`); a launch from host code is one `tile.launch` op.
// The tile-map form launches a grid kernel made here from the kernel itself
// (docs/Kernels.md): it loads tile (i, j) of each view, runs the kernel's
// body, with its contraction `dot(P, Q, acc)` summed over k, and stores the
// result. Host tensor builtins are plain memref code; run-time checks panic
// with the location.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "dialects/Utils/ScalarConversion.h"
#include "dialects/tile/IR/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

#include <functional>

namespace nlc {

namespace tl = nlc::tile;

mlir::Type MLIRGenImpl::valueType(const Type *t) {
  if (t->isDevice())
    return builder.getI32Type();
  mlir::Type elem = scalarType(t->getElementType());
  int64_t dyn = mlir::ShapedType::kDynamic;
  if (t->isTile())
    return tl::TileType::get(&ctx, t->getShape(), elem,
                             t->getLayout() == Type::Layout::ColMajor
                                 ? tl::Layout::ColMajor
                                 : tl::Layout::RowMajor);
  llvm::SmallVector<int64_t, 2> shape(t->getRank(), dyn);
  if (t->isTensor())
    return mlir::MemRefType::get(shape, elem);
  return viewMemRefType(shape, elem);
}

// A view's elements along its last axis are adjacent in every view the
// language makes (`t.view()`, `t.slice(...)`, a tile-map's result): the type
// says so with a static inner stride of 1, so that the lowering of a tile
// access needs no path for another stride. Its offset and other strides are
// the tensor's and the slice's, known at run time.
mlir::MemRefType MLIRGenImpl::viewMemRefType(llvm::ArrayRef<int64_t> shape,
                                             mlir::Type elem) {
  int64_t dyn = mlir::ShapedType::kDynamic;
  llvm::SmallVector<int64_t, 2> strides(shape.size(), dyn);
  if (!strides.empty())
    strides.back() = 1;
  return mlir::MemRefType::get(
      shape, elem, mlir::StridedLayoutAttr::get(&ctx, dyn, strides));
}

mlir::Value MLIRGenImpl::toIndex(mlir::Value v, mlir::Location l) {
  return mlir::arith::IndexCastOp::create(builder, l, builder.getIndexType(),
                                          v);
}

mlir::Value MLIRGenImpl::asTile(mlir::Value v, const Type *t,
                                mlir::Location l) {
  if (mlir::isa<tl::TileType>(v.getType()))
    return v;
  return tl::SplatOp::create(builder, l, valueType(t), v);
}

//===----------------------------------------------------------------------===//
// Kernel functions
//===----------------------------------------------------------------------===//

/// Calls `f` on each statement directly inside `s`.
static void forEachChild(Stmt &s, llvm::function_ref<void(Stmt &)> f) {
  if (auto *b = llvm::dyn_cast<BlockStmt>(&s)) {
    for (auto &c : b->body)
      f(*c);
  } else if (auto *i = llvm::dyn_cast<IfStmt>(&s)) {
    f(*i->thenBlock);
    if (i->elseStmt)
      f(*i->elseStmt);
  } else if (auto *w = llvm::dyn_cast<WhileStmt>(&s)) {
    f(*w->body);
  } else if (auto *fs = llvm::dyn_cast<ForStmt>(&s)) {
    f(*fs->body);
  }
}

/// Whether `s` contains a statement of kind `k`; `break` and `continue`
/// count only outside loops nested in `s`.
static bool contains(Stmt &s, Stmt::Kind k) {
  if (s.getKind() == k)
    return true;
  if (k != Stmt::Kind::Return &&
      (llvm::isa<WhileStmt>(s) || llvm::isa<ForStmt>(s)))
    return false;
  bool found = false;
  forEachChild(s, [&](Stmt &c) { found = found || contains(c, k); });
  return found;
}

void MLIRGenImpl::collectKernelAssigned(
    Stmt &s, llvm::SmallVectorImpl<const VarDecl *> &out, unsigned loopDepth) {
  auto add = [&](const VarDecl *v) {
    if (v && !llvm::is_contained(out, v))
      out.push_back(v);
  };
  if (auto *a = llvm::dyn_cast<AssignStmt>(&s)) {
    if (auto *n = llvm::dyn_cast<NameExpr>(a->target.get()); n && n->var)
      add(n->var);
    return;
  }
  if (loopDepth == 0 && !kernelLoops.empty()) {
    if (llvm::isa<BreakStmt>(s))
      add(kernelLoops.back().brk);
    if (llvm::isa<ContinueStmt>(s))
      add(kernelLoops.back().cont);
  }
  if (llvm::isa<ReturnStmt>(s)) {
    add(kernelReturned);
    add(kernelResult);
  }
  unsigned depth = loopDepth + (llvm::isa<WhileStmt>(s) || llvm::isa<ForStmt>(s));
  forEachChild(s, [&](Stmt &c) { collectKernelAssigned(c, out, depth); });
}

void MLIRGenImpl::loopCarried(BlockStmt &body,
                              llvm::SmallVectorImpl<const VarDecl *> &carried,
                              llvm::SmallVectorImpl<mlir::Value> &inits) {
  llvm::SmallVector<const VarDecl *> assigned;
  collectKernelAssigned(body, assigned, 0);
  for (const VarDecl *v : assigned)
    if (locals.count(v)) {
      carried.push_back(v);
      inits.push_back(locals[v][0].value);
    }
}

const VarDecl *MLIRGenImpl::newKernelFlag(mlir::Location l) {
  kernelFlags.push_back(std::make_unique<VarDecl>());
  const VarDecl *v = kernelFlags.back().get();
  locals[v] = {valueLeaf(constInt(builder.getI1Type(), 0, l))};
  return v;
}

mlir::Value MLIRGenImpl::kernelExiting(mlir::Location l) {
  mlir::Value any;
  auto add = [&](const VarDecl *v) {
    if (!v || !locals.count(v))
      return;
    mlir::Value f = locals[v][0].value;
    any = any ? mlir::arith::OrIOp::create(builder, l, any, f).getResult() : f;
  };
  add(kernelReturned);
  if (!kernelLoops.empty()) {
    add(kernelLoops.back().brk);
    add(kernelLoops.back().cont);
  }
  return any;
}

void MLIRGenImpl::genKernel(FnDecl &fn) {
  currentFn = &fn;
  currentFunc = functions[&fn];
  locals.clear();
  kernelLoops.clear();
  kernelFlags.clear();
  kernelReturned = kernelResult = nullptr;
  mlir::Block *entry = currentFunc.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  unsigned argIdx = 0;
  for (auto &p : fn.params) {
    Leaves leaves;
    for (mlir::Type t : abiTypes(p->type)) {
      Leaf leaf = valueLeaf(entry->getArgument(argIdx++));
      leaf.elementType = t;
      leaves.push_back(leaf);
    }
    locals[p.get()] = leaves;
  }
  // A `return` before the end: the result is a variable, returned at the
  // end (a tile of zeros until a `return` sets it).
  mlir::Location end = loc(SourceRange(fn.body->range.end));
  auto &body = fn.body->body;
  bool early = false;
  for (size_t i = 0; i < body.size(); ++i)
    early |= (i + 1 < body.size() || !llvm::isa<ReturnStmt>(*body[i])) &&
             contains(*body[i], Stmt::Kind::Return);
  if (early) {
    kernelReturned = newKernelFlag(end);
    if (currentFunc.getNumResults()) {
      auto t = mlir::cast<tl::TileType>(currentFunc.getResultTypes()[0]);
      kernelFlags.push_back(std::make_unique<VarDecl>());
      kernelResult = kernelFlags.back().get();
      locals[kernelResult] = {valueLeaf(tl::SplatOp::create(
          builder, end, t,
          mlir::arith::ConstantOp::create(
              builder, end, builder.getZeroAttr(t.getElementType()))))};
    }
  }
  genKernelBlock(*fn.body);
  if (early) {
    llvm::SmallVector<mlir::Value, 1> results;
    if (kernelResult)
      results.push_back(locals[kernelResult][0].value);
    mlir::func::ReturnOp::create(builder, end, results);
  } else if (!terminated()) {
    mlir::func::ReturnOp::create(builder, end);
  }
}

void MLIRGenImpl::genKernelBlock(BlockStmt &b) { genKernelStmts(b.body, 0); }

void MLIRGenImpl::genKernelStmts(std::vector<std::unique_ptr<Stmt>> &body,
                                 size_t from) {
  for (size_t i = from; i < body.size(); ++i) {
    Stmt &s = *body[i];
    genKernelStmt(s);
    bool exits = (kernelReturned && contains(s, Stmt::Kind::Return)) ||
                 contains(s, Stmt::Kind::Break) ||
                 contains(s, Stmt::Kind::Continue);
    if (!exits || i + 1 == body.size())
      continue;
    // The rest of the block runs only if `s` did not leave.
    mlir::Location l = loc(body[i + 1]->range);
    llvm::SmallVector<const VarDecl *> assigned;
    for (size_t j = i + 1; j < body.size(); ++j)
      collectKernelAssigned(*body[j], assigned, 0);
    mlir::Value stay = mlir::arith::XOrIOp::create(
        builder, l, kernelExiting(l), constInt(builder.getI1Type(), 1, l));
    genKernelBranches(
        stay, assigned, [&] { genKernelStmts(body, i + 1); }, [] {}, l);
    return;
  }
}

void MLIRGenImpl::genKernelStmt(Stmt &s) {
  mlir::Location l = loc(s.range);
  switch (s.getKind()) {
  case Stmt::Kind::Let: {
    auto &let = llvm::cast<LetStmt>(s);
    locals[let.var.get()] = load(genExpr(*let.init), l);
    return;
  }
  case Stmt::Kind::Assign: {
    auto &a = llvm::cast<AssignStmt>(s);
    auto *n = llvm::cast<NameExpr>(a.target.get());
    Leaves value;
    if (!a.op) {
      value = load(genExpr(*a.value), l);
    } else if (a.target->type->isTile()) {
      // `t op= x`: the same as `t = t op x`.
      mlir::Value cur = locals[n->var][0].value;
      mlir::Value rhs = asTile(genScalar(*a.value), a.target->type, l);
      value = {valueLeaf(genTileArith(*a.op, cur, rhs, l))};
    } else {
      mlir::Value cur = locals[n->var][0].value;
      value = {valueLeaf(genArith(*a.op, a.target->type, cur,
                                  genScalar(*a.value), a.range))};
    }
    locals[n->var] = value;
    return;
  }
  case Stmt::Kind::Expr:
    genExpr(*llvm::cast<ExprStmt>(s).expr);
    return;
  case Stmt::Kind::Block:
    genKernelBlock(llvm::cast<BlockStmt>(s));
    return;
  case Stmt::Kind::If:
    genKernelIf(llvm::cast<IfStmt>(s));
    return;
  case Stmt::Kind::For:
    genKernelFor(llvm::cast<ForStmt>(s));
    return;
  case Stmt::Kind::While:
    genKernelWhile(llvm::cast<WhileStmt>(s));
    return;
  case Stmt::Kind::Break:
  case Stmt::Kind::Continue: {
    const KernelLoopFlags &f = kernelLoops.back();
    locals[llvm::isa<BreakStmt>(s) ? f.brk : f.cont] = {
        valueLeaf(constInt(builder.getI1Type(), 1, l))};
    return;
  }
  case Stmt::Kind::Return: {
    if (!kernelReturned) {
      genReturn(llvm::cast<ReturnStmt>(s));
      return;
    }
    auto &r = llvm::cast<ReturnStmt>(s);
    if (r.value)
      locals[kernelResult] = load(genExpr(*r.value), l);
    locals[kernelReturned] = {valueLeaf(constInt(builder.getI1Type(), 1, l))};
    return;
  }
  }
}

void MLIRGenImpl::genKernelBranches(mlir::Value cond,
                                    llvm::ArrayRef<const VarDecl *> assigned,
                                    llvm::function_ref<void()> thenFn,
                                    llvm::function_ref<void()> elseFn,
                                    mlir::Location l) {
  llvm::SmallVector<const VarDecl *> carried;
  llvm::SmallVector<mlir::Type> types;
  for (const VarDecl *v : assigned)
    if (locals.count(v)) {
      carried.push_back(v);
      types.push_back(locals[v][0].value.getType());
    }
  auto ifOp = mlir::scf::IfOp::create(builder, l, types, cond,
                                      /*addThenBlock=*/true,
                                      /*addElseBlock=*/true);
  auto saved = locals;
  auto branch = [&](mlir::Block *block, llvm::function_ref<void()> body) {
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(block);
    locals = saved;
    body();
    llvm::SmallVector<mlir::Value> results;
    for (const VarDecl *v : carried)
      results.push_back(locals[v][0].value);
    mlir::scf::YieldOp::create(builder, l, results);
  };
  branch(ifOp.thenBlock(), thenFn);
  branch(ifOp.elseBlock(), elseFn);
  locals = saved;
  for (size_t i = 0; i < carried.size(); ++i)
    locals[carried[i]] = {valueLeaf(ifOp.getResult(i))};
}

void MLIRGenImpl::genKernelIf(IfStmt &s) {
  llvm::SmallVector<const VarDecl *> assigned;
  collectKernelAssigned(s, assigned, 0);
  mlir::Value cond = genScalar(*s.cond);
  genKernelBranches(
      cond, assigned, [&] { genKernelStmt(*s.thenBlock); },
      [&] {
        if (s.elseStmt)
          genKernelStmt(*s.elseStmt);
      },
      loc(s.range));
}

void MLIRGenImpl::genKernelWhile(WhileStmt &s) {
  genKernelLoop(
      *s.body, mlir::Value(), [&](mlir::Value) { return genScalar(*s.cond); },
      [](mlir::Value) {}, loc(s.range));
}

void MLIRGenImpl::genKernelLoop(
    BlockStmt &body, mlir::Value counter,
    llvm::function_ref<mlir::Value(mlir::Value)> cond,
    llvm::function_ref<void(mlir::Value)> prologue, mlir::Location l) {
  auto saved = locals;
  KernelLoopFlags flags;
  if (contains(body, Stmt::Kind::Break))
    flags.brk = newKernelFlag(l);
  kernelLoops.push_back(flags);
  llvm::SmallVector<const VarDecl *> carried;
  llvm::SmallVector<mlir::Value> inits;
  if (counter)
    inits.push_back(counter);
  loopCarried(body, carried, inits);
  llvm::SmallVector<mlir::Type> types;
  for (mlir::Value v : inits)
    types.push_back(v.getType());
  // The carried values given to a region: the counter first, if any.
  auto enter = [&](mlir::ValueRange args) {
    for (size_t i = 0; i < carried.size(); ++i)
      locals[carried[i]] = {valueLeaf(args[i + (counter ? 1 : 0)])};
    return counter ? args[0] : mlir::Value();
  };
  auto loop = mlir::scf::WhileOp::create(
      builder, l, types, inits,
      [&](mlir::OpBuilder &, mlir::Location bl, mlir::ValueRange args) {
        mlir::Value k = enter(args);
        // Once left, the condition is not evaluated again.
        mlir::Value left = kernelExiting(bl);
        mlir::Value go;
        if (!left) {
          go = cond(k);
        } else {
          auto ifOp = mlir::scf::IfOp::create(
              builder, bl, mlir::TypeRange{builder.getI1Type()}, left, true, true);
          mlir::OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPointToEnd(ifOp.thenBlock());
          mlir::scf::YieldOp::create(
              builder, bl, mlir::ValueRange{constInt(builder.getI1Type(), 0, bl)});
          builder.setInsertionPointToEnd(ifOp.elseBlock());
          mlir::scf::YieldOp::create(builder, bl, mlir::ValueRange{cond(k)});
          go = ifOp.getResult(0);
        }
        mlir::scf::ConditionOp::create(builder, bl, go, args);
      },
      [&](mlir::OpBuilder &, mlir::Location bl, mlir::ValueRange args) {
        mlir::Value k = enter(args);
        if (contains(body, Stmt::Kind::Continue))
          kernelLoops.back().cont = newKernelFlag(bl);
        prologue(k);
        genKernelBlock(body);
        llvm::SmallVector<mlir::Value> results;
        if (counter)
          results.push_back(
              mlir::arith::AddIOp::create(builder, bl, k, constIndex(1, bl)));
        for (const VarDecl *v : carried)
          results.push_back(locals[v][0].value);
        mlir::scf::YieldOp::create(builder, bl, results);
      });
  kernelLoops.pop_back();
  locals = saved;
  for (size_t i = 0; i < carried.size(); ++i) {
    const VarDecl *v = carried[i];
    // The loop's own break flag ends with it.
    if (v != flags.brk)
      locals[v] = {valueLeaf(loop.getResult(i + (counter ? 1 : 0)))};
  }
}

void MLIRGenImpl::genKernelFor(ForStmt &s) {
  mlir::Location l = loc(s.range);
  // The host's semantics (MLIRGen.cpp, genFor): count up to `end`
  // (excluded) by a positive step, down by a negative one (signed types),
  // never past `end`. As a counted loop over k = 0, 1, ... trips - 1
  // with iv = start + k * step; a zero step runs no iteration.
  const Type *ivLang = s.var->type;
  mlir::Type ivType = scalarType(ivLang);
  mlir::Value start = genScalar(*s.start);
  mlir::Value end = genScalar(*s.end);
  mlir::Value stepV = s.step ? genScalar(*s.step) : constInt(ivType, 1, l);
  mlir::Value trips = kernelTripCount(start, end, stepV, ivLang->isSigned(), l);
  mlir::Value lb = constIndex(0, l);
  mlir::Value ub = toIndex(trips, l);
  mlir::Value step = constIndex(1, l);
  auto setIv = [&](mlir::Value iv) {
    mlir::Value k = mlir::arith::IndexCastOp::create(builder, l, ivType, iv);
    locals[s.var.get()] = {valueLeaf(mlir::arith::AddIOp::create(
        builder, l, start, mlir::arith::MulIOp::create(builder, l, k, stepV)))};
  };
  // A loop that may be left early (`break`, `return`) is a while loop.
  if (contains(*s.body, Stmt::Kind::Break) ||
      (kernelReturned && contains(*s.body, Stmt::Kind::Return))) {
    genKernelLoop(
        *s.body, lb,
        [&](mlir::Value k) {
          return mlir::arith::CmpIOp::create(
                     builder, l, mlir::arith::CmpIPredicate::ult, k, ub)
              .getResult();
        },
        setIv, l);
    return;
  }
  kernelLoops.push_back({});
  llvm::SmallVector<const VarDecl *> carried;
  llvm::SmallVector<mlir::Value> inits;
  loopCarried(*s.body, carried, inits);
  auto saved = locals;
  auto loop = mlir::scf::ForOp::create(
      builder, l, lb, ub, step, inits,
      [&](mlir::OpBuilder &, mlir::Location bl, mlir::Value iv,
          mlir::ValueRange args) {
        for (size_t i = 0; i < carried.size(); ++i)
          locals[carried[i]] = {valueLeaf(args[i])};
        if (contains(*s.body, Stmt::Kind::Continue))
          kernelLoops.back().cont = newKernelFlag(bl);
        setIv(iv);
        genKernelBlock(*s.body);
        llvm::SmallVector<mlir::Value> results;
        for (const VarDecl *v : carried)
          results.push_back(locals[v][0].value);
        mlir::scf::YieldOp::create(builder, bl, results);
      });
  kernelLoops.pop_back();
  locals = saved;
  for (size_t i = 0; i < carried.size(); ++i)
    locals[carried[i]] = {valueLeaf(loop.getResult(i))};
}

mlir::Value MLIRGenImpl::kernelTripCount(mlir::Value start, mlir::Value end,
                                         mlir::Value step, bool isSigned,
                                         mlir::Location l) {
  // The distance is computed in unsigned arithmetic of the loop's width,
  // where it is exact whenever the loop runs at all.
  using P = mlir::arith::CmpIPredicate;
  mlir::Type t = step.getType();
  mlir::Value zero = constInt(t, 0, l);
  auto cmp = [&](P p, mlir::Value a, mlir::Value b) {
    return mlir::arith::CmpIOp::create(builder, l, p, a, b).getResult();
  };
  auto select = [&](mlir::Value c, mlir::Value a, mlir::Value b) {
    return mlir::arith::SelectOp::create(builder, l, c, a, b).getResult();
  };
  mlir::Value down =
      isSigned ? cmp(P::slt, step, zero) : constInt(builder.getI1Type(), 0, l);
  mlir::Value runs = select(down, cmp(isSigned ? P::sgt : P::ugt, start, end),
                            cmp(isSigned ? P::slt : P::ult, start, end));
  runs = mlir::arith::AndIOp::create(builder, l, runs, cmp(P::ne, step, zero));
  mlir::Value dist = select(down, mlir::arith::SubIOp::create(builder, l, start, end),
                            mlir::arith::SubIOp::create(builder, l, end, start));
  mlir::Value mag = select(down, mlir::arith::SubIOp::create(builder, l, zero, step),
                           step);
  mlir::Value safeMag = select(cmp(P::eq, mag, zero), constInt(t, 1, l), mag);
  // ceil(dist / mag) without the overflow of dist + mag - 1.
  mlir::Value q = mlir::arith::DivUIOp::create(builder, l, dist, safeMag);
  mlir::Value r = mlir::arith::RemUIOp::create(builder, l, dist, safeMag);
  mlir::Value trips = mlir::arith::AddIOp::create(
      builder, l, q,
      mlir::arith::ExtUIOp::create(builder, l, t, cmp(P::ne, r, zero)));
  trips = select(runs, trips, zero);
  // As an index (64 bits), unsigned.
  mlir::Type i64 = builder.getI64Type();
  if (t.getIntOrFloatBitWidth() < 64)
    trips = mlir::arith::ExtUIOp::create(builder, l, i64, trips);
  return trips;
}

//===----------------------------------------------------------------------===//
// Tile expressions
//===----------------------------------------------------------------------===//

mlir::Value MLIRGenImpl::genTileBinary(BinaryExpr &e) {
  mlir::Location l = loc(e.range);
  const Type *tile = e.lhs->type->isTile() ? e.lhs->type : e.rhs->type;
  mlir::Value a = asTile(genScalar(*e.lhs), tile, l);
  mlir::Value b = asTile(genScalar(*e.rhs), tile, l);
  if (e.op == BinaryOp::Add || e.op == BinaryOp::Sub ||
      e.op == BinaryOp::Mul || e.op == BinaryOp::Div)
    return genTileArith(e.op, a, b, l);
  tl::CmpPredicate p = e.op == BinaryOp::Eq   ? tl::CmpPredicate::eq
                       : e.op == BinaryOp::Ne ? tl::CmpPredicate::ne
                       : e.op == BinaryOp::Lt ? tl::CmpPredicate::lt
                       : e.op == BinaryOp::Le ? tl::CmpPredicate::le
                       : e.op == BinaryOp::Gt ? tl::CmpPredicate::gt
                                              : tl::CmpPredicate::ge;
  return tl::CmpOp::create(builder, l, valueType(e.type), p, a, b);
}

mlir::Value MLIRGenImpl::genTileArith(BinaryOp op, mlir::Value a,
                                      mlir::Value b, mlir::Location l) {
  switch (op) {
  case BinaryOp::Add:
    return tl::AddOp::create(builder, l, a.getType(), a, b);
  case BinaryOp::Sub:
    return tl::SubOp::create(builder, l, a.getType(), a, b);
  case BinaryOp::Mul:
    return tl::MulOp::create(builder, l, a.getType(), a, b);
  case BinaryOp::Div:
    return tl::DivOp::create(builder, l, a.getType(), a, b);
  default:
    llvm_unreachable("Sema allows only + - * / between tiles");
  }
}

Leaves MLIRGenImpl::genKernelBuiltin(CallExpr &e) {
  mlir::Location l = loc(e.range);
  auto arg = [&](size_t i) { return genScalar(*e.orderedArgs[i]); };
  auto indices = [&](Expr *list) {
    llvm::SmallVector<mlir::Value, 2> out;
    for (auto &el : llvm::cast<ArrayLitExpr>(list)->elements)
      out.push_back(toIndex(genScalar(*el), l));
    return out;
  };
  mlir::Type type = e.type->isVoid() ? mlir::Type() : scalarType(e.type);
  auto one = [&](mlir::Value v) { return Leaves{valueLeaf(v)}; };
  switch (e.builtin) {
  case Builtin::ProgramId:
  case Builtin::NumPrograms: {
    int64_t axis = static_cast<int64_t>(e.orderedArgs[0]->constValue.intBits);
    return one(mlir::arith::IndexCastOp::create(builder, l, type,
                                                gridQuery(e.builtin, axis, l)));
  }
  case Builtin::Zeros:
  case Builtin::Full: {
    mlir::Type elem = mlir::cast<tl::TileType>(type).getElementType();
    mlir::Value v = e.builtin == Builtin::Full
                        ? arg(0)
                        : mlir::arith::ConstantOp::create(
                              builder, l, builder.getZeroAttr(elem))
                              .getResult();
    return one(tl::SplatOp::create(builder, l, type, v));
  }
  case Builtin::Load: {
    mlir::Value view = arg(0);
    auto idx = indices(e.orderedArgs[1]);
    genTileBoundsCheck(e, "load", view, idx,
                       mlir::cast<tl::TileType>(type).getShape());
    mlir::Value pad = e.pad ? genScalar(*e.pad) : mlir::Value();
    mlir::Value tile = tl::LoadOp::create(builder, l, type, view, idx, pad);
    if (!e.mask)
      return one(tile);
    // Masked-off elements take the pad value (zero by default).
    mlir::Type elem = mlir::cast<tl::TileType>(type).getElementType();
    if (!pad)
      pad = mlir::arith::ConstantOp::create(builder, l,
                                            builder.getZeroAttr(elem));
    mlir::Value padTile = tl::SplatOp::create(builder, l, type, pad);
    return one(tl::SelectOp::create(builder, l, type, genScalar(*e.mask), tile,
                                    padTile));
  }
  case Builtin::Store: {
    mlir::Value view = arg(0);
    auto idx = indices(e.orderedArgs[1]);
    genTileBoundsCheck(
        e, "store", view, idx,
        e.orderedArgs[2]->type->getShape());
    tl::StoreOp::create(builder, l, arg(2), view, idx);
    return {};
  }
  case Builtin::Dot:
    return one(tl::DotOp::create(builder, l, type, arg(0), arg(1),
                                 e.orderedArgs.size() > 2 ? arg(2)
                                                          : mlir::Value()));
  case Builtin::Exp:
    return one(tl::ExpOp::create(builder, l, type, arg(0)));
  case Builtin::Log:
    return one(tl::LogOp::create(builder, l, type, arg(0)));
  case Builtin::Rsqrt:
    return one(tl::RsqrtOp::create(builder, l, type, arg(0)));
  case Builtin::Tanh:
    return one(tl::TanhOp::create(builder, l, type, arg(0)));
  case Builtin::Erf:
    return one(tl::ErfOp::create(builder, l, type, arg(0)));
  case Builtin::Sqrt:
    return one(tl::SqrtOp::create(builder, l, type, arg(0)));
  case Builtin::Sin:
    return one(tl::SinOp::create(builder, l, type, arg(0)));
  case Builtin::Cos:
    return one(tl::CosOp::create(builder, l, type, arg(0)));
  case Builtin::Exp2:
    return one(tl::Exp2Op::create(builder, l, type, arg(0)));
  case Builtin::Log2:
    return one(tl::Log2Op::create(builder, l, type, arg(0)));
  case Builtin::Floor:
    return one(tl::FloorOp::create(builder, l, type, arg(0)));
  case Builtin::Ceil:
    return one(tl::CeilOp::create(builder, l, type, arg(0)));
  case Builtin::Round:
    return one(tl::RoundOp::create(builder, l, type, arg(0)));
  case Builtin::Trunc:
    return one(tl::TruncOp::create(builder, l, type, arg(0)));
  case Builtin::Pow:
    return one(tl::PowOp::create(builder, l, type, arg(0),
                                 asTile(arg(1), e.type, l)));
  case Builtin::Abs:
    return one(tl::AbsOp::create(builder, l, type, arg(0)));
  case Builtin::Max:
  case Builtin::Min: {
    mlir::Value a = arg(0);
    mlir::Value b = asTile(arg(1), e.type, l);
    return e.builtin == Builtin::Max
               ? one(tl::MaxOp::create(builder, l, type, a, b))
               : one(tl::MinOp::create(builder, l, type, a, b));
  }
  case Builtin::Sum:
  case Builtin::ReduceMax:
  case Builtin::ReduceMin:
  case Builtin::Argmax: {
    tl::ReduceKind kind = e.builtin == Builtin::Sum         ? tl::ReduceKind::sum
                          : e.builtin == Builtin::ReduceMax ? tl::ReduceKind::max
                          : e.builtin == Builtin::ReduceMin ? tl::ReduceKind::min
                                                            : tl::ReduceKind::argmax;
    int64_t axis = static_cast<int64_t>(e.orderedArgs[1]->constValue.intBits);
    return one(tl::ReduceOp::create(builder, l, type, kind, arg(0), axis));
  }
  case Builtin::Broadcast: {
    int64_t axis = static_cast<int64_t>(e.orderedArgs[1]->constValue.intBits);
    return one(tl::BroadcastOp::create(builder, l, type, arg(0), axis));
  }
  case Builtin::Transpose:
    return one(tl::TransposeOp::create(builder, l, type, arg(0)));
  case Builtin::Arange:
    return one(tl::IotaOp::create(builder, l, type));
  case Builtin::Reshape:
    return one(tl::ReshapeOp::create(builder, l, type, arg(0)));
  case Builtin::Where:
    return one(tl::SelectOp::create(builder, l, type, arg(0), arg(1), arg(2)));
  default:
    break;
  }
  llvm_unreachable("not a kernel builtin");
}

void MLIRGenImpl::genTileBoundsCheck(CallExpr &e, const char *op,
                                     mlir::Value view,
                                     llvm::ArrayRef<mlir::Value> tileIndices,
                                     llvm::ArrayRef<int64_t> tileShape) {
  if (!checkBounds)
    return;
  mlir::Location l = loc(e.range);
  mlir::Type i64 = builder.getI64Type();
  mlir::Value bad = constInt(builder.getI1Type(), 0, l);
  llvm::SmallVector<mlir::Value, 2> index, size;
  // The leading indices of a rank-3 or rank-4 view are not tile indices:
  // the report names the tile index in the last two dimensions.
  size_t lead = tileIndices.size() - tileShape.size();
  for (size_t d = lead; d < tileIndices.size(); ++d) {
    // The tile lies outside when its index is negative or at least the
    // number of tiles that cover the view (a product index * shape could
    // wrap around for huge indices).
    mlir::Value i =
        mlir::arith::IndexCastOp::create(builder, l, i64, tileIndices[d]);
    mlir::Value n = mlir::arith::IndexCastOp::create(
        builder, l, i64, mlir::memref::DimOp::create(builder, l, view, d));
    mlir::Value tiles = mlir::arith::CeilDivSIOp::create(
        builder, l, n, constInt(i64, tileShape[d - lead], l));
    mlir::Value outside = mlir::arith::OrIOp::create(
        builder, l,
        mlir::arith::CmpIOp::create(builder, l, mlir::arith::CmpIPredicate::slt,
                                    i, constInt(i64, 0, l)),
        mlir::arith::CmpIOp::create(builder, l, mlir::arith::CmpIPredicate::sge,
                                    i, tiles));
    bad = mlir::arith::OrIOp::create(builder, l, bad, outside);
    index.push_back(i);
    size.push_back(n);
  }
  if (index.size() == 1) {
    index.push_back(constInt(i64, 0, l));
    size.push_back(constInt(i64, 0, l));
  }
  auto ifOp = mlir::scf::IfOp::create(builder, l, bad, false);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  llvm::SmallVector<mlir::Value, 3> programIds;
  for (int64_t axis = 0; axis < 3; ++axis)
    programIds.push_back(mlir::arith::IndexCastOp::create(
        builder, l, i64, gridQuery(Builtin::ProgramId, axis, l)));
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  Leaves kernel = genStr(currentFn->name.name, l);
  Leaves opName = genStr(op, l);
  Leaves file = genStr(sm.getName(e.range.begin.file), l);
  LineCol lc = sm.getLineCol(e.range.begin);
  auto fn = runtimeFn("nl_tile_bounds_error",
                      {ptrTy, i64, ptrTy, i64, i64, i64, i64, i64, i64, i64,
                       i64, i64, ptrTy, i64, i64, i64});
  mlir::func::CallOp::create(
      builder, l, fn,
      mlir::ValueRange{kernel[0].value, kernel[1].value, opName[0].value,
                       opName[1].value, programIds[0], programIds[1],
                       programIds[2], constInt(i64, tileShape.size(), l),
                       index[0], index[1], size[0], size[1], file[0].value,
                       file[1].value, constInt(i64, lc.line, l),
                       constInt(i64, lc.col, l)});
}

//===----------------------------------------------------------------------===//
// Host side: devices and tensors
//===----------------------------------------------------------------------===//

void MLIRGenImpl::forEachTensorElement(
    mlir::Value mem, mlir::Location l,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>
        body) {
  auto type = mlir::cast<mlir::MemRefType>(mem.getType());
  llvm::SmallVector<mlir::Value, 2> lbs, ubs, steps;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    lbs.push_back(constIndex(0, l));
    ubs.push_back(mlir::memref::DimOp::create(builder, l, mem, d));
    steps.push_back(constIndex(1, l));
  }
  mlir::scf::buildLoopNest(builder, l, lbs, ubs, steps, body);
}

/// A counter-based random stream (splitmix64 of seed + position), so that
/// fills are reproducible and independent of traversal order.
static mlir::Value splitmix(mlir::OpBuilder &b, mlir::Location l,
                            mlir::Value x) {
  auto c = [&](uint64_t v) {
    return mlir::arith::ConstantOp::create(
        b, l, b.getIntegerAttr(b.getI64Type(), static_cast<int64_t>(v)));
  };
  auto mix = [&](mlir::Value z, unsigned shift, uint64_t mul) {
    mlir::Value s = mlir::arith::ShRUIOp::create(b, l, z, c(shift));
    mlir::Value x2 = mlir::arith::XOrIOp::create(b, l, z, s);
    return mul ? mlir::arith::MulIOp::create(b, l, x2, c(mul)).getResult() : x2;
  };
  mlir::Value z = mlir::arith::AddIOp::create(b, l, x, c(0x9e3779b97f4a7c15ULL));
  z = mix(z, 30, 0xbf58476d1ce4e5b9ULL);
  z = mix(z, 27, 0x94d049bb133111ebULL);
  return mix(z, 31, 0);
}

Leaves MLIRGenImpl::genTensorBuiltin(CallExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Type i64 = builder.getI64Type();
  auto one = [&](mlir::Value v) { return Leaves{valueLeaf(v)}; };
  auto indicesFrom = [&](size_t first, mlir::Value mem) {
    // Every index is checked against its dimension.
    auto type = mlir::cast<mlir::MemRefType>(mem.getType());
    llvm::SmallVector<mlir::Value, 2> out;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Expr &ie = *e.orderedArgs[first + d];
      mlir::Value i = genScalar(ie);
      mlir::Value dim = mlir::arith::IndexCastOp::create(
          builder, l, i64, mlir::memref::DimOp::create(builder, l, mem, d));
      genCheck(mlir::arith::CmpIOp::create(
                   builder, l, mlir::arith::CmpIPredicate::uge, i, dim),
               "tensor index out of bounds", ie.range);
      out.push_back(toIndex(i, l));
    }
    return out;
  };
  switch (e.builtin) {
  case Builtin::DeviceCpu:
    return one(constInt(builder.getI32Type(), 0, l));
  case Builtin::DeviceSynchronize:
    // Launches on the CPU are synchronous: nothing to wait for there.
    if (options.gpu)
      callRuntime("nl_gpu_wait", {}, nullptr, l);
    return {};
  case Builtin::DeviceGet: {
    // Device 0 is the CPU, or in a program built for a GPU, the GPU when
    // there is one (device value 1), else the CPU.
    mlir::Value i = genScalar(*e.orderedArgs[0]);
    genCheck(mlir::arith::CmpIOp::create(builder, l,
                                         mlir::arith::CmpIPredicate::ne, i,
                                         constInt(i64, 0, l)),
             options.gpu ? "no such device: device 0 is the GPU, or the CPU "
                           "where there is none"
                         : "no such device: this program runs on the CPU, "
                           "device 0",
             e.orderedArgs[0]->range);
    if (!options.gpu)
      return one(constInt(builder.getI32Type(), 0, l));
    return one(callRuntime("nl_gpu_device_count", {}, builder.getI32Type(), l));
  }
  case Builtin::TensorAlloc: {
    Leaves shape = load(genExpr(*e.orderedArgs[0]), l);
    auto type = mlir::cast<mlir::MemRefType>(valueType(e.type));
    llvm::SmallVector<mlir::Value, 2> dims;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      mlir::Value n = mlir::memref::LoadOp::create(builder, l, shape[0].value,
                                                   mlir::ValueRange{constIndex(d, l)});
      genCheck(mlir::arith::CmpIOp::create(builder, l,
                                           mlir::arith::CmpIPredicate::slt, n,
                                           constInt(i64, 0, l)),
               "negative tensor size", e.orderedArgs[0]->range);
      dims.push_back(toIndex(n, l));
    }
    mlir::Value device =
        e.orderedArgs.size() > 1 ? genScalar(*e.orderedArgs[1]) : nullptr;
    mlir::Value mem = allocTensor(type, dims, device, l);
    // Tensors start zeroed.
    mlir::Value zero = mlir::arith::ConstantOp::create(
        builder, l, builder.getZeroAttr(type.getElementType()));
    forEachTensorElement(mem, l,
                         [&](mlir::OpBuilder &b, mlir::Location bl,
                             mlir::ValueRange iv) {
                           mlir::memref::StoreOp::create(b, bl, zero, mem, iv);
                         });
    return one(mem);
  }
  case Builtin::TensorView: {
    mlir::Value t = genScalar(*e.receiver);
    return one(mlir::memref::CastOp::create(builder, l, valueType(e.type), t));
  }
  case Builtin::TensorSlice: {
    // Bounds-checked: 0 <= start <= end <= size on every axis.
    mlir::Value t = genScalar(*e.receiver);
    auto type = mlir::cast<mlir::MemRefType>(t.getType());
    llvm::SmallVector<mlir::OpFoldResult, 2> offsets, sizes, strides;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Expr &se = *e.orderedArgs[2 * d];
      Expr &ee = *e.orderedArgs[2 * d + 1];
      mlir::Value start = genScalar(se);
      mlir::Value end = genScalar(ee);
      mlir::Value dim = mlir::arith::IndexCastOp::create(
          builder, l, i64, mlir::memref::DimOp::create(builder, l, t, d));
      auto lt = [&](mlir::Value a, mlir::Value b) {
        return mlir::arith::CmpIOp::create(
            builder, l, mlir::arith::CmpIPredicate::slt, a, b);
      };
      mlir::Value bad = mlir::arith::OrIOp::create(
          builder, l, lt(start, constInt(i64, 0, l)),
          mlir::arith::OrIOp::create(builder, l, lt(end, start), lt(dim, end)));
      genCheck(bad, "slice out of bounds", SourceRange(se.range.begin, ee.range.end));
      offsets.push_back(toIndex(start, l));
      sizes.push_back(toIndex(
          mlir::arith::SubIOp::create(builder, l, end, start), l));
      strides.push_back(builder.getIndexAttr(1));
    }
    mlir::Value sub =
        mlir::memref::SubViewOp::create(builder, l, t, offsets, sizes, strides);
    return one(mlir::memref::CastOp::create(builder, l, valueType(e.type), sub));
  }
  case Builtin::TensorTo:
  case Builtin::TensorClone: {
    // A copy in new memory: on device `d` for `to(d)`, on the tensor's own
    // for `clone`.
    mlir::Value t = genScalar(*e.receiver);
    waitForGpu(l);
    mlir::Value device = e.builtin == Builtin::TensorTo
                             ? genScalar(*e.orderedArgs[0])
                             : deviceOf(t, l);
    auto type = mlir::cast<mlir::MemRefType>(t.getType());
    llvm::SmallVector<mlir::Value, 2> dims;
    for (int64_t d = 0; d < type.getRank(); ++d)
      dims.push_back(mlir::memref::DimOp::create(builder, l, t, d));
    mlir::Value copy = allocTensor(type, dims, device, l);
    auto from = options.gpu ? tensorBytes(t, l) : std::nullopt;
    if (!from) {
      mlir::memref::CopyOp::create(builder, l, t, copy);
      return one(copy);
    }
    // For the GPU target, the runtime copies: through the driver where
    // either side is GPU memory (nl_gpu_copy).
    LineCol lc = sm.getLineCol(e.range.begin);
    Leaves file = genStr(sm.getName(e.range.begin.file), l);
    callRuntime("nl_gpu_copy",
                {tensorBytes(copy, l)->first, from->first, from->second,
                 file[0].value, file[1].value, constInt(i64, lc.line, l),
                 constInt(i64, lc.col, l)},
                {}, l);
    return one(copy);
  }
  case Builtin::TensorPrint: {
    // [a, b, c] for rank 1; for rank 2, rows of that, one per line.
    mlir::Value t = genScalar(*e.receiver);
    waitForGpu(l);
    auto type = mlir::cast<mlir::MemRefType>(t.getType());
    const Type *elem = e.receiver->type->getElementType();
    auto text = [&](const char *s) {
      Leaves str = genStr(s, l);
      auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
      mlir::func::CallOp::create(builder, l,
                                 runtimeFn("nl_print_str", {ptrTy, i64}),
                                 mlir::ValueRange{str[0].value, str[1].value});
    };
    auto printRow = [&](mlir::ValueRange outer) {
      text("[");
      mlir::Value n = mlir::memref::DimOp::create(builder, l, t,
                                                  type.getRank() - 1);
      mlir::scf::ForOp::create(
          builder, l, constIndex(0, l), n, constIndex(1, l), mlir::ValueRange{},
          [&](mlir::OpBuilder &, mlir::Location, mlir::Value j, mlir::ValueRange) {
            mlir::Value first = mlir::arith::CmpIOp::create(
                builder, l, mlir::arith::CmpIPredicate::eq, j, constIndex(0, l));
            auto notFirst = mlir::scf::IfOp::create(builder, l, first, true);
            {
              mlir::OpBuilder::InsertionGuard guard(builder);
              builder.setInsertionPoint(notFirst.elseBlock()->getTerminator());
              text(", ");
            }
            llvm::SmallVector<mlir::Value, 2> idx(outer.begin(), outer.end());
            idx.push_back(j);
            mlir::Value v = mlir::memref::LoadOp::create(builder, l, t, idx);
            genPrint({valueLeaf(v)}, elem, l);
            mlir::scf::YieldOp::create(builder, l);
          });
      text("]");
    };
    // Higher ranks nest like NumPy's repr: between the items of axis `d`, a
    // comma, one line break per axis below it, and `d + 1` spaces.
    std::function<void(llvm::SmallVector<mlir::Value, 4> &)> printAxis =
        [&](llvm::SmallVector<mlir::Value, 4> &outer) {
          int64_t d = static_cast<int64_t>(outer.size());
          if (d == type.getRank() - 1)
            return printRow(outer);
          text("[");
          mlir::Value n = mlir::memref::DimOp::create(builder, l, t, d);
          std::string sep = "," + std::string(type.getRank() - 1 - d, '\n') +
                            std::string(d + 1, ' ');
          mlir::scf::ForOp::create(
              builder, l, constIndex(0, l), n, constIndex(1, l),
              mlir::ValueRange{},
              [&](mlir::OpBuilder &, mlir::Location, mlir::Value i,
                  mlir::ValueRange) {
                mlir::Value first = mlir::arith::CmpIOp::create(
                    builder, l, mlir::arith::CmpIPredicate::eq, i,
                    constIndex(0, l));
                auto notFirst =
                    mlir::scf::IfOp::create(builder, l, first, true);
                {
                  mlir::OpBuilder::InsertionGuard guard(builder);
                  builder.setInsertionPoint(
                      notFirst.elseBlock()->getTerminator());
                  text(sep.c_str());
                }
                outer.push_back(i);
                printAxis(outer);
                outer.pop_back();
                mlir::scf::YieldOp::create(builder, l);
              });
          text("]");
        };
    llvm::SmallVector<mlir::Value, 4> outer;
    printAxis(outer);
    mlir::func::CallOp::create(builder, l, runtimeFn("nl_print_newline", {}),
                               mlir::ValueRange{});
    return {};
  }
  case Builtin::TensorDim: {
    mlir::Value t = genScalar(*e.receiver);
    int64_t axis = static_cast<int64_t>(e.orderedArgs[0]->constValue.intBits);
    mlir::Value d = mlir::memref::DimOp::create(builder, l, t, axis);
    return one(mlir::arith::IndexCastOp::create(builder, l, i64, d));
  }
  case Builtin::TensorGet: {
    mlir::Value t = genScalar(*e.receiver);
    auto idx = indicesFrom(0, t);
    waitForGpu(l);
    return one(mlir::memref::LoadOp::create(builder, l, t, idx));
  }
  case Builtin::TensorSet: {
    mlir::Value t = genScalar(*e.receiver);
    auto idx = indicesFrom(0, t);
    mlir::Value v = genScalar(*e.orderedArgs.back());
    waitForGpu(l);
    mlir::memref::StoreOp::create(builder, l, v, t, idx);
    return {};
  }
  case Builtin::TensorFill: {
    mlir::Value t = genScalar(*e.receiver);
    mlir::Value v = genScalar(*e.orderedArgs[0]);
    waitForGpu(l);
    forEachTensorElement(t, l,
                         [&](mlir::OpBuilder &b, mlir::Location bl,
                             mlir::ValueRange iv) {
                           mlir::memref::StoreOp::create(b, bl, v, t, iv);
                         });
    prefetchToGpu(t, l);
    return {};
  }
  case Builtin::TensorCopyBytes: {
    // v.copy_bytes(bytes, offset): each run of v's last axis (contiguous:
    // a view's inner stride is 1) is copied from the next bytes of the
    // source, in v's row-major order, after a check that they all lie in it.
    mlir::Value t = genScalar(*e.receiver);
    mlir::Value src = genScalar(*e.orderedArgs[0]);
    mlir::Value off = genScalar(*e.orderedArgs[1]);
    auto type = mlir::cast<mlir::MemRefType>(t.getType());
    int64_t rank = type.getRank();
    int64_t elemBytes = (type.getElementTypeBitWidth() + 7) / 8;
    auto toI64 = [&](mlir::Value v) -> mlir::Value {
      return mlir::arith::IndexCastOp::create(builder, l, i64, v);
    };
    llvm::SmallVector<mlir::Value, 4> dims;
    mlir::Value count = constInt(i64, 1, l);
    for (int64_t d = 0; d < rank; ++d) {
      dims.push_back(mlir::memref::DimOp::create(builder, l, t, d));
      count = mlir::arith::MulIOp::create(builder, l, count, toI64(dims[d]));
    }
    mlir::Value bytes = mlir::arith::MulIOp::create(
        builder, l, count, constInt(i64, elemBytes, l));
    mlir::Value srcLen = toI64(mlir::memref::DimOp::create(builder, l, src, 0));
    auto cmp = [&](mlir::arith::CmpIPredicate p, mlir::Value a, mlir::Value b) {
      return mlir::arith::CmpIOp::create(builder, l, p, a, b);
    };
    mlir::Value bad = mlir::arith::OrIOp::create(
        builder, l,
        mlir::arith::OrIOp::create(
            builder, l,
            cmp(mlir::arith::CmpIPredicate::slt, off, constInt(i64, 0, l)),
            cmp(mlir::arith::CmpIPredicate::sgt, off, srcLen)),
        cmp(mlir::arith::CmpIPredicate::sgt, bytes,
            mlir::arith::SubIOp::create(builder, l, srcLen, off)));
    genCheck(bad, "copy_bytes out of bounds", e.range);
    waitForGpu(l);
    auto dstMeta =
        mlir::memref::ExtractStridedMetadataOp::create(builder, l, t);
    auto srcMeta =
        mlir::memref::ExtractStridedMetadataOp::create(builder, l, src);
    mlir::Value dstBase = toI64(
        mlir::memref::ExtractAlignedPointerAsIndexOp::create(builder, l, t));
    mlir::Value srcBase = mlir::arith::AddIOp::create(
        builder, l,
        toI64(mlir::memref::ExtractAlignedPointerAsIndexOp::create(builder, l,
                                                                   src)),
        mlir::arith::AddIOp::create(builder, l, toI64(srcMeta.getOffset()),
                                    off));
    mlir::Value rowBytes = mlir::arith::MulIOp::create(
        builder, l, toI64(dims[rank - 1]), constInt(i64, elemBytes, l));
    auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
    llvm::SmallVector<mlir::Value, 3> lbs, ubs, steps;
    for (int64_t d = 0; d + 1 < rank; ++d) {
      lbs.push_back(constIndex(0, l));
      ubs.push_back(dims[d]);
      steps.push_back(constIndex(1, l));
    }
    auto copyRow = [&](mlir::OpBuilder &b, mlir::Location bl,
                       mlir::ValueRange iv) {
      // The row's first element in the view, and its row-major number.
      mlir::Value at = dstMeta.getOffset();
      mlir::Value row = constIndex(0, bl);
      for (auto [d, i] : llvm::enumerate(iv)) {
        at = mlir::arith::AddIOp::create(
            b, bl, at,
            mlir::arith::MulIOp::create(b, bl, i, dstMeta.getStrides()[d]));
        row = mlir::arith::AddIOp::create(
            b, bl, mlir::arith::MulIOp::create(b, bl, row, dims[d]), i);
      }
      auto addr = [&](mlir::Value base, mlir::Value by, mlir::Value unit) {
        mlir::Value a = mlir::arith::AddIOp::create(
            b, bl, base,
            mlir::arith::MulIOp::create(
                b, bl, mlir::arith::IndexCastOp::create(b, bl, i64, by), unit));
        return mlir::LLVM::IntToPtrOp::create(b, bl, ptrTy, a);
      };
      mlir::LLVM::MemcpyOp::create(
          b, bl, addr(dstBase, at, constInt(i64, elemBytes, bl)),
          addr(srcBase, row, rowBytes), rowBytes, /*isVolatile=*/false);
    };
    mlir::scf::buildLoopNest(builder, l, lbs, ubs, steps, copyRow);
    return {};
  }
  case Builtin::TensorFillRandom: {
    // Floats: uniform in [-1, 1) with 24-bit resolution; integers: [-8, 8).
    mlir::Value t = genScalar(*e.receiver);
    mlir::Value seed = genScalar(*e.orderedArgs[0]);
    waitForGpu(l);
    auto type = mlir::cast<mlir::MemRefType>(t.getType());
    mlir::Type elem = type.getElementType();
    // The position of an element is its row-major index.
    llvm::SmallVector<mlir::Value, 4> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(mlir::arith::IndexCastOp::create(
          builder, l, i64, mlir::memref::DimOp::create(builder, l, t, d)));
    forEachTensorElement(
        t, l, [&](mlir::OpBuilder &b, mlir::Location bl, mlir::ValueRange iv) {
          mlir::OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
          mlir::Value pos = mlir::arith::IndexCastOp::create(builder, bl, i64, iv[0]);
          for (size_t d = 1; d < iv.size(); ++d)
            pos = mlir::arith::AddIOp::create(
                builder, bl,
                mlir::arith::MulIOp::create(builder, bl, pos, sizes[d]),
                mlir::arith::IndexCastOp::create(builder, bl, i64, iv[d]));
          mlir::Value key = mlir::arith::XOrIOp::create(
              builder, bl, splitmix(builder, bl, seed), pos);
          mlir::Value r = splitmix(builder, bl, key);
          mlir::Value v;
          if (mlir::isa<mlir::FloatType>(elem)) {
            mlir::Value top = mlir::arith::ShRUIOp::create(
                builder, bl, r, constInt(i64, 40, bl));
            mlir::Value f = mlir::arith::UIToFPOp::create(
                builder, bl, builder.getF64Type(), top);
            mlir::Value scale = mlir::arith::ConstantOp::create(
                builder, bl, builder.getF64FloatAttr(1.0 / 8388608.0));
            mlir::Value one = mlir::arith::ConstantOp::create(
                builder, bl, builder.getF64FloatAttr(1.0));
            v = mlir::arith::SubFOp::create(
                builder, bl, mlir::arith::MulFOp::create(builder, bl, f, scale),
                one);
            // 24 significant bits: exact in f32, from which a 16-bit float
            // is a few instructions (from f64, a call of the compiler's
            // runtime per element), and rounds to the same value.
            if (elem.getIntOrFloatBitWidth() < 32)
              v = convertScalar(builder, bl, v, builder.getF32Type(), true,
                                true);
            v = convertScalar(builder, bl, v, elem, true, true);
          } else {
            mlir::Value top = mlir::arith::ShRUIOp::create(
                builder, bl, r, constInt(i64, 60, bl));
            v = mlir::arith::SubIOp::create(builder, bl, top,
                                            constInt(i64, 8, bl));
            v = convertScalar(builder, bl, v, elem, true, true);
          }
          mlir::memref::StoreOp::create(builder, bl, v, t, iv);
        });
    prefetchToGpu(t, l);
    return {};
  }
  case Builtin::Allclose: {
    // |a - b| <= atol + rtol * |b| for every element, compared in f64;
    // a NaN anywhere, or different sizes, make it false.
    mlir::Value a = genScalar(*e.orderedArgs[0]);
    mlir::Value b = genScalar(*e.orderedArgs[1]);
    mlir::Value rtol = genScalar(*e.orderedArgs[2]);
    mlir::Value atol = genScalar(*e.orderedArgs[3]);
    waitForGpu(l);
    auto type = mlir::cast<mlir::MemRefType>(a.getType());
    mlir::Type f64 = builder.getF64Type();
    mlir::Type i1 = builder.getI1Type();
    mlir::Value same = constInt(i1, 1, l);
    for (int64_t d = 0; d < type.getRank(); ++d)
      same = mlir::arith::AndIOp::create(
          builder, l, same,
          mlir::arith::CmpIOp::create(
              builder, l, mlir::arith::CmpIPredicate::eq,
              mlir::memref::DimOp::create(builder, l, a, d),
              mlir::memref::DimOp::create(builder, l, b, d)));
    auto ifOp = mlir::scf::IfOp::create(builder, l, mlir::TypeRange{i1}, same,
                                        true, true);
    {
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToEnd(ifOp.elseBlock());
      mlir::scf::YieldOp::create(builder, l, constInt(i1, 0, l));
      builder.setInsertionPointToEnd(ifOp.thenBlock());
      mlir::Value flag = mlir::memref::AllocaOp::create(
          builder, l, mlir::MemRefType::get({}, i1));
      mlir::memref::StoreOp::create(builder, l, constInt(i1, 1, l), flag);
      bool aSigned = e.orderedArgs[0]->type->getElementType()->isInt();
      bool bSigned = e.orderedArgs[1]->type->getElementType()->isInt();
      forEachTensorElement(
          a, l, [&](mlir::OpBuilder &, mlir::Location bl, mlir::ValueRange iv) {
            mlir::OpBuilder::InsertionGuard inner(builder);
            mlir::Value x = convertScalar(
                builder, bl, mlir::memref::LoadOp::create(builder, bl, a, iv),
                f64, aSigned, true);
            mlir::Value y = convertScalar(
                builder, bl, mlir::memref::LoadOp::create(builder, bl, b, iv),
                f64, bSigned, true);
            mlir::Value diff = mlir::math::AbsFOp::create(
                builder, bl, mlir::arith::SubFOp::create(builder, bl, x, y));
            mlir::Value lim = mlir::arith::AddFOp::create(
                builder, bl, atol,
                mlir::arith::MulFOp::create(
                    builder, bl, rtol, mlir::math::AbsFOp::create(builder, bl, y)));
            mlir::Value ok = mlir::arith::CmpFOp::create(
                builder, bl, mlir::arith::CmpFPredicate::OLE, diff, lim);
            mlir::Value prev = mlir::memref::LoadOp::create(builder, bl, flag);
            mlir::memref::StoreOp::create(
                builder, bl, mlir::arith::AndIOp::create(builder, bl, prev, ok),
                flag);
          });
      mlir::scf::YieldOp::create(builder, l,
                                 mlir::memref::LoadOp::create(builder, l, flag)
                                     .getResult());
    }
    return one(ifOp.getResult(0));
  }
  default:
    break;
  }
  llvm_unreachable("not a tensor builtin");
}

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

mlir::Value MLIRGenImpl::gridQuery(Builtin b, int64_t axis,
                                   mlir::Location l) {
  mlir::IntegerAttr attr = builder.getI64IntegerAttr(axis);
  if (b == Builtin::ProgramId)
    return tl::ProgramIdOp::create(builder, l, builder.getIndexType(), attr);
  return tl::NumProgramsOp::create(builder, l, builder.getIndexType(), attr);
}

Leaves MLIRGenImpl::genLaunch(CallExpr &e) {
  mlir::Location l = loc(e.range);
  FnDecl &fn = *e.fn;
  mlir::Type i64 = builder.getI64Type();
  if (e.launch == Launch::Grid) {
    llvm::SmallVector<mlir::Value, 8> args;
    for (Expr *a : e.orderedArgs)
      for (const Leaf &leaf : load(genExpr(*a), l))
        args.push_back(leaf.value);
    Leaves grid = load(genExpr(*e.grid), l);
    uint64_t rank = e.grid->type->getArraySize();
    llvm::SmallVector<mlir::Value, 3> sizes;
    for (uint64_t d = 0; d < rank; ++d) {
      mlir::Value n = mlir::memref::LoadOp::create(
          builder, l, grid[0].value, mlir::ValueRange{constIndex(d, l)});
      genCheck(mlir::arith::CmpIOp::create(builder, l,
                                           mlir::arith::CmpIPredicate::slt, n,
                                           constInt(i64, 0, l)),
               "negative grid size", e.grid->range);
      sizes.push_back(toIndex(n, l));
    }
    tl::LaunchOp::create(builder, l, functions[&fn].getSymName(), sizes, args);
    return {};
  }

  // Tile-map form: views in, a new tensor out, one instance per result tile.
  bool contraction = e.launch == Launch::Contraction;
  llvm::SmallVector<mlir::Value, 4> views;
  for (Expr *a : e.orderedArgs)
    views.push_back(genScalar(*a));
  const Type *resultTile = fn.result;
  const std::vector<int64_t> &tshape = resultTile->getShape();
  unsigned rank = tshape.size();
  auto dim = [&](mlir::Value v, int64_t d) {
    return mlir::memref::DimOp::create(builder, l, v, d).getResult();
  };
  auto sameDim = [&](mlir::Value a, mlir::Value b, const std::string &what) {
    genCheck(mlir::arith::CmpIOp::create(builder, l,
                                         mlir::arith::CmpIPredicate::ne, a, b),
             what, e.range);
  };
  llvm::SmallVector<mlir::Value, 2> outDims;
  if (contraction) {
    mlir::Value p = views[e.dotLhs], q = views[e.dotRhs];
    sameDim(dim(p, 1), dim(q, 0),
            "the shared dimension of the `dot` operands differs: the left "
            "view's columns must equal the right view's rows");
    outDims = {dim(p, 0), dim(q, 1)};
  } else {
    for (unsigned d = 0; d < rank; ++d)
      outDims.push_back(dim(views[0], d));
  }
  for (size_t i = 0; i < views.size(); ++i)
    if (!contraction || (i != e.dotLhs && i != e.dotRhs))
      for (unsigned d = 0; d < rank; ++d)
        sameDim(dim(views[i], d), outDims[d],
                contraction ? "the views of a tile-map call other than the "
                              "`dot` operands must have the result's sizes"
                            : "the views of a tile-map call must have the "
                              "same sizes");
  auto memType = mlir::cast<mlir::MemRefType>(valueType(e.type));
  // On the device of the first view's memory.
  mlir::Value out = allocTensor(memType, outDims, deviceOf(views[0], l), l);
  auto viewType = viewMemRefType(memType.getShape(), memType.getElementType());
  mlir::Value outView = mlir::memref::CastOp::create(builder, l, viewType, out);
  llvm::SmallVector<mlir::Value, 2> grid;
  for (unsigned d = 0; d < rank; ++d)
    grid.push_back(mlir::arith::CeilDivUIOp::create(builder, l, outDims[d],
                                                    constIndex(tshape[d], l)));
  views.push_back(outView);
  mlir::func::FuncOp kernel = tileMapKernel(e, mlir::ValueRange(views).getTypes());
  tl::LaunchOp::create(builder, l, kernel.getSymName(), grid, views);
  return {valueLeaf(out)};
}

mlir::func::FuncOp MLIRGenImpl::tileMapKernel(CallExpr &e,
                                              mlir::TypeRange viewTypes) {
  bool contraction = e.launch == Launch::Contraction;
  auto key = std::make_pair(e.fn, contraction);
  auto it = tileMapKernels.find(key);
  if (it != tileMapKernels.end())
    return it->second.func;
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  mlir::func::FuncOp kernel = functions[e.fn];
  auto func = mlir::func::FuncOp::create(
      builder, kernel.getLoc(),
      (kernel.getSymName() + (contraction ? ".contraction" : ".map")).str(),
      builder.getFunctionType(viewTypes, {}));
  func->setAttr(tl::kKernelAttrName, builder.getUnitAttr());
  func->setAttr("llvm.linkage", mlir::LLVM::LinkageAttr::get(
                                    &ctx, mlir::LLVM::Linkage::Internal));
  TileMapKernel entry{func, e.fn, contraction, e.dotLhs, e.dotRhs};
  tileMapKernels[key] = entry;
  tileMapOrder.push_back(key);
  return func;
}

void MLIRGenImpl::genTileMapKernel(TileMapKernel &w) {
  mlir::func::FuncOp kernel = functions[w.fn];
  mlir::Location l = w.func.getLoc();
  mlir::Block *entry = w.func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  auto resultType =
      mlir::cast<tl::TileType>(kernel.getFunctionType().getResult(0));
  llvm::SmallVector<mlir::Value, 2> ij;
  for (int64_t d = 0; d < resultType.getRank(); ++d)
    ij.push_back(gridQuery(Builtin::ProgramId, d, l));
  unsigned n = kernel.getNumArguments();
  auto isDotOperand = [&](unsigned a) {
    return w.contraction && (a == w.dotLhs || a == w.dotRhs);
  };
  // Tile (i, j) of every view but the contraction's operands, which the
  // contraction loads itself (a placeholder stands for them meanwhile).
  llvm::SmallVector<mlir::Value, 4> tiles;
  for (unsigned a = 0; a < n; ++a) {
    mlir::Type t = kernel.getArgumentTypes()[a];
    if (isDotOperand(a)) {
      mlir::Type elem = mlir::cast<tl::TileType>(t).getElementType();
      tiles.push_back(tl::SplatOp::create(
          builder, l, t,
          mlir::arith::ConstantOp::create(builder, l,
                                          builder.getZeroAttr(elem))));
      continue;
    }
    tiles.push_back(tl::LoadOp::create(builder, l, t, entry->getArgument(a),
                                       ij, mlir::Value()));
  }
  mlir::Value result;
  if (!w.contraction) {
    result = mlir::func::CallOp::create(builder, l, kernel, tiles).getResult(0);
  } else {
    // The kernel's own body, in which `dot(P, Q, acc)` becomes the sum over
    // k of dot(P(i, k), Q(k, j)), starting from `acc` (or zeros).
    mlir::Block &body = kernel.getBody().front();
    tl::DotOp dot;
    kernel.walk([&](tl::DotOp d) {
      if (d.getLhs() == body.getArgument(w.dotLhs) &&
          d.getRhs() == body.getArgument(w.dotRhs))
        dot = d;
    });
    mlir::IRMapping map;
    for (unsigned a = 0; a < n; ++a)
      map.map(body.getArgument(a), tiles[a]);
    for (mlir::Operation &op : body.without_terminator())
      builder.clone(op, map);
    result = map.lookupOrDefault(body.getTerminator()->getOperand(0));
    auto cloned = mlir::cast<tl::DotOp>(map.lookup(dot.getOperation()));
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(cloned);
    mlir::Location dl = cloned.getLoc();
    auto lhsType = mlir::cast<tl::TileType>(dot.getLhs().getType());
    auto accType = mlir::cast<tl::TileType>(cloned.getType());
    mlir::Value p = entry->getArgument(w.dotLhs);
    mlir::Value q = entry->getArgument(w.dotRhs);
    mlir::Value kTiles = mlir::arith::CeilDivUIOp::create(
        builder, dl, mlir::memref::DimOp::create(builder, dl, p, 1),
        constIndex(lhsType.getShape()[1], dl));
    mlir::Value init = cloned.getAcc();
    if (!init)
      init = tl::SplatOp::create(
          builder, dl, accType,
          mlir::arith::ConstantOp::create(
              builder, dl, builder.getZeroAttr(accType.getElementType())));
    auto loop = mlir::scf::ForOp::create(
        builder, dl, constIndex(0, dl), kTiles, constIndex(1, dl),
        mlir::ValueRange{init},
        [&](mlir::OpBuilder &b, mlir::Location bl, mlir::Value k,
            mlir::ValueRange acc) {
          mlir::Value a = tl::LoadOp::create(b, bl, lhsType, p,
                                             mlir::ValueRange{ij[0], k},
                                             mlir::Value());
          mlir::Value bt = tl::LoadOp::create(
              b, bl, dot.getRhs().getType(), q, mlir::ValueRange{k, ij[1]},
              mlir::Value());
          mlir::Value next = tl::DotOp::create(b, bl, accType, a, bt, acc[0]);
          mlir::scf::YieldOp::create(b, bl, next);
        });
    cloned.replaceAllUsesWith(loop.getResult(0));
    if (result == cloned.getResult())
      result = loop.getResult(0);
    cloned.erase();
    for (unsigned a : {w.dotLhs, w.dotRhs})
      if (tiles[a].use_empty())
        if (mlir::Operation *def = tiles[a].getDefiningOp())
          def->erase();
  }
  tl::StoreOp::create(builder, l, result, entry->getArgument(n), ij);
  mlir::func::ReturnOp::create(builder, l);
}

mlir::Value MLIRGenImpl::allocTensor(mlir::MemRefType type,
                                     mlir::ValueRange dims, mlir::Value device,
                                     mlir::Location l) {
  if (!options.gpu || !device)
    return mlir::memref::AllocOp::create(builder, l, type, dims);
  // Device value 0 is the CPU; any other is the GPU (nl_gpu_alloc_at,
  // through nlc-checked-allocations).
  mlir::Value onGpu =
      mlir::arith::CmpIOp::create(builder, l, mlir::arith::CmpIPredicate::ne,
                                  device, constInt(builder.getI32Type(), 0, l));
  auto choice = mlir::scf::IfOp::create(
      builder, l, onGpu,
      [&](mlir::OpBuilder &b, mlir::Location bl) {
        auto mem = mlir::memref::AllocOp::create(b, bl, type, dims);
        mem->setAttr("nlc.device_memory", b.getUnitAttr());
        mlir::scf::YieldOp::create(b, bl, mem.getResult());
      },
      [&](mlir::OpBuilder &b, mlir::Location bl) {
        mlir::Value mem = mlir::memref::AllocOp::create(b, bl, type, dims);
        mlir::scf::YieldOp::create(b, bl, mem);
      });
  return choice.getResult(0);
}

void MLIRGenImpl::waitForGpu(mlir::Location l) {
  if (!options.gpu)
    return;
  static constexpr llvm::StringLiteral kPending = "nl_gpu_pending";
  mlir::Type i32 = builder.getI32Type();
  auto global = module.lookupSymbol<mlir::LLVM::GlobalOp>(kPending);
  if (!global) {
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(module.getBody());
    global = mlir::LLVM::GlobalOp::create(builder, l, i32, /*isConstant=*/false,
                                          mlir::LLVM::Linkage::External,
                                          kPending, mlir::Attribute());
  }
  mlir::Value addr = mlir::LLVM::AddressOfOp::create(builder, l, global);
  mlir::Value pending = mlir::LLVM::LoadOp::create(
      builder, l, i32, addr, /*alignment=*/4, /*isVolatile=*/false,
      /*isNonTemporal=*/false, /*isInvariant=*/false,
      /*isInvariantGroup=*/false, mlir::LLVM::AtomicOrdering::monotonic);
  mlir::Value any = mlir::arith::CmpIOp::create(
      builder, l, mlir::arith::CmpIPredicate::ne, pending, constInt(i32, 0, l));
  auto ifOp = mlir::scf::IfOp::create(builder, l, any, /*withElse=*/false);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  callRuntime("nl_gpu_wait", {}, nullptr, l);
}

std::optional<std::pair<mlir::Value, mlir::Value>>
MLIRGenImpl::tensorBytes(mlir::Value tensor, mlir::Location l) {
  auto type = mlir::cast<mlir::MemRefType>(tensor.getType());
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 || !type.getLayout().isIdentity())
    return std::nullopt;
  mlir::Type i64 = builder.getI64Type();
  mlir::Value bytes = constInt(i64, bits / 8, l);
  for (int64_t d = 0; d < type.getRank(); ++d)
    bytes = mlir::arith::MulIOp::create(
        builder, l, bytes,
        mlir::arith::IndexCastOp::create(
            builder, l, i64,
            mlir::memref::DimOp::create(builder, l, tensor, d)));
  mlir::Value at =
      mlir::memref::ExtractAlignedPointerAsIndexOp::create(builder, l, tensor);
  at = mlir::arith::IndexCastOp::create(builder, l, i64, at);
  return std::pair(mlir::LLVM::IntToPtrOp::create(
                       builder, l, mlir::LLVM::LLVMPointerType::get(&ctx), at)
                       .getResult(),
                   bytes);
}

void MLIRGenImpl::prefetchToGpu(mlir::Value tensor, mlir::Location l) {
  if (!options.gpu)
    return;
  if (auto span = tensorBytes(tensor, l))
    callRuntime("nl_gpu_prefetch", {span->first, span->second}, {}, l);
}

mlir::Value MLIRGenImpl::deviceOf(mlir::Value tensor, mlir::Location l) {
  if (!options.gpu)
    return nullptr;
  mlir::Value addr =
      mlir::memref::ExtractAlignedPointerAsIndexOp::create(builder, l, tensor);
  addr =
      mlir::arith::IndexCastOp::create(builder, l, builder.getI64Type(), addr);
  return callRuntime("nl_gpu_device_of", {addr}, builder.getI32Type(), l);
}

} // namespace nlc
