"""Writes the file archive a unikernel reads from its boot module, as
runtime/baremetal/files_baremetal.c describes it, independently of nlc:
make_archive.py OUT NAME=PATH...  (the data of each file 4 KiB-aligned)."""
import struct
import sys

out, specs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
names = [name.encode() for name, _ in specs]
datas = [open(path, "rb").read() for _, path in specs]
offset = 16 + 32 * len(specs)
name_offsets = []
for name in names:
    name_offsets.append(offset)
    offset += len(name)
data_offsets = []
for data in datas:
    offset = (offset + 4095) // 4096 * 4096
    data_offsets.append(offset)
    offset += len(data)
blob = bytearray(offset)
blob[0:16] = b"NLFILES1" + struct.pack("<Q", len(specs))
for i, (name, data) in enumerate(zip(names, datas)):
    blob[16 + 32 * i:48 + 32 * i] = struct.pack(
        "<4Q", name_offsets[i], len(name), data_offsets[i], len(data))
    blob[name_offsets[i]:name_offsets[i] + len(name)] = name
    blob[data_offsets[i]:data_offsets[i] + len(data)] = data
open(out, "wb").write(bytes(blob))
