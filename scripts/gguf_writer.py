#!/usr/bin/env python3
"""Writes small GGUF v3 files for nlc's tests (numpy; Debian python3-numpy).

Written from the GGUF specification (ggml's docs/gguf.md): a header (magic
`GGUF`, version 3, tensor count and metadata count as u64), the metadata
key/values (key: u64 length + bytes; value type: u32; value), the tensor
infos (name, u32 dimension count, u64 dimensions innermost first, u32 ggml
type, u64 offset into the data section), padding to `general.alignment`
(32 by default), then the tensor data, each tensor at an aligned offset.
All numbers are little-endian.

As a module: `Writer` builds a file; `quantize_q8_0`, `dequantize_q8_0`,
`to_bf16`, `from_bf16` give the exact values a reader must decode.

As a program:
  gguf_writer.py random SEED OUT.gguf EXPECTED.txt
      a file with random metadata of every value type and random tensors in
      F32, F16, BF16 and Q8_0; EXPECTED.txt is what test/Stdlib's
      gguf_dump.nl prints for it, values in Python's repr.
  gguf_writer.py fixed OUT.gguf
      a small file of values known by hand (see fixed_file).
  gguf_writer.py compare EXPECTED.txt OUTPUT.txt
      compares line by line; numbers are compared as the f32/f64 values
      they spell (exactly), so the printing format does not matter.
  gguf_writer.py check-errors DIR EVERY -- COMMAND...
      makes the corrupt variants of DIR/source.gguf, runs COMMAND FILE
      (or COMMAND with `{}` replaced by FILE) on them (every EVERY-th truncation) and checks that each prints an
      `error: ` line and exits with status 1.
  gguf_writer.py corrupt IN.gguf OUTDIR
      writes corrupt variants of IN.gguf (bad magic, bad version, huge
      counts, a string length past the end, an unknown value type, an
      unknown tensor type, unaligned and out-of-range tensor offsets) and
      the file truncated at many offsets, one per file, and lists them.
"""
import struct
import sys

import numpy as np

# Metadata value types.
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
SCALAR_FORMATS = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I",
                  I32: "<i", F32: "<f", BOOL: "<?", U64: "<Q", I64: "<q",
                  F64: "<d"}
TYPE_NAMES = {U8: "u8", I8: "i8", U16: "u16", I16: "i16", U32: "u32",
              I32: "i32", F32: "f32", BOOL: "bool", STRING: "str",
              ARRAY: "arr", U64: "u64", I64: "i64", F64: "f64"}

# ggml tensor types.
GGML_F32, GGML_F16, GGML_Q8_0, GGML_BF16 = 0, 1, 8, 30
GGML_NAMES = {GGML_F32: "F32", GGML_F16: "F16", GGML_Q8_0: "Q8_0",
              GGML_BF16: "BF16"}


def gguf_string(s):
    b = s.encode() if isinstance(s, str) else bytes(s)
    return struct.pack("<Q", len(b)) + b


def encode_value(vtype, value):
    if vtype == STRING:
        return gguf_string(value)
    if vtype == ARRAY:
        etype, items = value
        out = struct.pack("<IQ", etype, len(items))
        return out + b"".join(encode_value(etype, v) for v in items)
    return struct.pack(SCALAR_FORMATS[vtype], value)


