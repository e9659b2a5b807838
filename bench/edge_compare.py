#!/usr/bin/python3
"""The rim of a moved object against the truth (pasted objects, exact alpha).

Where a matte is soft, the photo's pixel mixes the object with what lay behind
it; moved as it is, that mix drags the old background along (a fringe, a dark
outline). This scores how the cutout engine's last frame matches the truth in
a band around the object's true edge, on boxflow_compare.py's seven scenes,
each twice: with their anti-aliased edge (about 1.5 px) and with a soft edge
(the alpha blurred by a Gaussian of sigma 2 px, like a defocused or fine
rim). The truth is the photo with the object pasted at its last box.

    /usr/bin/python3 bench/edge_compare.py [--cli build/bin/boxanim-cli]
                                           [--baseline-cli OTHER/boxanim-cli] [--out DIR]

Prints, per scene and CLI, PSNR in the rim band (true alpha strictly between
0.02 and 0.98, grown by 4 px) and over the object (true alpha > 0.5).
"""
import argparse
import os
import subprocess
import sys

import numpy as np
from scipy import ndimage
from skimage import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boxflow_compare as bc  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default="build/bin/boxanim-cli")
    ap.add_argument("--baseline-cli")
    ap.add_argument("--out", default="bench/out/edges")
    args = ap.parse_args()
    clis = [("baseline", args.baseline_cli)] if args.baseline_cli else []
    clis.append(("this", args.cli))
    silhouette = bc.silhouette
    rows = []
    for variant, sigma in (("anti-aliased", 0.0), ("soft", 2.0)):
        bc.OUT = os.path.join(args.out, variant)
        bc.silhouette = (lambda k, s, sg=sigma: np.clip(ndimage.gaussian_filter(silhouette(k, s), sg), 0, 1)
                         if sg > 0 else silhouette(k, s))
        for name, spec in bc.SCENES.items():
            project = bc.make_scene(name, spec, 0.5)
            d = os.path.dirname(project)
            truth = io.imread(os.path.join(d, "truth-last.png"))[..., :3]
            alpha = np.load(os.path.join(d, "alpha-last.npy"))
            rim = ndimage.binary_dilation((alpha > 0.02) & (alpha < 0.98), iterations=4)
            row = [variant, name]
            for label, cli in clis:
                out = os.path.join(d, label)
                os.makedirs(out, exist_ok=True)
                for f in os.listdir(out):
                    os.remove(os.path.join(out, f))
                subprocess.run([cli, "render", project, "-o", out, "--format", "png", "--engine", "cutout",
                                "--frames", "2"], check=True, capture_output=True)
                last = io.imread(bc.frames_of(out)[-1])[..., :3]
                row += [bc.psnr_on(last, truth, rim), bc.psnr_on(last, truth, alpha > 0.5)]
            rows.append(row)
            print(" ".join(str(x) if isinstance(x, str) else f"{x:.2f}" for x in row), flush=True)
    heads = [f"{label} {m}" for label, _ in clis for m in ("rim PSNR", "object PSNR")]
    print("\n| edge | scene | " + " | ".join(heads) + " |")
    print("|---|---|" + "---|" * len(heads))
    for r in rows:
        print(f"| {r[0]} | {r[1]} | " + " | ".join(f"{x:.2f}" for x in r[2:]) + " |")
    for variant in ("anti-aliased", "soft"):
        sel = [r[2:] for r in rows if r[0] == variant]
        print(f"| {variant} | **mean** | " + " | ".join(f"{np.mean([s[i] for s in sel]):.2f}"
                                                   for i in range(len(heads))) + " |")


if __name__ == "__main__":
    main()
