#!/usr/bin/env python3
"""Small Llama-architecture GGUF models for nlc's tests, and the numpy
reference (the oracle) for their logits, greedy tokens and tokenizer.

No model can be downloaded here, so tests make their own: random weights
and a SentencePiece-style vocabulary learned by a small BPE over a text,
in llama.cpp's conventions for `general.architecture = llama` (issue 12;
docs/GGUF.md describes the reader on the Neuro-Lang side). numpy only
(Debian's python3-numpy); files are written with scripts/gguf_writer.py.

The model. Metadata: `general.architecture` "llama", `general.name`,
`llama.context_length`, `llama.embedding_length` (dim), `llama.block_count`
(layers), `llama.feed_forward_length` (ffn), `llama.attention.head_count`,
`llama.attention.head_count_kv`, `llama.rope.dimension_count` (head dim hd
= dim / heads), `llama.vocab_size` (u32 each), `llama.rope.freq_base`
(10000) and `llama.attention.layer_norm_rms_epsilon` (1e-5) as f32, and
the tokenizer keys below. Tensors, in numpy shape [rows, cols] (GGUF's
dimensions reversed): `token_embd.weight` [vocab, dim]; per layer i
`blk.i.attn_norm.weight` [dim], `blk.i.attn_q.weight` [heads*hd, dim],
`attn_k` and `attn_v` [kv_heads*hd, dim], `attn_output` [dim, heads*hd],
`ffn_norm` [dim], `ffn_gate` and `ffn_up` [ffn, dim], `ffn_down` [dim,
ffn]; `output_norm.weight` [dim]; `output.weight` [vocab, dim] unless the
output is tied to `token_embd.weight`. Matrices are in the file's weight
type (F32, F16, BF16 or Q8_0), norm weights always F32.

The forward pass (`Model.forward`, float64 from the exact values the file
holds), for a token at position p: x = token_embd[token]; per layer
h = rmsnorm(x, attn_norm), q, k, v = Wq h, Wk h, Wv h; rotary embedding of
each head of q and k on adjacent pairs (x[2i], x[2i+1]) by the angle
p * freq_base^(-2i/hd) (llama.cpp's "normal" rope); k and v go to the
cache at p; query head h attends to kv head h / (heads / kv_heads) over
positions 0..p with scores q.k / sqrt(hd) and a softmax; x += Wo out;
then x += Wdown (silu(Wgate h) * Wup h) with h = rmsnorm(x, ffn_norm).
logits = Woutput rmsnorm(x, output_norm). rmsnorm(x, w) =
x / sqrt(mean(x^2) + eps) * w.

The tokenizer (`Vocab`), llama.cpp's `tokenizer.ggml.model = llama`
(SentencePiece BPE): keys `tokenizer.ggml.tokens`, `.scores`, `.token_type`
(1 normal, 2 unknown, 3 control, 6 byte), `.bos_token_id` (1),
`.eos_token_id` (2), `.unknown_token_id` (0), `.add_bos_token` (true).
Absent ids take llama.cpp's defaults (BOS 1, unknown 0, add BOS).
The vocabulary: 0 `<unk>`, 1 `<s>`, 2 `</s>`, 3..258 `<0x00>`..`<0xFF>`,
then the learned pieces (a space is written U+2581), each merge scored
minus its rank, then the single characters of the text. Encoding: BOS
when asked; an empty text gives nothing more; otherwise every space
becomes U+2581 and one U+2581 is put in front; the text is split into
characters; the adjacent pair whose concatenation is a token with the
highest score (the leftmost on a tie) is merged, again and again, until no
pair is a token; each symbol left is its token, or else its UTF-8 bytes
as byte tokens. Decoding: byte tokens are bytes, U+2581 is a space,
control tokens are nothing, the unknown token is U+2585 (as llama.cpp
prints it), and the one leading space of the text (the prefix added on
encoding) is dropped, so decode(encode(t)) == t for every text without
U+2581 (which decodes as a space).

Usage (errors go to stderr with exit status 1):
  llama_gguf.py make OUT.gguf [--seed S] [--type f32|f16|bf16|q8_0]
      [--dim 64] [--layers 2] [--heads 4] [--kv-heads 2] [--ffn 160]
      [--ctx 128] [--vocab 512] [--tied] [--text FILE]
      [--tokenizer-model llama]
      a model with random weights (deterministic for a seed); the
      vocabulary is learned from FILE (a built-in English paragraph if
      absent) and padded with synthetic pieces to exactly --vocab tokens.
      Q8_0 needs dim and ffn multiples of 32. Prints one summary line.
      (--tokenizer-model: another `tokenizer.ggml.model`, to test errors.)
  llama_gguf.py logits MODEL.gguf --tokens 1,5,9 [--q8-from P]
      the logits at each position: a line `pos P`, then one logit a line.
      (--q8-from P: from position P on, Q8_0 matrices with rows of a
      multiple of 256 take their input rounded to Q8_0 blocks, as nlc's
      decode steps do.)
  llama_gguf.py generate MODEL.gguf --tokens 1,5,9 -n N [--q8-decode]
      N greedy tokens after the prompt (argmax, the lowest id on a tie),
      on one line separated by spaces. (--tokens @FILE: the ids in FILE.
      --q8-decode: --q8-from the prompt's length.)
  llama_gguf.py compare EXPECTED ACTUAL --tol T
      compares two `logits` outputs: |a - e| <= T * max(1, max |e| of the
      position) for every element; prints the largest error and `ok`, or
      the first mismatches (exit status 1).
  llama_gguf.py argmax LOGITS [--from K] [--count N]
      the greedy choice (argmax, the lowest id on a tie) at positions K,
      K+1... (N of them, or all) of a `logits` output, on one line.
  llama_gguf.py tokenize MODEL.gguf (TEXT | --file F...) [--no-bos]
      the token ids of TEXT, separated by spaces (--file, any number of
      times: one line for each file's UTF-8 text).
  llama_gguf.py detokenize MODEL.gguf (IDS | @FILE)
      the text of the ids (comma- or space-separated), then a line feed;
      @FILE: that for each line of FILE.
"""
import argparse
import math
import os
import struct
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gguf_writer as gw  # noqa: E402