def to_bf16(x):
    """f32 values rounded to bf16 (nearest, ties to even), as u16 bits."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def from_bf16(bits):
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32)


def quantize_q8_0(x):
    """Q8_0 blocks of a float array whose size is a multiple of 32: per
    block an f16 scale d = max|x| / 127 and 32 int8 q = round(x / d)."""
    blocks = np.asarray(x, dtype=np.float32).reshape(-1, 32)
    amax = np.abs(blocks).max(axis=1)
    d = (amax / 127.0).astype(np.float32)
    inv = np.where(d != 0, 1.0 / np.where(d != 0, d, 1), 0).astype(np.float32)
    q = np.clip(np.rint(blocks * inv[:, None]), -127, 127).astype(np.int8)
    return d.astype(np.float16), q


def dequantize_q8_0(d, q):
    """As ggml defines it: y = f32(d) * q, in f32."""
    return (d.astype(np.float32)[:, None] * q.astype(np.float32)).reshape(-1)


def encode_tensor(ggml_type, x):
    """The bytes of `x` in `ggml_type` and the f32 values a reader decodes."""
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if ggml_type == GGML_F32:
        return x.tobytes(), x
    if ggml_type == GGML_F16:
        h = x.astype(np.float16)
        return h.tobytes(), h.astype(np.float32)
    if ggml_type == GGML_BF16:
        b = to_bf16(x)
        return b.tobytes(), from_bf16(b)
    if ggml_type == GGML_Q8_0:
        d, q = quantize_q8_0(x)
        raw = b"".join(d[i:i + 1].tobytes() + q[i].tobytes()
                       for i in range(len(d)))
        return raw, dequantize_q8_0(d, q)
    raise ValueError("unsupported ggml type %d" % ggml_type)


class Writer:
    def __init__(self, alignment=None):
        self.kvs = []
        self.tensors = []
        self.alignment = alignment or 32
        if alignment is not None:
            self.add("general.alignment", U32, alignment)

    def add(self, key, vtype, value):
        self.kvs.append((key, vtype, value))

    def add_tensor(self, name, x, ggml_type):
        """`x` in numpy order: its last axis is GGUF's first dimension."""
        raw, decoded = encode_tensor(ggml_type, x)
        dims = list(reversed(np.shape(x)))
        self.tensors.append((name, dims, ggml_type, raw))
        return decoded.reshape(np.shape(x))

    def to_bytes(self):
        out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(self.tensors),
                                              len(self.kvs)))
        for key, vtype, value in self.kvs:
            out += gguf_string(key) + struct.pack("<I", vtype)
            out += encode_value(vtype, value)
        offset = 0
        offsets = []
        for name, dims, ggml_type, raw in self.tensors:
            offsets.append(offset)
            out += gguf_string(name) + struct.pack("<I", len(dims))
            out += b"".join(struct.pack("<Q", d) for d in dims)
            out += struct.pack("<IQ", ggml_type, offset)
            offset = self.align(offset + len(raw))
        out += bytes(self.align(len(out)) - len(out))
        start = len(out)
        for (name, dims, ggml_type, raw), off in zip(self.tensors, offsets):
            out += bytes(start + off - len(out)) + raw
        return bytes(out)

    def align(self, n):
        return (n + self.alignment - 1) // self.alignment * self.alignment

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())


