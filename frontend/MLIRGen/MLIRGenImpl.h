//===- MLIRGenImpl.h - MLIRGen internals ------------------------*- C++ -*-===//
//
// Private to frontend/MLIRGen. Values of Neuro-Lang types are flattened into
// "leaves": a scalar is one leaf, `str` is two (pointer, length), a struct is
// the concatenation of its fields' leaves, and an array `[T; N]` has one
// memref leaf (shape N x ...) per scalar leaf of T. A leaf is either an SSA
// value or a reference into memory (a memref and indices), which lets the
// same code read, assign and index locals, fields and array elements.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_MLIRGEN_MLIRGENIMPL_H
#define NLC_FRONTEND_MLIRGEN_MLIRGENIMPL_H

#include "frontend/AST.h"
#include "frontend/MLIRGen/MLIRGen.h"
#include "frontend/SourceManager.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>

namespace nlc {

/// One leaf of a flattened value.
struct Leaf {
  /// The SSA value, or the memory (a memref; a `str` pointer is stored as
  /// an i64) when `isRef`.
  mlir::Value value;
  llvm::SmallVector<mlir::Value, 2> indices;
  bool isRef = false;
  /// Element type of the leaf (the scalar type stored).
  mlir::Type elementType;
  /// Remaining array dimensions below the indices (empty for scalars).
  llvm::SmallVector<int64_t, 2> shape;
};
using Leaves = llvm::SmallVector<Leaf, 4>;

/// Whether `fn` carries the attribute `@name`.
bool hasAttr(const FnDecl &fn, llvm::StringRef name);

/// The leaf that is the SSA value `v` itself.
inline Leaf valueLeaf(mlir::Value v) {
  Leaf leaf;
  leaf.value = v;
  leaf.elementType = v.getType();
  return leaf;
}

class MLIRGenImpl {
public:
  MLIRGenImpl(mlir::MLIRContext &ctx, const SourceManager &sm,
              const MLIRGenOptions &options);
  mlir::OwningOpRef<mlir::ModuleOp> run(const std::vector<Module *> &modules);

private:
  // Types and locations.
  mlir::Location loc(SourceRange r);
  mlir::Type scalarType(const Type *t);
  /// The leaf shapes and element types of `t`, in flattening order.
  void leafTypes(const Type *t, llvm::SmallVectorImpl<mlir::Type> &elems,
                 llvm::SmallVectorImpl<llvm::SmallVector<int64_t, 2>> &shapes,
                 llvm::ArrayRef<int64_t> outer = {});
  /// The memref that stores leaves of element type `elem` (a `str`
  /// pointer as an i64).
  mlir::MemRefType memType(llvm::ArrayRef<int64_t> shape, mlir::Type elem);
  /// MLIR types of the leaves of `t` as function arguments/results.
  llvm::SmallVector<mlir::Type> abiTypes(const Type *t);
  unsigned numLeaves(const Type *t);
  unsigned fieldLeafOffset(StructDecl *s, unsigned field);

