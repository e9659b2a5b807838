#!/usr/bin/python3
"""Converts the IS-Net ("isnet-general-use", DIS, Qin et al. 2022) ONNX model
from the npm package @imgly/background-removal-data into BoxAnim's
safetensors layout (F16), with the tensor names of core/model/isnet.cpp.

The ONNX graph was exported from PyTorch with BatchNorm folded into the
convolutions, so every Conv node carries a weight and a bias and its node name
is the module path, e.g. "/stage1/rebnconvin/conv_s1/Conv" ->
"stage1.rebnconvin.conv_s1.weight" / ".bias". The script checks the graph has
the layout the C++ port expects (119 convolutions, their strides and
dilations) and refuses anything else.

Needs Debian's python3-onnx and python3-numpy only. The output is
byte-for-byte deterministic (sorted names, fixed metadata), so its sha256 is
recorded in models/manifest.json and checked by scripts/install-deps.sh.

usage: convert_isnet.py MODEL.onnx OUT.safetensors
"""
import json
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# Stride/dilation of every convolution by module path, derived from the
# architecture (RSU-7/6/5/4 encoders-decoders with one dilated bottom conv,
# RSU-4F with dilations 1,2,4,8,4,2,1): anything else is a different network.
RSU_DEPTH = {"stage1": 7, "stage2": 6, "stage3": 5, "stage4": 4, "stage5": 0, "stage6": 0,
             "stage5d": 0, "stage4d": 4, "stage3d": 5, "stage2d": 6, "stage1d": 7}
RSU4F_DILATION = {"rebnconvin": 1, "rebnconv1": 1, "rebnconv2": 2, "rebnconv3": 4,
                  "rebnconv4": 8, "rebnconv3d": 4, "rebnconv2d": 2, "rebnconv1d": 1}


def expected_dilation(path):
    parts = path.split(".")
    if parts[0] in ("conv_in",) or parts[0].startswith("side"):
        return 1
    stage, block = parts[0], parts[1]
    depth = RSU_DEPTH[stage]
    if depth == 0:
        return RSU4F_DILATION[block]
    return 2 if block == "rebnconv%d" % depth else 1


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    src, dst = sys.argv[1], sys.argv[2]
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    tensors = {}
    for node in graph.node:
        if node.op_type != "Conv":
            continue
        if not node.name.startswith("/") or not node.name.endswith("/Conv"):
            sys.exit("%s: unexpected Conv node name '%s'" % (src, node.name))
        path = node.name[1:-len("/Conv")].replace("/", ".")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        stride = 2 if path == "conv_in" else 1
        dil = expected_dilation(path)
        if list(attrs.get("strides", [1, 1])) != [stride, stride] or \
                list(attrs.get("dilations", [1, 1])) != [dil, dil] or \
                list(attrs.get("pads", [0] * 4)) != [dil] * 4:
            sys.exit("%s: %s has strides %s dilations %s pads %s, expected %d/%d/%d" % (
                src, path, attrs.get("strides"), attrs.get("dilations"), attrs.get("pads"),
                stride, dil, dil))
        if len(node.input) != 3:
            sys.exit("%s: %s has no bias (BatchNorm not folded?)" % (src, path))
        for suffix, name in (("weight", node.input[1]), ("bias", node.input[2])):
            if name not in inits:
                sys.exit("%s: %s.%s is not an initializer" % (src, path, suffix))
            arr = numpy_helper.to_array(inits[name]).astype(np.float16)
            if not np.all(np.isfinite(arr)):
                sys.exit("%s: %s.%s has non-finite values" % (src, path, suffix))
            tensors[path + "." + suffix] = arr
    if len(tensors) != 2 * 119:
        sys.exit("%s: found %d conv tensors, expected 238 (119 convolutions)" % (src, len(tensors)))

    metadata = {
        "architecture": "isnet-dis",
        "source": "npm @imgly/background-removal-data@1.4.5 /models/medium (ONNX, BatchNorm folded)",
        "weights_license": "MIT (github.com/xuebinqin/DIS)",
        "converted_by": "scripts/convert_isnet.py",
    }
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name]).astype("<f2")
        data = arr.tobytes()
        header[name] = {"dtype": "F16", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - (len(h) + 8) % 8) % 8)  # align the data area to 8 bytes
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, dst)
    params = sum(int(np.prod(a.shape)) for a in tensors.values())
    print("convert_isnet: wrote %s (%d tensors, %d parameters)" % (dst, len(tensors), params))


if __name__ == "__main__":
    main()
