//===- SemaTile.cpp - Tiles, tensors and kernels --------------------------===//
//
// The kernel half of Sema (docs/Kernels.md): the Tile, Tensor, View and
// Device types, the builtins of each side (tensor allocation and access on
// the host; load, store, dot, reductions... inside kernels), elementwise
// operators on tiles, and the classification of kernel calls into tile-map
// (map or contraction rule) and grid launches. Every shape, element type and
// layout rule is reported here, at the call site, naming both types.
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/Sema.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <functional>

namespace nlc {

/// The most memory one tile may take: the limit of the CPU reference
/// lowering (kMaxTileBytes in lowering/TileToSCF/ConvertTileToSCF.cpp),
/// which every backend must be checked against.
static constexpr uint64_t kMaxTileBytes = uint64_t(1) << 30;

static bool isTileElement(const Type *t) {
  if (t->isBool() || t->isFloat())
    return true;
  return t->isInt() && t->isSigned() &&
         (t->getIntWidth() == 8 || t->getIntWidth() == 32);
}

/// The type named by a bare path in a generic argument (`f16`, `i32`).
const Type *Sema::genericTypeArg(const GenericArg &a, Module &m) {
  if (!a.type)
    return nullptr;
  return resolveType(*a.type, m);
}

const Type *Sema::resolveBuiltinGeneric(const TypeExpr &t, Module &m) {
  const std::string &name = t.path.back().name;
  if (t.path.size() != 1)
    return nullptr;
  if (name == "Device" && t.genericArgs.empty())
    return types.getDevice();
  if (name == "Vec")
    return resolveVecType(t, m);
  if (name == "Tensor" || name == "View") {
    const Type *elem = nullptr;
    uint64_t rank = 0;
    if (t.genericArgs.size() == 2 && t.genericArgs[0].type &&
        t.genericArgs[1].value) {
      elem = genericTypeArg(t.genericArgs[0], m);
      if (!elem->isError() && !evalConstIndex(*t.genericArgs[1].value, rank))
        return types.getError();
    }
    if (!elem || elem->isError() || rank < 1 || rank > 4 ||
        !isTileElement(elem) || elem->isBool()) {
      if (!elem || !elem->isError())
        diags.report(t.range, DiagID::err_buffer_generic_args, {name});
      return types.getError();
    }
    return name == "Tensor" ? types.getTensor(elem, rank)
                            : types.getView(elem, rank);
  }
  if (name != "Tile")
    return nullptr;
  // Tile<D1 [, D2], T [, Layout::L]>
  // A bare name parses as a type; as a dimension it names a constant.
  auto genericDim = [&](const GenericArg &a) -> const ConstValue * {
    if (!a.type || a.type->path.size() != 1)
      return nullptr;
    auto *v = genericValue(a.type->path[0].name);
    return v ? &v->second : nullptr;
  };
  auto namedConst = [&](const GenericArg &a) -> ConstDecl * {
    if (!a.type || a.type->path.size() != 1 || !a.type->genericArgs.empty())
      return nullptr;
    return llvm::dyn_cast_or_null<ConstDecl>(lookupTop(m, a.type->path[0].name));
  };
  std::vector<int64_t> shape;
  size_t i = 0;
  for (; i < t.genericArgs.size(); ++i) {
    const GenericArg &a = t.genericArgs[i];
    const ConstValue *g = genericDim(a);
    ConstDecl *c = g ? nullptr : namedConst(a);
    if (!a.value && !c && !g)
      break;
    uint64_t d = 0;
    if (g) {
      d = g->intBits;
    } else if (c) {
      resolveConst(*c);
      if (!c->type->isInt() ||
          c->init->constValue.kind != ConstValue::Kind::Int) {
        diags.report(a.type->range, DiagID::err_tile_dim_not_positive,
                     {c->name.name});
        return types.getError();
      }
      d = c->init->constValue.intBits;
    } else if (!evalConstIndex(*a.value, d)) {
      return types.getError();
    }
    if (d == 0 || d > (1u << 20)) {
      diags.report(a.value ? a.value->range : a.type->range,
                   DiagID::err_tile_dim_not_positive, {std::to_string(d)});
      return types.getError();
    }
    shape.push_back(static_cast<int64_t>(d));
  }
  size_t rest = t.genericArgs.size() - i;
  if (shape.empty() || shape.size() > 2 || rest < 1 || rest > 2) {
    diags.report(t.range, DiagID::err_tile_generic_args);
    return types.getError();
  }
  const Type *elem = genericTypeArg(t.genericArgs[i], m);
  if (!elem || elem->isError())
    return types.getError();
  if (!isTileElement(elem)) {
    diags.report(t.genericArgs[i].type->range, DiagID::err_tile_element_type,
                 {elem->str()});
    return types.getError();
  }
  Type::Layout layout = Type::Layout::RowMajor;
  if (rest == 2) {
    const GenericArg &l = t.genericArgs[i + 1];
    std::string spelled;
    if (l.type)
      for (size_t k = 0; k < l.type->path.size(); ++k)
        spelled += (k ? "::" : "") + l.type->path[k].name;
    if (spelled == "Layout::ColMajor")
      layout = Type::Layout::ColMajor;
    else if (spelled != "Layout::RowMajor") {
      diags.report(l.type ? l.type->range : l.value->range,
                   DiagID::err_unknown_layout,
                   {spelled.empty() ? "?" : spelled});
      return types.getError();
    }
    if (shape.size() == 1) {
      diags.report(l.type->range, DiagID::err_tile_layout_rank1);
      return types.getError();
    }
  }
  const Type *tile = types.getTile(shape, elem, layout);
  // Each dimension is at most 2^20, so the size fits in 64 bits.
  uint64_t bytes = elem->getStorageSize();
  for (int64_t d : shape)
    bytes *= static_cast<uint64_t>(d);
  if (bytes > kMaxTileBytes) {
    diags.report(t.range, DiagID::err_tile_too_large,
                 {tile->str(), std::to_string(bytes)});
    return types.getError();
  }
  return tile;
}

//===----------------------------------------------------------------------===//
// Elementwise operators on tiles
//===----------------------------------------------------------------------===//

const Type *Sema::checkTileOperands(SourceRange opRange, const Type *lt,
                                    const Type *rt) {
  const Type *tile = lt->isTile() ? lt : rt;
  const Type *other = lt->isTile() ? rt : lt;
  if (other->isTile()) {
    if (lt->getShape() != rt->getShape() || lt->getLayout() != rt->getLayout()) {
      diags.report(opRange, DiagID::err_tile_shape_mismatch,
                   {lt->str(), rt->str()});
      return types.getError();
    }
    if (lt->getElementType() != rt->getElementType()) {
      diags.report(opRange, DiagID::err_tile_dtype_mismatch,
                   {lt->str(), rt->str()});
      return types.getError();
    }
    return tile;
  }
  // A scalar operand is broadcast; it must already have the element type.
  if (other != tile->getElementType()) {
    diags.report(opRange, DiagID::err_tile_dtype_mismatch,
                 {tile->str(), other->str()});
    return types.getError();
  }
  return tile;
}

//===----------------------------------------------------------------------===//
// Builtins
//===----------------------------------------------------------------------===//

/// Element type `dot` accumulates `elem` in, or null if it cannot.
static const Type *dotAccumulator(TypeContext &types, const Type *elem) {
  if (elem->isFloat())
    return elem->getFloatKind() == Type::FloatKind::F64
               ? elem
               : types.getFloat(Type::FloatKind::F32);
  if (elem->isInt() && elem->getIntWidth() == 8)
    return types.getInt(32, true);
  return nullptr;
}

const Type *Sema::checkDot(CallExpr &e, const Type *a, const Type *b,
                           const Type *acc) {
  if (!a->isTile() || !b->isTile() || a->getShape().size() != 2 ||
      b->getShape().size() != 2) {
    diags.report(e.range, DiagID::err_dot_dtype, {a->str(), b->str()});
    return types.getError();
  }
  if (a->getShape()[1] != b->getShape()[0]) {
    diags.report(e.range, DiagID::err_dot_inner,
                 {a->str(), std::to_string(a->getShape()[1]), b->str(),
                  std::to_string(b->getShape()[0])});
    return types.getError();
  }
  const Type *accElem = a->getElementType() == b->getElementType()
                            ? dotAccumulator(types, a->getElementType())
                            : nullptr;
  if (!accElem) {
    diags.report(e.range, DiagID::err_dot_dtype, {a->str(), b->str()});
    return types.getError();
  }
  // Both operands K-major, the order mma.sync, wgmma and AMX read.
  if (a->getLayout() != Type::Layout::RowMajor) {
    diags.report(e.orderedArgs[0]->range, DiagID::err_dot_layout,
                 {"left", "RowMajor", a->str()});
    return types.getError();
  }
  if (b->getLayout() != Type::Layout::ColMajor) {
    diags.report(e.orderedArgs[1]->range, DiagID::err_dot_layout,
                 {"right", "ColMajor", b->str()});
    return types.getError();
  }
  const Type *result = types.getTile({a->getShape()[0], b->getShape()[1]},
                                     accElem, Type::Layout::RowMajor);
  if (acc && acc != result) {
    diags.report(e.orderedArgs[2]->range, DiagID::err_dot_acc,
                 {result->str(), acc->str()});
    return types.getError();
  }
  return result;
}

const Type *Sema::checkKernelBuiltin(CallExpr &e, Builtin b,
                                     const Type *expected, const char *name) {
  const BuiltinInfo &info = getBuiltinInfo(b);
  // Positional arguments; the named ones can only be load's pad= and mask=.
  e.orderedArgs.clear();
  for (CallArg &a : e.args) {
    if (!a.name)
      e.orderedArgs.push_back(a.value.get());
    else if (a.name->name == "pad")
      e.pad = a.value.get();
    else
      e.mask = a.value.get();
  }
  size_t n = e.orderedArgs.size();
  if (n < info.minArgs || n > info.maxArgs) {
    diags.report(e.range, DiagID::err_arg_count,
                 {name, std::to_string(info.minArgs), std::to_string(n)});
    return types.getError();
  }
  auto needTile = [&](const char *what) -> const Type * {
    if (expected && expected->isTile())
      return expected;
    // A written tile type that is itself wrong was reported already.
    if (!expected || !expected->isError())
      diags.report(e.range, DiagID::err_tile_infer, {what});
    return nullptr;
  };
  const Type *i64 = types.getInt(64, true);
  switch (b) {
  case Builtin::ProgramId:
  case Builtin::NumPrograms: {
    uint64_t axis = 0;
    if (!evalConstIndex(*e.orderedArgs[0], axis))
      return types.getError();
    if (axis > 2) {
      diags.report(e.orderedArgs[0]->range, DiagID::err_reduce_axis,
                   {std::to_string(axis), "the grid (0, 1 or 2)"});
      return types.getError();
    }
    return i64;
  }
  case Builtin::Zeros:
  case Builtin::Full: {
    const Type *t = needTile(name);
    if (!t)
      return types.getError();
    if (b == Builtin::Full) {
      const Type *v = checkValue(*e.orderedArgs[0], t->getElementType());
      if (!expectType(*e.orderedArgs[0], t->getElementType(), v))
        return types.getError();
    }
    return t;
  }
  case Builtin::Load: {
    // Positional: the view and the tile index; named: pad= and mask=.
    const Type *v = checkValue(*e.orderedArgs[0]);
    const Type *t = needTile(name);
    if (!t || v->isError() ||
        !checkTileAccess(e, name, v, t, *e.orderedArgs[0]))
      return types.getError();
    if (e.pad)
      expectType(*e.pad, t->getElementType(),
                 checkValue(*e.pad, t->getElementType()));
    if (e.mask) {
      // Elements where the mask is false take the pad value.
      const Type *m = checkValue(*e.mask);
      const Type *want =
          types.getTile(t->getShape(), types.getBool(), t->getLayout());
      if (!expectType(*e.mask, want, m))
        return types.getError();
    }
    return t;
  }
  case Builtin::Store: {
    const Type *v = checkValue(*e.orderedArgs[0]);
    const Type *t = checkValue(*e.orderedArgs[2]);
    if (v->isError() || t->isError() ||
        !checkTileAccess(e, name, v, t, *e.orderedArgs[2]))
      return types.getError();
    return types.getVoid();
  }
  case Builtin::Dot: {
    const Type *a = checkValue(*e.orderedArgs[0]);
    const Type *bt = checkValue(*e.orderedArgs[1]);
    const Type *acc = e.orderedArgs.size() == 3
                          ? checkValue(*e.orderedArgs[2])
                          : nullptr;
    if (a->isError() || bt->isError() || (acc && acc->isError()))
      return types.getError();
    return checkDot(e, a, bt, acc);
  }
  case Builtin::Exp:
  case Builtin::Log:
  case Builtin::Rsqrt:
  case Builtin::Tanh:
  case Builtin::Erf: {
    const Type *t = checkValue(*e.orderedArgs[0]);
    if (t->isError())
      return t;
    if (!t->isTile() || !t->getElementType()->isFloat()) {
      diags.report(e.orderedArgs[0]->range, DiagID::err_builtin_arg_type,
                   {name, "a float tile", t->str()});
      return types.getError();
    }
    return t;
  }
  case Builtin::Sum:
  case Builtin::Argmax: {
    const Type *t = checkValue(*e.orderedArgs[0]);
    if (t->isError())
      return t;
    if (!t->isTile() || t->getElementType()->isBool()) {
      diags.report(e.orderedArgs[0]->range, DiagID::err_builtin_arg_type,
                   {name, "a numeric tile", t->str()});
      return types.getError();
    }
    return checkReduce(e, b, t);
  }
  case Builtin::Broadcast: {
    const Type *s = checkValue(*e.orderedArgs[0]);
    uint64_t axis = 0;
    if (s->isError() || !evalConstIndex(*e.orderedArgs[1], axis))
      return types.getError();
    const Type *t = needTile(name);
    if (!t)
      return types.getError();
    if (!s->isTile() || s->getShape().size() != 1 || t->getShape().size() != 2 ||
        axis > 1 || t->getShape()[1 - axis] != s->getShape()[0] ||
        s->getElementType() != t->getElementType()) {
      diags.report(e.range, DiagID::err_tile_shape_mismatch,
                   {s->str(), t->str()});
      return types.getError();
    }
    return t;
  }
  case Builtin::Arange: {
    // arange(): 0, 1, 2, ... in a rank-1 integer tile.
    const Type *t = needTile(name);
    if (!t)
      return types.getError();
    if (t->getShape().size() != 1 || !t->getElementType()->isInt()) {
      diags.report(e.range, DiagID::err_builtin_arg_type,
                   {name, "a rank-1 integer tile type", t->str()});
      return types.getError();
    }
    return t;
  }
  case Builtin::Reshape: {
    // reshape(t): the same elements, in row-major order, in the tile type
    // the context gives.
    const Type *s = checkValue(*e.orderedArgs[0]);
    if (s->isError())
      return s;
    const Type *t = needTile(name);
    if (!t)
      return types.getError();
    auto count = [](const Type *x) {
      int64_t n = 1;
      for (int64_t d : x->getShape())
        n *= d;
      return n;
    };
    if (!s->isTile() || s->getElementType() != t->getElementType() ||
        count(s) != count(t)) {
      diags.report(e.range, DiagID::err_tile_shape_mismatch,
                   {s->str(), t->str()});
      return types.getError();
    }
    return t;
  }
  case Builtin::Transpose: {
    const Type *s = checkValue(*e.orderedArgs[0]);
    if (s->isError())
      return s;
    if (!s->isTile() || s->getShape().size() != 2) {
      diags.report(e.orderedArgs[0]->range, DiagID::err_builtin_arg_type,
                   {name, "a rank-2 tile", s->str()});
      return types.getError();
    }
    return types.getTile({s->getShape()[1], s->getShape()[0]},
                         s->getElementType(),
                         s->getLayout() == Type::Layout::RowMajor
                             ? Type::Layout::ColMajor
                             : Type::Layout::RowMajor);
  }
  case Builtin::Where: {
    const Type *c = checkValue(*e.orderedArgs[0]);
    const Type *a = checkValue(*e.orderedArgs[1], expected);
    const Type *bt = checkValue(*e.orderedArgs[2], a);
    if (c->isError() || a->isError() || bt->isError())
      return types.getError();
    if (!c->isTile() || !c->getElementType()->isBool() || !a->isTile() ||
        a != bt || c->getShape() != a->getShape()) {
      diags.report(e.range, DiagID::err_tile_shape_mismatch,
                   {c->str(), a->str() + "` and `" + bt->str()});
      return types.getError();
    }
    return a;
  }
  default:
    break;
  }
  return types.getError();
}

bool Sema::checkTileAccess(CallExpr &e, const char *name, const Type *view,
                           const Type *tile, const Expr &at) {
  // A view of rank 3 or 4 holds rank-2 tiles over its last two dimensions.
  if (!view->isView() || !tile->isTile() ||
      view->getElementType() != tile->getElementType() ||
      (view->getRank() != tile->getShape().size() &&
       !(view->getRank() > 2 && tile->getShape().size() == 2))) {
    diags.report(at.range,
                 e.builtin == Builtin::Load ? DiagID::err_load_type
                                            : DiagID::err_store_type,
                 {tile->str(), view->str()});
    return false;
  }
  auto *idx = llvm::dyn_cast<ArrayLitExpr>(e.orderedArgs[1]);
  if (!idx || idx->elements.size() != view->getRank()) {
    diags.report(e.orderedArgs[1]->range, DiagID::err_tile_index_count,
                 {name, std::to_string(view->getRank()),
                  std::to_string(idx ? idx->elements.size() : 1)});
    return false;
  }
  const Type *i64 = types.getInt(64, true);
  bool ok = true;
  for (auto &el : idx->elements)
    ok &= expectType(*el, i64, checkValue(*el, i64));
  return ok;
}

const Type *Sema::checkReduce(CallExpr &e, Builtin b, const Type *t) {
  uint64_t axis = 0;
  if (!evalConstIndex(*e.orderedArgs[1], axis))
    return types.getError();
  if (axis >= t->getShape().size()) {
    diags.report(e.orderedArgs[1]->range, DiagID::err_reduce_axis,
                 {std::to_string(axis), "`" + t->str() + "`"});
    return types.getError();
  }
  const Type *elem = b == Builtin::Argmax ? types.getInt(32, true)
                                          : t->getElementType();
  if (t->getShape().size() == 1)
    return elem;
  return types.getTile({t->getShape()[1 - axis]}, elem,
                       Type::Layout::RowMajor);
}

//===----------------------------------------------------------------------===//
// Host side: devices and tensors
//===----------------------------------------------------------------------===//

const Type *Sema::checkTensorAlloc(CallExpr &e) {
  // Tensor::alloc(shape, T, device=d): `device` may be named or third.
  std::string most =
      std::to_string(getBuiltinInfo(Builtin::TensorAlloc).maxArgs);
  Expr *shape = nullptr, *dtype = nullptr, *device = nullptr;
  size_t positional = 0;
  for (CallArg &a : e.args) {
    if (a.name && a.name->name == "device")
      device = a.value.get();
    else if (a.name) {
      diags.report(a.name->range, DiagID::err_unknown_named_arg,
                   {"Tensor::alloc", a.name->name});
      return types.getError();
    } else if (positional == 0)
      shape = a.value.get(), ++positional;
    else if (positional == 1)
      dtype = a.value.get(), ++positional;
    else if (positional == 2 && !device)
      device = a.value.get(), ++positional;
    else {
      diags.report(e.range, DiagID::err_arg_count,
                   {"Tensor::alloc", most, std::to_string(e.args.size())});
      return types.getError();
    }
  }
  if (!shape || !dtype) {
    diags.report(e.range, DiagID::err_arg_count,
                 {"Tensor::alloc", most, std::to_string(e.args.size())});
    return types.getError();
  }
  const Type *st = checkValue(*shape, types.getArray(types.getInt(64, true), 1));
  if (st->isError())
    return st;
  if (!st->isArray() || !st->getElementType()->isInt() ||
      st->getArraySize() < 1 || st->getArraySize() > 4) {
    diags.report(shape->range, DiagID::err_tensor_shape_arg, {st->str()});
    return types.getError();
  }
  auto *name = llvm::dyn_cast<NameExpr>(dtype);
  // A builtin type, or a type parameter of a generic function (`T`).
  const Type *elem = nullptr;
  if (name && name->path.size() == 1) {
    elem = genericTypeParam(name->path[0].name);
    if (!elem)
      elem = types.lookupBuiltin(name->path[0].name);
  }
  if (!elem) {
    diags.report(dtype->range, DiagID::err_tensor_dtype_arg);
    return types.getError();
  }
  if (!isTileElement(elem) || elem->isBool()) {
    diags.report(dtype->range, DiagID::err_tensor_element_type, {elem->str()});
    return types.getError();
  }
  dtype->type = elem;
  e.elementArg = elem;
  e.orderedArgs = {shape};
  if (device) {
    const Type *d = checkValue(*device);
    if (!expectType(*device, types.getDevice(), d))
      return types.getError();
    e.orderedArgs.push_back(device);
  }
  return types.getTensor(elem, st->getArraySize());
}

const Type *Sema::checkTensorMethod(CallExpr &e, const Type *recv,
                                    const std::string &method) {
  Builtin b = lookupBuiltinMethod(method, recv->isTensor()
                                              ? BuiltinReceivers::Tensor
                                              : BuiltinReceivers::View);
  // In a kernel, any other method on a view or tensor, even one that does
  // not exist, is host-side code.
  if (!checkBuiltinUse(e, b == Builtin::None ? BuiltinUse::Host
                                             : getBuiltinInfo(b).use,
                       "." + method + "()"))
    return types.getError();
  for (CallArg &a : e.args)
    if (a.name) {
      diags.report(a.name->range, DiagID::err_builtin_named_arg, {method});
      return types.getError();
    }
  for (CallArg &a : e.args)
    e.orderedArgs.push_back(a.value.get());
  if (b == Builtin::None)
    return nullptr;
  e.builtin = b;
  const BuiltinInfo &info = getBuiltinInfo(b);
  const Type *i64 = types.getInt(64, true);
  const Type *elem = recv->getElementType();
  size_t n = e.orderedArgs.size();
  size_t want = info.minArgs + info.argsPerRank * recv->getRank();
  if (n != want) {
    diags.report(e.range, DiagID::err_tensor_index_count,
                 {method, recv->str(), std::to_string(want), std::to_string(n)});
    return types.getError();
  }
  auto indices = [&](size_t from) {
    bool ok = true;
    for (size_t i = from; i < from + recv->getRank(); ++i)
      ok &= expectType(*e.orderedArgs[i], i64,
                       checkValue(*e.orderedArgs[i], i64));
    return ok;
  };
  switch (b) {
  case Builtin::TensorView:
    return types.getView(elem, recv->getRank());
  case Builtin::TensorDim: {
    uint64_t axis = 0;
    if (!evalConstIndex(*e.orderedArgs[0], axis))
      return types.getError();
    if (axis >= recv->getRank()) {
      diags.report(e.orderedArgs[0]->range, DiagID::err_reduce_axis,
                   {std::to_string(axis), "`" + recv->str() + "`"});
      return types.getError();
    }
    return i64;
  }
  case Builtin::TensorSlice: {
    // v.slice(r0, r1[, c0, c1]): rows r0..r1 (and columns c0..c1).
    bool ok = true;
    for (Expr *a : e.orderedArgs)
      ok &= expectType(*a, i64, checkValue(*a, i64));
    return ok ? types.getView(elem, recv->getRank()) : types.getError();
  }
  case Builtin::TensorPrint:
    return types.getVoid();
  case Builtin::TensorClone:
    return recv;
  case Builtin::TensorTo: {
    // t.to(d): a copy of the tensor on device d.
    const Type *d = checkValue(*e.orderedArgs[0]);
    return expectType(*e.orderedArgs[0], types.getDevice(), d)
               ? recv
               : types.getError();
  }
  case Builtin::TensorFill:
    expectType(*e.orderedArgs[0], elem, checkValue(*e.orderedArgs[0], elem));
    return types.getVoid();
  case Builtin::TensorFillRandom: {
    const Type *u64 = types.getInt(64, false);
    expectType(*e.orderedArgs[0], u64, checkValue(*e.orderedArgs[0], u64));
    return types.getVoid();
  }
  case Builtin::TensorCopyBytes: {
    // v.copy_bytes(bytes, offset): v's elements from the little-endian
    // bytes of a View<i8, 1> from `offset` on (tensors hold no `bool`).
    const Type *bytes = types.getView(types.getInt(8, true), 1);
    bool ok = expectType(*e.orderedArgs[0], bytes,
                         checkValue(*e.orderedArgs[0], bytes));
    ok &=
        expectType(*e.orderedArgs[1], i64, checkValue(*e.orderedArgs[1], i64));
    return ok ? types.getVoid() : types.getError();
  }
  case Builtin::TensorGet:
    return indices(0) ? elem : types.getError();
  case Builtin::TensorSet: {
    if (!indices(0))
      return types.getError();
    Expr &v = *e.orderedArgs[recv->getRank()];
    expectType(v, elem, checkValue(v, elem));
    return types.getVoid();
  }
  default:
    llvm_unreachable("not a method of tensors or views");
  }
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

void Sema::checkKernelSignature(FnDecl &fn) {
  for (auto &p : fn.params) {
    SourceRange r = p->typeExpr ? p->typeExpr->range : p->name.range;
    if (p->type->isEnum())
      diags.report(r, DiagID::err_enum_in_kernel);
    else if (holdsVec(p->type))
      diags.report(r, DiagID::err_vec_in_kernel, {p->type->str()});
    // Strings live on the host heap (a struct holding one included).
    else if (p->type->isOwned() && !p->type->containsBuffer())
      diags.report(r, DiagID::err_string_in_kernel, {p->type->str()});
  }
  if (!fn.result->isVoid() && !fn.result->isTile() && !fn.result->isError())
    diags.report(fn.resultType->range, DiagID::err_kernel_result,
                 {fn.result->str()});
}

static void forEachExpr(Expr &e, llvm::function_ref<void(Expr &)> fn);

/// Calls `fn` on every expression of `s`, outer expressions first.
static void forEachExpr(Stmt &s, llvm::function_ref<void(Expr &)> fn) {
  auto opt = [&](const std::unique_ptr<Expr> &e) {
    if (e)
      forEachExpr(*e, fn);
  };
  auto optStmt = [&](const auto &st) {
    if (st)
      forEachExpr(*st, fn);
  };
  switch (s.getKind()) {
  case Stmt::Kind::Let:
    return opt(llvm::cast<LetStmt>(s).init);
  case Stmt::Kind::Expr:
    return opt(llvm::cast<ExprStmt>(s).expr);
  case Stmt::Kind::Assign: {
    auto &a = llvm::cast<AssignStmt>(s);
    opt(a.target);
    return opt(a.value);
  }
  case Stmt::Kind::Block:
    for (auto &c : llvm::cast<BlockStmt>(s).body)
      forEachExpr(*c, fn);
    return;
  case Stmt::Kind::If: {
    auto &i = llvm::cast<IfStmt>(s);
    opt(i.cond);
    optStmt(i.thenBlock);
    return optStmt(i.elseStmt);
  }
  case Stmt::Kind::For: {
    auto &f = llvm::cast<ForStmt>(s);
    opt(f.start);
    opt(f.end);
    opt(f.step);
    return optStmt(f.body);
  }
  case Stmt::Kind::While: {
    auto &w = llvm::cast<WhileStmt>(s);
    opt(w.cond);
    return optStmt(w.body);
  }
  case Stmt::Kind::Return:
    return opt(llvm::cast<ReturnStmt>(s).value);
  case Stmt::Kind::Break:
  case Stmt::Kind::Continue:
    return;
  }
}

static void forEachExpr(Expr &e, llvm::function_ref<void(Expr &)> fn) {
  fn(e);
  auto sub = [&](const std::unique_ptr<Expr> &x) {
    if (x)
      forEachExpr(*x, fn);
  };
  if (auto *c = llvm::dyn_cast<CallExpr>(&e)) {
    sub(c->callee);
    for (CallArg &a : c->args)
      sub(a.value);
  } else if (auto *u = llvm::dyn_cast<UnaryExpr>(&e)) {
    sub(u->operand);
  } else if (auto *b = llvm::dyn_cast<BinaryExpr>(&e)) {
    sub(b->lhs);
    sub(b->rhs);
  } else if (auto *f = llvm::dyn_cast<FieldExpr>(&e)) {
    sub(f->base);
  } else if (auto *i = llvm::dyn_cast<IndexExpr>(&e)) {
    sub(i->base);
    sub(i->index);
  } else if (auto *c = llvm::dyn_cast<CastExpr>(&e)) {
    sub(c->operand);
  } else if (auto *a = llvm::dyn_cast<ArrayLitExpr>(&e)) {
    for (auto &x : a->elements)
      sub(x);
  } else if (auto *r = llvm::dyn_cast<ArrayRepeatExpr>(&e)) {
    sub(r->value);
    sub(r->count);
  } else if (auto *sl = llvm::dyn_cast<StructLitExpr>(&e)) {
    for (auto &init : sl->fields)
      sub(init.value);
  }
}

bool Sema::checkTileMapContraction(CallExpr &e, FnDecl &fn, int &lhs,
                                   int &rhs) {
  lhs = rhs = -1;
  if (!fn.body)
    return true;
  std::vector<CallExpr *> dots;
  std::map<const VarDecl *, unsigned> uses;
  forEachExpr(*fn.body, [&](Expr &x) {
    if (auto *c = llvm::dyn_cast<CallExpr>(&x); c && c->builtin == Builtin::Dot)
      dots.push_back(c);
    else if (auto *n = llvm::dyn_cast<NameExpr>(&x); n && n->var)
      ++uses[n->var];
  });
  auto paramIndex = [&](Expr *x) {
    auto *n = llvm::dyn_cast<NameExpr>(x);
    for (unsigned i = 0; n && i < fn.params.size(); ++i)
      if (n->var == fn.params[i].get())
        return static_cast<int>(i);
    return -1;
  };
  for (CallExpr *dot : dots)
    if (dot->orderedArgs.size() < 2 || paramIndex(dot->orderedArgs[0]) < 0 ||
        paramIndex(dot->orderedArgs[1]) < 0) {
      diags.report(e.range, DiagID::err_kernel_map_dot, {fn.name.name});
      diags.note(dot->range, DiagID::note_kernel_dot_here);
      return false;
    }
  if (dots.empty())
    return true;
  if (dots.size() > 1) {
    diags.report(e.range, DiagID::err_kernel_map_contractions, {fn.name.name});
    diags.note(dots[1]->range, DiagID::note_kernel_dot_here);
    return false;
  }
  CallExpr &dot = *dots[0];
  lhs = paramIndex(dot.orderedArgs[0]);
  rhs = paramIndex(dot.orderedArgs[1]);
  for (auto [p, tiles] : {std::pair(lhs, "i, k"), std::pair(rhs, "k, j")})
    if (lhs == rhs || uses[fn.params[p].get()] != 1) {
      diags.report(e.range, DiagID::err_kernel_contraction_reuse,
                   {fn.name.name, fn.params[p]->name.name, tiles});
      diags.note(dot.range, DiagID::note_kernel_dot_here);
      return false;
    }
  if (dot.type && dot.type->isTile() && fn.result->isTile() &&
      dot.type->getShape() != fn.result->getShape()) {
    diags.report(e.range, DiagID::err_kernel_contraction_shape,
                 {fn.name.name, dot.type->str(), fn.result->str()});
    diags.note(dot.range, DiagID::note_kernel_dot_here);
    return false;
  }
  return true;
}

void Sema::checkKernelRecursion() {
  // Depth-first search over kernel-to-kernel calls; a call to a kernel on
  // the current path closes a cycle.
  std::map<const FnDecl *, std::vector<const KernelCall *>> callees;
  for (const KernelCall &c : kernelCalls)
    callees[c.caller].push_back(&c);
  std::map<const FnDecl *, int> state; // 1: on the path, 2: done
  std::vector<const FnDecl *> path;
  std::function<void(const FnDecl *)> visit = [&](const FnDecl *f) {
    state[f] = 1;
    path.push_back(f);
    for (const KernelCall *c : callees[f]) {
      if (state[c->callee] == 1) {
        std::string through;
        auto it = std::find(path.begin(), path.end(), c->callee);
        for (++it; it != path.end(); ++it)
          through += (through.empty() ? " through `" : "`, `") + (*it)->name.name;
        if (!through.empty())
          through += "`";
        diags.report(c->range, DiagID::err_kernel_recursive,
                     {c->callee->name.name, through});
      } else if (!state[c->callee]) {
        visit(c->callee);
      }
    }
    path.pop_back();
    state[f] = 2;
  };
  for (const KernelCall &c : kernelCalls)
    if (!state[c.caller])
      visit(c.caller);
}

const Type *Sema::checkKernelCall(CallExpr &e, FnDecl &fn) {
  // Split off `grid=`; the rest are the kernel's own arguments.
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (!e.args[i].name || e.args[i].name->name != "grid")
      continue;
    if (inKernel()) {
      diags.report(e.args[i].value->range, DiagID::err_kernel_launch_in_kernel,
                   {fn.name.name});
      for (CallArg &a : e.args)
        check(*a.value);
      return types.getError();
    }
    e.grid = e.args[i].value.get();
    const Type *g = checkValue(*e.grid, types.getArray(types.getInt(64, true), 1));
    if (!g->isError() && (!g->isArray() || !g->getElementType()->isInt() ||
                          g->getArraySize() < 1 || g->getArraySize() > 3))
      diags.report(e.grid->range, DiagID::err_kernel_grid_arg, {g->str()});
    if (!fn.result->isVoid()) {
      diags.report(e.callee->range, DiagID::err_kernel_grid_result,
                   {fn.name.name});
      return types.getError();
    }
    for (auto &p : fn.params)
      if (p->type && p->type->isTile()) {
        diags.report(e.range, DiagID::err_kernel_tile_param, {p->name.name});
        return types.getError();
      }
    CallArg gridArg = std::move(e.args[i]);
    e.args.erase(e.args.begin() + i);
    bool ok = matchArgs(e, fn, 0);
    e.args.insert(e.args.begin() + i, std::move(gridArg));
    e.launch = Launch::Grid;
    return ok ? types.getVoid() : types.getError();
  }
  bool takesTiles = false;
  for (auto &p : fn.params)
    takesTiles |= p->type && p->type->isTile();
  if (inKernel()) {
    // A kernel calling a kernel: an ordinary call, inlined later.
    kernelCalls.push_back({currentFn, &fn, e.range});
    matchArgs(e, fn, 0);
    return fn.result;
  }
  if (fn.result->isVoid()) {
    diags.report(e.callee->range, DiagID::err_kernel_no_result, {fn.name.name});
    for (CallArg &a : e.args)
      check(*a.value);
    return types.getError();
  }
  if (fn.result->isError())
    return fn.result;
  // Tile-map form: each tile parameter takes a view of its element type.
  if (!takesTiles) {
    diags.report(e.callee->range, DiagID::err_kernel_no_result, {fn.name.name});
    return types.getError();
  }
  bool ok = true;
  size_t positional = 0;
  std::vector<Expr *> ordered(fn.params.size(), nullptr);
  for (CallArg &a : e.args) {
    if (a.name) {
      diags.report(a.name->range, DiagID::err_unknown_named_arg,
                   {fn.name.name, a.name->name});
      ok = false;
      continue;
    }
    if (positional < ordered.size())
      ordered[positional] = a.value.get();
    ++positional;
  }
  if (positional != fn.params.size()) {
    diags.report(e.range, DiagID::err_arg_count,
                 {fn.name.name, std::to_string(fn.params.size()),
                  std::to_string(positional)});
    return types.getError();
  }
  int lhs, rhs;
  if (!checkTileMapContraction(e, fn, lhs, rhs))
    return types.getError();
  bool contraction = lhs >= 0;
  const Type *result = fn.result;
  for (size_t i = 0; i < fn.params.size(); ++i) {
    VarDecl &p = *fn.params[i];
    const Type *pt = p.type;
    const Type *at = checkValue(*ordered[i]);
    if (!pt || pt->isError() || at->isError()) {
      ok = false;
      continue;
    }
    if (!pt->isTile()) {
      diags.report(p.name.range, DiagID::err_kernel_map_param,
                   {fn.name.name, p.name.name, pt->str(), result->str()});
      ok = false;
      continue;
    }
    bool inDot = contraction && (static_cast<int>(i) == lhs ||
                                 static_cast<int>(i) == rhs);
    if (!inDot && pt->getShape() != result->getShape()) {
      diags.report(ordered[i]->range, DiagID::err_kernel_map_param,
                   {fn.name.name, p.name.name, pt->str(), result->str()});
      ok = false;
      continue;
    }
    if (!at->isView() || at->getElementType() != pt->getElementType() ||
        at->getRank() != pt->getShape().size()) {
      diags.report(ordered[i]->range, DiagID::err_kernel_map_arg,
                   {p.name.name, pt->str(), fn.name.name,
                    pt->getElementType()->str(),
                    std::to_string(pt->getShape().size()), at->str()});
      ok = false;
    }
  }
  if (!ok)
    return types.getError();
  e.orderedArgs = ordered;
  e.launch = contraction ? Launch::Contraction : Launch::Map;
  e.dotLhs = contraction ? lhs : 0;
  e.dotRhs = contraction ? rhs : 0;
  return types.getTensor(result->getElementType(), result->getShape().size());
}

//===----------------------------------------------------------------------===//
// Generic functions
//===----------------------------------------------------------------------===//

const std::pair<std::string, ConstValue> *
Sema::genericValue(const std::string &name, const Type **type) const {
  if (!genericScope)
    return nullptr;
  for (size_t i = 0; i < genericScope->genericValues.size(); ++i)
    if (genericScope->genericValues[i].first == name) {
      if (type)
        *type = genericScope->genericTypes[i];
      return &genericScope->genericValues[i];
    }
  return nullptr;
}

FnDecl *Sema::instantiate(FnDecl &tmpl,
                          std::vector<std::unique_ptr<Expr>> &genericArgs,
                          SourceRange at, CallExpr *call) {
  std::string fnName = tmpl.name.name;
  size_t numTypes = 0;
  for (const GenericParam &g : tmpl.genericParams) {
    numTypes += g.isType;
    if (g.isType && !isKnownBound(g.bound.name)) {
      diags.report(g.bound.range, DiagID::err_unknown_bound, {g.bound.name});
      return nullptr;
    }
  }
  // Only type parameters, none given: inferred from the arguments.
  bool infer = genericArgs.empty() && call && numTypes > 0 &&
               numTypes == tmpl.genericParams.size();
  if (!infer && genericArgs.size() != tmpl.genericParams.size()) {
    diags.report(at, DiagID::err_generic_arg_count,
                 {fnName, std::to_string(tmpl.genericParams.size()),
                  std::to_string(genericArgs.size())});
    return nullptr;
  }
  std::map<std::string, const Type *> inferred;
  if (infer && !inferTypeArgs(tmpl, *call, inferred))
    return nullptr;
  // Evaluate the arguments in the caller's context.
  std::vector<std::pair<std::string, ConstValue>> values;
  std::vector<const Type *> valueTypes;
  // A generic method keeps the type arguments of its type's instance.
  std::vector<std::pair<std::string, const Type *>> typeArgs = tmpl.typeArgs;
  std::vector<std::string> typeBounds = tmpl.typeBounds;
  std::string key = std::to_string(reinterpret_cast<uintptr_t>(&tmpl));
  std::string spelled;
  for (size_t i = 0; i < tmpl.genericParams.size(); ++i) {
    const GenericParam &g = tmpl.genericParams[i];
    if (g.isType) {
      const Type *t = infer ? inferred[g.name.name]
                            : typeFromExpr(*genericArgs[i], g);
      if (!t)
        return nullptr;
      if (!satisfiesBound(g, t)) {
        diags.report(infer ? at : genericArgs[i]->range,
                     DiagID::err_generic_bound,
                     {t->str(), g.bound.name, g.name.name});
        return nullptr;
      }
      typeArgs.push_back({g.name.name, t});
      typeBounds.push_back(g.bound.name);
      key += ",t" + std::to_string(reinterpret_cast<uintptr_t>(t));
      spelled += (spelled.empty() ? "" : ", ") + t->str();
      continue;
    }
    const Type *t = resolveType(*g.typeExpr, *tmpl.module);
    if (t->isError())
      return nullptr;
    if (!t->isInt()) {
      diags.report(g.typeExpr->range, DiagID::err_generic_param_type,
                   {t->str()});
      return nullptr;
    }
    Expr &arg = *genericArgs[i];
    const Type *argType = checkValue(arg, t);
    if (argType->isError())
      return nullptr;
    if (argType != t || arg.constValue.kind != ConstValue::Kind::Int) {
      diags.report(arg.range, DiagID::err_generic_arg_value,
                   {g.name.name, t->str()});
      return nullptr;
    }
    std::string v = t->isSigned()
                        ? std::to_string(static_cast<int64_t>(
                              arg.constValue.intBits << (64 - t->getIntWidth())) >>
                                         (64 - t->getIntWidth()))
                        : std::to_string(arg.constValue.intBits);
    values.push_back({g.name.name, arg.constValue});
    valueTypes.push_back(t);
    key += "," + v;
    spelled += (spelled.empty() ? "" : ", ") + v;
  }
  auto it = instances.find(key);
  if (it != instances.end())
    return it->second;
  // A fresh tree for this instance: parse the function's text again.
  Parser parser(sm, diags, tmpl.module->file);
  std::unique_ptr<FnDecl> inst =
      parser.parseFnAt(tmpl.range.begin, /*inImpl=*/tmpl.parent != nullptr);
  if (!inst)
    return nullptr;
  inst->genericParams.clear();
  inst->genericValues = std::move(values);
  inst->genericTypes = std::move(valueTypes);
  inst->typeArgs = std::move(typeArgs);
  inst->typeBounds = std::move(typeBounds);
  inst->attributes = tmpl.attributes;
  inst->isKernel = tmpl.isKernel;
  inst->module = tmpl.module;
  inst->parent = tmpl.parent;
  inst->name.name = fnName + "<" + spelled + ">";
  FnDecl *fn = inst.get();
  fn->repeatInstance =
      !instantiated
           .insert(tmpl.methodTemplate ? tmpl.methodTemplate : &tmpl)
           .second;
  tmpl.module->instances.push_back(std::move(inst));
  instances[key] = fn;
  // Check it now (kernel calls depend on the body), outside the caller.
  unsigned errorsBefore = diags.getNumErrors();
  // Each instance checked inside another nests on the stack: bound it.
  static constexpr unsigned maxInstanceDepth = 100;
  if (instanceDepth == maxInstanceDepth) {
    diags.report(at, DiagID::err_instance_too_deep,
                 {instanceName(tmpl), std::to_string(maxInstanceDepth)});
    instanceTooDeep = true; // One note, at the outermost instance.
    instances.erase(key);
    fn->unused = true; // Never generated, nor given a symbol.
    return nullptr;
  }
  ++instanceDepth;
  const FnDecl *savedScope = genericScope;
  Module *savedModule = currentModule;
  genericScope = fn;
  currentModule = fn->module;
  resolveSignature(*fn);
  genericScope = savedScope;
  currentModule = savedModule;
  checkAside(*fn);
  --instanceDepth;
  if (diags.getNumErrors() > errorsBefore &&
      (!instanceTooDeep || instanceDepth == 0))
    diags.note(at, DiagID::note_in_instance, {instanceName(*fn)});
  instanceTooDeep &= instanceDepth != 0;
  return fn;
}

} // namespace nlc
