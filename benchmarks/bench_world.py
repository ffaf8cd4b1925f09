"""The offline world's costs: MiniLM text side (cold and warm) and the whole simulated benchmark.

Targets of the project (2-core CPU): embedding the DNM corpus (~57k phrases) cold in about 2-3 minutes and
warm in under 5 s; the whole simulated ImageNet-1K benchmark (85,640 images, all four methods) warm in under
2 minutes.

"Cold" uses a fresh, empty feature store in a temporary folder; "warm" repeats the call on that store. The
text side is the DNM corpus with NegLabel's prompts, CSP's ~11k adjective phrases and 2 x 1,000 ImageNet-1K
prompts. The benchmark run draws the world's images at the real sizes and scores MCM, NegLabel, CSP and DNM
(clamped) on every OOD set; it is timed twice: with DNM's density mining computed (the first run on a
machine) and with the density ranking read from the store (every later run). Every number it prints is
SIMULATED.

Usage: python benchmarks/bench_world.py [--sizes full|smoke]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine

METHODS = ("mcm", "neglabel", "csp", "dnm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", choices=["full", "smoke"], default="full")
    args = parser.parse_args()

    from debiasood.book.tables import render
    from debiasood.data.encoders import SentenceTransformerEncoder
    from debiasood.data.feature_store import FeatureStore
    from debiasood.world.offline import density_negatives, offline_setup, simulated_benchmark
    from debiasood.world.simulated import BENCHMARK_SIZES, SMOKE_SIZES

    encoder = SentenceTransformerEncoder()
    sizes = BENCHMARK_SIZES if args.sizes == "full" else SMOKE_SIZES
    timings = {}
    with tempfile.TemporaryDirectory() as root:
        store = FeatureStore(root)
        start = time.perf_counter()
        offline_setup(encoder=encoder, store=store)
        timings["text side cold: 57,493 corpus + 11,046 CSP phrase + 2 x 1,000 ID prompts, MiniLM"] = \
            time.perf_counter() - start
        start = time.perf_counter()
        setup = offline_setup(encoder=encoder, store=store)
        timings["text side warm (feature store)"] = time.perf_counter() - start

        def run() -> list[dict]:
            return simulated_benchmark(setup.world, setup.text, setup.corpus.words, setup.corpus.parts_of_speech,
                                       methods=METHODS, sizes=sizes, density_indices=density_negatives(setup))

        label = f"whole simulated benchmark ({sum(sizes.values()):,} images, {len(METHODS)} methods)"
        start = time.perf_counter()
        run()
        timings[f"{label}, density mining computed"] = time.perf_counter() - start
        start = time.perf_counter()
        rows = run()
        timings[f"{label}, warm (density ranking from the store)"] = time.perf_counter() - start

    print(f"# offline-world benchmark on {machine()}")
    print(render([{"step": k, "seconds": v} for k, v in timings.items()], digits=1))
    print("\n# SIMULATED results (offline world, MiniLM text side; not CLIP), FPR95 / AUROC in percent:")
    print(render([{"method": r["method"], "ood": r["ood"], "fpr95": r["fpr95"], "auroc": r["auroc"]} for r in rows]))


if __name__ == "__main__":
    main()
