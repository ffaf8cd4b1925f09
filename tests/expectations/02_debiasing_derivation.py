"""Expected SMOKE ranges of notebooks/02_debiasing_derivation.py's records (see tests/notebook_expectations.py)."""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # Toy world, SMOKE profile (6,000 mined labels, 300 ID + 300 OOD images, SEED 0). Ranges leave room for
    # the Monte-Carlo noise seen over seeds 0-4, not for a broken derivation: the bias at the true share must
    # stay near 0 and the bias at the wrong share near its theory 0.375, far apart.
    "02_debiasing_derivation": {
        "tau_true": (0.5, 0.5),
        "wrong_tau": (0.8, 0.8),
        "bias_true_tau_id": (-0.12, 0.12),  # seeds 0-4: -0.058 .. 0.024
        "bias_true_tau_ood": (-0.01, 0.01),
        "bias_wrong_tau_id": (0.30, 0.45),  # theory (0.8 - 0.5) / 0.8 = 0.375
        "bias_wrong_tau_theory": (0.374, 0.376),
        "bias_true_tau_official_id": (-0.70, -0.35),  # the ID labels as positives over-correct
        "neglabel_inflation_id": (5.0, 25.0),
        "group_size": (120, 120),
        "small_group_size": (30, 30),
        "max_num_groups": (8, 8),
        "variance_ratio_q": (3.5, 4.8),  # Monte-Carlo: about 4
        "variance_ratio_q_expected": (4.0, 4.1),
        "score_sd_ratio_g": (2.4, 3.6),  # Monte-Carlo: about sqrt(8 (1 - Q/M) / (1 - 8Q/M)) = 3.06
        "score_sd_ratio_g_expected": (3.0, 3.1),
        "negative_estimate_share_id": (0.6, 0.85),
        "hazard_share": (0.5, 0.65),
        "hazard_benchmarks": (5, 5),  # ImageNet-10, -20, Oxford-Pet, ImageNet-100, Food-101
        "num_benchmarks": (8, 8),
        "hazard_k": (10, 10),
        "hazard_safe_tau": (0.923, 0.924),  # 120 / 130
        "hazard_coefficient": (-5.5, -5.5),  # 0.5 - 120 * 0.5 / 10
        "nonpositive_pair_share": (0.35, 0.52),
        "share_id_nonpositive_official": (0.55, 0.85),
        "share_ood_nonpositive_official": (0.10, 0.35),
        "auroc_official": (15.0, 45.0),  # the ranking inverts
        "fpr95_official": (90.0, 100.0),
        "auroc_clamped": (97.0, 100.0),
        "fpr95_clamped": (0.0, 10.0),
        "auroc_neglabel": (97.0, 100.0),
        "fpr95_neglabel": (0.0, 10.0),
        "closed_form_gap": (0.0, 1e-9),
        "neglabel_gap": (0.0, 1e-9),
        # Section 6 on FEATURES = "simulated": the offline world's SMOKE draw (300 ID + 4 x 100 OOD images, 1/10 of
        # the DNM corpus), official ViT-B/16 settings. Counts are exact; the identities hold to float64 rounding
        # (measured 8e-16 and 7e-16), so a broken closed form or tau = 1 path is far outside 1e-9.
        "features_num_id_labels": (1000, 1000),
        "features_num_negatives": (1211, 1211),  # int(0.23 x nouns) + int(0.13 x adjectives) of 5,750 words
        "features_group_size": (12, 12),  # 1211 // 100
        "features_num_images": (700, 700),
        "features_tau": (0.5, 0.5),  # official ViT-B/16 with ImageNet-1K as ID
        "features_coefficient": (0.494, 0.494),  # 0.5 - 12 x 0.5 / 1000
        "features_safe_tau": (0.011857, 0.011858),  # 12 / 1012
        "features_nonpositive_pair_share": (0.0, 0.0),  # a > 0: no Z_g <= 0 can occur
        "features_closed_form_gap": (0.0, 1e-9),
        "features_neglabel_gap": (0.0, 1e-9),
    },
}
