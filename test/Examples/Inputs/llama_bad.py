#!/usr/bin/env python3
"""Writes small Llama GGUF files that are well-formed GGUF but wrong as
Llama models, one per case, for test/Examples/llama-errors.test:

  llama_bad.py OUTDIR

Each file is a tiny model (dim 64, 2 layers, 4/2 heads, ffn 96, vocab 40,
F32 weights) with one thing wrong, named after it: a missing tensor, a
tensor of the wrong shape, a missing metadata key, another architecture,
heads that do not divide dim, kv heads that do not divide heads, and an
unsupported head dimension. Uses scripts/gguf_writer.py's Writer.
"""
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "scripts"))
import gguf_writer as gw  # noqa: E402


def model(path, dim=64, heads=4, kv=2, arch="llama", drop_key=None,
          drop_tensor=None, reshape=None):
    """A random tiny model, with the changes the arguments ask for."""
    rng = np.random.default_rng(1)
    layers, ffn, vocab = 2, 96, 40
    hd = dim // heads
    w = gw.Writer(alignment=32)
    w.add("general.architecture", gw.STRING, arch)
    for key, value in [("context_length", 32), ("embedding_length", dim),
                       ("block_count", layers), ("feed_forward_length", ffn),
                       ("attention.head_count", heads),
                       ("attention.head_count_kv", kv),
                       ("rope.dimension_count", hd), ("vocab_size", vocab)]:
        if "llama." + key != drop_key:
            w.add("llama." + key, gw.U32, value)
    w.add("llama.rope.freq_base", gw.F32, 10000.0)
    w.add("llama.attention.layer_norm_rms_epsilon", gw.F32, 1e-5)

    def tensor(name, *shape):
        if name == drop_tensor:
            return
        if name == reshape:
            shape = (shape[0] + 1,) + shape[1:]
        w.add_tensor(name, rng.standard_normal(shape).astype(np.float32),
                     gw.GGML_F32)

    tensor("token_embd.weight", vocab, dim)
    for i in range(layers):
        b = "blk.%d." % i
        tensor(b + "attn_norm.weight", dim)
        tensor(b + "attn_q.weight", heads * hd, dim)
        tensor(b + "attn_k.weight", kv * hd, dim)
        tensor(b + "attn_v.weight", kv * hd, dim)
        tensor(b + "attn_output.weight", dim, heads * hd)
        tensor(b + "ffn_norm.weight", dim)
        tensor(b + "ffn_gate.weight", ffn, dim)
        tensor(b + "ffn_up.weight", ffn, dim)
        tensor(b + "ffn_down.weight", dim, ffn)
    tensor("output_norm.weight", dim)
    tensor("output.weight", vocab, dim)
    w.write(path)


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    p = lambda name: os.path.join(outdir, name + ".gguf")  # noqa: E731
    model(p("good"))
    model(p("missing-tensor"), drop_tensor="blk.1.ffn_down.weight")
    model(p("wrong-shape"), reshape="blk.0.attn_k.weight")
    model(p("missing-key"), drop_key="llama.block_count")
    model(p("not-llama"), arch="gpt2")
    model(p("heads-dim"), heads=5, kv=5)
    model(p("kv-heads"), heads=4, kv=3)
    model(p("head-dim"), dim=96, heads=4, kv=2)


if __name__ == "__main__":
    main(sys.argv[1])
