//===- FuseElementwise.cpp - Elementwise trees into one tile.fused --------===//
//
// The `tile-fuse-elementwise` pass: each elementwise op absorbs the
// elementwise ops that only it uses, and the splats and broadcasts that
// feed it, into one `tile.fused` op, so that a backend computes the whole
// tree in one pass over the elements instead of one buffer per op.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/Transforms/Passes.h"

#include "dialects/tile/IR/TileDialect.h"

#include "llvm/ADT/MapVector.h"

namespace nlc::tile {
#define GEN_PASS_DEF_TILEFUSEELEMENTWISE
#include "dialects/tile/Transforms/Passes.h.inc"
} // namespace nlc::tile

using namespace mlir;
namespace tl = nlc::tile;

namespace {

/// An op whose element can be computed inside a `tile.fused` body from the
/// elements of its operands at the same position.
bool isFusable(Operation *op) {
  return op && ((isa<tl::ElementwiseOpInterface>(op) && !isa<tl::SplatOp>(op)) ||
                isa<tl::FusedOp>(op));
}

/// The fused op that replaces one root elementwise op: which values enter
/// it (with how they are broadcast) and which producers it absorbs.
class Fusion {
public:
  explicit Fusion(Operation *root) : root(root) {
    for (Value v : root->getOperands())
      collect(v);
  }

  /// Whether fusing saves anything: a producer, splat or broadcast absorbed.
  bool worthIt() const { return absorbedAny; }

  tl::FusedOp build(OpBuilder &b) {
    Location loc = root->getLoc();
    SmallVector<Value> values;
    SmallVector<int64_t> axes;
    SmallVector<Type> argTypes;
    SmallVector<Location> argLocs;
    for (auto [key, index] : inputs) {
      values.push_back(key.first);
      axes.push_back(key.second);
      Type t = key.first.getType();
      if (auto tile = dyn_cast<tl::TileType>(t))
        t = tile.getElementType();
      argTypes.push_back(t);
      argLocs.push_back(loc);
    }
    auto fused = tl::FusedOp::create(b, loc, root->getResult(0).getType(),
                                     values, b.getDenseI64ArrayAttr(axes));
    Block *body = b.createBlock(&fused.getBody(), {}, argTypes, argLocs);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(body);
    Value element = emit(b, body, root->getResult(0));
    tl::YieldOp::create(b, loc, element);
    return fused;
  }

  /// The ops whose only use was inside the tree, now dead.
  ArrayRef<Operation *> absorbed() const { return absorbedOps; }

private:
  using Key = std::pair<Value, int64_t>;

  unsigned addInput(Value v, int64_t axis) {
    unsigned next = inputs.size();
    return inputs.insert({{v, axis}, next}).first->second;
  }

  void collect(Value v) {
    Operation *def = v.getDefiningOp();
    if (!isa<tl::TileType>(v.getType())) {
      leaves[v] = addInput(v, -1);
    } else if (auto splat = dyn_cast_if_present<tl::SplatOp>(def)) {
      leaves[v] = addInput(splat.getValue(), -1);
      absorbedAny = true;
    } else if (auto bc = dyn_cast_if_present<tl::BroadcastOp>(def)) {
      leaves[v] = addInput(bc.getSource(), bc.getAxis());
      absorbedAny = true;
    } else if (isFusable(def) && def->getBlock() == root->getBlock() &&
               v.hasOneUse()) {
      absorbedAny = true;
      absorbedOps.push_back(def);
      if (auto fused = dyn_cast<tl::FusedOp>(def)) {
        // Its own producers were absorbed when it was made.
        for (auto [in, axis] :
             llvm::zip_equal(fused.getInputs(), fused.getBroadcast()))
          addInput(in, axis);
      } else {
        for (Value operand : def->getOperands())
          collect(operand);
      }
    } else {
      leaves[v] = addInput(v, -1);
    }
  }

  Value emit(OpBuilder &b, Block *body, Value v) {
    if (auto it = leaves.find(v); it != leaves.end())
      return body->getArgument(it->second);
    if (Value done = emitted.lookup(v))
      return done;
    Operation *def = v.getDefiningOp();
    Location loc = def->getLoc();
    SmallVector<Value> args;
    Value element;
    if (auto fused = dyn_cast<tl::FusedOp>(def)) {
      for (auto [in, axis] :
           llvm::zip_equal(fused.getInputs(), fused.getBroadcast()))
        args.push_back(body->getArgument(inputs.lookup({in, axis})));
      element = fused.buildElement(b, loc, args);
    } else {
      for (Value operand : def->getOperands())
        args.push_back(emit(b, body, operand));
      element = cast<tl::ElementwiseOpInterface>(def).buildScalar(b, loc, args);
    }
    emitted[v] = element;
    return element;
  }

  Operation *root;
  llvm::MapVector<Key, unsigned> inputs;
  DenseMap<Value, unsigned> leaves;
  DenseMap<Value, Value> emitted;
  SmallVector<Operation *> absorbedOps;
  bool absorbedAny = false;
};

struct TileFuseElementwise
    : nlc::tile::impl::TileFuseElementwiseBase<TileFuseElementwise> {
  void runOnOperation() override {
    SmallVector<Operation *> roots;
    getOperation()->walk([&](Operation *op) {
      auto type = op->getNumResults() == 1
                      ? dyn_cast<tl::TileType>(op->getResult(0).getType())
                      : tl::TileType();
      // A tile of i1 has no vector buffer: a tree that ends in one would
      // leave the whole tree to scalar code, so it is not a root.
      if (type && !type.getElementType().isInteger(1) && isFusable(op) &&
          !isa<tl::FusedOp>(op))
        roots.push_back(op);
    });
    // In order: a root's producers have already become fused ops, so one
    // level of absorption takes in whole trees.
    for (Operation *root : roots) {
      Fusion fusion(root);
      if (!fusion.worthIt())
        continue;
      OpBuilder b(root);
      tl::FusedOp fused = fusion.build(b);
      root->getResult(0).replaceAllUsesWith(fused.getResult());
      root->erase();
      // Users before producers: absorbed() lists each op before those
      // only it used.
      for (Operation *op : fusion.absorbed())
        op->erase();
    }
    // Splats and broadcasts every user of which took in their source.
    getOperation()->walk([](Operation *op) {
      if (isa<tl::SplatOp, tl::BroadcastOp>(op) && op->use_empty())
        op->erase();
    });
  }
};

} // namespace