  // Enums and `match` (MLIRGenMatch.cpp).
  /// The index of the first payload leaf of `variant` (the tag is leaf 0).
  unsigned variantLeafOffset(StructDecl *e, unsigned variant);
  /// A value of enum type `t` holding `variant` whose payload leaves are
  /// `payload` (loaded). The other variants' leaves are `ub.poison`, which
  /// nothing reads and which costs nothing (fresh storage loaded at every
  /// `?` of a function returning a large struct left LLVM hundreds of
  /// stack slots it could not promote); an enum with array leaves copies
  /// into storage instead, for value semantics.
  Leaves enumValue(const Type *t, unsigned variant, const Leaves &payload,
                   mlir::Location l);
  /// A value of enum type `t` holding `variant` with `payload`.
  Leaves genVariant(const Type *t, unsigned variant,
                    llvm::ArrayRef<Expr *> payload, mlir::Location l);
  Leaves genMatch(MatchExpr &e);
  /// `e?`: the payload, or an early return of the failure (cf branches).
  Leaves genTry(TryExpr &e);
  /// The i1 that selects `arm` for the scrutinee `scrut`, or null for `_`.
  mlir::Value armCondition(const MatchArm &arm, const Leaves &scrut,
                           const Type *st, mlir::Location l);
  /// Binds the payload names of `arm` to the leaves of `scrut`; for a
  /// `match` that owns its scrutinee, frees what the arm does not bind.
  void bindArm(const MatchExpr &e, const MatchArm &arm, const Leaves &scrut);
  /// dropLeaves of an enum: frees the owned payload of the variant its tag
  /// names (scf.if per variant, so it can sit in any region).
  void dropEnumLeaves(llvm::ArrayRef<Leaf> leaves, const Type *t,
                      mlir::Location l);
  /// A `match` statement: cf branches, so arms may return or break.
  void genMatchStmt(MatchExpr &e, const Leaves &scrut);
  /// Arms `first`.. of a `match` value: nested scf.if, so that it can be
  /// emitted inside any region.
  Leaves genMatchValue(MatchExpr &e, const Leaves &scrut, size_t first);

  // Collections (MLIRGenCollections.cpp): `Vec<T>` and `hash`.
  /// Bytes per element of each buffer of a `Vec<T>` (one per leaf of T).
  llvm::SmallVector<int64_t> vecLeafBytes(const Type *vecTy);
  /// The leaves of element `index` (an index value) of the Vec `vec`
  /// (leaves of a value of type `vecTy`): places in the Vec's memory.
  Leaves vecElement(const Type *vecTy, const Leaves &vec, mlir::Value index,
                    mlir::Location l);
  /// An index (any integer type) widened to i64.
  mlir::Value genVecIndexValue(Expr &indexExpr);
  /// `idx` (an i64), after a check that it is below the length of `vec`
  /// (at most the length if `inclusive`), panicking at `r`.
  mlir::Value vecIndex(const Type *vecTy, const Leaves &vec, mlir::Value idx,
                       bool inclusive, SourceRange r);
  Leaves genVecIndex(IndexExpr &e);
  /// Moves `count` elements of `vec` from index `from` to `to` (i64s).
  void vecMove(const Type *vecTy, const Leaves &vec, mlir::Value to,
               mlir::Value from, mlir::Value count, mlir::Location l);
  /// Grows the loaded Vec `parts` to room for `needed` elements.
  void vecReserve(const Type *vecTy, Leaves &parts, mlir::Value needed,
                  mlir::Location l);
  /// dropLeaves of a Vec: drops its elements if they own memory, then
  /// frees its buffers.
  void dropVec(llvm::ArrayRef<Leaf> leaves, const Type *t, mlir::Location l);
  Leaves genHash(CallExpr &e);
  /// `a == b` / `a != b` on `str`: the same bytes.
  Leaves genCollectionsBuiltin(CallExpr &e);

