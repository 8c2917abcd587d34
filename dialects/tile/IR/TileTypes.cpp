//===- TileTypes.cpp - Tile dialect types ---------------------------------===//
//
// `!tile.tile<MxNxT[, layout]>`: parsing, printing and verification.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace nlc::tile;

Type TileType::parse(AsmParser &parser) {
  SmallVector<int64_t, 2> shape;
  Type elementType;
  Layout layout = Layout::RowMajor;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false) ||
      parser.parseType(elementType))
    return {};
  if (succeeded(parser.parseOptionalComma())) {
    StringRef keyword;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseKeyword(&keyword))
      return {};
    std::optional<Layout> l = symbolizeLayout(keyword);
    if (!l) {
      parser.emitError(loc, "expected `row_major` or `col_major`");
      return {};
    }
    layout = *l;
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<TileType>(parser.getContext(), ArrayRef<int64_t>(shape), elementType,
                                     layout);
}

void TileType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t d : getShape())
    printer << d << "x";
  printer << getElementType();
  if (getLayout() != Layout::RowMajor)
    printer << ", " << stringifyLayout(getLayout());
  printer << ">";
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> shape, Type elementType,
                               Layout layout) {
  if (shape.empty() || shape.size() > 2)
    return emitError() << "tiles have rank 1 or 2, not " << shape.size();
  for (int64_t d : shape)
    if (d <= 0)
      return emitError() << "tile dimensions must be positive, found " << d;
  if (!elementType.isSignlessInteger() && !isa<FloatType>(elementType))
    return emitError() << "tile elements must be integers or floats, found "
                       << elementType;
  if (shape.size() == 1 && layout != Layout::RowMajor)
    return emitError() << "a rank-1 tile has no layout";
  return success();
}

int64_t TileType::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : getShape())
    n *= d;
  return n;
}

TileType TileType::withElementType(Type t) const {
  return TileType::get(getContext(), getShape(), t, getLayout());
}

ShapedType TileType::cloneWith(std::optional<ArrayRef<int64_t>> shape,
                               Type elementType) const {
  return TileType::get(getContext(), shape ? *shape : getShape(), elementType,
                       shape && shape->size() != 2 ? Layout::RowMajor
                                                   : getLayout());
}

bool TileType::hasRank() const { return true; }
