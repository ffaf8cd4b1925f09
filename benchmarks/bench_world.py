"""The offline world's costs: MiniLM corpus embedding (cold and warm) and the whole simulated benchmark.

Targets of the project (2-core CPU): embedding the DNM corpus (~57k phrases) cold in about 2-3 minutes and
warm in under 5 s; the whole simulated ImageNet-1K benchmark (85,640 images) warm in under 2 minutes.

"Cold" uses a fresh, empty feature store in a temporary folder; "warm" repeats the call on that store. The
benchmark run draws the world's images at the real sizes, mines NegLabel's negatives and DNM's density
negatives, and scores MCM, NegLabel and DNM (clamped) on every OOD set. Every number it prints is SIMULATED.

Usage: python benchmarks/bench_world.py [--sizes full|smoke]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", choices=["full", "smoke"], default="full")
    args = parser.parse_args()

    from debiasood.benchmark import simulated_benchmark
    from debiasood.cache import FeatureStore
    from debiasood.corpus import load_corpus
    from debiasood.encoders import SentenceTransformerEncoder
    from debiasood.tables import render
    from debiasood.world import BENCHMARK_SIZES, SMOKE_SIZES, SemanticWorld, benchmark_text_features

    encoder = SentenceTransformerEncoder()
    timings = {}
    with tempfile.TemporaryDirectory() as root:
        store = FeatureStore(root)
        start = time.perf_counter()
        text = benchmark_text_features(encoder, store=store)
        timings["text side cold: ~57k corpus prompts + 2 x 1000 ID prompts, MiniLM"] = time.perf_counter() - start
        start = time.perf_counter()
        text = benchmark_text_features(encoder, store=store)
        timings["text side warm (feature store)"] = time.perf_counter() - start
        world = SemanticWorld.from_encoder(encoder, store=store)

    sizes = BENCHMARK_SIZES if args.sizes == "full" else SMOKE_SIZES
    corpus = load_corpus("dnm")
    start = time.perf_counter()
    rows = simulated_benchmark(world, text, corpus.words, corpus.parts_of_speech, sizes=sizes)
    timings[f"whole simulated benchmark warm ({sum(sizes.values()):,} images, 3 methods)"] = \
        time.perf_counter() - start

    print(f"# offline-world benchmark on {machine()}")
    print(render([{"step": k, "seconds": v} for k, v in timings.items()], digits=1))
    print("\n# SIMULATED results (offline world, MiniLM text side; not CLIP), FPR95 / AUROC in percent:")
    print(render([{"method": r["method"], "ood": r["ood"], "fpr95": r["fpr95"], "auroc": r["auroc"]} for r in rows]))


if __name__ == "__main__":
    main()
