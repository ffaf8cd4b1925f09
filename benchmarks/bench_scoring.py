"""Scoring at ImageNet scale: our chunked DNM against the physical floor and the official per-group loop.

Shapes (defaults): N = 85,640 images (50,000 ID + 35,640 OOD), K = 1000 ID labels, M = 12,000 negatives,
G = 100 groups, D = 512. Prints wall times and the two ratios the project targets:

- DNM / bare product <= 2: the bare product computes every similarity once (N x (K + M) x D), which any
  exact method must do; what DNM adds on top is the log-sum-exp work.
- official loop / DNM >= 10: the official code recomputes the ID similarities for every group (G x K x N x D
  instead of K x N x D) and works on exp(s/T) directly.

Usage: python benchmarks/bench_scoring.py [--images N] [--loop-images N] [--device cpu|cuda]
The official loop is linear in N, so --loop-images < --images measures it on a prefix and scales the time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_time, machine, unit_rows

from debiasood import dnm_score, neglabel_score, partition_negatives
from debiasood.core.scores import DEFAULT_CHUNK_ELEMENTS


def bare_product(images: torch.Tensor, text: torch.Tensor) -> None:
    """Every similarity once, in the same chunks as the scorer, into a reused buffer."""
    rows = max(1, DEFAULT_CHUNK_ELEMENTS // text.shape[0])
    buffer = torch.empty(rows, text.shape[0], dtype=images.dtype, device=images.device)
    for start in range(0, images.shape[0], rows):
        block = images[start : start + rows]
        torch.mm(block, text.T, out=buffer[: block.shape[0]])
    if images.is_cuda:
        torch.cuda.synchronize()


def official_loop(images, pos, neg, groups, temperature, tau):
    """main_online.get_score of the official code, as written (float32, exp without stabilisation)."""
    neg = neg[torch.from_numpy(groups).to(neg.device)]
    score = 0
    for j in range(groups.shape[0]):
        sim_pos = images @ pos.T
        sim_neg_j = images @ neg[j].T
        sim_neg_pos_j = images @ pos.T
        output_pos = torch.exp(sim_pos / temperature)
        z1 = torch.exp(sim_pos / temperature).sum(-1, keepdim=True)
        z2 = (1 / tau) * torch.mean(torch.exp(sim_neg_j / temperature), dim=-1, keepdim=True)
        z3 = (1 - tau) / tau * torch.mean(torch.exp(sim_neg_pos_j / temperature), dim=-1, keepdim=True)
        score = score + (output_pos / (z1 + groups.shape[1] * (z2 - z3))) / groups.shape[0]
    out = score.mean(dim=1)
    if images.is_cuda:
        torch.cuda.synchronize()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=85_640)
    parser.add_argument("--loop-images", type=int, default=8_000, help="prefix the official loop is timed on")
    parser.add_argument("--id-labels", type=int, default=1000)
    parser.add_argument("--negatives", type=int, default=12_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    device = torch.device(args.device)
    images = unit_rows(args.images, args.dim, 0).to(device)
    pos = unit_rows(args.id_labels, args.dim, 1).to(device)
    neg = unit_rows(args.negatives, args.dim, 2).to(device)
    groups = partition_negatives(args.negatives, args.groups, seed=0)
    text = torch.cat([pos, neg])
    print(f"# scoring benchmark on {machine()}, device {device}")
    print(f"# N={args.images} K={args.id_labels} M={args.negatives} G={args.groups} D={args.dim} float32")

    def sync(fn):
        def run():
            fn()
            if device.type == "cuda":
                torch.cuda.synchronize()
        return run

    timings = {
        "bare product (floor)": best_time(lambda: bare_product(images, text), args.repeats),
        "DNM, clamped": best_time(sync(lambda: dnm_score(images, pos, neg, groups=groups)), args.repeats),
        "DNM, official arithmetic": best_time(
            sync(lambda: dnm_score(images, pos, neg, groups=groups, clamp=False, official_scale=True)), args.repeats),
        "NegLabel": best_time(sync(lambda: neglabel_score(images, pos, neg, groups=groups)), args.repeats),
    }
    prefix = images[: args.loop_images]
    loop_time = best_time(lambda: official_loop(prefix, pos, neg, groups, 0.01, 0.5), 1)
    timings["official per-group loop"] = loop_time * args.images / prefix.shape[0]

    floor, dnm = timings["bare product (floor)"], timings["DNM, clamped"]
    print("| step | seconds | x bare product |")
    print("|---|---|---|")
    for name, seconds in timings.items():
        scaled = ""
        if name.startswith("official") and prefix.shape[0] < args.images:
            scaled = f" (timed on {prefix.shape[0]} images, scaled)"
        print(f"| {name}{scaled} | {seconds:.2f} | {seconds / floor:.2f} |")
    print(f"\nDNM / bare product = {dnm / floor:.2f} (target <= 2)")
    print(f"official loop / DNM = {timings['official per-group loop'] / dnm:.1f} (target >= 10)")


if __name__ == "__main__":
    main()
