//===- MLIRGenExpr.cpp - Typed AST to MLIR: expressions -------------------===//
//
// Expressions stay structured (scf.if for `&&`, `||` and runtime checks) so
// that they can be emitted inside any region. Integer arithmetic wraps;
// division by zero and out-of-bounds indexing call the runtime's panic with
// the source location; float-to-int casts saturate (NaN becomes 0).
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

namespace nlc {

using mlir::arith::CmpFPredicate;
using mlir::arith::CmpIPredicate;

mlir::Value MLIRGenImpl::genScalar(Expr &e) {
  return load(genExpr(e), loc(e.range))[0].value;
}

Leaves MLIRGenImpl::genExpr(Expr &e) {
  mlir::Location l = loc(e.range);
  if (e.constValue.kind != ConstValue::Kind::None && e.type->isScalar())
    return {valueLeaf(genConstant(e.constValue, e.type, l))};
  switch (e.getKind()) {
  case Expr::Kind::IntLit:
  case Expr::Kind::FloatLit:
  case Expr::Kind::BoolLit:
    // Literals always carry a constant value (handled above).
    break;
  case Expr::Kind::StrLit:
    return genStr(llvm::cast<StrLitExpr>(e).value, l);
  case Expr::Kind::Name:
    return genName(llvm::cast<NameExpr>(e));
  case Expr::Kind::Unary:
    return {valueLeaf(genUnary(llvm::cast<UnaryExpr>(e)))};
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    if (!b.lhs->type->isText())
      return {valueLeaf(genBinary(b))};
    Leaves out = genStringBinary(b);
    if (b.type->isOwned())
      tensorValues[&b] = out;
    return out;
  }
  case Expr::Kind::Call: {
    auto &call = llvm::cast<CallExpr>(e);
    Leaves out = genCall(call);
    if (call.type->isOwned())
      tensorValues[&call] = out;
    genFreeTemporaries(call.temporaries, l);
    return out;
  }
  case Expr::Kind::Field: {
    auto &f = llvm::cast<FieldExpr>(e);
    Leaves base = genExpr(*f.base);
    StructDecl *s = f.base->type->getStructDecl();
    unsigned offset = fieldLeafOffset(s, f.fieldIndex);
    unsigned count = numLeaves(s->fields[f.fieldIndex].type);
    return Leaves(base.begin() + offset, base.begin() + offset + count);
  }
  case Expr::Kind::Index:
    if (llvm::cast<IndexExpr>(e).base->type->isText())
      return genStringIndex(llvm::cast<IndexExpr>(e));
    return genIndex(llvm::cast<IndexExpr>(e));
  case Expr::Kind::Cast:
    return {valueLeaf(genCast(llvm::cast<CastExpr>(e)))};
  case Expr::Kind::ArrayLit:
    return genArrayLit(llvm::cast<ArrayLitExpr>(e));
  case Expr::Kind::ArrayRepeat:
    return genArrayRepeat(llvm::cast<ArrayRepeatExpr>(e));
  case Expr::Kind::StructLit:
    return genStructLit(llvm::cast<StructLitExpr>(e));
  case Expr::Kind::Match:
    return genMatch(llvm::cast<MatchExpr>(e));
  case Expr::Kind::Try:
    return genTry(llvm::cast<TryExpr>(e));
  }
  llvm_unreachable("literal without a constant value");
}

Leaves MLIRGenImpl::genName(NameExpr &e) {
  if (e.var)
    return locals.lookup(e.var);
  if (e.variant >= 0)
    return genVariant(e.type, e.variant, {}, loc(e.range));
  // Sema only lets constants through as non-local values, and constants
  // are scalars folded by genExpr; a `str` constant is not allowed.
  llvm_unreachable("non-local name without a constant value");
}

