"""Expected ranges of notebooks/05_held_out_generalisation.py's records (see tests/notebook_expectations.py).

``EXPECTATIONS`` (SMOKE, tested by tests/test_notebooks.py) and ``DEFAULT_RUN`` (the default parameters, tested by
tests/test_generalisation.py against book/generated/05_held_out_generalisation.ipynb when `make book` has written
it) describe the offline world's run; a feature bundle records only the ``own_*`` numbers and ``official_tau``,
``own_group_size``, ``own_a`` (nb.finish takes the names the features produce).
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # Offline world (MiniLM text side), SMOKE profile: every 10th word of the DNM corpus (5,750 words: 1,211
    # density negatives, Q = 12 at G = 100), 300 ID + 150 images per OOD set per setting and seed, SEEDS 0,1, 3
    # random controls, 100 paired resamples; official ViT-B/16 settings. Measured after each range: SEEDS 0,1 /
    # 2,3 / 4,5 / 6,7. Margins: 3 points for FPR95 differences (they move in steps of 1/150 per OOD set at this
    # size), 0.5 for AUROC differences, 4 / 1.5 points for a method's own FPR95 / AUROC, one setting for a count.
    # They keep what the page claims at this size too: the negatives raise AUROC and the debiased score lowers it
    # on ImageNet-1K, the score flips AUROC on the ImageNet subsets, and where a <= 0 the official arithmetic
    # inverts the ranking (FPR95 ~93, AUROC ~17) while the clamped score stays near NegLabel.
    "05_held_out_generalisation": {
        "own_negatives_fpr95": (-10.83, 2.67),  # -7.83 .. -0.33
        "own_negatives_fpr95_low": (-16.26, -5.09),  # -13.26 .. -8.09
        "own_negatives_fpr95_high": (-4.08, 11.95),  # -1.08 .. 8.95
        "own_negatives_fpr95_spread": (0.0, 6.8),  # 1.50 .. 3.83
        "own_negatives_auroc": (0.68, 2.07),  # 1.18 .. 1.57
        "own_negatives_auroc_low": (0.02, 1.36),  # 0.52 .. 0.86
        "own_negatives_auroc_high": (1.32, 2.8),  # 1.82 .. 2.30
        "own_negatives_auroc_spread": (0.0, 1.0),  # 0.04 .. 0.46
        "own_score_fpr95": (-5.5, 3.17),  # -2.50 .. 0.17
        "own_score_fpr95_low": (-5.75, 1.75),  # -2.75 .. -1.25
        "own_score_fpr95_high": (-2.0, 4.67),  # 1.00 .. 1.67
        "own_score_fpr95_spread": (0.0, 5.5),  # 0.33 .. 2.50
        "own_score_auroc": (-2.18, -0.92),  # -1.68 .. -1.42
        "own_score_auroc_low": (-2.9, -1.43),  # -2.40 .. -1.93
        "own_score_auroc_high": (-1.58, -0.27),  # -1.08 .. -0.77
        "own_score_auroc_spread": (0.0, 0.8),  # 0.03 .. 0.32
        "own_both_fpr95": (-13.33, 2.5),  # -10.33 .. -0.50
        "own_both_fpr95_low": (-15.92, -4.83),  # -12.92 .. -7.83
        "own_both_fpr95_high": (-4.49, 13.36),  # -1.49 .. 10.36
        "own_both_fpr95_spread": (0.0, 9.2),  # 1.17 .. 6.17
        "own_both_auroc": (-0.82, 0.65),  # -0.32 .. 0.15
        "own_both_auroc_low": (-1.56, -0.19),  # -1.06 .. -0.69
        "own_both_auroc_high": (0.06, 1.72),  # 0.56 .. 1.22
        "own_both_auroc_spread": (0.0, 1.0),  # 0.04 .. 0.48
        "own_fpr95_neglabel": (22.0, 35.0),  # 26.00 .. 31.00
        "own_auroc_neglabel": (89.5, 93.6),  # 90.98 .. 92.13
        "own_fpr95_at_size": (21.3, 37.5),  # 25.33 .. 33.50
        "own_auroc_at_size": (89.4, 93.7),  # 90.92 .. 92.25
        "own_fpr95_density": (19.0, 34.7),  # 23.00 .. 30.67
        "own_auroc_density": (91.0, 95.1),  # 92.55 .. 93.58
        "own_fpr95_dnm": (16.5, 34.5),  # 20.50 .. 30.50
        "own_auroc_dnm": (89.6, 93.5),  # 91.13 .. 91.98
        "own_fpr95_official": (17.0, 35.2),  # 21.00 .. 31.17
        "own_auroc_official": (91.0, 95.1),  # 92.54 .. 93.60
        "own_fpr95_random": (20.4, 34.6),  # 24.44 .. 30.56
        "own_auroc_random": (90.9, 95.0),  # 92.39 .. 93.48
        "own_tied_id": (70.0, 93.3),  # 80.00 .. 83.33
        "own_tied_ood": (0.0, 20.0),  # 8.50 .. 10.00
        "official_tau": (0.5, 0.5),  # 0.50
        "own_group_size": (12, 12),  # 12.00
        "own_a": (0.4939, 0.4941),  # 0.5 - 12 * 0.5 / 1000 = 0.494
        "num_settings": (11, 11),  # 11.00
        "num_held_out": (10, 10),  # 10.00
        "imagenet_negatives_fpr95_holds": (0, 1),  # 0.00
        "imagenet_negatives_fpr95_flips": (0, 1),  # 0.00
        "imagenet_negatives_auroc_holds": (0, 3),  # 1.00 .. 3.00
        "imagenet_negatives_auroc_flips": (0, 1),  # 0.00
        "imagenet_score_fpr95_holds": (0, 1),  # 0.00
        "imagenet_score_fpr95_flips": (0, 1),  # 0.00
        "imagenet_score_auroc_holds": (0, 1),  # 0.00
        "imagenet_score_auroc_flips": (2, 3),  # 3.00
        "imagenet_both_fpr95_holds": (0, 1),  # 0.00
        "imagenet_both_fpr95_flips": (0, 1),  # 0.00
        "imagenet_both_auroc_holds": (0, 1),  # 0.00
        "imagenet_both_auroc_flips": (0, 3),  # 1.00 .. 2.00
        "cifar_negatives_fpr95_holds": (0, 2),  # 0.00 .. 1.00
        "cifar_negatives_fpr95_flips": (0, 1),  # 0.00
        "cifar_negatives_auroc_holds": (0, 3),  # 1.00 .. 2.00
        "cifar_negatives_auroc_flips": (0, 1),  # 0.00
        "cifar_score_fpr95_holds": (0, 1),  # 0.00
        "cifar_score_fpr95_flips": (0, 1),  # 0.00
        "cifar_score_auroc_holds": (0, 1),  # 0.00
        "cifar_score_auroc_flips": (0, 2),  # 0.00 .. 1.00
        "cifar_both_fpr95_holds": (0, 1),  # 0.00
        "cifar_both_fpr95_flips": (0, 1),  # 0.00
        "cifar_both_auroc_holds": (0, 2),  # 0.00 .. 1.00
        "cifar_both_auroc_flips": (0, 1),  # 0.00
        "domain_negatives_fpr95_holds": (0, 2),  # 0.00 .. 1.00
        "domain_negatives_fpr95_flips": (0, 1),  # 0.00
        "domain_negatives_auroc_holds": (0, 2),  # 1.00
        "domain_negatives_auroc_flips": (0, 1),  # 0.00
        "domain_score_fpr95_holds": (0, 1),  # 0.00
        "domain_score_fpr95_flips": (0, 2),  # 0.00 .. 1.00
        "domain_score_auroc_holds": (0, 1),  # 0.00
        "domain_score_auroc_flips": (1, 3),  # 2.00
        "domain_both_fpr95_holds": (0, 1),  # 0.00
        "domain_both_fpr95_flips": (0, 1),  # 0.00
        "domain_both_auroc_holds": (0, 1),  # 0.00
        "domain_both_auroc_flips": (0, 3),  # 1.00 .. 2.00
        "cifar10_negatives_fpr95": (-4.33, 3.13),  # -1.33 .. 0.13
        "cifar10_negatives_fpr95_low": (-6.67, 2.07),  # -3.67 .. -0.93
        "cifar10_negatives_fpr95_high": (-3.27, 4.33),  # -0.27 .. 1.33
        "cifar10_negatives_fpr95_spread": (0.0, 3.4),  # 0.13 .. 0.40
        "cifar10_negatives_auroc": (-0.4, 0.82),  # 0.10 .. 0.32
        "cifar10_negatives_auroc_low": (-0.47, 0.67),  # 0.03 .. 0.17
        "cifar10_negatives_auroc_high": (-0.3, 0.99),  # 0.20 .. 0.49
        "cifar10_negatives_auroc_spread": (0.0, 0.7),  # 0.01 .. 0.18
        "cifar10_score_fpr95": (-3.0, 3.53),  # 0.00 .. 0.53
        "cifar10_score_fpr95_low": (-3.2, 3.0),  # -0.20 .. 0.00
        "cifar10_score_fpr95_high": (-2.26, 4.07),  # 0.74 .. 1.07
        "cifar10_score_fpr95_spread": (0.0, 3.4),  # 0.13 .. 0.40
        "cifar10_score_auroc": (-0.56, 0.47),  # -0.06 .. -0.03
        "cifar10_score_auroc_low": (-0.6, 0.42),  # -0.10 .. -0.08
        "cifar10_score_auroc_high": (-0.53, 0.52),  # -0.03 .. 0.02
        "cifar10_score_auroc_spread": (0.0, 0.6),  # 0.04 .. 0.07
        "cifar10_both_fpr95": (-3.8, 3.13),  # -0.80 .. 0.13
        "cifar10_both_fpr95_low": (-6.14, 2.2),  # -3.14 .. -0.80
        "cifar10_both_fpr95_high": (-3.13, 4.8),  # -0.13 .. 1.80
        "cifar10_both_fpr95_spread": (0.0, 3.5),  # 0.27 .. 0.53
        "cifar10_both_auroc": (-0.43, 0.77),  # 0.07 .. 0.27
        "cifar10_both_auroc_low": (-0.52, 0.63),  # -0.02 .. 0.13
        "cifar10_both_auroc_high": (-0.32, 0.95),  # 0.18 .. 0.45
        "cifar10_both_auroc_spread": (0.0, 0.6),  # 0.06 .. 0.14
        "num_a_nonpositive_vitb16": (3, 3),  # 3.00
        "num_a_nonpositive_vitb32": (5, 5),  # 5.00
        "held_out_both_fpr95_holds": (0, 1),  # 0.00
        "held_out_both_fpr95_vanishes": (9, 10),  # 10.00
        "held_out_both_fpr95_flips": (0, 1),  # 0.00
        "held_out_both_auroc_holds": (0, 2),  # 0.00 .. 1.00
        "held_out_both_auroc_vanishes": (6.50, 11.50),  # default, seed 1, seed 2: 8, 9, 10
        "held_out_both_auroc_flips": (0, 1),  # default, seed 1, seed 2: 1, 0, 0
        "hazard_settings": (3, 3),  # 3.00
        "hazard_fpr95_neglabel": (9.0, 26.0),  # 14.67 .. 20.71
        "hazard_auroc_neglabel": (93.5, 98.5),  # 95.70 .. 96.68
        "hazard_fpr95_official": (85.0, 100.0),  # 93.11 .. 94.53
        "hazard_auroc_official": (5.0, 30.0),  # 15.47 .. 17.90
        "hazard_fpr95_clamped": (8.0, 24.0),  # 13.29 .. 17.78
        "hazard_auroc_clamped": (92.0, 98.5),  # 94.43 .. 96.04
        "hazard_nonpositive_share": (0.4, 0.7),  # 0.54 .. 0.56
        "own_auroc_probability": (89.63, 93.48),  # default, seed 1, seed 2: 91.70, 91.98, 91.13
        "own_fpr95_probability": (15.50, 35.50),  # default, seed 1, seed 2: 23.17, 20.50, 30.50
    },
}

#: The default run (CORPUS_STEP 1: 57,493 words, 12,118 density negatives, Q = 121; 2,000 ID + 500 images per OOD
#: set; SEEDS 0,1; 500 resamples), measured once; margins are half of SMOKE's (the samples are 4-7 times larger).
DEFAULT_RUN: dict[str, tuple[float, float]] = {
    "own_negatives_fpr95": (-8.4, -5.4),  # -6.90
    "own_negatives_fpr95_low": (-10.53, -7.53),  # -9.03
    "own_negatives_fpr95_high": (-5.75, -2.75),  # -4.25
    "own_negatives_fpr95_spread": (0.0, 2.0),  # 0.50
    "own_negatives_auroc": (1.62, 2.12),  # 1.87
    "own_negatives_auroc_low": (1.21, 1.71),  # 1.46
    "own_negatives_auroc_high": (2.09, 2.59),  # 2.34
    "own_negatives_auroc_spread": (0.0, 0.4),  # 0.16
    "own_score_fpr95": (-1.1, 1.9),  # 0.40
    "own_score_fpr95_low": (-3.18, -0.18),  # -1.68
    "own_score_fpr95_high": (-0.8, 2.2),  # 0.70
    "own_score_fpr95_spread": (0.0, 2.2),  # 0.70
    "own_score_auroc": (-0.92, -0.42),  # -0.67
    "own_score_auroc_low": (-1.16, -0.66),  # -0.91
    "own_score_auroc_high": (-0.68, -0.18),  # -0.43
    "own_score_auroc_spread": (0.0, 0.4),  # 0.16
    "own_both_fpr95": (-8.0, -5.0),  # -6.50
    "own_both_fpr95_low": (-11.1, -8.1),  # -9.60
    "own_both_fpr95_high": (-6.3, -3.3),  # -4.80
    "own_both_fpr95_spread": (0.0, 1.7),  # 0.20
    "own_both_auroc": (0.95, 1.45),  # 1.20
    "own_both_auroc_low": (0.4, 0.9),  # 0.65
    "own_both_auroc_high": (1.49, 1.99),  # 1.74
    "own_both_auroc_spread": (0.0, 0.6),  # 0.32
    "own_fpr95_neglabel": (24.3, 28.3),  # 26.30
    "own_auroc_neglabel": (92.1, 93.6),  # 92.81
    "own_fpr95_at_size": (22.5, 26.5),  # 24.45
    "own_auroc_at_size": (92.6, 94.1),  # 93.40
    "own_fpr95_density": (17.4, 21.4),  # 19.40
    "own_auroc_density": (93.9, 95.4),  # 94.68
    "own_fpr95_dnm": (17.8, 21.8),  # 19.80
    "own_auroc_dnm": (93.3, 94.8),  # 94.00
    "own_fpr95_official": (18.0, 22.0),  # 20.00
    "own_auroc_official": (93.9, 95.4),  # 94.64
    "own_fpr95_random": (16.9, 20.9),  # 18.92
    "own_auroc_random": (93.8, 95.3),  # 94.58
    "own_tied_id": (61.2, 71.2),  # 66.20
    "own_tied_ood": (0.0, 9.4),  # 4.40
    "official_tau": (0.5, 0.5),  # 0.50
    "own_group_size": (121, 121),  # 121.00
    "own_a": (0.4394, 0.4396),  # 0.5 - 121 * 0.5 / 1000 = 0.4395
    "num_settings": (11, 11),  # 11.00
    "num_held_out": (10, 10),  # 10.00
    "imagenet_negatives_fpr95_holds": (1, 3),  # 2.00
    "imagenet_negatives_fpr95_flips": (0, 1),  # 0.00
    "imagenet_negatives_auroc_holds": (2, 3),  # 3.00
    "imagenet_negatives_auroc_flips": (0, 1),  # 0.00
    "imagenet_score_fpr95_holds": (1, 3),  # 2.00
    "imagenet_score_fpr95_flips": (0, 1),  # 0.00
    "imagenet_score_auroc_holds": (0, 1),  # 0.00
    "imagenet_score_auroc_flips": (2, 3),  # 3.00
    "imagenet_both_fpr95_holds": (2, 3),  # 3.00
    "imagenet_both_fpr95_flips": (0, 1),  # 0.00
    "imagenet_both_auroc_holds": (0, 1),  # 0.00
    "imagenet_both_auroc_flips": (0, 2),  # 1.00
    "cifar_negatives_fpr95_holds": (0, 1),  # 0.00
    "cifar_negatives_fpr95_flips": (0, 1),  # 0.00
    "cifar_negatives_auroc_holds": (0, 2),  # 1.00
    "cifar_negatives_auroc_flips": (0, 1),  # 0.00
    "cifar_score_fpr95_holds": (0, 1),  # 0.00
    "cifar_score_fpr95_flips": (0, 1),  # 0.00
    "cifar_score_auroc_holds": (0, 2),  # 1.00
    "cifar_score_auroc_flips": (0, 1),  # 0.00
    "cifar_both_fpr95_holds": (0, 1),  # 0.00
    "cifar_both_fpr95_flips": (0, 1),  # 0.00
    "cifar_both_auroc_holds": (0, 2),  # 1.00
    "cifar_both_auroc_flips": (0, 1),  # 0.00
    "domain_negatives_fpr95_holds": (0, 2),  # 1.00
    "domain_negatives_fpr95_flips": (0, 1),  # 0.00
    "domain_negatives_auroc_holds": (0, 2),  # 1.00
    "domain_negatives_auroc_flips": (0, 1),  # 0.00
    "domain_score_fpr95_holds": (0, 1),  # 0.00
    "domain_score_fpr95_flips": (0, 2),  # 1.00
    "domain_score_auroc_holds": (0, 1),  # 0.00
    "domain_score_auroc_flips": (1, 3),  # 2.00
    "domain_both_fpr95_holds": (0, 1),  # 0.00
    "domain_both_fpr95_flips": (0, 1),  # 0.00
    "domain_both_auroc_holds": (0, 1),  # 0.00
    "domain_both_auroc_flips": (1, 3),  # 2.00
    "cifar10_negatives_fpr95": (-2.1, 0.9),  # -0.60
    "cifar10_negatives_fpr95_low": (-2.64, 0.36),  # -1.14
    "cifar10_negatives_fpr95_high": (-1.5, 1.5),  # 0.00
    "cifar10_negatives_fpr95_spread": (0.0, 2.1),  # 0.64
    "cifar10_negatives_auroc": (-0.21, 0.29),  # 0.04
    "cifar10_negatives_auroc_low": (-0.27, 0.23),  # -0.02
    "cifar10_negatives_auroc_high": (-0.16, 0.34),  # 0.09
    "cifar10_negatives_auroc_spread": (0.0, 0.3),  # 0.01
    "cifar10_score_fpr95": (-1.5, 1.5),  # 0.00
    "cifar10_score_fpr95_low": (-1.78, 1.22),  # -0.28
    "cifar10_score_fpr95_high": (-1.14, 1.86),  # 0.36
    "cifar10_score_fpr95_spread": (0.0, 1.6),  # 0.08
    "cifar10_score_auroc": (-0.2, 0.3),  # 0.05
    "cifar10_score_auroc_low": (-0.24, 0.26),  # 0.01
    "cifar10_score_auroc_high": (-0.16, 0.34),  # 0.09
    "cifar10_score_auroc_spread": (0.0, 0.3),  # 0.02
    "cifar10_both_fpr95": (-2.1, 0.9),  # -0.60
    "cifar10_both_fpr95_low": (-2.58, 0.42),  # -1.08
    "cifar10_both_fpr95_high": (-1.54, 1.46),  # -0.04
    "cifar10_both_fpr95_spread": (0.0, 2.2),  # 0.72
    "cifar10_both_auroc": (-0.16, 0.34),  # 0.09
    "cifar10_both_auroc_low": (-0.23, 0.27),  # 0.02
    "cifar10_both_auroc_high": (-0.08, 0.42),  # 0.17
    "cifar10_both_auroc_spread": (0.0, 0.3),  # 0.04
    "num_a_nonpositive_vitb16": (8, 8),  # 8.00
    "num_a_nonpositive_vitb32": (10, 10),  # 10.00
    "held_out_both_fpr95_holds": (2, 4),  # 3.00
    "held_out_both_fpr95_vanishes": (6, 8),  # 7.00
    "held_out_both_fpr95_flips": (0, 1),  # 0.00
    "held_out_both_auroc_holds": (0, 2),  # 1.00
    "held_out_both_auroc_vanishes": (8, 8),  # 8 (published run, log-odds default)
    "held_out_both_auroc_flips": (1, 1),  # 1 (published run, log-odds default)
    "hazard_settings": (8, 8),  # 8.00
    "hazard_fpr95_neglabel": (9.0, 26.0),  # 16.36
    "hazard_auroc_neglabel": (93.5, 98.5),  # 96.14
    "hazard_fpr95_official": (85.0, 100.0),  # 93.51
    "hazard_auroc_official": (5.0, 30.0),  # 17.56
    "hazard_fpr95_clamped": (8.0, 24.0),  # 13.73
    "hazard_auroc_clamped": (92.0, 98.5),  # 95.98
    "hazard_nonpositive_share": (0.4, 0.7),  # 0.59
    "own_auroc_probability": (93.25, 94.75),  # 94.00 (published run, log-odds default)
    "own_fpr95_probability": (17.30, 22.30),  # 19.80 (published run, log-odds default)
}