  // Kernels, tiles and tensors (MLIRGenKernel.cpp).
  /// MLIR type of a Tile (tile dialect), Tensor (memref), View (strided
  /// memref) or Device (i32).
  mlir::Type valueType(const Type *t);
  mlir::MemRefType viewMemRefType(llvm::ArrayRef<int64_t> shape,
                                  mlir::Type elem);
  /// The body of a `@kernel` function (declared by declareFunction).
  void genKernel(FnDecl &fn);
  void genKernelBlock(BlockStmt &b);
  void genKernelStmt(Stmt &s);
  void genKernelFor(ForStmt &s);
  /// Iterations of a kernel `for` from `start` to `end` by `step` (values
  /// of the loop variable's type), as an i64 (no iteration if step is 0).
  mlir::Value kernelTripCount(mlir::Value start, mlir::Value end,
                              mlir::Value step, bool isSigned,
                              mlir::Location l);
  void genKernelIf(IfStmt &s);
  // Control flow that leaves a loop or the kernel early (`break`,
  // `continue`, `return` not last): each sets a flag, an i1 carried like a
  // variable, and the statements after one that may set it run under an
  // scf.if on the flags; loops that may be left early are scf.while loops.
  void genKernelWhile(WhileStmt &s);
  /// Statements `from`.. of a block, the rest guarded after each exit.
  void genKernelStmts(std::vector<std::unique_ptr<Stmt>> &body, size_t from);
  /// An scf.while running `body` while `cond` holds and no exit flag is set;
  /// `counter` (or null) is an index carried from its value here, +1 per
  /// iteration, given to `cond` and `prologue` (which starts each iteration).
  void genKernelLoop(BlockStmt &body, mlir::Value counter,
                     llvm::function_ref<mlir::Value(mlir::Value)> cond,
                     llvm::function_ref<void(mlir::Value)> prologue,
                     mlir::Location l);
  /// An scf.if on `cond` yielding the variables of `assigned` that exist.
  void genKernelBranches(mlir::Value cond,
                         llvm::ArrayRef<const VarDecl *> assigned,
                         llvm::function_ref<void()> thenFn,
                         llvm::function_ref<void()> elseFn, mlir::Location l);
  /// Variables declared outside `s` that `s` assigns, exit flags included.
  void collectKernelAssigned(Stmt &s, llvm::SmallVectorImpl<const VarDecl *> &out,
                             unsigned loopDepth);
  /// The variables a loop body assigns that exist here (the innermost
  /// loop's flags included), appended to `carried`, their values to `inits`.
  void loopCarried(BlockStmt &body, llvm::SmallVectorImpl<const VarDecl *> &carried,
                   llvm::SmallVectorImpl<mlir::Value> &inits);
  /// True (i1) once the innermost loop's iteration or the kernel is left.
  mlir::Value kernelExiting(mlir::Location l);
  const VarDecl *newKernelFlag(mlir::Location l);
  struct KernelLoopFlags {
    const VarDecl *brk = nullptr, *cont = nullptr;
  };
  std::vector<KernelLoopFlags> kernelLoops;
  const VarDecl *kernelReturned = nullptr, *kernelResult = nullptr;
  std::vector<std::unique_ptr<VarDecl>> kernelFlags;
  Leaves genKernelBuiltin(CallExpr &e);
  Leaves genTensorBuiltin(CallExpr &e);
  /// A launch from host code: one `tile.launch` op.
  Leaves genLaunch(CallExpr &e);
  /// `tile.program_id` or `tile.num_programs` (per `b`) along `axis`.
  mlir::Value gridQuery(Builtin b, int64_t axis, mlir::Location l);
  /// A grid kernel made from a kernel launched in tile-map form.
  struct TileMapKernel {
    mlir::func::FuncOp func;
    FnDecl *fn;
    bool contraction;
    unsigned dotLhs, dotRhs;
  };
  /// The grid kernel that runs the tile-map call `e` (views then the
  /// result's view as arguments), declared on first use; its body is made
  /// by genTileMapKernel once every kernel body exists.
  mlir::func::FuncOp tileMapKernel(CallExpr &e, mlir::TypeRange viewTypes);
  void genTileMapKernel(TileMapKernel &w);
  /// `a op b` on tiles of one type, for + - * /.
  mlir::Value genTileArith(BinaryOp op, mlir::Value a, mlir::Value b,
                           mlir::Location l);
  /// --check-bounds: reports a tile access wholly outside its view.
  void genTileBoundsCheck(CallExpr &e, const char *op, mlir::Value view,
                          llvm::ArrayRef<mlir::Value> tileIndices,
                          llvm::ArrayRef<int64_t> tileShape);
  mlir::Value genTileBinary(BinaryExpr &e);
  /// Makes `v` a tile of type `t` (splatting a scalar).
  mlir::Value asTile(mlir::Value v, const Type *t, mlir::Location l);
  mlir::Value toIndex(mlir::Value v, mlir::Location l);
  /// Emits loops over every element of `mem` (a memref of rank 1 or 2).
  void forEachTensorElement(
      mlir::Value mem, mlir::Location l,
      llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                              mlir::ValueRange)> body);