mlir::Value MLIRGenImpl::genConstant(const ConstValue &c, const Type *t,
                                     mlir::Location l) {
  mlir::Type mt = scalarType(t);
  switch (c.kind) {
  case ConstValue::Kind::Bool:
    return constInt(mt, c.boolValue ? 1 : 0, l);
  case ConstValue::Kind::Int:
    return mlir::arith::ConstantOp::create(
        builder, l,
        builder.getIntegerAttr(mt, llvm::APInt(t->getIntWidth(), c.intBits)));
  case ConstValue::Kind::Float:
    return mlir::arith::ConstantOp::create(
        builder, l, builder.getFloatAttr(mt, c.floatValue));
  case ConstValue::Kind::None:
    break;
  }
  llvm_unreachable("no constant value");
}

Leaves MLIRGenImpl::genStr(const std::string &bytes, mlir::Location l) {
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  mlir::Value len = constInt(builder.getI64Type(), bytes.size(), l);
  mlir::Value ptr;
  if (bytes.empty()) {
    ptr = mlir::LLVM::ZeroOp::create(builder, l, ptrTy);
  } else {
    mlir::Operation *&global = strings[bytes];
    if (!global) {
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToEnd(module.getBody());
      auto type = mlir::LLVM::LLVMArrayType::get(builder.getI8Type(),
                                                 bytes.size());
      global = mlir::LLVM::GlobalOp::create(
          builder, l, type, /*isConstant=*/true, mlir::LLVM::Linkage::Internal,
          "str." + std::to_string(strings.size() - 1),
          builder.getStringAttr(bytes));
    }
    ptr = mlir::LLVM::AddressOfOp::create(
        builder, l, llvm::cast<mlir::LLVM::GlobalOp>(global));
  }
  return {valueLeaf(ptr), valueLeaf(len)};
}

//===----------------------------------------------------------------------===//
// Runtime checks
//===----------------------------------------------------------------------===//

void MLIRGenImpl::genPanic(const Leaves &message, SourceRange r) {
  mlir::Location l = loc(r);
  LineCol lc = sm.getLineCol(r.begin);
  Leaves file = genStr(sm.getName(r.begin.file), l);
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  mlir::Type i64 = builder.getI64Type();
  auto fn = runtimeFn("nl_panic", {ptrTy, i64, ptrTy, i64, i64, i64});
  mlir::func::CallOp::create(
      builder, l, fn,
      mlir::ValueRange{message[0].value, message[1].value, file[0].value,
                       file[1].value, constInt(i64, lc.line, l),
                       constInt(i64, lc.col, l)});
}

