"""Expected SMOKE ranges of notebooks/06_your_own_data.py's records (see tests/notebook_expectations.py).

With FEATURES = "simulated" (the default: the page's demo pipeline). With a feature bundle the page records what
a bundle has: no file counts and no cache timings.
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # SMOKE profile: the generated demo dataset (6 classes x 12 images + 1 truncated file, 2 OOD sets x 30),
    # the tiny open_clip architecture with random weights (seed 0), the DNM WordNet preset with every 10th
    # word, G = 100, tau = 0.5. Everything about the data, the cache and the mining sizes is exact; the metrics
    # come from random weights, so any percentage is legitimate there (the pipeline's wiring is checked against
    # a direct computation in tests/test_pipeline.py instead).
    "06_your_own_data": {
        "num_classes": (6, 6),  # circle, cross, ring, square, star, triangle
        "num_ood_sets": (2, 2),  # stripes, clouds
        "num_files": (133, 133),  # 6 x 12 + the broken file + 2 x 30
        "num_skipped": (1, 1),  # exactly the deliberately truncated PNG
        "cache_cold_seconds": (0.0, 120.0),  # encoding 132 tiny images; loose, the CPU is shared
        "cache_warm_seconds": (0.0, 1.0),  # three small safetensors reads
        "cache_speedup": (10.0, 1e9),  # measured ~400x; below 10x the store was not hit
        "cache_identical": (1.0, 1.0),  # the second pass returns the same features and the same skips
        "corpus_size": (5750, 5750),  # 57,493 DNM-preset words, every 10th
        "num_groups": (100, 100),
        "tau_neg": (0.5, 0.5),
        "negatives_neglabel": (861, 861),  # int(0.15 x nouns) + int(0.15 x adjectives) of the corpus
        "negatives_csp": (861, 861),  # the same quotas on CSP's pool (no candidate excluded by the 0.95 rule)
        "negatives_density": (1211, 1211),  # int(0.23 x nouns) + int(0.13 x adjectives)
        "group_size": (12, 12),  # 1211 // 100
        "dnm_coefficient": (-0.5, -0.5),  # a = 0.5 - 12 x 0.5 / 6: the official arithmetic is unsafe here
        "dnm_safe_tau": (0.6666, 0.6667),  # Q / (K + Q) = 12 / 18
        # Share of (image, group) pairs where the clamp engages. Observed 1.0 (ID) and 0.9995 (OOD): with a < 0
        # and the random text tower, S_ID dwarfs every N_g. A sign or offset error in the count gives ~0 instead.
        "dnm_clamped_share_id": (0.9, 1.0),
        "dnm_clamped_share_ood": (0.9, 1.0),
        "num_result_rows": (12, 12),  # 4 methods x (2 OOD sets + the average)
        # Random weights: percentages, nothing more can be asked of them.
        "auroc_mcm": (0.0, 100.0),
        "fpr95_mcm": (0.0, 100.0),
        "auroc_neglabel": (0.0, 100.0),
        "fpr95_neglabel": (0.0, 100.0),
        "auroc_csp": (0.0, 100.0),
        "fpr95_csp": (0.0, 100.0),
        "auroc_dnm": (0.0, 100.0),
        "fpr95_dnm": (0.0, 100.0),
        # reported average FPR95 (CLIP ViT-B/16) quoted for orientation: exactly debiasood.data.reported's
        "reported_fpr95_mcm": (42.74, 42.74),
        "reported_fpr95_neglabel": (25.40, 25.40),
        "reported_fpr95_csp": (17.51, 17.51),
        "reported_fpr95_dnm": (16.90, 16.90),
    },
}