  // References and array results (MLIRGenRef.cpp).
  /// The ABI type of one leaf of a reference: a memref of `shape` with a
  /// dynamic strided layout.
  mlir::Type refLeafType(llvm::ArrayRef<int64_t> shape, mlir::Type elem);
  /// Whether parameter `p` is passed as its value (by-value parameters,
  /// and `&Tensor`, whose value is a memref already).
  bool passedAsValue(const VarDecl &p);
  /// The argument types of parameter `p` (by value or by reference).
  void paramAbiTypes(const VarDecl &p, llvm::SmallVectorImpl<mlir::Type> &out);
  /// The storage of `leaf` as a reference argument (spilled if it has none).
  mlir::Value refLeaf(const Leaf &leaf, mlir::Location l);
  /// The operands of `arg` for a reference parameter.
  void genRefArg(Expr &arg, llvm::SmallVectorImpl<mlir::Value> &out);
  /// The ABI of a result of type `t`: scalar leaves are results, array
  /// leaves out-parameters appended to `args`.
  void resultAbiTypes(const Type *t, llvm::SmallVectorImpl<mlir::Type> &args,
                      llvm::SmallVectorImpl<mlir::Type> &results);
  /// Storage for the array leaves of a call's `result`, appended to
  /// `operands` as out-parameters; returns the result's leaves with the
  /// scalar ones still to fill in from the call's results.
  Leaves allocateResultArrays(const Type *result, mlir::Location l,
                              llvm::SmallVectorImpl<mlir::Value> &operands);
  /// Whether `fn` passes its large struct and enum values in memory
  /// (MLIRGenRef.cpp): every function nlc defines but `main`, `@export`
  /// functions and kernels.
  bool usesMemoryAbi(const FnDecl &fn) const;
  /// Whether a value of type `t` is large: a struct or enum of more than
  /// kRegisterLeaves leaves, none of them an array.
  bool isLarge(const Type *t);
  /// Whether `fn` takes parameter `p` in memory, returns its result so.
  bool paramInMemory(const FnDecl &fn, const VarDecl &p);
  bool resultInMemory(const FnDecl &fn);
  /// Whether `fn` takes reference parameter `p` as one buffer
  /// (refBufferType) and a byte offset into it.
  bool refInMemory(const FnDecl &fn, const VarDecl &p);
  /// The operands of `arg` for such a parameter; `writeBack` is set to the
  /// copy to make after the call for a `&mut` whose place is not one run
  /// of a buffer (the value was copied into a fresh one).
  void genBufferRefArg(Expr &arg, const VarDecl &param,
                       llvm::SmallVectorImpl<mlir::Value> &out,
                       std::function<void()> &writeBack);
  /// The buffer type of a large value of type `t` (bytes, each leaf at
  /// its offset), and that of a reference to one (any size).
  mlir::MemRefType bufferType(const Type *t);
  mlir::MemRefType refBufferType();
  /// The leaf types of `t` and each leaf's byte offset in a buffer, the
  /// buffer's size last.
  llvm::SmallVector<int64_t>
  bufferOffsets(const Type *t, llvm::SmallVectorImpl<mlir::Type> &elems);
  /// Byte `offset` past `base` (an index value, or 0 when null): a
  /// constant, or `arith.addi base, offset`, the form placeInBuffer reads;
  /// bytePosition leaves a constant an attribute.
  mlir::Value byteValue(mlir::Value base, int64_t offset, mlir::Location l);
  mlir::OpFoldResult bytePosition(mlir::Value base, int64_t offset,
                                  mlir::Location l);
  /// The leaves of a value of type `t` in `buffer`, as references, from
  /// byte `base` (an index value; 0 when null).
  Leaves bufferLeaves(mlir::Value buffer, const Type *t, mlir::Location l,
                      mlir::Value base = {});
  /// A fresh buffer for a value of type `t`, at the function's entry.
  mlir::Value allocateBuffer(const Type *t, mlir::Location l);
  /// Whether `e` is a call that returns its value in a buffer of its own
  /// (or `f()?` of one): the value's leaves are references into it.
  bool returnedInMemory(const Expr &e);
  /// The leaves `v` of the enum value `e` (the scrutinee of a `match` or
  /// `?`) with its tag read: all of them read where `e` is not a call's
  /// result in its own buffer (any other storage may change meanwhile).
  Leaves readEnum(const Expr &e, Leaves v, mlir::Location l);
  /// Writes `value` (leaves of type `t`) into `buffer` from byte `at` (0
  /// when null); unset (poison) leaves are left alone.
  void storeToBuffer(mlir::Value buffer, const Type *t, const Leaves &value,
                     mlir::Location l, mlir::Value at = {});
  /// The buffer `leaves` (of type `t`) lie in, one after the other as
  /// bufferLeaves places them, and the byte where they start; nothing
  /// where they do not.
  std::optional<std::pair<mlir::Value, mlir::Value>>
  runInBuffer(const Leaves &leaves, const Type *t, mlir::Location l);