# Token types (llama.cpp's llama_token_type).
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6
SPACE = "\u2581"  # how SentencePiece writes a space

TYPES = {"f32": gw.GGML_F32, "f16": gw.GGML_F16, "bf16": gw.GGML_BF16,
         "q8_0": gw.GGML_Q8_0}

# The default text the vocabulary is learned from (one line).
BUILTIN_TEXT = """\
The old lighthouse stood at the end of the harbor, where the river met the
sea. Every evening the keeper climbed the narrow stairs, lit the great lamp
and watched the ships come in from the north. Some carried timber and grain,
others brought letters, tea and stories from distant towns. The children of
the village waited on the pier to count the sails, and the fishermen mended
their nets while the gulls circled above the water. In winter the storms
were long and the waves broke against the rocks, but the light never went
out. When the keeper grew old, his daughter learned to trim the wick and to
read the weather in the clouds, and she kept the lamp burning for many years.
Travelers who passed the harbor said that the light could be seen from the
hills, a small bright star over the dark water, and that it meant someone
was watching and the way home was open.
""".replace("\n", " ").strip()


class Error(Exception):
    """A user-facing error: printed as `error: ...`, exit status 1."""


# ---------------------------------------------------------------- vocabulary

def learn_bpe(text, slots, rng):
    """SentencePiece-style pieces for `text`: its characters (most frequent
    first, at most `slots`), then BPE merges inside words (each word starts
    with U+2581), the most frequent pair first (ties: the smallest pair),
    while a pair occurs twice and slots are left, then synthetic merges of
    two existing pieces (chosen by `rng`) until `slots` pieces exist.
    Returns (merged pieces in merge order, characters)."""
    norm = SPACE + text.replace(" ", SPACE)
    counts = {}
    for c in norm:
        counts[c] = counts.get(c, 0) + 1
    chars = sorted(counts, key=lambda c: (-counts[c], c))[:slots]
    words = {}
    for w in norm.split(SPACE):
        if w:
            key = tuple(SPACE + w)
            words[key] = words.get(key, 0) + 1
    taken = set(chars)
    merges = []
    while len(chars) + len(merges) < slots:
        pairs = {}
        for w, n in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + n
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]),
                   default=None)
        if best is None or best[1] < 2:
            break
        a, b = best[0]
        merges.append(a + b)
        taken.add(a + b)
        words = {merge_pair(w, a, b): n for w, n in words.items()}
    # Synthetic merges: a piece of at most 12 characters, then a character
    # or learned piece that does not start a word (random indices drawn
    # 4096 at a time).
    pieces = [p for p in chars + merges if len(p) <= 12]
    tails = [p for p in chars + merges if not p.startswith(SPACE)]
    tries = 0
    while len(chars) + len(merges) < slots and tails and tries < 100 * slots:
        ia = rng.integers(0, 2**62, 4096)
        ib = rng.integers(0, len(tails), 4096)
        for i, j in zip(ia, ib):
            tries += 1
            p = pieces[int(i) % len(pieces)] + tails[int(j)]
            if p in taken or len(chars) + len(merges) == slots:
                continue
            merges.append(p)
            taken.add(p)
            if len(p) <= 12:
                pieces.append(p)
    # Texts too poor for that (e.g. only spaces): letter strings.
    n = 0
    while len(chars) + len(merges) < slots:
        p, k = SPACE, n
        while True:
            p, k = p + chr(ord("a") + k % 26), k // 26
            if k == 0:
                break
        n += 1
        if p not in taken:
            merges.append(p)
            taken.add(p)
    return merges, chars