def random_file(seed, path):
    """A file with metadata of every value type and tensors of every
    supported type; returns the lines gguf_dump.nl should print."""
    rng = np.random.default_rng(seed)
    w = Writer(alignment=int(rng.choice([8, 32, 64])))
    lines = ["kv general.alignment u32 %d" % w.alignment]
    ranges = {U8: (0, 255), I8: (-128, 127), U16: (0, 65535),
              I16: (-32768, 32767), U32: (0, 2**32 - 1),
              I32: (-2**31, 2**31 - 1), U64: (0, 2**64 - 1),
              I64: (-2**63, 2**63 - 1)}

    def scalar(vtype):
        if vtype in ranges:
            lo, hi = ranges[vtype]
            return int.from_bytes(rng.bytes(8), "little") % (hi - lo + 1) + lo
        if vtype == F32:
            return float(np.float32(rng.normal() * 10.0 ** rng.integers(-3, 4)))
        if vtype == F64:
            return float(rng.normal() * 10.0 ** rng.integers(-5, 6))
        if vtype == BOOL:
            return bool(rng.integers(0, 2))
        n = int(rng.integers(0, 12))
        return "".join(chr(int(c)) for c in rng.integers(97, 123, n)) + \
            ("\u00e9" if rng.integers(0, 2) else "")

    def show(vtype, v):
        if vtype == BOOL:
            return "true" if v else "false"
        return repr(v) if vtype in (F32, F64) else str(v)

    for i, vtype in enumerate([U8, I8, U16, I16, U32, I32, F32, BOOL,
                               STRING, U64, I64, F64]):
        key = "test.%s_%d" % (TYPE_NAMES[vtype], i)
        v = scalar(vtype)
        w.add(key, vtype, v)
        lines.append("kv %s %s %s" % (key, TYPE_NAMES[vtype], show(vtype, v)))
    for etype in [U8, I16, U32, I32, I64, F32, F64, BOOL, STRING]:
        key = "test.arr_%s" % TYPE_NAMES[etype]
        items = [scalar(etype) for _ in range(int(rng.integers(0, 6)))]
        w.add(key, ARRAY, (etype, items))
        lines.append("kv %s arr %s %d" % (key, TYPE_NAMES[etype], len(items)))
        lines += ["  %s" % show(etype, v) for v in items]
    for i, gtype in enumerate([GGML_F32, GGML_F16, GGML_BF16, GGML_Q8_0,
                               GGML_F32, GGML_Q8_0]):
        rows = int(rng.integers(1, 5))
        cols = 32 * int(rng.integers(1, 4)) if gtype == GGML_Q8_0 \
            else int(rng.integers(1, 40))
        shape = (rows, cols) if i < 4 else (cols,) if gtype == GGML_F32 \
            else (2, rows, cols)
        x = (rng.normal(size=shape) * 3).astype(np.float32)
        name = "blk.%d.%s.weight" % (i, GGML_NAMES[gtype].lower())
        decoded = w.add_tensor(name, x, gtype)
        dims = list(reversed(shape))
        lines.append("tensor %s %s %s" % (name, GGML_NAMES[gtype],
                                           " ".join(map(str, dims))))
        flat = decoded.reshape(-1)
        lines.append("  rows %d cols %d" % (flat.size // dims[0], dims[0]))
        lines += ["  %r" % float(v) for v in flat]
    w.write(path)
    return lines


def fixed_file(path):
    """A small file whose values are known by hand (test/Stdlib/gguf.test
    checks them literally): a Q8_0 block of the integers -127..121 step 8
    (scale exactly 1.0), a block of their halves (scale 0.5), F16 and
    BF16 values that are exact in those types, a vocabulary."""
    w = Writer()
    w.add("general.architecture", STRING, "llama")
    w.add("llama.block_count", U32, 7)
    w.add("llama.rope.freq_base", F32, 10000.0)
    w.add("tokenizer.ggml.tokens", ARRAY, (STRING, ["<s>", "</s>", "h\u00e9"]))
    w.add("tokenizer.ggml.scores", ARRAY, (F32, [0.0, -1.5, 2.25]))
    w.add("tokenizer.ggml.token_type", ARRAY, (I32, [3, 3, 1]))
    q = np.arange(-127, 128, 8, dtype=np.float32)
    w.add_tensor("q", np.stack([q, q / 2]),
                 GGML_Q8_0)
    w.add_tensor("h", np.array([1.0, -2.5, 65504.0, 2.0**-24]), GGML_F16)
    w.add_tensor("b", np.array([[1.0, 3.140625], [-0.5, 2.0**100]]),
                 GGML_BF16)
    w.write(path)


def compare(expected_path, output_path):
    exp = open(expected_path, encoding="utf-8").read().splitlines()
    out = open(output_path, encoding="utf-8").read().splitlines()
    bad = 0
    for n, (e, o) in enumerate(zip(exp, out), 1):
        if e != o and not same_numbers(e, o):
            print("line %d: expected %r, found %r" % (n, e, o))
            bad += 1
    if len(exp) != len(out):
        print("expected %d lines, found %d" % (len(exp), len(out)))
        bad += 1
    print("compared %d lines: %s" % (len(exp), "ok" if not bad else
                                     "%d differ" % bad))
    return bad == 0


def same_numbers(e, o):
    """Whether two lines differ only in how equal floats are spelled."""
    ew, ow = e.split(" "), o.split(" ")
    if len(ew) != len(ow):
        return False
    for a, b in zip(ew, ow):
        if a == b:
            continue
        try:
            x, y = float(a), float(b)
            # An expected f32 value may print with fewer digits.
            as_f32 = float(np.float32(x)) == x and np.float32(x) == np.float32(y)
            if x != y and not as_f32:
                return False
        except ValueError:
            return False
    return True


def corrupt_variants(path, outdir):
    """Corrupt copies of `path`; returns their names."""
    import os
    data = open(path, "rb").read()
    names = []

    def emit(name, blob):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(blob)
        names.append(name)

    def patch(at, blob):
        return data[:at] + blob + data[at + len(blob):]

    emit("bad-magic.gguf", patch(0, b"GGUG"))
    emit("bad-version.gguf", patch(4, struct.pack("<I", 4)))
    emit("huge-tensor-count.gguf", patch(8, struct.pack("<Q", 2**62)))
    emit("huge-kv-count.gguf", patch(16, struct.pack("<Q", 2**63 + 5)))
    # The first key's length, then its value type.
    emit("key-length-past-end.gguf", patch(24, struct.pack("<Q", 2**40)))
    klen = struct.unpack_from("<Q", data, 24)[0]
    emit("unknown-value-type.gguf", patch(32 + klen, struct.pack("<I", 13)))
    # The tensor infos: found by their names.
    first = data.index(b"blk.0.")
    nlen = struct.unpack_from("<Q", data, first - 8)[0]
    ndims_at = first + nlen
    ndims = struct.unpack_from("<I", data, ndims_at)[0]
    type_at = ndims_at + 4 + 8 * ndims
    emit("too-many-dims.gguf", patch(ndims_at, struct.pack("<I", 9)))
    emit("unknown-tensor-type.gguf", patch(type_at, struct.pack("<I", 99)))
    emit("huge-dim.gguf", patch(ndims_at + 4, struct.pack("<Q", 2**61)))
    emit("unaligned-offset.gguf", patch(type_at + 4, struct.pack("<Q", 4)))
    emit("offset-past-end.gguf",
         patch(type_at + 4, struct.pack("<Q", 2**20)))
    emit("offset-wraps.gguf",
         patch(type_at + 4, struct.pack("<Q", 2**64 - 64)))
    emit("empty.gguf", b"")
    step = max(1, len(data) // 97)
    for n in sorted(set(list(range(0, min(len(data), 64))) +
                        list(range(0, len(data), step)) + [len(data) - 1])):
        emit("trunc-%06d.gguf" % n, data[:n])
    return names


def check_errors(outdir, names, command):
    """Runs `command` on each corrupt file (named where an argument holds
    `{}`, else appended as the last argument): each must exit with
    status 1 after printing one line `error: ... at byte N` (or, for a
    missing key, without the offset). Prints `name: message` lines."""
    import os
    import subprocess
    bad = 0
    for name in names:
        path = os.path.join(outdir, name)
        args = [a.replace("{}", path) for a in command]
        if args == command:
            args.append(path)
        r = subprocess.run(args,
                           capture_output=True, text=True)
        lines = r.stdout.splitlines()
        ok = r.returncode == 1 and lines and lines[-1].startswith("error: ")
        print("%s: %s%s" % (name, lines[-1] if lines else "(no output)",
                            "" if ok else "  <-- BAD (status %d) %s" %
                            (r.returncode, r.stderr.strip())))
        bad += not ok
    print("%d files, %d bad" % (len(names), bad))
    return bad == 0


def main(argv):
    if len(argv) == 5 and argv[1] == "random":
        lines = random_file(int(argv[2]), argv[3])
        with open(argv[4], "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return 0
    if len(argv) == 3 and argv[1] == "fixed":
        fixed_file(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        return 0 if compare(argv[2], argv[3]) else 1
    if len(argv) == 4 and argv[1] == "corrupt":
        print("\n".join(corrupt_variants(argv[2], argv[3])))
        return 0
    if len(argv) >= 6 and argv[1] == "check-errors" and argv[4] == "--":
        # check-errors OUTDIR EVERY -- COMMAND...: every file made by
        # `corrupt`, or every EVERY-th one (the named variants always).
        names = corrupt_variants(argv[2] + "/source.gguf", argv[2])
        every = int(argv[3])
        names = [n for i, n in enumerate(names)
                 if not n.startswith("trunc-") or i % every == 0]
        return 0 if check_errors(argv[2], names, argv[5:]) else 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