  // Declarations and statements (MLIRGen.cpp).
  void declareFunction(FnDecl &fn);
  void genFunction(FnDecl &fn);
  void genBlock(BlockStmt &b);
  void genStmt(Stmt &s);
  void genIf(IfStmt &s);
  void genWhile(WhileStmt &s);
  void genFor(ForStmt &s);
  void genLet(LetStmt &s);
  void genAssign(AssignStmt &s);
  void genReturn(ReturnStmt &s);
  bool terminated() const;
  /// Frees the tensors `value`, of type `t`, owns (a tensor, or the tensor
  /// fields of a struct).
  /// Frees what a value of type `t` owns (its tensors; see Type::isOwned).
  void dropValue(const Leaves &value, const Type *t, mlir::Location l);
  void dropLeaves(llvm::ArrayRef<Leaf> leaves, const Type *t,
                  mlir::Location l);
  /// Frees the tensors of `vars` (drop points the ownership check chose).
  void genDrops(llvm::ArrayRef<const VarDecl *> vars, mlir::Location l);
  /// Frees the tensor temporaries `temps`, made earlier in the statement.
  void genFreeTemporaries(llvm::ArrayRef<Expr *> temps, mlir::Location l);
  /// Leaves the function with `results` after freeing `drops` (a `return`,
  /// a failing `?`). Exits share the blocks that free the same last
  /// variables (exitBlock).
  void genExit(llvm::ArrayRef<const VarDecl *> drops, mlir::ValueRange results,
               mlir::Location l);
  /// The block that frees `drops[0]`, then the rest of `drops`, then returns
  /// its arguments (the function's results); null when `drops` is empty.
  mlir::Block *exitBlock(llvm::ArrayRef<const VarDecl *> drops,
                         mlir::Location l);
  /// A block that frees `vars` and branches to `next`, or `next` itself if
  /// there is nothing to free: the target of a loop's normal exit.
  mlir::Block *dropsThen(llvm::ArrayRef<const VarDecl *> vars,
                         mlir::Block *next, mlir::Location l);
  /// Starts a fresh block with no predecessors after a terminator.
  void startDeadBlock();

  // Memory.
  /// Allocates storage for a value of type `t` at the function entry.
  Leaves allocate(const Type *t, mlir::Location l);
  /// Writes `src` into the storage `dst` (leaf by leaf).
  void store(const Leaves &dst, const Leaves &src, mlir::Location l);
  /// Turns reference leaves to scalars into SSA values; array leaves stay
  /// references but are materialized as whole memrefs (copied if indexed).
  Leaves load(const Leaves &leaves, mlir::Location l);
  /// A fresh copy of an array-valued leaf in new storage.
  mlir::Value copyArray(const Leaf &leaf, mlir::Location l);
  mlir::Value arrayView(const Leaf &leaf, mlir::Location l);