def merge_pair(word, a, b):
    """`word` (a tuple of pieces) with each adjacent (a, b) made one piece."""
    out = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == a and word[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def make_vocab(text, size, rng):
    """(tokens, scores, types) of exactly `size` entries: the special and
    byte tokens, the merged pieces (score minus the merge rank), then the
    characters (scored below every merge)."""
    if size < 259:
        raise Error("--vocab must be at least 259 (3 special and 256 byte "
                    "tokens), not %d" % size)
    tokens = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
    types = [UNKNOWN, CONTROL, CONTROL] + [BYTE] * 256
    scores = [0.0] * 259
    merges, chars = learn_bpe(text, size - 259, rng)
    for rank, p in enumerate(merges + chars):
        tokens.append(p)
        types.append(NORMAL)
        scores.append(float(-rank))
    if len(set(tokens)) != len(tokens):
        raise Error("the vocabulary has a duplicate piece")
    return tokens, scores, types


# ---------------------------------------------------------------- make

def make_model(args):
    """Writes a random model as `make` describes; returns a summary line."""
    dim, layers, heads, kv = args.dim, args.layers, args.heads, args.kv_heads
    ffn, vocab = args.ffn, args.vocab
    if min(dim, layers, heads, kv, ffn, args.ctx) <= 0:
        raise Error("sizes must be positive")
    if dim % heads or heads % kv or (dim // heads) % 2:
        raise Error("dim must be a multiple of heads, heads of kv-heads, "
                    "and the head dimension even")
    wtype = TYPES[args.type]
    if wtype == gw.GGML_Q8_0 and (dim % 32 or ffn % 32):
        raise Error("q8_0 needs dim and ffn multiples of 32")
    hd = dim // heads
    rng = np.random.default_rng(args.seed)
    text = BUILTIN_TEXT
    if args.text:
        with open(args.text, encoding="utf-8") as f:
            text = f.read()
    tokens, scores, types = make_vocab(text, vocab, rng)

    w = gw.Writer(alignment=32)
    w.add("general.architecture", gw.STRING, "llama")
    w.add("general.name", gw.STRING, "llama_gguf random seed %d" % args.seed)
    for key, value in [("context_length", args.ctx),
                       ("embedding_length", dim), ("block_count", layers),
                       ("feed_forward_length", ffn),
                       ("attention.head_count", heads),
                       ("attention.head_count_kv", kv),
                       ("rope.dimension_count", hd), ("vocab_size", vocab)]:
        w.add("llama." + key, gw.U32, value)
    w.add("llama.rope.freq_base", gw.F32, 10000.0)
    w.add("llama.attention.layer_norm_rms_epsilon", gw.F32, 1e-5)
    w.add("tokenizer.ggml.model", gw.STRING, args.tokenizer_model)
    w.add("tokenizer.ggml.tokens", gw.ARRAY, (gw.STRING, tokens))
    w.add("tokenizer.ggml.scores", gw.ARRAY, (gw.F32, scores))
    w.add("tokenizer.ggml.token_type", gw.ARRAY, (gw.I32, types))
    w.add("tokenizer.ggml.bos_token_id", gw.U32, 1)
    w.add("tokenizer.ggml.eos_token_id", gw.U32, 2)
    w.add("tokenizer.ggml.unknown_token_id", gw.U32, 0)
    w.add("tokenizer.ggml.add_bos_token", gw.BOOL, True)

    def matrix(name, rows, cols, scale):
        x = rng.standard_normal((rows, cols), dtype=np.float32)
        x *= np.float32(scale)
        w.add_tensor(name, x, wtype)

    def norm(name):
        x = 1.0 + 0.1 * rng.standard_normal(dim, dtype=np.float32)
        w.add_tensor(name, x.astype(np.float32), gw.GGML_F32)

    # Scales keep activations O(1): an embedding of unit variance, each
    # matrix ~ normal / sqrt(fan_in). The output matrix gives logits with a
    # standard deviation of about 4 (tied: sqrt(dim)), so greedy choices are
    # rarely near-ties.
    matrix("token_embd.weight", vocab, dim, 1.0)
    for i in range(layers):
        b = "blk.%d." % i
        norm(b + "attn_norm.weight")
        matrix(b + "attn_q.weight", heads * hd, dim, dim ** -0.5)
        matrix(b + "attn_k.weight", kv * hd, dim, dim ** -0.5)
        matrix(b + "attn_v.weight", kv * hd, dim, dim ** -0.5)
        matrix(b + "attn_output.weight", dim, heads * hd, (heads * hd) ** -0.5)
        norm(b + "ffn_norm.weight")
        matrix(b + "ffn_gate.weight", ffn, dim, dim ** -0.5)
        matrix(b + "ffn_up.weight", ffn, dim, dim ** -0.5)
        matrix(b + "ffn_down.weight", dim, ffn, ffn ** -0.5)
    norm("output_norm.weight")
    if not args.tied:
        matrix("output.weight", vocab, dim, 4.0 * dim ** -0.5)
    w.write(args.out)
    params = sum(int(np.prod(dims)) for _, dims, _, _ in w.tensors)
    return "%s: %d parameters, %d tensors, vocab %d, %s%s, %d bytes" % (
        args.out, params, len(w.tensors), vocab, args.type,
        ", tied" if args.tied else "", os.path.getsize(args.out))


# ---------------------------------------------------------------- reader

class GGUF:
    """A GGUF file read whole: `meta` maps keys to values (arrays as
    lists), `tensors` maps names to (dims innermost first, ggml type,
    absolute offset)."""

    SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i",
               6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        self.pos = 0
        if self.take("<4s") != b"GGUF":
            raise Error("%s: not a GGUF file" % path)
        version, n_tensors, n_kv = self.take("<I"), self.take("<Q"), \
            self.take("<Q")
        if version not in (2, 3):
            raise Error("%s: unsupported GGUF version %d" % (path, version))
        self.meta = {}
        for _ in range(n_kv):
            key = self.string()
            self.meta[key] = self.value(self.take("<I"))
        infos = []
        for _ in range(n_tensors):
            name = self.string()
            dims = [self.take("<Q") for _ in range(self.take("<I"))]
            infos.append((name, dims, self.take("<I"), self.take("<Q")))
        align = self.meta.get("general.alignment", 32)
        start = (self.pos + align - 1) // align * align
        self.tensors = {n: (d, t, start + off) for n, d, t, off in infos}

    def take(self, fmt):
        """The next value of struct format `fmt`."""
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise Error("truncated GGUF file at byte %d" % self.pos)
        v = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += size
        return v

    def string(self):
        """A string: u64 length, then UTF-8 bytes."""
        n = self.take("<Q")
        if self.pos + n > len(self.data):
            raise Error("truncated GGUF file at byte %d" % self.pos)
        s = self.data[self.pos:self.pos + n].decode("utf-8")
        self.pos += n
        return s

    def value(self, vtype):
        """A metadata value of type `vtype`."""
        if vtype in self.SCALARS:
            return self.take(self.SCALARS[vtype])
        if vtype == 8:
            return self.string()
        if vtype == 9:
            etype, n = self.take("<I"), self.take("<Q")
            return [self.value(etype) for _ in range(n)]
        raise Error("unknown metadata value type %d" % vtype)

    def tensor(self, name):
        """Tensor `name` decoded as ggml does, in float64, in numpy shape
        (the reversed dimensions)."""
        if name not in self.tensors:
            raise Error("missing tensor %s" % name)
        dims, ttype, off = self.tensors[name]
        n = int(np.prod(dims))
        if ttype == gw.GGML_F32:
            x = np.frombuffer(self.data, "<f4", n, off)
        elif ttype == gw.GGML_F16:
            x = np.frombuffer(self.data, "<f2", n, off).astype(np.float32)
        elif ttype == gw.GGML_BF16:
            bits = np.frombuffer(self.data, "<u2", n, off).astype(np.uint32)
            x = (bits << 16).view(np.float32)
        elif ttype == gw.GGML_Q8_0:
            # Blocks of an f16 scale d and 32 int8 q: f32(d) * q in f32.
            block = np.dtype([("d", "<f2"), ("q", "i1", (32,))])
            b = np.frombuffer(self.data, block, n // 32, off)
            x = b["d"].astype(np.float32)[:, None] * b["q"].astype(np.float32)
        else:
            raise Error("tensor %s: unsupported type %d" % (name, ttype))
        return x.astype(np.float64).reshape(list(reversed(dims)))

    def get(self, key):
        """Metadata value `key`; an error when absent."""
        if key not in self.meta:
            raise Error("missing metadata key %s" % key)
        return self.meta[key]


# ---------------------------------------------------------------- model

def rmsnorm(x, w, eps):
    """x / sqrt(mean(x^2) + eps) * w."""
    return x / math.sqrt(float(np.mean(x * x)) + eps) * w


def rope(x, pos, base):
    """Rotates each row of x (heads x hd) on adjacent pairs (x[2i],
    x[2i+1]) by pos * base^(-2i/hd)."""
    hd = x.shape[1]
    theta = pos * base ** (-np.arange(0, hd, 2) / hd)
    c, s = np.cos(theta), np.sin(theta)
    a, b = x[:, 0::2], x[:, 1::2]
    out = np.empty_like(x)
    out[:, 0::2] = a * c - b * s
    out[:, 1::2] = a * s + b * c
    return out


def quantize_q8(x):
    """x (a vector of a multiple of 32 values) rounded as nlc's and
    llama.cpp's decode step rounds activations for Q8_0 matrices (quant_x in
    stdlib/llama.nl), in f32: per block of 32, d = max|x| * f32(1 / 127),
    q = round(x * (1 / d)) (halves away from zero; 0 where d is 0); the
    result is q * d."""
    b = x.astype(np.float32).reshape(-1, 32)
    d = np.max(np.abs(b), axis=1) * np.float32(1.0 / 127.0)
    inv = np.where(d == 0, np.float32(0), np.float32(1) / np.where(d == 0, 1, d))
    t = (b * inv[:, None]).astype(np.float32)
    q = np.sign(t) * np.floor(np.abs(t) + np.float32(0.5))
    return (q.astype(np.float64) * d[:, None].astype(np.float64)).reshape(-1)


class Model:
    """A Llama model from a GGUF file, in float64, with a KV cache. With
    `q8_from`, the positions from it on (nlc's decode steps) multiply Q8_0
    matrices whose rows hold a multiple of 256 values by their input
    rounded to Q8_0 blocks (quantize_q8), as nlc's decode step does."""

    def __init__(self, f, q8_from=None):
        g = f.get
        self.dim = g("llama.embedding_length")
        self.layers = g("llama.block_count")
        self.heads = g("llama.attention.head_count")
        self.kv = g("llama.attention.head_count_kv")
        self.hd = self.dim // self.heads
        self.ctx = g("llama.context_length")
        self.base = g("llama.rope.freq_base")
        self.eps = g("llama.attention.layer_norm_rms_epsilon")
        self.embd = f.tensor("token_embd.weight")
        self.out = f.tensor("output.weight") if "output.weight" in \
            f.tensors else self.embd
        self.out_norm = f.tensor("output_norm.weight")
        names = ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                 "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"]
        self.blk = [{n: f.tensor("blk.%d.%s.weight" % (i, n)) for n in names}
                    for i in range(self.layers)]

        def q8(name):
            dims, ttype, _ = f.tensors[name]
            return ttype == gw.GGML_Q8_0 and dims[0] % 256 == 0
        self.q8_from = q8_from
        self.blk_q8 = [{n: q8("blk.%d.%s.weight" % (i, n)) for n in names}
                       for i in range(self.layers)]
        self.out_q8 = q8("output.weight" if "output.weight" in f.tensors
                         else "token_embd.weight")
        self.cache = [([], []) for _ in range(self.layers)]

    def forward(self, token, pos):
        """The logits after `token` at position `pos` (the positions before
        it must have been run, in order)."""
        if not 0 <= token < self.embd.shape[0]:
            raise Error("token %d out of range" % token)
        if pos >= self.ctx:
            raise Error("position %d past the context length %d" %
                        (pos, self.ctx))
        x = self.embd[token].copy()
        group = self.heads // self.kv
        decode = self.q8_from is not None and pos >= self.q8_from

        for b, bq8, (keys, values) in zip(self.blk, self.blk_q8, self.cache):
            def mv(name, v):
                return b[name] @ (quantize_q8(v) if decode and bq8[name]
                                  else v)
            h = rmsnorm(x, b["attn_norm"], self.eps)
            q = rope(mv("attn_q", h).reshape(self.heads, self.hd), pos,
                     self.base)
            k = rope(mv("attn_k", h).reshape(self.kv, self.hd), pos,
                     self.base)
            v = mv("attn_v", h).reshape(self.kv, self.hd)
            del keys[pos:], values[pos:]
            keys.append(k)
            values.append(v)
            K, V = np.stack(keys), np.stack(values)  # [pos+1, kv, hd]
            out = np.empty((self.heads, self.hd))
            for head in range(self.heads):
                scores = K[:, head // group] @ q[head] / math.sqrt(self.hd)
                p = np.exp(scores - scores.max())
                p /= p.sum()
                out[head] = p @ V[:, head // group]
            x = x + mv("attn_output", out.reshape(-1))
            h = rmsnorm(x, b["ffn_norm"], self.eps)
            g = mv("ffn_gate", h)
            x = x + mv("ffn_down", g / (1.0 + np.exp(-g)) * mv("ffn_up", h))
        h = rmsnorm(x, self.out_norm, self.eps)
        return self.out @ (quantize_q8(h) if decode and self.out_q8 else h)


def all_logits(model, tokens):
    """The logits at each position of `tokens`."""
    return [model.forward(t, p) for p, t in enumerate(tokens)]


def generate(model, tokens, n):
    """`n` greedy tokens after `tokens` (argmax, the lowest id on a tie)."""
    if not tokens:
        raise Error("the prompt is empty")
    if len(tokens) + n > model.ctx:
        raise Error("%d tokens do not fit the context length %d" %
                    (len(tokens) + n, model.ctx))
    logits = all_logits(model, tokens)[-1]
    new = []
    for i in range(n):
        new.append(int(np.argmax(logits)))
        if i + 1 < n:
            logits = model.forward(new[-1], len(tokens) + i)
    return new


# ---------------------------------------------------------------- tokenizer

class Vocab:
    """The tokenizer of a GGUF file (`tokenizer.ggml.model` = llama)."""

    def __init__(self, f):
        model = f.get("tokenizer.ggml.model")
        if model != "llama":
            raise Error('unsupported tokenizer model "%s"' % model)
        self.tokens = f.get("tokenizer.ggml.tokens")
        self.scores = f.get("tokenizer.ggml.scores")
        self.types = f.get("tokenizer.ggml.token_type")
        if not len(self.tokens) == len(self.scores) == len(self.types):
            raise Error("tokenizer.ggml.tokens, .scores and .token_type "
                        "differ in length")
        # Absent ids take llama.cpp's defaults for this model.
        self.bos = f.meta.get("tokenizer.ggml.bos_token_id", 1)
        self.unk = f.meta.get("tokenizer.ggml.unknown_token_id", 0)
        self.add_bos = f.meta.get("tokenizer.ggml.add_bos_token", True)
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def encode(self, text, add_bos):
        """The ids of `text`, SentencePiece BPE as the module doc says."""
        ids = [self.bos] if add_bos else []
        if not text:
            return ids
        symbols = list(SPACE + text.replace(" ", SPACE))
        while True:
            best, best_score = -1, None
            for i in range(len(symbols) - 1):
                t = self.ids.get(symbols[i] + symbols[i + 1])
                if t is not None and (best < 0 or self.scores[t] > best_score):
                    best, best_score = i, self.scores[t]
            if best < 0:
                break
            symbols[best:best + 2] = [symbols[best] + symbols[best + 1]]
        for s in symbols:
            if s in self.ids:
                ids.append(self.ids[s])
            else:
                ids += [self.ids.get("<0x%02X>" % b, self.unk)
                        for b in s.encode("utf-8")]
        return ids

    def piece(self, t):
        """The bytes token `t` stands for in a text."""
        if self.types[t] == BYTE:
            return bytes([int(self.tokens[t][3:5], 16)])
        if self.types[t] == CONTROL:
            return b""
        if self.types[t] == UNKNOWN:
            return "\u2585".encode("utf-8")
        return self.tokens[t].replace(SPACE, " ").encode("utf-8")

    def decode(self, ids):
        """The text of `ids` as bytes, without its one leading space."""
        out = b"".join(self.piece(t) for t in ids)
        return out[1:] if out.startswith(b" ") else out


# ---------------------------------------------------------------- compare

def read_logits(path):
    """A `logits` output as a list of float arrays, one per position."""
    positions = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line.startswith("pos "):
                if int(line[4:]) != len(positions):
                    raise Error("%s:%d: expected pos %d" %
                                (path, n, len(positions)))
                positions.append([])
            elif line:
                if not positions:
                    raise Error("%s:%d: a value before `pos 0`" % (path, n))
                try:
                    positions[-1].append(float(line))
                except ValueError:
                    raise Error("%s:%d: not a number: %r" % (path, n, line))
    return [np.array(p) for p in positions]


def compare(expected_path, actual_path, tol):
    """Compares two logits files; prints the verdict, returns success."""
    exp, act = read_logits(expected_path), read_logits(actual_path)
    if len(exp) != len(act):
        print("expected %d positions, found %d" % (len(exp), len(act)))
        return False
    worst, bad = 0.0, 0
    for p, (e, a) in enumerate(zip(exp, act)):
        if len(e) != len(a):
            print("pos %d: expected %d values, found %d" % (p, len(e), len(a)))
            return False
        scale = max(1.0, float(np.max(np.abs(e))) if len(e) else 1.0)
        err = np.abs(a - e)
        err[np.isnan(a) | np.isnan(e)] = np.inf
        worst = max(worst, float(err.max() / scale) if len(e) else 0.0)
        for i in np.nonzero(~(err <= tol * scale))[0]:
            if bad < 10:
                print("pos %d, logit %d: expected %r, found %r (error %.3g, "
                      "allowed %.3g)" % (p, i, e[i], a[i], err[i],
                                         tol * scale))
            bad += 1
    print("compared %d positions, %d values: max error %.3g (relative to "
          "max(1, max |expected|)), tolerance %g" %
          (len(exp), sum(len(e) for e in exp), worst, tol))
    print("ok" if not bad else "%d values differ" % bad)
    return bad == 0


# ---------------------------------------------------------------- main

def token_list(s):
    """Ids from `1,5,9` or `1 5 9`, or from the file named after an `@`."""
    if s.startswith("@"):
        with open(s[1:]) as f:
            s = f.read()
    try:
        return [int(t) for t in s.replace(",", " ").split()]
    except ValueError:
        raise Error("bad token list %r" % s)


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors exit with status 1, like the others."""

    def error(self, message):
        self.print_usage(sys.stderr)
        raise Error(message)


def main(argv):
    ap = Parser(
        description="Llama GGUF test models and their numpy reference "
        "(see the module docstring).")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--type", choices=sorted(TYPES), default="f32")
    for name, default in [("dim", 64), ("layers", 2), ("heads", 4),
                          ("kv-heads", 2), ("ffn", 160), ("ctx", 128),
                          ("vocab", 512)]:
        m.add_argument("--" + name, type=int, default=default)
    m.add_argument("--tied", action="store_true")
    m.add_argument("--tokenizer-model", default="llama")
    m.add_argument("--text")
    lg = sub.add_parser("logits")
    lg.add_argument("model")
    lg.add_argument("--tokens", required=True)
    lg.add_argument("--q8-from", type=int)
    gen = sub.add_parser("generate")
    gen.add_argument("model")
    gen.add_argument("--tokens", required=True)
    gen.add_argument("-n", type=int, required=True)
    gen.add_argument("--q8-decode", action="store_true")
    c = sub.add_parser("compare")
    c.add_argument("expected")
    c.add_argument("actual")
    c.add_argument("--tol", type=float, required=True)
    tk = sub.add_parser("tokenize")
    tk.add_argument("model")
    tk.add_argument("text", nargs="?")
    tk.add_argument("--file", action="append")
    tk.add_argument("--no-bos", action="store_true")
    am = sub.add_parser("argmax")
    am.add_argument("logits")
    am.add_argument("--from", dest="first", type=int, default=0)
    am.add_argument("--count", type=int)
    dt = sub.add_parser("detokenize")
    dt.add_argument("model")
    dt.add_argument("ids")
    args = ap.parse_args(argv[1:])

    if args.cmd == "make":
        print(make_model(args))
    elif args.cmd == "logits":
        model = Model(GGUF(args.model), args.q8_from)
        lines = []
        for p, row in enumerate(all_logits(model, token_list(args.tokens))):
            lines.append("pos %d" % p)
            lines += [repr(float(v)) for v in row]
        sys.stdout.write("\n".join(lines) + "\n")
    elif args.cmd == "generate":
        tokens = token_list(args.tokens)
        model = Model(GGUF(args.model),
                      len(tokens) if args.q8_decode else None)
        new = generate(model, tokens, args.n)
        print(" ".join(map(str, new)))
    elif args.cmd == "argmax":
        rows = read_logits(args.logits)[args.first:]
        if args.count is not None:
            if args.count > len(rows):
                raise Error("only %d positions from %d" % (len(rows),
                                                           args.first))
            rows = rows[:args.count]
        print(" ".join(str(int(np.argmax(r))) for r in rows))
    elif args.cmd == "compare":
        return 0 if compare(args.expected, args.actual, args.tol) else 1
    elif args.cmd == "tokenize":
        if (args.text is None) == (args.file is None):
            raise Error("tokenize takes a TEXT or --file, one of them")
        texts = [args.text]
        if args.file is not None:
            texts = []
            for name in args.file:
                with open(name, encoding="utf-8") as f:
                    texts.append(f.read())
        vocab = Vocab(GGUF(args.model))
        add_bos = vocab.add_bos and not args.no_bos
        for text in texts:
            print(" ".join(map(str, vocab.encode(text, add_bos))))
    elif args.cmd == "detokenize":
        vocab = Vocab(GGUF(args.model))
        lines = [args.ids]
        if args.ids.startswith("@"):
            with open(args.ids[1:]) as f:
                lines = f.read().splitlines()
        out = b""
        for line in lines:
            ids = token_list(line)
            for t in ids:
                if not 0 <= t < len(vocab.tokens):
                    raise Error("token %d out of range" % t)
            out += vocab.decode(ids) + b"\n"
        sys.stdout.flush()
        sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (Error, OSError, UnicodeDecodeError) as e:
        sys.stderr.write("error: %s\n" % e)
        sys.exit(1)
