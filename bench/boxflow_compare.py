#!/usr/bin/python3
"""Engines side by side on pasted-object scenes with exact truth (issue 12).

Each scene is a real photo (python3-skimage's data, opencv-doc's samples) with
an object pasted at an exact alpha: a real silhouette or a shape, filled with a
crop of another real photo. The project keys it with hard boxes at the first
and last frame and a motion path (soft boxes) between, so the truth at the last hard
keyframe is the photo with the object pasted at its last box.

For every scene: `cutout` once and `boxflow` with four seeds, rendered as PNG
frames by boxanim-cli, scored by `boxanim-cli eval` (CSRT box IoU on hard
frames, soft containment, identity, distortion, jerk, background change),
object PSNR against the truth at the last hard keyframe, and the spread of the
tracked centres across seeds in soft frames (share of the soft box size).
Prints a Markdown table, writes bench/out/boxflow/summary.json and one
contact sheet per scene (rows: cutout, boxflow seed 1, boxflow seed 2).

    /usr/bin/python3 bench/boxflow_compare.py [--cli build/bin/boxanim-cli] [--steps 4]
                                     [--variety 0.5] [--scenes a,b] [--out DIR]
                                     [--render-cli OTHER_BUILD/bin/boxanim-cli]
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
from skimage import io, transform, color

SK = "/usr/lib/python3/dist-packages/skimage/data"
CV = "/usr/share/doc/opencv-doc/examples/data"
OUT = "bench/out/boxflow"
FRAMES, FPS, LONG = 24, 12, 480
SEEDS = [1, 2, 3, 4]


def load_rgb(path):
    img = io.imread(path)
    if img.ndim == 2:
        img = color.gray2rgb(img)
    return img[..., :3].astype(np.float64) / 255.0


def fit_long(img, long_side):
    h, w = img.shape[:2]
    s = long_side / max(h, w)
    return transform.resize(img, (round(h * s), round(w * s)), anti_aliasing=True)


def silhouette(kind, size):
    """An alpha in 0..1 of size x size: a real silhouette or an analytic shape."""
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    u, v = (xx / size - 0.5) * 2, (yy / size - 0.5) * 2
    if kind == "horse":
        h = io.imread(os.path.join(SK, "horse.png"))
        h = h[..., 0] if h.ndim == 3 else h
        a = (h < 128).astype(np.float64)  # the horse is black on white
        ys, xs = np.nonzero(a)
        a = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
        return np.clip(transform.resize(a, (size, size), anti_aliasing=True), 0, 1)
    if kind == "superellipse":
        d = (np.abs(u) ** 3 + np.abs(v / 0.8) ** 3) ** (1 / 3)
    elif kind == "star":
        r, th = np.hypot(u, v), np.arctan2(v, u)
        d = r / (0.72 + 0.22 * np.cos(5 * th))
    else:  # ellipse
        d = np.hypot(u, v / 0.75)
    edge = 1.5 / size * 2  # ~1.5 px anti-aliased rim
    return np.clip((1 - d) / edge + 0.5, 0, 1)


SCENES = {
    # name: background, texture source, shape, start centre, end centre (fractions)
    "coffee-horse": (f"{SK}/coffee.png", f"{SK}/chelsea.png", "horse", (0.28, 0.55), (0.70, 0.45)),
    "motorcycle-clutter": (f"{SK}/motorcycle_left.png", f"{SK}/astronaut.png", "superellipse", (0.25, 0.40), (0.72, 0.60)),
    "brick-star": (f"{SK}/brick.png", f"{SK}/coffee.png", "star", (0.30, 0.35), (0.68, 0.62)),
    "grass-horse": (f"{SK}/grass.png", f"{SK}/rocket.jpg", "horse", (0.72, 0.40), (0.30, 0.55)),
    "fruits-ellipse": (f"{CV}/fruits.jpg", f"{CV}/baboon.jpg", "ellipse", (0.25, 0.60), (0.70, 0.35)),
    "building-edges": (f"{CV}/building.jpg", f"{CV}/HappyFish.jpg", "superellipse", (0.30, 0.50), (0.70, 0.50)),
    "rocket-sky": (f"{SK}/rocket.jpg", f"{SK}/astronaut.png", "star", (0.25, 0.25), (0.55, 0.20)),
}


def paste(bg, tex, alpha, cx, cy):
    """bg with the object composited at centre (cx, cy) px; returns image and full-size alpha."""
    h, w = bg.shape[:2]
    s = alpha.shape[0]
    x0, y0 = int(round(cx - s / 2)), int(round(cy - s / 2))
    full = np.zeros((h, w))
    full[y0:y0 + s, x0:x0 + s] = alpha
    layer = np.zeros_like(bg)
    layer[y0:y0 + s, x0:x0 + s] = tex
    return bg * (1 - full[..., None]) + layer * full[..., None], full


def box_of(alpha):
    h, w = alpha.shape
    ys, xs = np.nonzero(alpha > 0.5)
    return [xs.min() / w, ys.min() / h, (xs.max() + 1) / w, (ys.max() + 1) / h]


def make_scene(name, spec, variety):
    bg_path, tex_path, shape, a, b = spec
    bg = fit_long(load_rgb(bg_path), LONG)
    h, w = bg.shape[:2]
    size = int(0.3 * min(h, w))
    tex_src = load_rgb(tex_path)
    th, tw = tex_src.shape[:2]
    crop = tex_src[th // 2 - min(th, tw) // 4: th // 2 + min(th, tw) // 4,
                   tw // 2 - min(th, tw) // 4: tw // 2 + min(th, tw) // 4]
    tex = transform.resize(crop, (size, size), anti_aliasing=True)
    alpha = silhouette(shape, size)
    first, alpha0 = paste(bg, tex, alpha, a[0] * w, a[1] * h)
    last, alpha1 = paste(bg, tex, alpha, b[0] * w, b[1] * h)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    to8 = lambda x: (np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8)
    io.imsave(os.path.join(d, "photo.png"), to8(first), check_contrast=False)
    io.imsave(os.path.join(d, "truth-last.png"), to8(last), check_contrast=False)
    np.save(os.path.join(d, "alpha-last.npy"), alpha1)
    b0, b1 = box_of(alpha0), box_of(alpha1)
    # A motion path from start to end through a raised midpoint: its frames
    # are soft boxes (relaxed by variety), the object's size stays its own.
    c0 = [(b0[0] + b0[2]) / 2, (b0[1] + b0[3]) / 2]
    c1 = [(b1[0] + b1[2]) / 2, (b1[1] + b1[3]) / 2]
    mid = [(c0[0] + c1[0]) / 2, (c0[1] + c1[1]) / 2 - 0.12]
    project = {
        "format": "boxanim-project", "version": 1, "id": f"bench-{name}",
        "reference": {"path": "photo.png", "sha256": ""},
        "timeline": {"frames": FRAMES, "fps": FPS},
        "output": {"width": w, "height": h},
        "objects": [{"id": "obj", "name": shape, "color": "#e6194b", "keyframes": [
            {"frame": 0, "box": b0, "kind": "hard"},
            {"frame": FRAMES - 1, "box": b1, "kind": "hard", "easing": "ease-in-out"}],
            "path": {"points": [c0, mid, c1], "from": 0, "to": FRAMES - 1}}],
        "generation": {"engine": "boxflow", "model": "boxflow-s", "seed": 1, "steps": 4,
                       "variety": variety},
    }
    path = os.path.join(d, "scene.boxanim")
    with open(path, "w") as f:
        json.dump(project, f, indent=1)
    return path


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr.strip()}")
    return r.stdout


def soft_box(info, frame):
    """(width, height) in pixels of the soft box at `frame` from `boxanim-cli info`."""
    b = info["objects"][0]["track"][frame]["box"]
    W, H = info["output"]["width"], info["output"]["height"]
    return (b[2] - b[0]) * W, (b[3] - b[1]) * H


def frames_of(folder):
    files = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
    return [os.path.join(folder, f) for f in files]


def psnr_on(a, b, mask):
    err = ((a.astype(np.float64) - b.astype(np.float64)) ** 2)[mask].mean()
    return 99.0 if err == 0 else 10 * math.log10(255.0 ** 2 / err)


def contact_sheet(name, rows):
    picks = [0, FRAMES // 4, FRAMES // 2, 3 * FRAMES // 4, FRAMES - 1]
    lines = []
    for folder in rows:
        fr = frames_of(folder)
        lines.append(np.concatenate([io.imread(fr[i])[..., :3] for i in picks], axis=1))
    sheet = np.concatenate(lines, axis=0)
    sheet = (transform.rescale(sheet, 0.5, channel_axis=2, anti_aliasing=True) * 255).astype(np.uint8)
    io.imsave(os.path.join(OUT, f"{name}-sheet.png"), sheet, check_contrast=False)


def main():
    global OUT
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default="build/bin/boxanim-cli")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--variety", type=float, default=0.5)
    ap.add_argument("--scenes", default=",".join(SCENES))
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--eval-only", action="store_true", help="score the frames already rendered")
    ap.add_argument("--render-cli", help="another build's boxanim-cli to render with (eval stays --cli)")
    args = ap.parse_args()
    OUT = args.out
    summary = {}
    for name in args.scenes.split(","):
        project = (os.path.join(OUT, name, "scene.boxanim") if args.eval_only
                   else make_scene(name, SCENES[name], args.variety))
        d = os.path.dirname(project)
        truth = io.imread(os.path.join(d, "truth-last.png"))[..., :3]
        mask = np.load(os.path.join(d, "alpha-last.npy")) > 0.5
        runs = {"cutout": [("cutout", None)], "boxflow": [("boxflow", s) for s in SEEDS]}
        scene = {}
        for engine, configs in runs.items():
            per = []
            for eng, seed in configs:
                out = os.path.join(d, f"{eng}-{seed}" if seed else eng)
                if args.eval_only:
                    pass
                elif os.path.isdir(out):
                    for f in frames_of(out):
                        os.remove(f)
                cmd = [args.render_cli or args.cli, "render", project, "-o", out, "--engine", eng]
                if seed:
                    cmd += ["--seed", str(seed), "--steps", str(args.steps)]
                if not args.eval_only:
                    run(cmd)
                ev = json.loads(run([args.cli, "eval", project, out]))
                last = io.imread(frames_of(out)[-1])[..., :3]
                o = ev["objects"][0]
                per.append({"iou_hard": o["mean_iou_hard"], "containment": o["containment"],
                            "identity": o["identity_ncc"], "distortion": o["distortion"],
                            "jerk": o["jerk"], "background": ev["overall"]["background_change"],
                            "psnr_last": psnr_on(last, truth, mask), "tracked": o["tracked"]})
            agg = {k: float(np.mean([p[k] for p in per if p[k] is not None]))
                   for k in ["iou_hard", "containment", "identity", "distortion", "jerk", "background",
                             "psnr_last"]}
            # Spread of tracked centres across seeds over the soft frames (the
            # middle half of the clip), as a share of the soft box's size.
            if len(per) > 1:
                soft = json.loads(run([args.cli, "info", project]))
                spreads = []
                for i in range(FRAMES // 4, 3 * FRAMES // 4):
                    sb = soft_box(soft, i)
                    cs = np.array([[t["tracked"][i][0] + t["tracked"][i][2] / 2,
                                    t["tracked"][i][1] + t["tracked"][i][3] / 2] for t in per])
                    spreads.append(np.hypot(cs[:, 0].std() / sb[0], cs[:, 1].std() / sb[1]))
                agg["soft_spread"] = float(np.mean(spreads))
            else:
                agg["soft_spread"] = 0.0
            scene[engine] = agg
        contact_sheet(name, [os.path.join(d, "cutout"), os.path.join(d, "boxflow-1"),
                             os.path.join(d, "boxflow-2")])
        summary[name] = scene
        print(f"{name}: " + json.dumps(scene), flush=True)
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    keys = ["iou_hard", "psnr_last", "identity", "distortion", "containment", "soft_spread", "jerk",
            "background"]
    print("\n| scene | engine | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for name, scene in summary.items():
        for engine, agg in scene.items():
            print(f"| {name} | {engine} | " + " | ".join(f"{agg[k]:.3f}" for k in keys) + " |")
    for engine in ["cutout", "boxflow"]:
        means = {k: np.mean([s[engine][k] for s in summary.values()]) for k in keys}
        print(f"| **mean** | {engine} | " + " | ".join(f"{means[k]:.3f}" for k in keys) + " |")


if __name__ == "__main__":
    main()
