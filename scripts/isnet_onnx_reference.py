#!/usr/bin/python3
"""Runs the IS-Net ONNX graph node by node with PyTorch ops (Debian has no
onnxruntime), as an independent reference for the C++ port in
core/model/isnet.cpp: it executes the exported graph itself, not a second
port of the architecture. Computes in float32 (the fp16 initializers are
widened, Cast nodes become identities).

usage: isnet_onnx_reference.py MODEL.onnx IMAGE SIZE OUT_PREFIX
  IMAGE is resized to SIZE x SIZE (PIL bilinear) and saved as
  OUT_PREFIX-input.png, so the C++ side reads exactly the same pixels;
  normalised as value/255 - 0.5. The probability map is written as
  OUT_PREFIX-output.png (16-bit grey, value * 65535) and OUT_PREFIX-output.f32
  (little-endian float32).
"""
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs_of(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def run(model, x):
    g = model.graph
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).astype(np.float32))
           for i in g.initializer}
    env[g.input[0].name] = x
    # The exported node list is not in topological order (the fp16 input Cast
    # comes late): run each node once its inputs exist.
    pending = list(g.node)
    order = []
    known = set(env)
    while pending:
        ready = [n for n in pending if all((not i) or i in known for i in n.input)]
        if not ready:
            raise SystemExit("graph has unresolvable inputs")
        for n in ready:
            order.append(n)
            known.update(n.output)
        pending = [n for n in pending if n not in ready]
    for n in order:
        a = attrs_of(n)
        ins = [env[i] if i else None for i in n.input]
        op = n.op_type
        if op == "Constant":
            out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op == "Cast":
            out = ins[0] if ins[0].is_floating_point() else ins[0]
            if a["to"] in (1, 10):  # float / float16: compute in float32
                out = out.float()
        elif op == "Conv":
            pads = a.get("pads", [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3]
            out = F.conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                           stride=a.get("strides", [1, 1]), padding=pads[:2],
                           dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
        elif op == "Relu":
            out = torch.relu(ins[0])
        elif op == "Sigmoid":
            out = torch.sigmoid(ins[0])
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "MaxPool":
            assert a.get("pads", [0, 0, 0, 0]) == [0, 0, 0, 0]
            out = F.max_pool2d(ins[0], a["kernel_shape"], a["strides"],
                               ceil_mode=bool(a.get("ceil_mode", 0)))
        elif op == "Concat":
            out = torch.cat(ins, dim=a["axis"])
        elif op == "Shape":
            out = torch.tensor(list(ins[0].shape), dtype=torch.int64)
        elif op == "Slice":
            data, starts, ends = ins[0], ins[1], ins[2]
            axes = ins[3] if len(ins) > 3 and ins[3] is not None else torch.arange(len(starts))
            assert len(ins) <= 4 or ins[4] is None or bool(torch.all(ins[4] == 1))
            out = data
            for s, e, ax in zip(starts.tolist(), ends.tolist(), axes.tolist()):
                n_ = out.shape[ax]
                e = min(e, n_)
                idx = [slice(None)] * out.dim()
                idx[ax] = slice(s, e)
                out = out[tuple(idx)]
        elif op == "Resize":
            assert a.get("mode") == b"linear" and a.get("coordinate_transformation_mode") == b"half_pixel"
            sizes = ins[3].tolist()
            # The export baked the 1024² sizes into the graph; for another
            # input side S (a multiple of 64, so every level halves exactly)
            # the same graph scales them by S/1024.
            sizes = [sizes[0], sizes[1]] + [int(round(v * x.shape[-1] / 1024.0)) for v in sizes[2:]]
            out = F.interpolate(ins[0], size=sizes[2:], mode="bilinear", align_corners=False)
        else:
            raise SystemExit("unsupported op " + op)
        env[n.output[0]] = out
    return env[g.output[0].name]


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__.strip().splitlines()[-6])
    onnx_path, image_path, size, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    from PIL import Image
    img = Image.open(image_path).convert("RGB")
    if img.size != (size, size):
        img = img.resize((size, size), Image.BILINEAR)
    img.save(prefix + "-input.png")
    rgb = np.asarray(img)
    x = torch.from_numpy(rgb.astype(np.float32) / 255.0 - 0.5).permute(2, 0, 1)[None].contiguous()
    with torch.no_grad():
        y = run(onnx.load(onnx_path), x)[0, 0].numpy()
    y.astype("<f4").tofile(prefix + "-output.f32")
    Image.fromarray(np.round(np.clip(y, 0, 1) * 65535).astype(np.uint16)).save(prefix + "-output.png")
    print("reference: %s -> %s-output.png (%dx%d, mean %.4f)" % (image_path, prefix, size, size, float(y.mean())))


if __name__ == "__main__":
    main()