  // Expressions (MLIRGenExpr.cpp).
  Leaves genExpr(Expr &e);
  /// Generates a scalar expression and returns its single SSA value.
  mlir::Value genScalar(Expr &e);
  Leaves genName(NameExpr &e);
  mlir::Value genConstant(const ConstValue &c, const Type *t, mlir::Location l);
  mlir::Value genUnary(UnaryExpr &e);
  mlir::Value genBinary(BinaryExpr &e);
  mlir::Value genArith(BinaryOp op, const Type *t, mlir::Value a,
                       mlir::Value b, SourceRange r);
  mlir::Value genCompare(BinaryOp op, const Type *t, mlir::Value a,
                         mlir::Value b, mlir::Location l);
  mlir::Value genLogical(BinaryExpr &e);
  mlir::Value genCast(CastExpr &e);
  Leaves genCall(CallExpr &e);
  /// Emits a builtin call through the generator the registry names
  /// (Builtins.def).
  Leaves genBuiltin(CallExpr &e);
  /// Host scalars, strings and the process; the scalar forms of tile math.
  Leaves genScalarBuiltin(CallExpr &e);
  /// `sys::` files, environment and exit (MLIRGenSys.cpp).
  Leaves genSysBuiltin(CallExpr &e);
  Leaves genBitsBuiltin(CallExpr &e);
  void genPrint(const Leaves &value, const Type *t, mlir::Location l);
  Leaves genIndex(IndexExpr &e);
  Leaves genArrayLit(ArrayLitExpr &e);
  Leaves genArrayRepeat(ArrayRepeatExpr &e);
  Leaves genStructLit(StructLitExpr &e);
  Leaves genStr(const std::string &bytes, mlir::Location l);
  /// Emits `if (cond) nl_panic(message)` at `r`.
  void genCheck(mlir::Value failCond, const std::string &message,
                SourceRange r);
  void genPanic(const Leaves &message, SourceRange r);

