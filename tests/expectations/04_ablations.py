"""Expected ranges of notebooks/04_ablations.py's records (see tests/notebook_expectations.py).

``EXPECTATIONS`` is the SMOKE profile the notebook tests run; ``DEFAULT_EXPECTATIONS`` the published run (the default
parameters, ``make book``), checked by tests/test_ablations.py against book/generated when that is up to date. Both
describe the default features (FEATURES = "simulated", the offline world); on a bundle the page records fewer names
(the world-only sections are skipped) and its numbers are the bundle's.

SMOKE: 1/10 WordNet corpora (dnm[::10]: 861 NegLabel and 1,211 density negatives), 1,000 ID + 250 images per OOD
set, 3 random-negative seeds, 200 bootstrap resamples, 2 image draws, coarse grids, 2,000 common words. The ranges
cover what SEED 0, 1 and 2 gave (each line ends with those values), with room for their noise, and keep the signs
the page's conclusions rest on: density negatives lower FPR95 and raise AUROC against NegLabel's, the debiased score
costs AUROC, NegLabel's rule at DNM's size loses AUROC to random negatives of that size, breaking the clamped
score's ties gains AUROC. Verdict codes may only take the values the three seeds gave.
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    "04_ablations": {
        # Parameters and constants of the SMOKE profile.
        "bootstrap": (200, 200),  # seeds 0-2: 200, 200, 200
        "random_seeds": (3, 3),  # seeds 0-2: 3, 3, 3
        "sigma_for_n": (0.010, 0.010),  # seeds 0-2: 0.010, 0.010, 0.010
        "text_dim": (385, 385),  # seeds 0-2: 385, 385, 385
        "num_id_labels": (1000, 1000),  # seeds 0-2: 1000, 1000, 1000
        "positive_cosine": (0.98, 0.982),  # 1 / sqrt(1 + 0.01^2 * 385) = 0.9813
        "reported_neglabel_fpr95": (25.40, 25.40),  # seeds 0-2: 25.40, 25.40, 25.40
        "reported_dnm_fpr95": (16.90, 16.90),  # seeds 0-2: 16.90, 16.90, 16.90
        # The four cells of the 2 x 2 design (average over the four OOD sets).
        "fpr95_default": (13.30, 32.80),  # seeds 0-2: 19.80, 23.00, 26.30
        "neglabel_fpr95": (21.68, 33.12),  # seeds 0-2: 26.70, 26.00, 28.80
        "fpr95_neglabel_neglabel": (21.68, 33.12),  # seeds 0-2: 26.70, 26.00, 28.80
        "auroc_neglabel_neglabel": (90.88, 94.20),  # seeds 0-2: 93.09, 92.72, 91.99
        "fpr95_neglabel_dnm": (21.91, 32.89),  # seeds 0-2: 26.20, 26.90, 28.60
        "auroc_neglabel_dnm": (88.38, 92.94),  # default, seed 1, seed 2: 91.44, 90.45, 89.88
        "fpr95_density_neglabel": (13.80, 32.70),  # seeds 0-2: 20.10, 22.50, 26.40
        "auroc_density_neglabel": (92.88, 95.10),  # seeds 0-2: 94.36, 94.04, 93.62
        "fpr95_density_dnm": (13.30, 32.80),  # seeds 0-2: 19.80, 23.00, 26.30
        "auroc_density_dnm": (91.32, 94.12),  # seeds 0-2: 93.19, 92.68, 92.25
        # Effects with paired 95% intervals and verdict codes (+1 the change helps, 0 no difference, -1 hurts).
        "effect_negatives_fpr95": (-11.0, 0.0),  # density negatives lower FPR95 (seeds 0-2: -6.50, -3.70, -2.35)
        "effect_negatives_fpr95_low": (-12.00, -5.25),  # seeds 0-2: -9.75, -8.06, -7.50
        "effect_negatives_fpr95_high": (-3.25, 2.00),  # seeds 0-2: -0.15, -1.50, 0.25
        "effect_negatives_fpr95_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "effect_negatives_auroc": (1.2, 3.5),  # seeds 0-2: 2.27, 2.40, 2.27
        "effect_negatives_auroc_low": (1.04, 2.52),  # seeds 0-2: 1.80, 1.92, 1.64
        "effect_negatives_auroc_high": (1.40, 3.18),  # default, seed 1, seed 2: 2.00, 2.38, 2.58
        "effect_negatives_auroc_verdict": (1, 1),  # seeds 0-2: 1, 1, 1
        "effect_score_fpr95": (-1.50, 1.80),  # seeds 0-2: -0.40, 0.70, -0.15
        "effect_score_fpr95_low": (-1.85, -0.35),  # seeds 0-2: -1.35, -0.85, -1.15
        "effect_score_fpr95_high": (0.20, 1.55),  # seeds 0-2: 1.00, 1.05, 0.70
        "effect_score_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "effect_score_auroc": (-3.5, -1.2),  # the debiased score costs AUROC (seeds 0-2: -2.18, -2.44, -2.01)
        "effect_score_auroc_low": (-2.90, -1.20),  # default, seed 1, seed 2: -1.80, -2.15, -2.30
        "effect_score_auroc_high": (-2.02, -0.36),  # default, seed 1, seed 2: -0.96, -1.31, -1.42
        "effect_score_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "effect_interaction_fpr95": (-1.00, 0.80),  # seeds 0-2: 0.20, -0.40, 0.10
        "effect_interaction_fpr95_low": (-2.70, -0.90),  # seeds 0-2: -1.50, -2.10, -1.50
        "effect_interaction_fpr95_high": (0.61, 4.20),  # seeds 0-2: 3.01, 1.81, 2.80
        "effect_interaction_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "effect_interaction_auroc": (0.38, 3.07),  # seeds 0-2: 2.00, 2.17, 1.28
        "effect_interaction_auroc_low": (-0.37, 2.53),  # seeds 0-2: 1.22, 1.57, 0.60
        "effect_interaction_auroc_high": (0.57, 2.44),  # default, seed 1, seed 2: 1.17, 1.84, 1.26
        "effect_interaction_auroc_verdict": (1, 1),  # seeds 0-2: 1, 1, 1
        "effect_both_fpr95": (-11.5, 0.0),  # DNM below NegLabel (seeds 0-2: -6.90, -3.00, -2.50)
        "effect_both_fpr95_low": (-11.70, -5.71),  # seeds 0-2: -9.70, -7.71, -8.11
        "effect_both_fpr95_high": (-3.00, 2.10),  # seeds 0-2: -0.59, -1.30, 0.40
        "effect_both_fpr95_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "effect_both_auroc": (-0.64, 0.86),  # seeds 0-2: 0.091, -0.037, 0.26
        "effect_both_auroc_low": (-1.19, 0.00),  # seeds 0-2: -0.49, -0.59, -0.47
        "effect_both_auroc_high": (0.00, 1.56),  # seeds 0-2: 0.73, 0.59, 0.96
        "effect_both_auroc_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "effect_score_on_neglabel_fpr95": (-1.90, 2.30),  # seeds 0-2: -0.50, 0.90, -0.20
        "effect_score_on_neglabel_fpr95_low": (-3.30, -0.90),  # seeds 0-2: -2.11, -1.70, -2.50
        "effect_score_on_neglabel_fpr95_high": (0.70, 2.20),  # seeds 0-2: 1.60, 1.70, 1.20
        "effect_score_on_neglabel_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "effect_score_on_neglabel_auroc": (-4.40, -1.77),  # seeds 0-2: -3.18, -3.53, -2.65
        "effect_score_on_neglabel_auroc_low": (-3.56, -1.64),  # default, seed 1, seed 2: -2.24, -2.96, -2.86
        "effect_score_on_neglabel_auroc_high": (-3.89, -0.99),  # seeds 0-2: -2.41, -2.93, -1.96
        "effect_score_on_neglabel_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "effect_score_on_density_fpr95": (-1.10, 1.30),  # seeds 0-2: -0.30, 0.50, -0.100
        "effect_score_on_density_fpr95_low": (-1.60, -0.50),  # seeds 0-2: -1.00, -1.00, -1.10
        "effect_score_on_density_fpr95_high": (0.10, 2.20),  # seeds 0-2: 1.50, 1.10, 0.80
        "effect_score_on_density_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "effect_score_on_density_auroc": (-1.97, -0.58),  # seeds 0-2: -1.18, -1.35, -1.37
        "effect_score_on_density_auroc_low": (-2.48, -1.03),  # seeds 0-2: -1.63, -1.87, -1.88
        "effect_score_on_density_auroc_high": (-1.54, -0.16),  # seeds 0-2: -0.76, -0.89, -0.94
        "effect_score_on_density_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        # Claims A - B with paired intervals: +1 A better, 0 no difference, -1 B better.
        "density_vs_random_fpr95": (-8.40, 5.10),  # seeds 0-2: -3.90, -1.70, 0.60
        "density_vs_random_fpr95_low": (-7.64, -0.43),  # seeds 0-2: -5.24, -4.90, -2.83
        "density_vs_random_fpr95_high": (-2.02, 4.36),  # seeds 0-2: 1.94, 0.11, 2.23
        "density_vs_random_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "density_vs_random_auroc": (0.00, 1.16),  # seeds 0-2: 0.34, 0.56, 0.29
        "density_vs_random_auroc_low": (-0.68, 0.81),  # seeds 0-2: 0.016, 0.21, -0.078
        "density_vs_random_auroc_high": (0.080, 1.57),  # seeds 0-2: 0.68, 0.97, 0.80
        "density_vs_random_auroc_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "neglabel_rule_vs_random_fpr95": (0.50, 3.80),  # seeds 0-2: 2.40, 1.60, 2.70
        "neglabel_rule_vs_random_fpr95_low": (-1.84, 0.16),  # seeds 0-2: -0.53, -1.17, -0.50
        "neglabel_rule_vs_random_fpr95_high": (3.17, 9.08),  # seeds 0-2: 7.11, 5.14, 6.27
        "neglabel_rule_vs_random_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "neglabel_rule_vs_random_auroc": (-1.83, -0.010),  # seeds 0-2: -0.83, -0.62, -1.22
        "neglabel_rule_vs_random_auroc_low": (-2.49, -0.12),  # seeds 0-2: -1.32, -0.91, -1.70
        "neglabel_rule_vs_random_auroc_high": (-1.27, 0.42),  # seeds 0-2: -0.45, -0.18, -0.67
        "neglabel_rule_vs_random_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "neglabel_vs_rule_at_size_fpr95": (0.00, 0.80),  # seeds 0-2: 0.30, 0.20, 0.30
        "neglabel_vs_rule_at_size_fpr95_low": (-2.01, 0.40),  # seeds 0-2: -1.20, -0.40, -1.10
        "neglabel_vs_rule_at_size_fpr95_high": (0.60, 4.20),  # seeds 0-2: 3.00, 1.80, 2.00
        "neglabel_vs_rule_at_size_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "neglabel_vs_rule_at_size_auroc": (-0.73, 0.00),  # seeds 0-2: -0.091, -0.13, -0.12
        "neglabel_vs_rule_at_size_auroc_low": (-0.93, 0.00),  # seeds 0-2: -0.24, -0.33, -0.27
        "neglabel_vs_rule_at_size_auroc_high": (-0.60, 0.67),  # seeds 0-2: 0.061, 0.003, 0.069
        "neglabel_vs_rule_at_size_auroc_verdict": (-1, 0),  # default, seed 1, seed 2: 0, -1, -1
        "clamped_vs_tau_one_fpr95": (-1.10, 1.30),  # seeds 0-2: -0.30, 0.50, -0.100
        "clamped_vs_tau_one_fpr95_low": (-1.60, -0.50),  # seeds 0-2: -1.00, -1.00, -1.10
        "clamped_vs_tau_one_fpr95_high": (0.10, 2.20),  # seeds 0-2: 1.50, 1.10, 0.80
        "clamped_vs_tau_one_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "clamped_vs_tau_one_auroc": (-1.97, -0.58),  # seeds 0-2: -1.18, -1.35, -1.37
        "clamped_vs_tau_one_auroc_low": (-2.48, -1.03),  # seeds 0-2: -1.63, -1.87, -1.88
        "clamped_vs_tau_one_auroc_high": (-1.54, -0.16),  # seeds 0-2: -0.76, -0.89, -0.94
        "clamped_vs_tau_one_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_tau_one_fpr95": (-0.50, 1.30),  # seeds 0-2: 0.70, 0.30, 0.10
        "official_vs_tau_one_fpr95_low": (-2.60, 0.10),  # seeds 0-2: -1.60, -0.80, -1.70
        "official_vs_tau_one_fpr95_high": (0.50, 2.61),  # seeds 0-2: 1.91, 1.40, 1.20
        "official_vs_tau_one_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_tau_one_auroc": (-0.59, 0.63),  # seeds 0-2: 0.026, 0.028, 0.007
        "official_vs_tau_one_auroc_low": (-0.63, 0.00),  # seeds 0-2: -0.023, -0.019, -0.033
        "official_vs_tau_one_auroc_high": (0.00, 0.69),  # seeds 0-2: 0.083, 0.087, 0.050
        "official_vs_tau_one_auroc_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        # Shares (%) of images at the clamped score's maximum.
        "saturated_id_density": (60.0, 92.0),  # seeds 0-2: 79.90, 78.80, 75.40
        "saturated_ood_density": (6.18, 9.31),  # seeds 0-2: 7.40, 8.10, 7.70
        "saturated_id_neglabel": (70.0, 100.0),  # seeds 0-2: 89.30, 87.00, 85.50
        "saturated_ood_neglabel": (12.60, 18.40),  # seeds 0-2: 15.10, 16.00, 15.00
        # Sweeps on the same images (coarse grids): ranges, quoted points, the bootstrap sd of the default.
        "temperature_fpr95_range": (29.70, 46.00),  # seeds 0-2: 35.70, 40.00, 37.60
        "temperature_auroc_range": (3.01, 5.17),  # default, seed 1, seed 2: 3.61, 4.57, 4.06
        "corpus_fpr95_range": (9.40, 22.30),  # seeds 0-2: 13.70, 13.80, 18.00
        "corpus_auroc_range": (2.97, 9.50),  # seeds 0-2: 5.15, 5.42, 7.33
        "adj_quota_fpr95_range": (0.0, 8.00),  # seeds 0-2: 4.20, 0.40, 2.70
        "adj_quota_auroc_range": (0.95, 2.78),  # default, seed 1, seed 2: 2.18, 1.90, 1.55
        "noun_quota_fpr95_range": (0.10, 9.40),  # seeds 0-2: 4.00, 3.20, 6.30
        "noun_quota_auroc_range": (0.0, 1.48),  # seeds 0-2: 0.30, 0.89, 0.85
        "tau_neg_fpr95_range": (0.0, 3.60),  # seeds 0-2: 1.90, 0.50, 0.20
        "tau_neg_auroc_range": (1.03, 2.31),  # seeds 0-2: 1.53, 1.81, 1.81
        "label_scale_fpr95_range": (1.10, 2.40),  # seeds 0-2: 1.70, 1.60, 1.90
        "label_scale_auroc_range": (0.29, 1.48),  # seeds 0-2: 0.79, 0.98, 0.80
        "sigma_fpr95_range": (0.0, 3.00),  # seeds 0-2: 1.70, 0.40, 0.70
        "sigma_auroc_range": (0.68, 1.91),  # seeds 0-2: 1.18, 1.41, 1.35
        "num_groups_fpr95_range": (0.0, 3.10),  # seeds 0-2: 1.60, 1.10, 0.10
        "num_groups_auroc_range": (1.21, 3.01),  # default, seed 1, seed 2: 2.26, 1.81, 2.41
        "k_fpr95_range": (0.0, 5.00),  # seeds 0-2: 1.40, 3.20, 2.30
        "k_auroc_range": (0.0, 1.13),  # seeds 0-2: 0.36, 0.26, 0.63
        "num_positive_samples_fpr95_range": (0.0, 1.20),  # seeds 0-2: 0.70, 0.30, 0.60
        "num_positive_samples_auroc_range": (0.0, 0.90),  # seeds 0-2: 0.049, 0.001, 0.40
        "temperature_best": (0.01, 0.01),  # the coarse grid is (0.002, 0.01, 0.05)
        "temperature_fpr95_best": (13.30, 32.80),  # seeds 0-2: 19.80, 23.00, 26.30
        "temperature_points": (3, 3),  # seeds 0-2: 3, 3, 3
        "temperature_dnm_wins": (2, 3),  # seeds 0-2: 3, 3, 3
        "tau_one_fpr95": (13.80, 32.70),  # seeds 0-2: 20.10, 22.50, 26.40
        "tau_one_auroc": (92.84, 95.16),  # seeds 0-2: 94.38, 94.03, 93.61
        "groups_one_fpr95": (16.40, 31.40),  # seeds 0-2: 21.40, 21.90, 26.40
        "groups_one_auroc": (88.31, 92.69),  # default, seed 1, seed 2: 91.13, 91.19, 89.81
        "groups_one_neglabel_fpr95": (22.64, 32.66),  # seeds 0-2: 27.10, 26.90, 28.40
        "noun_quota_low_fpr95": (16.70, 38.00),  # seeds 0-2: 23.80, 25.20, 30.90
        "noun_quota_high_fpr95": (17.31, 28.29),  # seeds 0-2: 21.00, 22.00, 24.60
        "nouns_only_fpr95": (19.00, 27.60),  # seeds 0-2: 24.00, 22.60, 23.70
        "labels_min_count": (302, 302),  # seeds 0-2: 302, 302, 302
        "labels_max_count": (2423, 2423),  # seeds 0-2: 2423, 2423, 2423
        "noise_fpr95_sd": (0.00, 7.70),  # seeds 0-2: 3.61, 2.24, 2.58
        "noise_auroc_sd": (0.00, 1.80),  # seeds 0-2: 0.63, 0.63, 0.63
        "num_knobs": (10, 10),  # seeds 0-2: 10, 10, 10
        "knobs_over_noise": (1, 4),  # seeds 0-2: 2, 2, 3 (temperature, corpus, sometimes a quota)
        "knobs_under_noise": (4, 8),  # seeds 0-2: 6, 6, 6
        # The corpus without the OOD sets' concept names and their WordNet synonyms (12 words of dnm[::10]).
        "leak_removed": (12, 12),  # seeds 0-2: 12, 12, 12
        "leak_in_density": (2, 2),  # seeds 0-2: 2, 2, 2
        "leak_in_neglabel": (0, 0),  # seeds 0-2: 0, 0, 0
        "noleak_fpr95_neglabel_neglabel": (21.64, 32.66),  # seeds 0-2: 27.10, 25.90, 28.40
        "noleak_auroc_neglabel_neglabel": (90.99, 94.11),  # seeds 0-2: 93.07, 92.76, 92.03
        "noleak_fpr95_neglabel_dnm": (21.93, 31.97),  # seeds 0-2: 26.10, 26.90, 27.80
        "noleak_auroc_neglabel_dnm": (88.39, 92.81),  # default, seed 1, seed 2: 91.31, 90.51, 89.89
        "noleak_fpr95_density_neglabel": (14.30, 32.60),  # seeds 0-2: 20.40, 23.20, 26.50
        "noleak_auroc_density_neglabel": (92.76, 95.09),  # seeds 0-2: 94.31, 93.95, 93.54
        "noleak_fpr95_density_dnm": (13.60, 32.80),  # seeds 0-2: 20.00, 23.50, 26.40
        "noleak_auroc_density_dnm": (91.11, 94.16),  # seeds 0-2: 93.14, 92.55, 92.13
        "noleak_effect_negatives_fpr95": (-11.0, 0.0),  # seeds 0-2: -6.40, -3.05, -1.65
        "noleak_effect_negatives_fpr95_low": (-10.30, -5.81),  # seeds 0-2: -8.80, -7.36, -7.31
        "noleak_effect_negatives_fpr95_high": (-1.45, 1.86),  # seeds 0-2: -0.35, -0.30, 0.75
        "noleak_effect_negatives_fpr95_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "noleak_effect_negatives_auroc": (1.54, 2.87),  # seeds 0-2: 2.27, 2.20, 2.14
        "noleak_effect_negatives_auroc_low": (0.91, 2.36),  # seeds 0-2: 1.76, 1.74, 1.51
        "noleak_effect_negatives_auroc_high": (1.42, 3.01),  # default, seed 1, seed 2: 2.02, 2.22, 2.41
        "noleak_effect_negatives_auroc_verdict": (1, 1),  # seeds 0-2: 1, 1, 1
        "noleak_effect_both_fpr95": (-12.0, 0.5),  # seeds 0-2: -7.10, -2.40, -2.00
        "noleak_effect_both_fpr95_low": (-10.91, -5.20),  # seeds 0-2: -9.00, -7.10, -7.51
        "noleak_effect_both_fpr95_high": (-2.40, 2.71),  # seeds 0-2: -0.70, -0.39, 1.01
        "noleak_effect_both_fpr95_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "noleak_effect_both_auroc": (-0.81, 0.70),  # seeds 0-2: 0.075, -0.21, 0.099
        "noleak_effect_both_auroc_low": (-1.34, 0.00),  # seeds 0-2: -0.46, -0.74, -0.61
        "noleak_effect_both_auroc_high": (0.00, 1.42),  # seeds 0-2: 0.69, 0.43, 0.82
        "noleak_effect_both_auroc_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "noleak_density_vs_random_fpr95": (-9.07, 5.03),  # seeds 0-2: -4.37, -0.53, 0.33
        "noleak_density_vs_random_fpr95_low": (-8.77, -0.17),  # seeds 0-2: -5.90, -3.57, -3.04
        "noleak_density_vs_random_fpr95_high": (-0.12, 4.26),  # seeds 0-2: 1.34, 1.53, 2.80
        "noleak_density_vs_random_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "noleak_density_vs_random_auroc": (0.00, 1.09),  # seeds 0-2: 0.49, 0.44, 0.47
        "noleak_density_vs_random_auroc_low": (-0.53, 0.76),  # seeds 0-2: 0.16, 0.073, 0.10
        "noleak_density_vs_random_auroc_high": (0.25, 1.60),  # seeds 0-2: 0.91, 0.85, 1.00
        "noleak_density_vs_random_auroc_verdict": (1, 1),  # seeds 0-2: 1, 1, 1
        "noleak_official_vs_tau_one_fpr95": (-0.40, 0.90),  # seeds 0-2: 0.40, 0.10, 0.10
        "noleak_official_vs_tau_one_fpr95_low": (-2.30, -0.20),  # seeds 0-2: -1.60, -0.90, -1.60
        "noleak_official_vs_tau_one_fpr95_high": (0.51, 2.60),  # seeds 0-2: 1.90, 1.30, 1.20
        "noleak_official_vs_tau_one_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "noleak_official_vs_tau_one_auroc": (-0.61, 0.64),  # seeds 0-2: 0.036, 0.006, -0.006
        "noleak_official_vs_tau_one_auroc_low": (-0.65, 0.58),  # seeds 0-2: -0.017, -0.028, -0.052
        "noleak_official_vs_tau_one_auroc_high": (-0.56, 0.70),  # seeds 0-2: 0.10, 0.065, 0.039
        "noleak_official_vs_tau_one_auroc_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        # Fresh draws of the world's images: draw-to-draw sd of each effect over 2 draws.
        "draws": (2, 2),  # seeds 0-2: 2, 2, 2
        "effect_negatives_fpr95_draw_sd": (0.00, 4.80),  # seeds 0-2: 2.16, 0.67, 2.16
        "effect_negatives_auroc_draw_sd": (0.00, 1.30),  # seeds 0-2: 0.048, 0.083, 0.38
        "effect_score_fpr95_draw_sd": (0.00, 1.80),  # seeds 0-2: 0.67, 0.53, 0.035
        "effect_score_auroc_draw_sd": (0.00, 2.00),  # seeds 0-2: 0.16, 0.19, 0.73
        "effect_interaction_fpr95_draw_sd": (0.00, 1.20),  # seeds 0-2: 0.35, 0.21, 0.35
        "effect_interaction_auroc_draw_sd": (0.00, 1.90),  # seeds 0-2: 0.044, 0.43, 0.70
        "effect_both_fpr95_draw_sd": (0.00, 6.20),  # seeds 0-2: 2.83, 0.14, 2.12
        "effect_both_auroc_draw_sd": (0.00, 1.20),  # seeds 0-2: 0.21, 0.28, 0.34
        "effect_score_on_neglabel_fpr95_draw_sd": (0.00, 2.20),  # seeds 0-2: 0.85, 0.64, 0.14
        "effect_score_on_neglabel_auroc_draw_sd": (0.00, 2.70),  # seeds 0-2: 0.18, 0.41, 1.08
        "effect_score_on_density_fpr95_draw_sd": (0.00, 1.50),  # seeds 0-2: 0.49, 0.42, 0.21
        "effect_score_on_density_auroc_draw_sd": (0.00, 1.30),  # seeds 0-2: 0.14, 0.021, 0.38
        # Four corpora (WordNet presets [::10], 2,000 common words); reported values from debiasood.data.reported.
        "num_corpora": (4, 4),  # seeds 0-2: 4, 4, 4
        "corpus_neglabel_fpr95_range": (10.75, 15.75),  # seeds 0-2: 13.20, 12.80, 13.70
        "corpus_dnm_wins": (3, 4),  # seeds 0-2: 4, 4, 3
        "common_dnm_fpr95": (24.50, 50.60),  # seeds 0-2: 33.20, 35.70, 41.90
        "common_dnm_auroc": (82.53, 91.39),  # seeds 0-2: 88.44, 87.42, 85.49
        "common_neglabel_fpr95": (31.44, 47.27),  # seeds 0-2: 37.60, 38.80, 41.10
        "common_neglabel_auroc": (87.99, 92.14),  # default, seed 1, seed 2: 90.64, 90.10, 89.49
        "reported_common_dnm_auroc": (90.34, 90.34),  # seeds 0-2: 90.34, 90.34, 90.34
        "reported_common_neglabel_auroc": (89.29, 89.29),  # seeds 0-2: 89.29, 89.29, 89.29
        "probability_vs_clamped_auroc": (-0.92, 0.63),  # default, seed 1, seed 2: -0.21, -0.32, 0.03
        "probability_vs_clamped_auroc_high": (-0.55, 0.99),  # default, seed 1, seed 2: 0.10, 0.05, 0.39
        "probability_vs_clamped_auroc_low": (-1.35, 0.29),  # default, seed 1, seed 2: -0.58, -0.75, -0.31
        "probability_vs_clamped_auroc_verdict": (0, 0),  # default, seed 1, seed 2: 0, 0, 0
        "probability_vs_clamped_fpr95": (-3.00, 3.00),  # default, seed 1, seed 2: 0.00, 0.00, 0.00
        "probability_vs_clamped_fpr95_high": (-3.00, 3.40),  # default, seed 1, seed 2: 0.40, 0.00, 0.00
        "probability_vs_clamped_fpr95_low": (-3.00, 3.00),  # default, seed 1, seed 2: 0.00, 0.00, 0.00
        "probability_vs_clamped_fpr95_verdict": (0, 0),  # default, seed 1, seed 2: 0, 0, 0
        "saturated_id_default": (0.00, 5.10),  # default, seed 1, seed 2: 0.10, 0.10, 0.10
        "saturated_ood_default": (0.00, 5.00),  # default, seed 1, seed 2: 0.00, 0.00, 0.00
    },
}


DEFAULT_EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # The published run, offline world: the whole DNM corpus (57,493 words: 8,623 NegLabel and 12,118 density
    # negatives), 2,000 ID + 4 x 500 OOD images, 3 random-negative seeds, 1,000 bootstrap resamples, 3 image draws,
    # the full grids, 20,000 common words, SEED 0. One deterministic run: each range is its value (after the
    # comment) with a small margin, verdict codes and counts exact.
    "04_ablations": {
        "bootstrap": (1000, 1000),  # 1000
        "random_seeds": (3, 3),  # 3
        "sigma_for_n": (0.010, 0.010),  # 0.010
        "text_dim": (385, 385),  # 385
        "num_id_labels": (1000, 1000),  # 1000
        "positive_cosine": (0.98, 0.982),  # 1 / sqrt(1 + 0.01^2 * 385) = 0.9813
        "reported_neglabel_fpr95": (25.40, 25.40),  # 25.40
        "reported_dnm_fpr95": (16.90, 16.90),  # 16.90
        "fpr95_default": (16.75, 22.65),  # 19.70
        "neglabel_fpr95": (22.36, 30.25),  # 26.30
        "fpr95_neglabel_neglabel": (22.36, 30.25),  # 26.30
        "auroc_neglabel_neglabel": (91.81, 93.81),  # 92.81
        "fpr95_neglabel_dnm": (21.42, 28.98),  # 25.20
        "auroc_neglabel_dnm": (90.17, 91.67),  # 90.92 (published run, log-odds default)
        "fpr95_density_neglabel": (16.49, 22.31),  # 19.40
        "auroc_density_neglabel": (93.68, 95.68),  # 94.68
        "fpr95_density_dnm": (16.75, 22.65),  # 19.70
        "auroc_density_dnm": (93.00, 95.00),  # 94.00
        "effect_negatives_fpr95": (-7.20, -5.20),  # -6.20
        "effect_negatives_fpr95_low": (-10.09, -7.46),  # -8.78
        "effect_negatives_fpr95_high": (-4.95, -2.95),  # -3.95
        "effect_negatives_fpr95_verdict": (1, 1),  # 1
        "effect_negatives_auroc": (2.18, 2.78),  # 2.48 (published run, log-odds default)
        "effect_negatives_auroc_low": (1.68, 2.28),  # 1.98 (published run, log-odds default)
        "effect_negatives_auroc_high": (2.70, 3.30),  # 3.00 (published run, log-odds default)
        "effect_negatives_auroc_verdict": (1, 1),  # 1
        "effect_score_fpr95": (-1.40, 0.60),  # -0.40
        "effect_score_fpr95_low": (-2.58, -0.58),  # -1.58
        "effect_score_fpr95_high": (-0.73, 1.27),  # 0.27
        "effect_score_fpr95_verdict": (0, 0),  # 0
        "effect_score_auroc": (-1.58, -0.98),  # -1.28 (published run, log-odds default)
        "effect_score_auroc_low": (-1.84, -1.24),  # -1.54 (published run, log-odds default)
        "effect_score_auroc_high": (-1.32, -0.72),  # -1.02 (published run, log-odds default)
        "effect_score_auroc_verdict": (-1, -1),  # -1
        "effect_interaction_fpr95": (0.40, 2.40),  # 1.40
        "effect_interaction_fpr95_low": (-2.60, -0.60),  # -1.60
        "effect_interaction_fpr95_high": (1.40, 3.40),  # 2.40
        "effect_interaction_fpr95_verdict": (0, 0),  # 0
        "effect_interaction_auroc": (1.10, 1.70),  # 1.40 (published run, log-odds default)
        "effect_interaction_auroc_low": (0.67, 1.27),  # 0.97 (published run, log-odds default)
        "effect_interaction_auroc_high": (1.53, 2.13),  # 1.83 (published run, log-odds default)
        "effect_interaction_auroc_verdict": (1, 1),  # 1
        "effect_both_fpr95": (-7.60, -5.60),  # -6.60
        "effect_both_fpr95_low": (-11.10, -8.20),  # -9.65
        "effect_both_fpr95_high": (-5.50, -3.50),  # -4.50
        "effect_both_fpr95_verdict": (1, 1),  # 1
        "effect_both_auroc": (0.70, 1.70),  # 1.20
        "effect_both_auroc_low": (0.14, 1.14),  # 0.64
        "effect_both_auroc_high": (1.23, 2.23),  # 1.73
        "effect_both_auroc_verdict": (1, 1),  # 1
        "effect_score_on_neglabel_fpr95": (-2.10, -0.10),  # -1.10
        "effect_score_on_neglabel_fpr95_low": (-3.45, -1.45),  # -2.45
        "effect_score_on_neglabel_fpr95_high": (-0.35, 1.65),  # 0.65
        "effect_score_on_neglabel_fpr95_verdict": (0, 0),  # 0
        "effect_score_on_neglabel_auroc": (-2.28, -1.68),  # -1.98 (published run, log-odds default)
        "effect_score_on_neglabel_auroc_low": (-2.70, -2.10),  # -2.40 (published run, log-odds default)
        "effect_score_on_neglabel_auroc_high": (-1.84, -1.24),  # -1.54 (published run, log-odds default)
        "effect_score_on_neglabel_auroc_verdict": (-1, -1),  # -1
        "effect_score_on_density_fpr95": (-0.70, 1.30),  # 0.30
        "effect_score_on_density_fpr95_low": (-2.60, -0.60),  # -1.60
        "effect_score_on_density_fpr95_high": (-0.35, 1.65),  # 0.65
        "effect_score_on_density_fpr95_verdict": (0, 0),  # 0
        "effect_score_on_density_auroc": (-1.17, -0.17),  # -0.67
        "effect_score_on_density_auroc_low": (-1.43, -0.43),  # -0.93
        "effect_score_on_density_auroc_high": (-0.94, 0.060),  # -0.44
        "effect_score_on_density_auroc_verdict": (-1, -1),  # -1
        "density_vs_random_fpr95": (-0.52, 1.48),  # 0.48
        "density_vs_random_fpr95_low": (-1.97, 0.030),  # -0.97
        "density_vs_random_fpr95_high": (1.03, 3.03),  # 2.03
        "density_vs_random_fpr95_verdict": (0, 0),  # 0
        "density_vs_random_auroc": (-0.40, 0.60),  # 0.10
        "density_vs_random_auroc_low": (-0.64, 0.36),  # -0.14
        "density_vs_random_auroc_high": (-0.17, 0.83),  # 0.33
        "density_vs_random_auroc_verdict": (0, 0),  # 0
        "neglabel_rule_vs_random_fpr95": (4.53, 6.53),  # 5.53
        "neglabel_rule_vs_random_fpr95_low": (2.25, 4.25),  # 3.25
        "neglabel_rule_vs_random_fpr95_high": (6.11, 8.26),  # 7.18
        "neglabel_rule_vs_random_fpr95_verdict": (-1, -1),  # -1
        "neglabel_rule_vs_random_auroc": (-1.68, -0.68),  # -1.18
        "neglabel_rule_vs_random_auroc_low": (-1.99, -0.99),  # -1.49
        "neglabel_rule_vs_random_auroc_high": (-1.37, -0.37),  # -0.87
        "neglabel_rule_vs_random_auroc_verdict": (-1, -1),  # -1
        "neglabel_vs_rule_at_size_fpr95": (0.85, 2.85),  # 1.85
        "neglabel_vs_rule_at_size_fpr95_low": (-0.55, 1.45),  # 0.45
        "neglabel_vs_rule_at_size_fpr95_high": (1.70, 3.70),  # 2.70
        "neglabel_vs_rule_at_size_fpr95_verdict": (-1, -1),  # -1
        "neglabel_vs_rule_at_size_auroc": (-1.09, -0.090),  # -0.59
        "neglabel_vs_rule_at_size_auroc_low": (-1.32, -0.32),  # -0.82
        "neglabel_vs_rule_at_size_auroc_high": (-0.90, 0.10),  # -0.40
        "neglabel_vs_rule_at_size_auroc_verdict": (-1, -1),  # -1
        "clamped_vs_tau_one_fpr95": (-0.70, 1.30),  # 0.30
        "clamped_vs_tau_one_fpr95_low": (-2.60, -0.60),  # -1.60
        "clamped_vs_tau_one_fpr95_high": (-0.35, 1.65),  # 0.65
        "clamped_vs_tau_one_fpr95_verdict": (0, 0),  # 0
        "clamped_vs_tau_one_auroc": (-1.17, -0.17),  # -0.67
        "clamped_vs_tau_one_auroc_low": (-1.43, -0.43),  # -0.93
        "clamped_vs_tau_one_auroc_high": (-0.94, 0.060),  # -0.44
        "clamped_vs_tau_one_auroc_verdict": (-1, -1),  # -1
        "official_vs_tau_one_fpr95": (-0.40, 1.60),  # 0.60
        "official_vs_tau_one_fpr95_low": (-1.55, 0.45),  # -0.55
        "official_vs_tau_one_fpr95_high": (0.55, 2.55),  # 1.55
        "official_vs_tau_one_fpr95_verdict": (0, 0),  # 0
        "official_vs_tau_one_auroc": (-0.54, 0.46),  # -0.036
        "official_vs_tau_one_auroc_low": (-0.58, 0.42),  # -0.078
        "official_vs_tau_one_auroc_high": (-0.49, 0.51),  # 0.007
        "official_vs_tau_one_auroc_verdict": (0, 0),  # 0
        "saturated_id_density": (56.27, 76.13),  # 66.20
        "saturated_ood_density": (3.40, 5.40),  # 4.40
        "saturated_id_neglabel": (74.08, 100.00),  # 87.15
        "saturated_ood_neglabel": (12.92, 17.48),  # 15.20
        "temperature_fpr95_range": (35.91, 48.59),  # 42.25
        "temperature_auroc_range": (4.87, 5.95),  # 5.41
        "corpus_fpr95_range": (6.67, 9.03),  # 7.85
        "corpus_auroc_range": (1.99, 2.59),  # 2.29 (published run, log-odds default)
        "adj_quota_fpr95_range": (3.55, 5.55),  # 4.55
        "adj_quota_auroc_range": (0.58, 1.58),  # 1.08
        "noun_quota_fpr95_range": (3.45, 5.45),  # 4.45
        "noun_quota_auroc_range": (1.02, 2.02),  # 1.52
        "num_groups_fpr95_range": (1.00, 3.00),  # 2.00
        "num_groups_auroc_range": (1.38, 1.98),  # 1.68 (published run, log-odds default)
        "label_scale_fpr95_range": (0.65, 2.65),  # 1.65
        "label_scale_auroc_range": (1.11, 2.11),  # 1.61
        "k_fpr95_range": (0.00, 1.85),  # 0.85
        "k_auroc_range": (0.00, 0.81),  # 0.31
        "sigma_fpr95_range": (0.00, 1.55),  # 0.55
        "sigma_auroc_range": (0.15, 1.15),  # 0.65
        "num_positive_samples_fpr95_range": (0.00, 1.55),  # 0.55
        "num_positive_samples_auroc_range": (0.00, 0.57),  # 0.070
        "tau_neg_fpr95_range": (0.00, 1.50),  # 0.50
        "tau_neg_auroc_range": (0.40, 1.40),  # 0.90
        "temperature_best": (0.002, 0.002),  # 0.002
        "temperature_fpr95_best": (15.30, 20.70),  # 18.00
        "temperature_points": (5, 5),  # 5
        "temperature_dnm_wins": (5, 5),  # 5
        "tau_one_fpr95": (16.49, 22.31),  # 19.40
        "tau_one_auroc": (93.67, 95.67),  # 94.67
        "groups_one_fpr95": (15.04, 20.36),  # 17.70
        "groups_one_auroc": (91.99, 93.49),  # 92.74 (published run, log-odds default)
        "groups_one_neglabel_fpr95": (21.76, 29.44),  # 25.60
        "noun_quota_low_fpr95": (18.96, 25.64),  # 22.30
        "noun_quota_high_fpr95": (15.17, 20.53),  # 17.85
        "nouns_only_fpr95": (16.49, 22.31),  # 19.40
        "labels_min_count": (3029, 3029),  # 3029
        "labels_max_count": (24237, 24237),  # 24237
        "noise_fpr95_sd": (0.00, 4.50),  # 2.00
        "noise_auroc_sd": (0.00, 1.30),  # 0.38
        "num_knobs": (10, 10),  # 10
        "knobs_over_noise": (4, 4),  # 4
        "knobs_under_noise": (5, 5),  # 5
        "leak_removed": (137, 137),  # 137
        "leak_in_density": (36, 36),  # 36
        "leak_in_neglabel": (0, 0),  # 0
        "noleak_fpr95_neglabel_neglabel": (22.23, 30.07),  # 26.15
        "noleak_auroc_neglabel_neglabel": (91.80, 93.80),  # 92.80
        "noleak_fpr95_neglabel_dnm": (21.68, 29.32),  # 25.50
        "noleak_auroc_neglabel_dnm": (90.18, 91.68),  # 90.93 (published run, log-odds default)
        "noleak_fpr95_density_neglabel": (16.57, 22.43),  # 19.50
        "noleak_auroc_density_neglabel": (93.39, 95.39),  # 94.39
        "noleak_fpr95_density_dnm": (16.23, 21.96),  # 19.10
        "noleak_auroc_density_dnm": (92.60, 94.60),  # 93.60
        "noleak_effect_negatives_fpr95": (-7.53, -5.53),  # -6.53
        "noleak_effect_negatives_fpr95_low": (-10.03, -7.42),  # -8.72
        "noleak_effect_negatives_fpr95_high": (-4.88, -2.88),  # -3.88
        "noleak_effect_negatives_fpr95_verdict": (1, 1),  # 1
        "noleak_effect_negatives_auroc": (1.83, 2.43),  # 2.13 (published run, log-odds default)
        "noleak_effect_negatives_auroc_low": (1.35, 1.95),  # 1.65 (published run, log-odds default)
        "noleak_effect_negatives_auroc_high": (2.33, 2.93),  # 2.63 (published run, log-odds default)
        "noleak_effect_negatives_auroc_verdict": (1, 1),  # 1
        "noleak_effect_both_fpr95": (-8.11, -5.99),  # -7.05
        "noleak_effect_both_fpr95_low": (-10.75, -7.95),  # -9.35
        "noleak_effect_both_fpr95_high": (-5.35, -3.35),  # -4.35
        "noleak_effect_both_fpr95_verdict": (1, 1),  # 1
        "noleak_effect_both_auroc": (0.29, 1.29),  # 0.79
        "noleak_effect_both_auroc_low": (-0.23, 0.77),  # 0.27
        "noleak_effect_both_auroc_high": (0.83, 1.83),  # 1.33
        "noleak_effect_both_auroc_verdict": (1, 1),  # 1
        "noleak_density_vs_random_fpr95": (-0.48, 1.52),  # 0.52
        "noleak_density_vs_random_fpr95_low": (-1.93, 0.070),  # -0.93
        "noleak_density_vs_random_fpr95_high": (1.23, 3.23),  # 2.23
        "noleak_density_vs_random_fpr95_verdict": (0, 0),  # 0
        "noleak_density_vs_random_auroc": (-0.35, 0.65),  # 0.15
        "noleak_density_vs_random_auroc_low": (-0.59, 0.41),  # -0.095
        "noleak_density_vs_random_auroc_high": (-0.10, 0.90),  # 0.40
        "noleak_density_vs_random_auroc_verdict": (0, 0),  # 0
        "noleak_official_vs_tau_one_fpr95": (-0.45, 1.55),  # 0.55
        "noleak_official_vs_tau_one_fpr95_low": (-1.40, 0.60),  # -0.40
        "noleak_official_vs_tau_one_fpr95_high": (0.60, 2.60),  # 1.60
        "noleak_official_vs_tau_one_fpr95_verdict": (0, 0),  # 0
        "noleak_official_vs_tau_one_auroc": (-0.50, 0.50),  # 0.005
        "noleak_official_vs_tau_one_auroc_low": (-0.53, 0.47),  # -0.035
        "noleak_official_vs_tau_one_auroc_high": (-0.46, 0.54),  # 0.045
        "noleak_official_vs_tau_one_auroc_verdict": (0, 0),  # 0
        "draws": (3, 3),  # 3
        "effect_negatives_fpr95_draw_sd": (0.00, 1.40),  # 0.46
        "effect_negatives_auroc_draw_sd": (0.00, 0.90),  # 0.21
        "effect_score_fpr95_draw_sd": (0.00, 1.00),  # 0.26
        "effect_score_auroc_draw_sd": (0.00, 0.90),  # 0.19
        "effect_interaction_fpr95_draw_sd": (0.00, 1.80),  # 0.67
        "effect_interaction_auroc_draw_sd": (0.00, 1.20),  # 0.36
        "effect_both_fpr95_draw_sd": (0.00, 1.10),  # 0.28
        "effect_both_auroc_draw_sd": (0.00, 1.10),  # 0.28
        "effect_score_on_neglabel_fpr95_draw_sd": (0.00, 1.50),  # 0.50
        "effect_score_on_neglabel_auroc_draw_sd": (0.00, 1.20),  # 0.33
        "effect_score_on_density_fpr95_draw_sd": (0.00, 1.20),  # 0.33
        "effect_score_on_density_auroc_draw_sd": (0.00, 0.80),  # 0.17
        "num_corpora": (4, 4),  # 4
        "corpus_neglabel_fpr95_range": (5.60, 7.60),  # 6.60
        "corpus_dnm_wins": (4, 4),  # 4
        "common_dnm_fpr95": (22.40, 30.30),  # 26.35
        "common_dnm_auroc": (90.26, 92.26),  # 91.26
        "common_neglabel_fpr95": (26.82, 36.28),  # 31.55
        "common_neglabel_auroc": (90.58, 92.58),  # 91.58
        "reported_common_dnm_auroc": (90.34, 90.34),  # 90.34
        "reported_common_neglabel_auroc": (89.29, 89.29),  # 89.29
        "probability_vs_clamped_auroc": (-0.39, 0.21),  # -0.09 (published run, log-odds default)
        "probability_vs_clamped_auroc_high": (-0.21, 0.39),  # 0.09 (published run, log-odds default)
        "probability_vs_clamped_auroc_low": (-0.57, 0.03),  # -0.27 (published run, log-odds default)
        "probability_vs_clamped_auroc_verdict": (0, 0),  # 0 (published run, log-odds default)
        "probability_vs_clamped_fpr95": (-1.50, 1.50),  # 0.00 (published run, log-odds default)
        "probability_vs_clamped_fpr95_high": (-1.50, 1.50),  # 0.00 (published run, log-odds default)
        "probability_vs_clamped_fpr95_low": (-1.50, 1.50),  # 0.00 (published run, log-odds default)
        "probability_vs_clamped_fpr95_verdict": (0, 0),  # 0 (published run, log-odds default)
        "saturated_id_default": (0.00, 2.55),  # 0.05 (published run, log-odds default)
        "saturated_ood_default": (0.00, 2.50),  # 0.00 (published run, log-odds default)
    },
}