void MLIRGenImpl::genCheck(mlir::Value failCond, const std::string &message,
                           SourceRange r) {
  mlir::Location l = loc(r);
  auto ifOp = mlir::scf::IfOp::create(builder, l, failCond,
                                      /*withElseRegion=*/false);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  genPanic(genStr(message, l), r);
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

mlir::Value MLIRGenImpl::genUnary(UnaryExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Value v = genScalar(*e.operand);
  if (e.type->isTile())
    return nlc::tile::NegOp::create(builder, l, v.getType(), v);
  switch (e.op) {
  case UnaryOp::Neg:
    if (e.type->isFloat())
      return mlir::arith::NegFOp::create(builder, l, v);
    return mlir::arith::SubIOp::create(builder, l,
                                       constInt(v.getType(), 0, l), v);
  case UnaryOp::Not:
  case UnaryOp::BitNot:
    return mlir::arith::XOrIOp::create(builder, l, v,
                                       constInt(v.getType(), -1, l));
  case UnaryOp::Borrow:
  case UnaryOp::BorrowMut:
    // Sema allows borrows only as arguments of reference parameters.
    break;
  }
  llvm_unreachable("unknown unary operator");
}

mlir::Value MLIRGenImpl::genBinary(BinaryExpr &e) {
  if (e.lhs->type->isTile() || e.rhs->type->isTile())
    return genTileBinary(e);
  if (e.op == BinaryOp::LogicalAnd || e.op == BinaryOp::LogicalOr)
    return genLogical(e);
  mlir::Value a = genScalar(*e.lhs);
  mlir::Value b = genScalar(*e.rhs);
  switch (e.op) {
  case BinaryOp::Eq:
  case BinaryOp::Ne:
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge:
    return genCompare(e.op, e.lhs->type, a, b, loc(e.range));
  default:
    return genArith(e.op, e.lhs->type, a, b, e.range);
  }
}

mlir::Value MLIRGenImpl::genArith(BinaryOp op, const Type *t, mlir::Value a,
                                  mlir::Value b, SourceRange r) {
  mlir::Location l = loc(r);
  if (t->isFloat()) {
    switch (op) {
    case BinaryOp::Add:
      return mlir::arith::AddFOp::create(builder, l, a, b);
    case BinaryOp::Sub:
      return mlir::arith::SubFOp::create(builder, l, a, b);
    case BinaryOp::Mul:
      return mlir::arith::MulFOp::create(builder, l, a, b);
    case BinaryOp::Div:
      return mlir::arith::DivFOp::create(builder, l, a, b);
    case BinaryOp::Rem:
      return mlir::arith::RemFOp::create(builder, l, a, b);
    default:
      llvm_unreachable("Sema rejects this float operator");
    }
  }
  mlir::Type it = a.getType();
  bool isSigned = t->isInt() && t->isSigned();
  switch (op) {
  case BinaryOp::Add:
    return mlir::arith::AddIOp::create(builder, l, a, b);
  case BinaryOp::Sub:
    return mlir::arith::SubIOp::create(builder, l, a, b);
  case BinaryOp::Mul:
    return mlir::arith::MulIOp::create(builder, l, a, b);
  case BinaryOp::Div:
  case BinaryOp::Rem: {
    bool isDiv = op == BinaryOp::Div;
    genCheck(mlir::arith::CmpIOp::create(builder, l, CmpIPredicate::eq, b,
                                         constInt(it, 0, l)),
             isDiv ? "division by zero" : "remainder by zero", r);
    if (!isSigned)
      return isDiv ? mlir::arith::DivUIOp::create(builder, l, a, b).getResult()
                   : mlir::arith::RemUIOp::create(builder, l, a, b).getResult();
    // Wrapping semantics without a hardware trap: MIN / -1 == MIN (that is,
    // 0 - a) and MIN % -1 == 0.
    mlir::Value minusOne = constInt(it, -1, l);
    mlir::Value isMinusOne =
        mlir::arith::CmpIOp::create(builder, l, CmpIPredicate::eq, b, minusOne);
    mlir::Value safe = mlir::arith::SelectOp::create(builder, l, isMinusOne,
                                                     constInt(it, 1, l), b);
    mlir::Value q =
        isDiv ? mlir::arith::DivSIOp::create(builder, l, a, safe).getResult()
              : mlir::arith::RemSIOp::create(builder, l, a, safe).getResult();
    mlir::Value special =
        isDiv ? mlir::arith::SubIOp::create(builder, l, constInt(it, 0, l), a)
                    .getResult()
              : constInt(it, 0, l);
    return mlir::arith::SelectOp::create(builder, l, isMinusOne, special, q);
  }
  case BinaryOp::BitAnd:
    return mlir::arith::AndIOp::create(builder, l, a, b);
  case BinaryOp::BitOr:
    return mlir::arith::OrIOp::create(builder, l, a, b);
  case BinaryOp::BitXor:
    return mlir::arith::XOrIOp::create(builder, l, a, b);
  case BinaryOp::Shl:
  case BinaryOp::Shr: {
    // The shift amount is taken modulo the bit width.
    unsigned w = t->getIntWidth();
    unsigned bw = b.getType().getIntOrFloatBitWidth();
    if (bw > w)
      b = mlir::arith::TruncIOp::create(builder, l, it, b);
    else if (bw < w)
      b = mlir::arith::ExtUIOp::create(builder, l, it, b);
    b = mlir::arith::AndIOp::create(builder, l, b, constInt(it, w - 1, l));
    if (op == BinaryOp::Shl)
      return mlir::arith::ShLIOp::create(builder, l, a, b);
    return isSigned ? mlir::arith::ShRSIOp::create(builder, l, a, b).getResult()
                    : mlir::arith::ShRUIOp::create(builder, l, a, b).getResult();
  }
  default:
    llvm_unreachable("not an arithmetic operator");
  }
}

mlir::Value MLIRGenImpl::genCompare(BinaryOp op, const Type *t, mlir::Value a,
                                    mlir::Value b, mlir::Location l) {
  if (t->isFloat()) {
    CmpFPredicate p;
    switch (op) {
    case BinaryOp::Eq:
      p = CmpFPredicate::OEQ;
      break;
    case BinaryOp::Ne:
      p = CmpFPredicate::UNE;
      break;
    case BinaryOp::Lt:
      p = CmpFPredicate::OLT;
      break;
    case BinaryOp::Le:
      p = CmpFPredicate::OLE;
      break;
    case BinaryOp::Gt:
      p = CmpFPredicate::OGT;
      break;
    default:
      p = CmpFPredicate::OGE;
      break;
    }
    return mlir::arith::CmpFOp::create(builder, l, p, a, b);
  }
  bool s = t->isInt() && t->isSigned();
  CmpIPredicate p;
  switch (op) {
  case BinaryOp::Eq:
    p = CmpIPredicate::eq;
    break;
  case BinaryOp::Ne:
    p = CmpIPredicate::ne;
    break;
  case BinaryOp::Lt:
    p = s ? CmpIPredicate::slt : CmpIPredicate::ult;
    break;
  case BinaryOp::Le:
    p = s ? CmpIPredicate::sle : CmpIPredicate::ule;
    break;
  case BinaryOp::Gt:
    p = s ? CmpIPredicate::sgt : CmpIPredicate::ugt;
    break;
  default:
    p = s ? CmpIPredicate::sge : CmpIPredicate::uge;
    break;
  }
  return mlir::arith::CmpIOp::create(builder, l, p, a, b);
}

mlir::Value MLIRGenImpl::genLogical(BinaryExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Value lhs = genScalar(*e.lhs);
  bool isAnd = e.op == BinaryOp::LogicalAnd;
  auto ifOp = mlir::scf::IfOp::create(builder, l, builder.getI1Type(), lhs,
                                      /*withElseRegion=*/true);
  mlir::OpBuilder::InsertionGuard guard(builder);
  // `a && b`: b only if a; `a || b`: b only if !a.
  mlir::Block *evalRhs = isAnd ? ifOp.thenBlock() : ifOp.elseBlock();
  mlir::Block *shortCut = isAnd ? ifOp.elseBlock() : ifOp.thenBlock();
  builder.setInsertionPointToEnd(evalRhs);
  mlir::scf::YieldOp::create(builder, l, genScalar(*e.rhs));
  builder.setInsertionPointToEnd(shortCut);
  mlir::scf::YieldOp::create(
      builder, l, constInt(builder.getI1Type(), isAnd ? 0 : 1, l));
  return ifOp.getResult(0);
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

mlir::Value MLIRGenImpl::genCast(CastExpr &e) {
  const Type *from = e.operand->type;
  const Type *to = e.type;
  mlir::Value v = genScalar(*e.operand);
  if (from->isTile())
    return nlc::tile::CastOp::create(builder, loc(e.range), valueType(to), v);
  return convertScalar(builder, loc(e.range), v, scalarType(to),
                       from->isInt() && from->isSigned(),
                       to->isInt() && to->isSigned());
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

Leaves MLIRGenImpl::genCall(CallExpr &e) {
  if (e.launch != Launch::None)
    return genLaunch(e);
  if (e.builtin != Builtin::None)
    return genBuiltin(e);
  mlir::Location l = loc(e.range);
  if (e.variant >= 0)
    return genVariant(e.type, e.variant, e.orderedArgs, l);
  llvm::SmallVector<mlir::Value> operands;
  // Copies back into `&mut` places passed as copies (genBufferRefArg).
  llvm::SmallVector<std::function<void()>> writeBacks;
  auto addArg = [&](Expr &arg, const VarDecl &param) {
    if (refInMemory(*e.fn, param)) {
      std::function<void()> writeBack;
      genBufferRefArg(arg, param, operands, writeBack);
      if (writeBack)
        writeBacks.push_back(std::move(writeBack));
      return;
    }
    if (!passedAsValue(param))
      return genRefArg(arg, operands);
    if (paramInMemory(*e.fn, param)) {
      mlir::Value buffer = allocateBuffer(param.type, l);
      storeToBuffer(buffer, param.type, genExpr(arg), l);
      operands.push_back(buffer);
      return;
    }
    Expr *value = &arg;
    if (auto *u = llvm::dyn_cast<UnaryExpr>(&arg);
        u && u->op == UnaryOp::Borrow)
      value = u->operand.get(); // `&t` of a tensor
    // Arrays are passed as their memory: copied if a later argument may
    // write them through a `&mut`.
    for (const Leaf &leaf : load(genExpr(*value), l))
      operands.push_back(e.copyArgs && !leaf.shape.empty()
                             ? copyArray(leaf, l)
                             : leaf.value);
  };
  unsigned param = 0;
  if (e.receiver)
    addArg(*e.receiver, *e.fn->params[param++]);
  for (Expr *arg : e.orderedArgs)
    addArg(*arg, *e.fn->params[param++]);
  if (resultInMemory(*e.fn)) {
    // The result in a buffer of this call's own (MLIRGenRef.cpp).
    mlir::Value buffer = allocateBuffer(e.fn->result, l);
    operands.push_back(buffer);
    mlir::func::CallOp::create(builder, l, functions[e.fn], operands);
    for (auto &w : writeBacks)
      w();
    return bufferLeaves(buffer, e.fn->result, l);
  }
  Leaves out = allocateResultArrays(e.fn->result, l, operands);
  auto call = mlir::func::CallOp::create(builder, l, functions[e.fn], operands);
  for (auto &w : writeBacks)
    w();
  unsigned result = 0;
  for (Leaf &leaf : out)
    if (leaf.shape.empty())
      leaf = valueLeaf(call.getResult(result++));
  return out;
}

void MLIRGenImpl::genPrint(const Leaves &v, const Type *t, mlir::Location l) {
  mlir::Type i64 = builder.getI64Type();
  mlir::Value x = v[0].value;
  if (t->isText()) {
    auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
    mlir::func::CallOp::create(builder, l, runtimeFn("nl_print_str", {ptrTy, i64}),
                               mlir::ValueRange{x, v[1].value});
    return;
  }
  if (t->isBool()) {
    // C's bool is passed as a zero-extended 32-bit value.
    mlir::Type i32 = builder.getI32Type();
    x = mlir::arith::ExtUIOp::create(builder, l, i32, x);
    mlir::func::CallOp::create(builder, l, runtimeFn("nl_print_bool", {i32}), x);
    return;
  }
  if (t->isInt()) {
    bool s = t->isSigned();
    if (t->getIntWidth() < 64)
      x = s ? mlir::arith::ExtSIOp::create(builder, l, i64, x).getResult()
            : mlir::arith::ExtUIOp::create(builder, l, i64, x).getResult();
    mlir::func::CallOp::create(
        builder, l, runtimeFn(s ? "nl_print_i64" : "nl_print_u64", {i64}), x);
    return;
  }
  if (t->getFloatKind() == Type::FloatKind::F64) {
    mlir::func::CallOp::create(
        builder, l, runtimeFn("nl_print_f64", {builder.getF64Type()}), x);
    return;
  }
  // f32 prints itself; f16 and bf16 print their exact value as an f32.
  mlir::Type f32 = builder.getF32Type();
  if (t->getFloatKind() != Type::FloatKind::F32)
    x = mlir::arith::ExtFOp::create(builder, l, f32, x);
  mlir::func::CallOp::create(builder, l, runtimeFn("nl_print_f32", {f32}), x);
}

Leaves MLIRGenImpl::genBuiltin(CallExpr &e) {
  const BuiltinInfo &info = getBuiltinInfo(e.builtin);
  BuiltinGen gen = info.gen;
  // A builtin with two forms: the type Sema gave the call says which.
  if (info.otherForm == BuiltinOtherForm::ScalarAnywhere && e.type &&
      e.type->isFloat())
    gen = BuiltinGen::Scalar;
  else if (info.otherForm == BuiltinOtherForm::TileInKernels && e.type &&
           e.type->isTile())
    gen = BuiltinGen::Tile;
  switch (gen) {
  case BuiltinGen::Scalar:
    return genScalarBuiltin(e);
  case BuiltinGen::Tensor:
    return genTensorBuiltin(e);
  case BuiltinGen::Tile:
    return genKernelBuiltin(e);
  case BuiltinGen::Sys:
    return genSysBuiltin(e);
  case BuiltinGen::String:
    return genStringBuiltin(e);
  case BuiltinGen::Collections:
    return genCollectionsBuiltin(e);
  case BuiltinGen::Bits:
    return genBitsBuiltin(e);
  }
  llvm_unreachable("unknown builtin generator");
}

/// One math dialect op on operands of one float type.
template <typename Op>
static mlir::Value mathOp(mlir::OpBuilder &b, mlir::Location l,
                          mlir::ValueRange x) {
  return Op::create(b, l, x).getResult();
}

/// The scalar math builtins without a tile form (LangRef section 16), or
/// null for another builtin. The host pipeline lowers each op to an LLVM
/// intrinsic or a libm call; the bare-metal runtime defines those
/// (runtime/baremetal/libm.c).
static mlir::Value genMathBuiltin(mlir::OpBuilder &b, mlir::Location l,
                                  Builtin id, mlir::ValueRange x) {
  namespace m = mlir::math;
  switch (id) {
  case Builtin::Sin: return mathOp<m::SinOp>(b, l, x);
  case Builtin::Cos: return mathOp<m::CosOp>(b, l, x);
  case Builtin::Tan: return mathOp<m::TanOp>(b, l, x);
  case Builtin::Asin: return mathOp<m::AsinOp>(b, l, x);
  case Builtin::Acos: return mathOp<m::AcosOp>(b, l, x);
  case Builtin::Atan: return mathOp<m::AtanOp>(b, l, x);
  case Builtin::Atan2: return mathOp<m::Atan2Op>(b, l, x);
  case Builtin::Sinh: return mathOp<m::SinhOp>(b, l, x);
  case Builtin::Cosh: return mathOp<m::CoshOp>(b, l, x);
  case Builtin::Exp2: return mathOp<m::Exp2Op>(b, l, x);
  case Builtin::Log2: return mathOp<m::Log2Op>(b, l, x);
  case Builtin::Log10: return mathOp<m::Log10Op>(b, l, x);
  case Builtin::Pow: return mathOp<m::PowFOp>(b, l, x);
  case Builtin::Cbrt: return mathOp<m::CbrtOp>(b, l, x);
  case Builtin::Floor: return mathOp<m::FloorOp>(b, l, x);
  case Builtin::Ceil: return mathOp<m::CeilOp>(b, l, x);
  case Builtin::Round: return mathOp<m::RoundOp>(b, l, x);
  case Builtin::Trunc: return mathOp<m::TruncOp>(b, l, x);
  default: return {};
  }
}

Leaves MLIRGenImpl::genScalarBuiltin(CallExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Type i64 = builder.getI64Type();
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  const Type *t = e.type;
  switch (e.builtin) {
  case Builtin::Print:
  case Builtin::Println: {
    // Evaluate every argument before printing any, so that a call in an
    // argument that prints does not interleave with this line.
    std::vector<Leaves> values;
    for (Expr *arg : e.orderedArgs)
      values.push_back(load(genExpr(*arg), loc(arg->range)));
    for (size_t i = 0; i < values.size(); ++i)
      genPrint(values[i], e.orderedArgs[i]->type, loc(e.orderedArgs[i]->range));
    if (e.builtin == Builtin::Println)
      mlir::func::CallOp::create(builder, l, runtimeFn("nl_print_newline", {}),
                                 mlir::ValueRange{});
    return {};
  }
  case Builtin::Assert: {
    mlir::Value cond = genScalar(*e.orderedArgs[0]);
    mlir::Value fail = mlir::arith::XOrIOp::create(
        builder, l, cond, constInt(builder.getI1Type(), 1, l));
    auto ifOp = mlir::scf::IfOp::create(builder, l, fail, false);
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    Leaves msg = e.orderedArgs.size() > 1
                     ? load(genExpr(*e.orderedArgs[1]), l)
                     : genStr("assertion failed", l);
    genPanic(msg, e.range);
    return {};
  }
  case Builtin::Panic:
    genPanic(load(genExpr(*e.orderedArgs[0]), l), e.range);
    return {};
  case Builtin::Sqrt:
    return {valueLeaf(
        mlir::math::SqrtOp::create(builder, l, genScalar(*e.orderedArgs[0])))};
  case Builtin::Fma:
    return {valueLeaf(mlir::math::FmaOp::create(
        builder, l, genScalar(*e.orderedArgs[0]), genScalar(*e.orderedArgs[1]),
        genScalar(*e.orderedArgs[2])))};
  case Builtin::Exp:
    return {valueLeaf(
        mlir::math::ExpOp::create(builder, l, genScalar(*e.orderedArgs[0])))};
  case Builtin::Log:
    return {valueLeaf(
        mlir::math::LogOp::create(builder, l, genScalar(*e.orderedArgs[0])))};
  case Builtin::Rsqrt:
    return {valueLeaf(
        mlir::math::RsqrtOp::create(builder, l, genScalar(*e.orderedArgs[0])))};
  case Builtin::Tanh:
    return {valueLeaf(
        mlir::math::TanhOp::create(builder, l, genScalar(*e.orderedArgs[0])))};
  case Builtin::Erf:
    return {valueLeaf(
        mlir::math::ErfOp::create(builder, l, genScalar(*e.orderedArgs[0])))};
  case Builtin::Abs: {
    mlir::Value x = genScalar(*e.orderedArgs[0]);
    if (t->isFloat())
      return {valueLeaf(mlir::math::AbsFOp::create(builder, l, x))};
    return {valueLeaf(mlir::math::AbsIOp::create(builder, l, x))};
  }
  case Builtin::Min:
  case Builtin::Max: {
    mlir::Value a = genScalar(*e.orderedArgs[0]);
    mlir::Value b = genScalar(*e.orderedArgs[1]);
    bool isMin = e.builtin == Builtin::Min;
    mlir::Value r;
    if (t->isFloat())
      r = isMin ? mlir::arith::MinimumFOp::create(builder, l, a, b).getResult()
                : mlir::arith::MaximumFOp::create(builder, l, a, b).getResult();
    else if (t->isSigned())
      r = isMin ? mlir::arith::MinSIOp::create(builder, l, a, b).getResult()
                : mlir::arith::MaxSIOp::create(builder, l, a, b).getResult();
    else
      r = isMin ? mlir::arith::MinUIOp::create(builder, l, a, b).getResult()
                : mlir::arith::MaxUIOp::create(builder, l, a, b).getResult();
    return {valueLeaf(r)};
  }
  case Builtin::Argc:
    return {valueLeaf(
        mlir::func::CallOp::create(builder, l, runtimeFn("nl_argc", {}, {i64}),
                                   mlir::ValueRange{})
            .getResult(0))};
  case Builtin::ClockNs:
    return {valueLeaf(mlir::func::CallOp::create(
                           builder, l, runtimeFn("nl_clock_ns", {}, {i64}),
                           mlir::ValueRange{})
                           .getResult(0))};
  case Builtin::Arg: {
    mlir::Value i = genScalar(*e.orderedArgs[0]);
    mlir::Value ptr =
        mlir::func::CallOp::create(builder, l,
                                   runtimeFn("nl_arg_ptr", {i64}, {ptrTy}), i)
            .getResult(0);
    mlir::Value len =
        mlir::func::CallOp::create(builder, l,
                                   runtimeFn("nl_arg_len", {i64}, {i64}), i)
            .getResult(0);
    return {valueLeaf(ptr), valueLeaf(len)};
  }
  default:
    break;
  }
  llvm::SmallVector<mlir::Value, 2> operands;
  for (Expr *arg : e.orderedArgs)
    operands.push_back(genScalar(*arg));
  if (mlir::Value r = genMathBuiltin(builder, l, e.builtin, operands))
    return {valueLeaf(r)};
  llvm_unreachable("not a builtin of the scalar generator");
}

//===----------------------------------------------------------------------===//
// Aggregates
//===----------------------------------------------------------------------===//

Leaves MLIRGenImpl::genIndex(IndexExpr &e) {
  if (e.base->type->isVec())
    return genVecIndex(e);
  mlir::Location l = loc(e.range);
  Leaves base = genExpr(*e.base);
  mlir::Value idx = genScalar(*e.index);
  const Type *it = e.index->type;
  uint64_t size = e.base->type->getArraySize();
  // Bounds check on the index widened to 64 bits: a negative signed index
  // becomes a huge unsigned value and fails the same unsigned comparison.
  mlir::Type i64 = builder.getI64Type();
  mlir::Value wide = idx;
  if (it->getIntWidth() < 64)
    wide = it->isSigned()
               ? mlir::arith::ExtSIOp::create(builder, l, i64, idx).getResult()
               : mlir::arith::ExtUIOp::create(builder, l, i64, idx).getResult();
  if (e.index->constValue.kind == ConstValue::Kind::None)
    genCheck(mlir::arith::CmpIOp::create(builder, l, CmpIPredicate::uge, wide,
                                         constInt(i64, size, l)),
             "index out of bounds: the length is " + std::to_string(size),
             e.index->range);
  mlir::Value index = mlir::arith::IndexCastUIOp::create(
      builder, l, builder.getIndexType(), wide);
  Leaves out;
  for (const Leaf &leaf : base) {
    Leaf sub = leaf;
    sub.indices.push_back(index);
    sub.shape.erase(sub.shape.begin());
    out.push_back(sub);
  }
  return out;
}

Leaves MLIRGenImpl::genArrayLit(ArrayLitExpr &e) {
  mlir::Location l = loc(e.range);
  Leaves storage = allocate(e.type, l);
  for (size_t i = 0; i < e.elements.size(); ++i) {
    Leaves value = genExpr(*e.elements[i]);
    mlir::Value index = constIndex(i, l);
    Leaves dst;
    for (const Leaf &leaf : storage) {
      Leaf d = leaf;
      d.indices.push_back(index);
      d.shape.erase(d.shape.begin());
      dst.push_back(d);
    }
    store(dst, value, l);
  }
  if (e.type->isOwned())
    tensorValues[&e] = storage;
  return storage;
}

Leaves MLIRGenImpl::genArrayRepeat(ArrayRepeatExpr &e) {
  mlir::Location l = loc(e.range);
  Leaves storage = allocate(e.type, l);
  Leaves value = load(genExpr(*e.value), l);
  mlir::Value lo = constIndex(0, l);
  mlir::Value hi = constIndex(e.countValue, l);
  mlir::Value one = constIndex(1, l);
  auto loop = mlir::scf::ForOp::create(builder, l, lo, hi, one);
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(loop.getBody()->getTerminator());
  Leaves dst;
  for (const Leaf &leaf : storage) {
    Leaf d = leaf;
    d.indices.push_back(loop.getInductionVar());
    d.shape.erase(d.shape.begin());
    dst.push_back(d);
  }
  store(dst, value, l);
  return storage;
}

Leaves MLIRGenImpl::genStructLit(StructLitExpr &e) {
  mlir::Location l = loc(e.range);
  Leaves out;
  for (Expr *field : e.orderedFields)
    for (Leaf leaf : load(genExpr(*field), l)) {
      // As for call arguments (genCall).
      if (e.copyFields && !leaf.shape.empty())
        leaf.value = copyArray(leaf, l);
      out.push_back(leaf);
    }
  if (e.type->isOwned())
    tensorValues[&e] = out;
  return out;
}

} // namespace nlc