  // Strings (MLIRGenString.cpp).
  /// The pointer and length of a `str` or `String`.
  struct Text {
    mlir::Value ptr, len;
  };
  /// Reads a text operand (`&x` reads `x`).
  Text genText(Expr &e);
  Leaves genStringBuiltin(CallExpr &e);
  /// A method that changes its `String` receiver (Builtins.h,
  /// changesString): read, change in a slot, write back.
  void genStringChange(CallExpr &e, mlir::Location l);
  /// Comparisons and `+` with a `str` or `String` operand.
  Leaves genStringBinary(BinaryExpr &e);
  /// `s[i]`: the byte, bounds-checked.
  Leaves genStringIndex(IndexExpr &e);
  /// Frees the buffer of the loaded `String` leaves.
  void dropString(llvm::ArrayRef<Leaf> leaves, mlir::Location l);
  /// A stack slot (an NlString) holding the `String` `init`, or an empty one.
  mlir::Value stringSlot(llvm::ArrayRef<Leaf> init, mlir::Location l);
  Leaves loadStringSlot(mlir::Value slot, mlir::Location l);
  /// A new `String` holding a copy of `text`.
  Leaves copyText(Text text, mlir::Location l);
  /// `part` of a text of type `t`: a `str`, or a copy for a `String`.
  Leaves subText(const Type *t, Text part, mlir::Location l);
  /// Appends the text `print` shows for the scalar `v` of type `t`.
  void pushScalar(mlir::Value slot, mlir::Value v, const Type *t,
                  mlir::Location l);
  /// Panics with `message` at `r` unless 0 <= pos < limit (or <= limit
  /// when `mayEqual`), as one unsigned comparison.
  void checkPosition(mlir::Value pos, mlir::Value limit, bool mayEqual,
                     const char *message, SourceRange r);
  /// `parse_i64`/`parse_f64`: a `Result<T, ParseError>`.
  Leaves parseResult(CallExpr &e, mlir::Location l);
  /// LLVM stack memory for one `elem` at the function entry.
  mlir::Value entryAlloca(mlir::Type elem, mlir::Location l);
  /// Calls runtime function `name` with `args`; its result (of type
  /// `result`, or none when null).
  mlir::Value callRuntime(llvm::StringRef name, llvm::ArrayRef<mlir::Value> args,
                          mlir::Type result, mlir::Location l);
  /// A new tensor of `type` with sizes `dims` on `device` (an i32 device
  /// value; null: the CPU). Its elements are not set.
  mlir::Value allocTensor(mlir::MemRefType type, mlir::ValueRange dims,
                          mlir::Value device, mlir::Location l);
  /// The device value of the memory `tensor` (a memref) lies in.
  mlir::Value deviceOf(mlir::Value tensor, mlir::Location l);
  /// In a program built for a GPU, before host code touches tensor memory:
  /// waits for the launches that may still run (nl_gpu_wait, called only
  /// when nl_gpu_pending says so). Nothing on the CPU targets.
  void waitForGpu(mlir::Location l);
  /// The address (!llvm.ptr) and size in bytes (i64) of a tensor's
  /// elements, where they are one run of memory of whole bytes (identity
  /// layout, elements of a multiple of 8 bits); else {}.
  std::optional<std::pair<mlir::Value, mlir::Value>>
  tensorBytes(mlir::Value tensor, mlir::Location l);
  /// In a program built for a GPU, after host code wrote a whole tensor
  /// (`fill`, `fill_random`): its pages go to the GPU when it is a GPU
  /// tensor (nl_gpu_prefetch), for the next kernel. Nothing on the CPU
  /// targets.
  void prefetchToGpu(mlir::Value tensor, mlir::Location l);

  // Runtime interface.
  mlir::func::FuncOp runtimeFn(llvm::StringRef name,
                               llvm::ArrayRef<mlir::Type> args,
                               llvm::ArrayRef<mlir::Type> results = {});
  mlir::Value constIndex(int64_t v, mlir::Location l);
  mlir::Value constInt(mlir::Type t, int64_t v, mlir::Location l);

  mlir::MLIRContext &ctx;
  const SourceManager &sm;
  mlir::OpBuilder builder;
  mlir::ModuleOp module;
  llvm::DenseMap<FnDecl *, mlir::func::FuncOp> functions;
  llvm::StringMap<mlir::func::FuncOp> runtimeFns;
  llvm::StringMap<mlir::Operation *> strings;
  llvm::DenseMap<const VarDecl *, Leaves> locals;
  /// The value of each call or struct literal that owns tensors, for
  /// freeing temporaries.
  llvm::DenseMap<const Expr *, Leaves> tensorValues;
  FnDecl *currentFn = nullptr;
  /// Tile-map grid kernels by kernel and form, in order of first use.
  std::map<std::pair<FnDecl *, bool>, TileMapKernel> tileMapKernels;
  std::vector<std::pair<FnDecl *, bool>> tileMapOrder;
  bool checkBounds;
  const MLIRGenOptions &options;
  mlir::func::FuncOp currentFunc;
  /// The out-parameters of the current function's array result leaves.
  llvm::SmallVector<mlir::Value> resultSlots;
  /// The current function's result buffer where it returns in memory.
  mlir::Value resultBuffer;
  /// The current function's exit blocks (exitBlock), by the variables
  /// they free.
  std::map<std::vector<const VarDecl *>, mlir::Block *> exitBlocks;
  struct LoopTargets {
    mlir::Block *breakTarget;
    mlir::Block *continueTarget;
  };
  llvm::SmallVector<LoopTargets> loops;
};

} // namespace nlc

#endif // NLC_FRONTEND_MLIRGEN_MLIRGENIMPL_H
