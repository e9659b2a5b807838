#!/usr/bin/env python3
"""PyTorch eager port of the BoxFlow network and Euler sampler (core/model/).

The path a user would otherwise take: the same network in Python on the same
shipped weights. Two uses:

  --check IO_FILE   reproduce a dump of `boxanim-train --dump-io` (inputs and
                    the C++ outputs) and fail when the outputs differ;
  --bench           time one forward and an N-step sample here and, with
                    --cpp-bin, the C++ sampler on the same weights, inputs and
                    shapes in the same run, and report the ratio and the
                    fraction of the GPU's peak.

Needs only torch (1.13 or 2.x); weights are read by hand from safetensors.
"""
import argparse
import hashlib
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = Path(__file__).resolve().parent.parent
TARGET_CHANNELS, LAYERS, COND_CHANNELS, MAX_OBJECTS, FRAME_POS_FEATURES = 7, 5, 15, 4, 16

# ---------------------------------------------------------------- config (config.cpp)

PRESETS = {
    "full": {},
    "s": dict(channels=[32, 64, 96], res_blocks=1, head_dim=64, token_dim=128, embed_dim=32),
    "tiny": dict(channels=[8, 16, 24], res_blocks=1, head_dim=8, token_dim=16, embed_dim=8),
}
DEFAULTS = dict(architecture="boxflow-unet-v1", channels=[64, 128, 192], res_blocks=2, head_dim=64,
                fourier_freqs=8, token_dim=256, embed_dim=64, max_objects=MAX_OBJECTS,
                spatial_attn_levels=[2], temporal_attn_levels=[1, 2], box_attn_levels=[1, 2],
                mid_block=True, flow_scale=1.0)


def config_from_json(j):
    c = dict(DEFAULTS)
    if "preset" in j:
        c.update(PRESETS[j["preset"]])
    c.update({k: v for k, v in j.items() if k in DEFAULTS})
    if c["architecture"] != "boxflow-unet-v1":
        raise ValueError(f"unknown architecture {c['architecture']!r}")
    return c


