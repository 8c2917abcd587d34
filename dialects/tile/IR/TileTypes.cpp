//===- TileTypes.cpp - Tile dialect types ---------------------------------===//
//
// `!tile.tile<MxNxT[, layout][, encoding]>`: parsing, printing and
// verification.
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
  Attribute encoding;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false) ||
      parser.parseType(elementType))
    return {};
  // `, layout`, `, encoding` or `, layout, encoding`: a layout is one of two
  // keywords, anything else is the encoding (one that starts with a keyword,
  // such as `array<...>`, needs the layout written before it).
  if (succeeded(parser.parseOptionalComma())) {
    StringRef keyword;
    if (succeeded(parser.parseOptionalKeyword(&keyword,
                                              {"row_major", "col_major"}))) {
      layout = *symbolizeLayout(keyword);
      if (succeeded(parser.parseOptionalComma()) &&
          parser.parseAttribute(encoding))
        return {};
    } else {
      SMLoc loc = parser.getCurrentLocation();
      OptionalParseResult parsed = parser.parseOptionalAttribute(encoding);
      if (!parsed.has_value()) {
        parser.emitError(loc, "expected `row_major`, `col_major` or an "
                              "encoding attribute");
        return {};
      }
      if (failed(*parsed))
        return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<TileType>(parser.getContext(),
                                     ArrayRef<int64_t>(shape), elementType,
                                     layout, encoding);
}

void TileType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t d : getShape())
    printer << d << "x";
  printer << getElementType();
  // With an encoding the layout is always written, so that any attribute
  // parses back, even one spelled with a keyword.
  if (getLayout() != Layout::RowMajor || getEncoding())
    printer << ", " << stringifyLayout(getLayout());
  if (getEncoding())
    printer << ", " << getEncoding();
  printer << ">";
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> shape, Type elementType,
                               Layout layout, Attribute) {
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
  return TileType::get(getContext(), getShape(), t, getLayout(), getEncoding());
}

TileType TileType::withoutEncoding() const {
  return TileType::get(getContext(), getShape(), getElementType(), getLayout());
}

ShapedType TileType::cloneWith(std::optional<ArrayRef<int64_t>> shape,
                               Type elementType) const {
  // A new shape drops the encoding: what it describes need not fit.
  if (shape && *shape != getShape())
    return TileType::get(getContext(), *shape, elementType,
                         shape->size() != 2 ? Layout::RowMajor : getLayout());
  return TileType::get(getContext(), getShape(), elementType, getLayout(),
                       getEncoding());
}

bool TileType::hasRank() const { return true; }
