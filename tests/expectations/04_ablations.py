"""Expected SMOKE ranges of notebooks/04_ablations.py's records (see tests/notebook_expectations.py)."""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # Simulated world, SMOKE profile: 1/10 WordNet corpora (dnm[::10]: 861 NegLabel and 1,211 density negatives),
    # 2 draws of 1,000 ID + 250 images per OOD set, coarse grids, 2,000 common words. Ranges cover what seeds
    # 0-2 gave, with room for their noise (FPR95 moves ~2-3 points between draws at this size, AUROC ~0.5), but
    # keep the signs that make the page's claims: density negatives lower FPR95 and raise AUROC, the debiased
    # score lowers AUROC, the temperature and the corpus move FPR95 far more than tau_neg, k and the positives.
    "04_ablations": {
        "num_seeds": (2, 2),
        "sigma_for_n": (0.01, 0.01),
        "positive_cosine": (0.98, 0.982),  # 1 / sqrt(1 + 0.01^2 * 384) = 0.9813
        # The four cells (seeds 0-2: NegLabel 26.4-28.2 / 92.4-92.9; DNM 21.4-24.7 / 92.4-92.9).
        "fpr95_neglabel_neglabel": (23.0, 32.0),
        "auroc_neglabel_neglabel": (91.0, 94.0),
        "fpr95_neglabel_dnm": (23.0, 32.0),
        "auroc_neglabel_dnm": (87.5, 91.0),  # the debiased score on NegLabel's negatives loses ~3.5 AUROC
        "fpr95_density_neglabel": (18.0, 28.0),
        "auroc_density_neglabel": (93.0, 95.5),
        "fpr95_density_dnm": (18.0, 28.0),
        "auroc_density_dnm": (91.0, 94.0),
        # Effects (eq-04-effects), mean and sd over the 2 draws.
        "effect_negatives_fpr95": (-8.0, -1.5),  # seeds 0-2: -5.1 .. -3.0; density negatives must help
        "effect_negatives_fpr95_sd": (0.0, 4.0),
        "effect_score_fpr95": (-1.5, 1.5),  # seeds 0-2: -0.15 .. 0.28: the score barely moves FPR95
        "effect_score_fpr95_sd": (0.0, 2.0),
        "effect_interaction_fpr95": (-1.5, 1.5),
        "effect_interaction_fpr95_sd": (0.0, 2.0),
        "effect_both_fpr95": (-8.0, -1.5),
        "effect_both_fpr95_sd": (0.0, 4.5),
        "effect_negatives_auroc": (1.2, 3.5),  # seeds 0-2: 2.3 .. 2.6
        "effect_negatives_auroc_sd": (0.0, 1.0),
        "effect_score_auroc": (-3.5, -1.2),  # seeds 0-2: -2.6 .. -2.2: the debiased score costs AUROC
        "effect_score_auroc_sd": (0.0, 1.2),
        "effect_interaction_auroc": (0.8, 3.2),  # seeds 0-2: 1.7 .. 2.1
        "effect_interaction_auroc_sd": (0.0, 1.2),
        "effect_both_auroc": (-0.8, 1.0),
        "effect_both_auroc_sd": (0.0, 0.8),
        "noise_fpr95_sd": (0.0, 5.0),  # sd of 2 draws: 2.3 .. 3.1
        "noise_auroc_sd": (0.0, 1.0),
        # The shared sweep draw (seed SEED).
        "fpr95_default": (17.0, 29.0),  # seeds 0-2: 19.7 .. 26.3
        "auroc_default": (91.0, 94.5),
        "neglabel_fpr95": (23.0, 32.0),
        "neglabel_auroc": (91.0, 94.0),
        # Sweep ranges (max - min over the coarse grids). T and the corpus are large; the rest small.
        "temperature_fpr95_range": (25.0, 50.0),  # seeds 0-2: 35.8 .. 40.0 (T = 0.05 breaks both methods)
        "temperature_auroc_range": (3.0, 8.0),
        "temperature_best": (0.01, 0.01),  # the coarse grid is (0.002, 0.01, 0.05)
        "temperature_fpr95_best": (17.0, 29.0),
        "corpus_fpr95_range": (8.0, 25.0),  # seeds 0-2: 13.7 .. 18.0 (1,100 common words are a poor corpus)
        "corpus_auroc_range": (3.0, 9.0),
        "adj_quota_fpr95_range": (0.0, 7.0),
        "adj_quota_auroc_range": (1.5, 5.0),  # nouns only costs ~3 AUROC
        "noun_quota_fpr95_range": (1.0, 9.0),
        "noun_quota_auroc_range": (0.0, 2.0),
        "tau_neg_fpr95_range": (0.0, 3.5),
        "tau_neg_auroc_range": (0.8, 2.8),  # AUROC rises towards tau_neg = 1
        "label_scale_fpr95_range": (0.0, 4.0),
        "label_scale_auroc_range": (0.2, 1.8),
        "num_groups_fpr95_range": (0.0, 4.0),
        "num_groups_auroc_range": (2.0, 6.0),  # G = 1 (a < 0, clamped) costs ~4 AUROC
        "k_fpr95_range": (0.0, 4.5),
        "k_auroc_range": (0.0, 1.2),
        "sigma_fpr95_range": (0.0, 2.5),
        "sigma_auroc_range": (0.5, 2.2),
        "num_positive_samples_fpr95_range": (0.0, 1.5),
        "num_positive_samples_auroc_range": (0.0, 0.6),
        "tau_one_fpr95": (17.0, 29.0),
        "tau_one_auroc": (92.5, 95.5),
        "groups_one_fpr95": (17.0, 30.0),
        "groups_one_auroc": (86.5, 91.0),
        "groups_one_neglabel_fpr95": (23.0, 32.0),
        "temperature_points": (3, 3),
        "temperature_dnm_wins": (2, 3),
        "noun_quota_low_fpr95": (20.0, 34.0),
        "noun_quota_high_fpr95": (17.0, 28.0),
        "nouns_only_fpr95": (18.0, 29.0),
        "labels_min_count": (302, 302),  # 0.25 x the quotas of dnm[::10]: int(0.0575 * 4645) + int(0.0325 * 1105)
        "labels_max_count": (2423, 2423),  # 2 x the quotas
        "corpus_neglabel_fpr95_range": (6.0, 20.0),
        "num_corpora": (4, 4),
        "corpus_dnm_wins": (3, 4),
        "common_dnm_fpr95": (28.0, 46.0),
        "common_dnm_auroc": (83.0, 91.0),
        "common_neglabel_fpr95": (32.0, 45.0),
        "common_neglabel_auroc": (87.0, 91.5),
        "num_knobs": (10, 10),
        "knobs_over_noise": (1, 4),  # seeds 0-2: 2-3 (temperature, corpus, sometimes a quota)
        "knobs_under_noise": (4, 8),  # seeds 0-2: 6-7
    },
}