# ---------------------------------------------------------------- safetensors

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    """Returns ({name: float32 tensor}, metadata). The layout: u64 LE header
    length, JSON header, raw little-endian data (this host must be LE too)."""
    assert sys.byteorder == "little", "big-endian hosts are not supported"
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise ValueError(f"{path}: truncated, no header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(data[8:8 + n])
    body = memoryview(data)[8 + n:]
    meta = header.pop("__metadata__", {}) or {}
    out = {}
    for name, e in header.items():
        if e["dtype"] not in DTYPES:
            raise ValueError(f"{path}: tensor '{name}': unsupported dtype {e['dtype']}")
        dt, shape = DTYPES[e["dtype"]], e["shape"]
        b, end = e["data_offsets"]
        numel = math.prod(shape)
        if end - b != numel * (4 if dt == torch.float32 else 2) or end > len(body):
            raise ValueError(f"{path}: tensor '{name}': data_offsets [{b}, {end}) do not fit "
                             f"shape {shape} {e['dtype']}")
        t = torch.frombuffer(bytearray(body[b:end]), dtype=dt) if numel else torch.empty(0, dtype=dt)
        out[name] = t.reshape(shape).to(torch.float32)
    return out, meta


def load_state(model, tensors, path):
    """Strict, by the names LibTorch's named_parameters() gives (namedState in
    safetensors.cpp); the Python modules below use the same registered names."""
    want = model.state_dict()
    for name, p in want.items():
        if name not in tensors:
            raise ValueError(f"{path}: tensor '{name}': missing (the model expects shape {list(p.shape)})")
        if tuple(tensors[name].shape) != tuple(p.shape):
            raise ValueError(f"{path}: tensor '{name}': has shape {list(tensors[name].shape)} "
                             f"but the model expects {list(p.shape)}")
    for name in tensors:
        if name not in want:
            raise ValueError(f"{path}: tensor '{name}': unexpected: the model has no tensor of that name "
                             "(architecture mismatch?)")
    model.load_state_dict({k: tensors[k] for k in want}, strict=True)


def load_model(models_dir, name):
    """manifest.json entry -> verified weights -> BoxFlowNet in eval mode (loader.cpp)."""
    manifest_path = Path(models_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = next((m for m in manifest["models"] if m["name"] == name), None)
    if entry is None:
        known = ", ".join(m["name"] for m in manifest["models"])
        raise ValueError(f"{manifest_path}: no model named '{name}' (available: {known})")
    wpath = Path(models_dir) / entry["file"]
    digest = hashlib.sha256(wpath.read_bytes()).hexdigest()
    if digest != entry["sha256"]:
        raise ValueError(f"{wpath}: sha256 mismatch (manifest says {entry['sha256']}, file has {digest})")
    cfg = config_from_json(entry["config"])
    net = BoxFlowNet(cfg)
    tensors, _ = read_safetensors(wpath)
    load_state(net, tensors, wpath)
    n = sum(p.numel() for p in net.parameters())
    if entry.get("parameters", 0) not in (0, n):
        raise ValueError(f"{wpath}: manifest says {entry['parameters']} parameters, the architecture has {n}")
    return net.eval()


# ---------------------------------------------------------------- network (network.cpp)

# Optional analytic FLOP count (multiply-add = 2 FLOPs, matmuls and convolutions
# only, the convention of torch.utils.flop_counter) for torch versions without it.
FLOPS = {"on": False, "n": 0}


def groups_for(c):
    return next((g for g in (32, 16, 8, 4, 2) if c % g == 0 and c // g >= 2), 1)


def group_norm(c):
    return nn.GroupNorm(groups_for(c), c)


def heads_for(c, head_dim):
    return max(1, c // head_dim)


def attention(q, k, v, heads):
    # matmul + softmax, exactly as the C++ (no SDPA in libtorch 1.13)
    n, lq, c = q.shape
    lk, d = k.shape[1], c // heads
    qh = q.reshape(n, lq, heads, d).transpose(1, 2)
    kh = k.reshape(n, lk, heads, d).transpose(1, 2)
    vh = v.reshape(n, lk, heads, d).transpose(1, 2)
    w = torch.softmax(torch.matmul(qh, kh.transpose(-2, -1)) * (1.0 / math.sqrt(d)), -1)
    if FLOPS["on"]:
        FLOPS["n"] += 2 * 2 * n * lq * lk * c
    return torch.matmul(w, vh).transpose(1, 2).reshape(n, lq, c)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = (t.float() * 1000.0).unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([torch.cos(args), torch.sin(args)], 1)


def fourier_features(boxes, freqs):
    scale = torch.pow(2.0, torch.arange(freqs, dtype=torch.float32, device=boxes.device)) * math.pi
    args = boxes.float().unsqueeze(-1) * scale
    return torch.cat([torch.sin(args), torch.cos(args)], -1).flatten(-2)


def frame_position_features(frames, device):
    p = (torch.arange(frames, dtype=torch.float32, device=device) / (frames - 1) if frames > 1
         else torch.zeros(1, device=device))
    scale = torch.pow(2.0, torch.arange(FRAME_POS_FEATURES // 2, dtype=torch.float32, device=device)) * math.pi
    args = p.unsqueeze(1) * scale.unsqueeze(0)
    return torch.cat([torch.sin(args), torch.cos(args)], 1)


class BoxTokenEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.freqs = cfg["fourier_freqs"]
        self.slot = nn.Embedding(cfg["max_objects"], cfg["embed_dim"])
        self.kind = nn.Embedding(3, cfg["embed_dim"])
        self.fc1 = nn.Linear(8 * cfg["fourier_freqs"] + 2 * cfg["embed_dim"], cfg["token_dim"])
        self.fc2 = nn.Linear(cfg["token_dim"], cfg["token_dim"])

    def forward(self, boxes, kinds):
        m = boxes.shape[-2]
        ff = fourier_features(boxes, self.freqs)
        se = self.slot(torch.arange(m, device=kinds.device)).view(1, 1, m, -1).expand(ff.shape[0], ff.shape[1], m, -1)
        h = torch.cat([ff, se, self.kind(kinds.long())], -1)
        return self.fc2(F.silu(self.fc1(h)))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb_dim):
        super().__init__()
        self.norm1 = group_norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(temb_dim, cout)
        self.norm2 = group_norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(temb)).unsqueeze(-1).unsqueeze(-1)
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class TemporalConv(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = group_norm(c)
        self.conv = nn.Conv2d(c, c, (3, 1), padding=(1, 0))  # over [B, C, T, H*W]

    def forward(self, x, batch, frames):
        _, c, h, w = x.shape
        y = F.silu(self.norm(x)).view(batch, frames, c, h * w).permute(0, 2, 1, 3)
        y = self.conv(y).permute(0, 2, 1, 3).reshape(batch * frames, c, h, w)
        return x + y


class SpatialAttn(nn.Module):
    def __init__(self, c, head_dim):
        super().__init__()
        self.heads = heads_for(c, head_dim)
        self.norm = group_norm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x).flatten(2).transpose(1, 2)).chunk(3, -1)
        a = self.proj(attention(q, k, v, self.heads))
        return x + a.transpose(1, 2).reshape(n, c, h, w)


class TemporalAttn(nn.Module):
    def __init__(self, c, head_dim):
        super().__init__()
        self.heads = heads_for(c, head_dim)
        self.norm = nn.LayerNorm(c)
        self.pos = nn.Linear(FRAME_POS_FEATURES, c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)

    def forward(self, x, ctx):
        b, t = ctx["batch"], ctx["frames"]
        _, c, h, w = x.shape
        y = x.view(b, t, c, h * w).permute(0, 3, 1, 2).reshape(b * h * w, t, c)
        q, k, v = self.qkv(self.norm(y) + self.pos(ctx["frame_pos"]).unsqueeze(0)).chunk(3, -1)
        a = self.proj(attention(q, k, v, self.heads))
        return x + a.view(b, h * w, t, c).permute(0, 2, 3, 1).reshape(b * t, c, h, w)


class GatedBoxAttn(nn.Module):
    def __init__(self, c, token_dim, head_dim):
        super().__init__()
        self.heads = heads_for(c, head_dim)
        self.token_proj = nn.Linear(token_dim, c)
        self.norm = nn.LayerNorm(c)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.gate = nn.Parameter(torch.zeros(1))

    def forward(self, x, tokens):
        n, c, h, w = x.shape
        seq = x.flatten(2).transpose(1, 2)
        if tokens is not None:
            seq = torch.cat([seq, self.token_proj(tokens)], 1)
        q, k, v = self.qkv(self.norm(seq)).chunk(3, -1)
        a = self.proj(attention(q[:, :h * w], k, v, self.heads))  # visual queries only
        return x + torch.tanh(self.gate) * a.transpose(1, 2).reshape(n, c, h, w)


class STBlock(nn.Module):
    def __init__(self, cin, cout, cfg, spatial, temporal, box):
        super().__init__()
        self.res = ResBlock(cin, cout, 4 * cfg["channels"][0])
        self.tconv = TemporalConv(cout)
        self.sattn = SpatialAttn(cout, cfg["head_dim"]) if spatial else None
        self.tattn = TemporalAttn(cout, cfg["head_dim"]) if temporal else None
        self.battn = GatedBoxAttn(cout, cfg["token_dim"], cfg["head_dim"]) if box else None

    def forward(self, x, ctx):
        x = self.tconv(self.res(x, ctx["temb"]), ctx["batch"], ctx["frames"])
        if self.sattn is not None:
            x = self.sattn(x)
        if self.tattn is not None:
            x = self.tattn(x, ctx)
        if self.battn is not None:
            x = self.battn(x, ctx["tokens"])
        return x


class BoxFlowNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        chans, L, rb = cfg["channels"], len(cfg["channels"]), cfg["res_blocks"]
        c0, temb = chans[0], 4 * chans[0]
        self.tokens = BoxTokenEncoder(cfg)
        self.time1 = nn.Linear(c0, temb)
        self.time2 = nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(TARGET_CHANNELS + COND_CHANNELS, c0, 3, padding=1)
        self.down, self.downsample, self.mid = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        self.up, self.upsample = nn.ModuleList(), nn.ModuleList()

        def block(cin, cout, level):
            return STBlock(cin, cout, cfg, level in cfg["spatial_attn_levels"], level in cfg["temporal_attn_levels"],
                           level in cfg["box_attn_levels"])

        ch = c0
        for l in range(L):
            for _ in range(rb):
                self.down.append(block(ch, chans[l], l))
                ch = chans[l]
            if l + 1 < L:
                self.downsample.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
        if cfg["mid_block"]:
            self.mid.append(block(ch, ch, L - 1))
        for l in reversed(range(L)):
            for i in range(rb):
                self.up.append(block(ch + chans[l] if i == 0 else ch, chans[l], l))  # first block takes the skip
                ch = chans[l]
            if l > 0:
                self.upsample.append(nn.Conv2d(ch, ch, 3, padding=1))
        self.norm_out = group_norm(ch)
        self.conv_out = nn.Conv2d(ch, TARGET_CHANNELS, 3, padding=1)

    def forward(self, x, cond, t, boxes, kinds):
        B, T, _, H, W = x.shape
        L, rb = len(self.cfg["channels"]), self.cfg["res_blocks"]
        temb = self.time2(F.silu(self.time1(timestep_embedding(t, self.cfg["channels"][0]))))
        ctx = dict(batch=B, frames=T, temb=temb.repeat_interleave(T, 0),
                   frame_pos=frame_position_features(T, x.device), tokens=None)
        if boxes is not None:
            tok = self.tokens(boxes, kinds)
            ctx["tokens"] = tok.reshape(B * T, tok.shape[2], tok.shape[3])
        h = self.conv_in(torch.cat([x, cond], 2).reshape(B * T, TARGET_CHANNELS + COND_CHANNELS, H, W))
        skips, bi = [], 0
        for l in range(L):
            for _ in range(rb):
                h = self.down[bi](h, ctx)
                bi += 1
            skips.append(h)
            if l + 1 < L:
                h = self.downsample[l](h)
        for b in self.mid:
            h = b(h, ctx)
        bi = ui = 0
        for l in reversed(range(L)):
            for i in range(rb):
                if i == 0:
                    h = torch.cat([h, skips[l]], 1)
                h = self.up[bi](h, ctx)
                bi += 1
            if l > 0:
                h = self.upsample[ui](h.repeat_interleave(2, 2).repeat_interleave(2, 3))
                ui += 1
        h = self.conv_out(F.silu(self.norm_out(h)))
        return h.view(B, T, TARGET_CHANNELS, H, W)


def scale_flow(x, s):
    if s == 1.0:
        return x
    return torch.cat([x.narrow(-3, 0, LAYERS), x.narrow(-3, LAYERS, 2) * s], -3)


def from_model_space(x, cfg):
    return scale_flow(x, 1.0 / cfg["flow_scale"])


# ---------------------------------------------------------------- sampler (sampler.cpp)

def sample_euler(net, noise, cond, boxes, kinds, steps):
    """Euler from t = 1 (noise) to 0; the network predicts v = noise - x0."""
    ts = [1.0 - i / steps for i in range(steps + 1)]
    x = noise
    for i in range(steps):
        v = net(x, cond, torch.full((1,), ts[i], dtype=x.dtype, device=x.device), boxes, kinds)
        _x0 = x - ts[i] * v  # the C++ computes this preview estimate every step: same work
        x = x + (ts[i + 1] - ts[i]) * v
    return from_model_space(x, net.cfg)


# ---------------------------------------------------------------- modes

# F32 compute on both sides from the same (F16-stored) weights: only the order
# of floating-point operations differs (oneDNN/BLAS kernels, reductions), which
# over ~30 layers gives differences around 1e-5 of the output scale. A porting
# mistake (group count, gate, layout, flow scale) changes outputs by 1e-2 or more.
TOLERANCE = 1e-3


def load_io(path, device):
    io, meta = read_safetensors(path)
    io = {k: v.to(device) for k, v in io.items()}
    io["kinds"] = io["kinds"].round().long()
    return io, meta


def check(args):
    io, meta = load_io(args.check, "cpu")
    name = args.name or meta.get("model", "boxflow-s")
    net = load_model(args.models_dir, name)
    if "config" in meta and config_from_json(json.loads(meta["config"])) != net.cfg:
        raise ValueError(f"{args.check}: dumped with config {meta['config']}, but {args.models_dir} has "
                         f"{json.dumps(net.cfg)} for '{name}'")
    steps = int(meta.get("steps", 4))
    worst = 0.0
    with torch.inference_mode():
        outs = {
            "v": net(io["x"], io["cond"], io["t"], io["boxes"], io["kinds"]),
            "v_no_tokens": net(io["x"], io["cond"], io["t"], None, io["kinds"]),
            "sample": sample_euler(net, io["noise"], io["cond"], io["boxes"], io["kinds"], steps),
        }
    for k, out in outs.items():
        ref = io[k]
        diff = (out - ref).abs().max().item()
        rel = diff / max(1.0, ref.abs().max().item())
        worst = max(worst, rel)
        print(f"{k:12s} max |python - c++| = {diff:.3e}  (max |c++| {ref.abs().max().item():.3f}, "
              f"scaled {rel:.3e})")
    ok = worst <= TOLERANCE
    print(f"model {name}, {steps}-step sample, libtorch {meta.get('libtorch', '?')} vs torch {torch.__version__}: "
          f"{'PASS' if ok else 'FAIL'} (tolerance {TOLERANCE:g} of max(1, max |c++|))")
    return 0 if ok else 1


def count_flops(net, inputs):
    """FLOPs of one forward: torch.utils.flop_counter when present (torch 2.1+),
    else the analytic count of conv/linear/attention matmuls."""
    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            FLOPS["n"] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        else:
            FLOPS["n"] += 2 * out.numel() * m.in_features
    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    FLOPS.update(on=True, n=0)
    try:
        with torch.no_grad():
            net(*inputs)
    finally:
        FLOPS["on"] = False
        for h in handles:
            h.remove()
    analytic = FLOPS["n"]
    try:
        from torch.utils.flop_counter import FlopCounterMode
    except ImportError:
        return analytic, analytic, "analytic (torch.utils.flop_counter not in torch " + torch.__version__ + ")"
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        net(*inputs)
    return counter.get_total_flops(), analytic, "torch.utils.flop_counter.FlopCounterMode"


def median_ms(fn, repeats, device):
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    fn()  # warm-up (allocator, cuDNN autotuning)
    sync()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        ms.append(1000.0 * (time.perf_counter() - t0))
    return sorted(ms)[len(ms) // 2]


def bench(args):
    device = torch.device(args.device)
    w, h = (int(v) for v in args.size.split("x"))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device {args.device}: CUDA is not available to torch {torch.__version__} here")
    if device.type == "cuda":
        # as configureRuntime() does for the C++ side: TF32 matmuls/convs, cuDNN autotuning
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    args.name = args.name or "boxflow-s"
    net = load_model(args.models_dir, args.name).to(device)
    m = 2 ** (len(net.cfg["channels"]) - 1)
    if w % m or h % m:
        raise ValueError(f"--size {args.size}: sides must be multiples of {m}")
    common = ["--models-dir", str(args.models_dir), "--frames", str(args.frames), "--size", args.size,
              "--seed", str(args.seed)]
    gpu = f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""
    report = {"device": str(device) + gpu, "frames": args.frames, "width": w, "height": h, "steps": args.steps,
              "repeats": args.repeats, "model": args.name}
    if args.cpp_bin:
        # the exact inputs the C++ timing uses (same builder, same seed)
        with tempfile.TemporaryDirectory() as tmp:
            io_path = os.path.join(tmp, "io.safetensors")
            subprocess.run([args.cpp_bin, "--dump-io", io_path, "--name", args.name, "--steps", "1", *common],
                           check=True, stdout=subprocess.DEVNULL)
            io, _ = load_io(io_path, device)
        inputs_from = "boxanim-train --dump-io (identical to the C++ timing run)"
    else:
        g = torch.Generator().manual_seed(args.seed)
        io = {"x": torch.randn(1, args.frames, TARGET_CHANNELS, h, w, generator=g),
              "cond": torch.rand(1, args.frames, COND_CHANNELS, h, w, generator=g),
              "t": torch.full((1,), 0.7), "boxes": torch.rand(1, args.frames, MAX_OBJECTS, 4, generator=g),
              "kinds": torch.randint(0, 3, (1, args.frames, MAX_OBJECTS), generator=g),
              "noise": torch.randn(1, args.frames, TARGET_CHANNELS, h, w, generator=g)}
        io = {k: v.to(device) for k, v in io.items()}
        inputs_from = "random, same shapes (no --cpp-bin)"
    fwd_in = (io["x"], io["cond"], io["t"], io["boxes"], io["kinds"])
    with torch.inference_mode():
        if "v" in io:  # the C++ forward ran on the CPU in F32; on CUDA TF32 widens the gap
            report["max_abs_diff_vs_cpp_cpu"] = (net(*fwd_in) - io["v"]).abs().max().item()

    def time_python():
        with torch.inference_mode():
            return {"forward_ms": median_ms(lambda: net(*fwd_in), args.repeats, device),
                    "sample_ms": median_ms(lambda: sample_euler(net, io["noise"], io["cond"], io["boxes"],
                                                                io["kinds"], args.steps), args.repeats, device)}

    def time_cpp():
        cmd = [args.cpp_bin, "--time-model", args.name, "--steps", str(args.steps), "--repeats", str(args.repeats),
               "--device", args.device, *common] + (["--threads", str(args.threads)] if args.threads else [])
        return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])

    # Rounds alternate which side goes first, so a drifting background load
    # (a shared machine) does not favour one side; medians over rounds.
    py_runs, cpp_runs = [], []
    for r in range(args.rounds):
        for side in ((0, 1) if r % 2 == 0 else (1, 0)):
            if side == 0:
                py_runs.append(time_python())
            elif args.cpp_bin:
                cpp_runs.append(time_cpp())
    med = lambda runs, k: sorted(x[k] for x in runs)[len(runs) // 2]
    py_fwd, py_smp = med(py_runs, "forward_ms"), med(py_runs, "sample_ms")
    report["python"] = {"impl": "pytorch eager", "torch": torch.__version__, "threads": torch.get_num_threads(),
                        "forward_ms": py_fwd, "sample_ms": py_smp, "rounds": py_runs}
    report["inputs"] = inputs_from
    print(f"inputs: {inputs_from}")
    print(f"python eager (torch {torch.__version__}, {device}): forward {py_fwd:.2f} ms, "
          f"{args.steps}-step sample {py_smp:.2f} ms (median of {args.repeats} runs x {args.rounds} rounds)")
    if args.cpp_bin:
        cpp = dict(cpp_runs[0], forward_ms=med(cpp_runs, "forward_ms"), sample_ms=med(cpp_runs, "sample_ms"),
                   rounds=[{k: c[k] for k in ("forward_ms", "sample_ms")} for c in cpp_runs])
        report["cpp"] = cpp
        report["speedup_forward"] = py_fwd / cpp["forward_ms"]
        report["speedup_sample"] = py_smp / cpp["sample_ms"]
        print(f"c++ libtorch {cpp['libtorch']} ({cpp['device']}, {cpp['threads']} threads): forward "
              f"{cpp['forward_ms']:.2f} ms, {args.steps}-step sample {cpp['sample_ms']:.2f} ms")
        print(f"python / c++ time (> 1: the C++ sampler is faster): forward {report['speedup_forward']:.3f}, "
              f"sample {report['speedup_sample']:.3f}")
    flops, analytic, how = count_flops(net, fwd_in)
    report.update(flops_forward=flops, flops_forward_analytic=analytic, flops_method=how)
    print(f"one forward: {flops / 1e9:.2f} GFLOP ({how}; analytic count {analytic / 1e9:.2f} GFLOP)")
    peak, peak_kind = args.peak_tflops, "given by --peak-tflops"
    if peak is None and device.type == "cuda":
        # both sides compute in F32 with TF32 tensor cores enabled
        peak, peak_kind = 494.0, "H100 SXM dense TF32 (BF16 would be 989, plain FP32 67)"
    report.update(peak_tflops=peak, peak_kind=peak_kind if peak else None)
    for who in ("python", "cpp"):
        if who in report:
            tflops = flops / (report[who]["forward_ms"] / 1000.0) / 1e12
            report[who]["tflops_forward"] = tflops
            msg = f"{who}: {tflops:.4f} TFLOP/s achieved in one forward"
            if peak:
                report[who]["peak_fraction_forward"] = tflops / peak
                msg += f" = {100 * tflops / peak:.3f}% of {peak:g} TFLOP/s ({peak_kind})"
            print(msg)
    print(json.dumps(report))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", metavar="IO_FILE", help="compare with a `boxanim-train --dump-io` file")
    mode.add_argument("--bench", action="store_true", help="time forward and sampler")
    p.add_argument("--models-dir", default=str(REPO / "models"))
    p.add_argument("--name", help="model in the manifest (default: the dump's, else boxflow-s)")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--frames", type=int, default=16)
    p.add_argument("--size", default="64x48", help="WxH")
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--rounds", type=int, default=1, help="alternating python/c++ timing rounds (medians)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="CPU threads for both sides (0: one per core, as the C++)")
    p.add_argument("--cpp-bin", help="boxanim-train, to time the C++ sampler side by side")
    p.add_argument("--peak-tflops", type=float, help="peak for the fraction (default on CUDA: 494, H100 SXM TF32)")
    args = p.parse_args()
    torch.set_num_threads(args.threads or os.cpu_count())  # the C++ uses hardware_concurrency
    try:
        return check(args) if args.check else bench(args)
    except (ValueError, OSError, subprocess.CalledProcessError) as e:
        print(f"python_reference.py: {e}", file=sys.stderr)
        if getattr(e, "stderr", None):
            print(e.stderr, file=sys.stderr, end="")
        return 2


if __name__ == "__main__":
    sys.exit(main())
