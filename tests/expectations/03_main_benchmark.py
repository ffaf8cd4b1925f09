"""Expected ranges of notebooks/03_main_benchmark.py's records (see tests/notebook_expectations.py).

EXPECTATIONS: the SMOKE profile, which tests/test_notebooks.py runs: the offline world with 1/10 of the DNM corpus
(5,750 words), SMOKE_SIZES (2,000 ID + 4 x 400 OOD), SEED 0, 100 resamples, 3 partitions and 2 redraws of
1,000 + 4 x 250 images. DEFAULT: the default run (57,493 words, 50,000 ID + 35,640 OOD, 200 resamples, 5 partitions,
2 redraws of 5,000 + 4 x 1,000), checked by tests/test_report.py against the notebook the book build executed.

The runs are seeded, so on this machine every record is reproduced exactly; the ranges leave room for another BLAS
or MiniLM build (float ties in the scores move an FPR95 by hundredths): SMOKE +-3 FPR95 and +-1 AUROC points on
averages and differences, DEFAULT +-1 and +-0.4. A verdict (+1 A better, 0 no difference, -1 B better) is pinned
where its 95% interval ends clearly away from 0 (SMOKE: 1 FPR95 / 0.25 AUROC points; DEFAULT: 0.4 / 0.1) and may
move to "no difference" otherwise. Counts of mined words are fixed by the corpus up to ties. The ranges keep the
signs the page's prose and claim rest on: DNM ahead of NegLabel, the negatives (not the score) carrying it, density
negatives no better than random ones of the same size at the default size, the official arithmetic behind tau = 1,
most ID images tied at the clamped maximum. Measured value after each range.
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    "03_main_benchmark": {
        # parameters echoed for the prose, and the official tau of ViT-B/16 (0.5)
        "bootstrap": (100, 100),  # 100
        "partition_seed": (0, 0),  # 0
        "random_seeds": (3, 3),  # 3
        "official_tau": (0.5, 0.5),  # 0.5
        "spread_seeds": (3, 3),  # 3
        "spread_id_images": (1000, 1000),  # 1,000
        "spread_ood_images": (250, 250),  # 250
        "redraws": (2, 2),  # 2
        # reported numbers (data.reported)
        "reported_fpr95_avg_mcm": (42.739, 42.741),  # 42.74
        "reported_fpr95_avg_neglabel": (25.399, 25.401),  # 25.4
        "reported_fpr95_avg_csp": (17.509, 17.511),  # 17.51
        "reported_fpr95_avg_dnm": (16.899, 16.901),  # 16.9
        "reported_dnm_minus_neglabel_fpr95": (-8.501, -8.499),  # -8.5
        "reported_dnm_minus_csp_fpr95": (-0.611, -0.609),  # -0.61
        # negatives per rule: fixed by the corpus (15% per part for NegLabel and CSP, 23% / 13% for DNM)
        "num_negatives_neglabel": (856, 866),  # 861
        "num_negatives_dnm": (1206, 1216),  # 1,211
        "num_negatives_csp": (856, 866),  # 861
        # the main table's averages (MCM and NegLabel are the world's calibration anchors)
        "fpr95_avg_mcm": (37.31, 51.19),  # default, seed 1, seed 2: 42.31, 44.00, 46.19
        "auroc_avg_mcm": (85.66, 87.66),  # 86.66
        "fpr95_avg_neglabel": (26.94, 32.94),  # 29.94 (anchor 25.40)
        "auroc_avg_neglabel": (91.53, 93.53),  # 92.53
        "fpr95_avg_csp": (22.31, 28.31),  # 25.31
        "auroc_avg_csp": (92.77, 94.77),  # 93.77
        "fpr95_avg_dnm": (20.44, 26.44),  # 23.44
        "auroc_avg_dnm": (91.94, 93.94),  # 92.94
        "fpr95_avg_dnm_official": (20.19, 26.19),  # 23.19
        "auroc_avg_dnm_official": (92.98, 94.98),  # 93.98
        # bootstrap interval widths
        "widest_fpr95_interval": (11.31, 17.31),  # 14.31
        "widest_average_fpr95_interval": (5.91, 11.91),  # 8.914
        # claims: A - B of the average, its paired 95% interval, verdict (+1 A better, 0 none, -1 B better)
        "dnm_vs_neglabel_fpr95": (-9.5, -3.5),  # -6.5 DNM ahead of NegLabel
        "dnm_vs_neglabel_fpr95_low": (-12.69, -6.69),  # -9.694
        "dnm_vs_neglabel_fpr95_high": (-7.15, -1.15),  # -4.152
        "dnm_vs_neglabel_fpr95_verdict": (1, 1),  # 1
        "dnm_vs_neglabel_auroc": (-0.59, 1.41),  # 0.4051
        "dnm_vs_neglabel_auroc_low": (-1.09, 0.91),  # -0.09049
        "dnm_vs_neglabel_auroc_high": (-0.05, 1.95),  # 0.9458
        "dnm_vs_neglabel_auroc_verdict": (-1, 1),  # 0
        "dnm_vs_csp_fpr95": (-4.88, 1.12),  # -1.875
        "dnm_vs_csp_fpr95_low": (-8.04, -2.04),  # -5.039
        "dnm_vs_csp_fpr95_high": (-2.0, 4.0),  # 1.003
        "dnm_vs_csp_fpr95_verdict": (0, 0),  # 0
        "dnm_vs_csp_auroc": (-1.83, 0.17),  # -0.8291
        "dnm_vs_csp_auroc_low": (-2.28, -0.28),  # -1.282
        "dnm_vs_csp_auroc_high": (-1.36, 0.64),  # -0.3603
        "dnm_vs_csp_auroc_verdict": (-1, -1),  # -1
        "density_vs_neglabel_fpr95": (-10.19, -4.19),  # -7.188 the negatives carry it
        "density_vs_neglabel_fpr95_low": (-12.66, -6.66),  # -9.661
        "density_vs_neglabel_fpr95_high": (-7.02, -1.02),  # -4.02
        "density_vs_neglabel_fpr95_verdict": (1, 1),  # 1
        "density_vs_neglabel_auroc": (0.46, 2.46),  # 1.455
        "density_vs_neglabel_auroc_low": (0.18, 2.18),  # 1.177
        "density_vs_neglabel_auroc_high": (0.83, 2.83),  # 1.826
        "density_vs_neglabel_auroc_verdict": (1, 1),  # 1
        "dnm_vs_density_fpr95": (-2.31, 3.69),  # 0.6875
        "dnm_vs_density_fpr95_low": (-4.1, 1.9),  # -1.095
        "dnm_vs_density_fpr95_high": (-1.75, 4.25),  # 1.253
        "dnm_vs_density_fpr95_verdict": (0, 0),  # 0
        "dnm_vs_density_auroc": (-2.05, -0.05),  # -1.05
        "dnm_vs_density_auroc_low": (-2.35, -0.35),  # -1.352
        "dnm_vs_density_auroc_high": (-1.71, 0.29),  # -0.7053
        "dnm_vs_density_auroc_verdict": (-1, -1),  # -1
        "official_vs_density_fpr95": (-2.56, 3.44),  # 0.4375
        "official_vs_density_fpr95_low": (-3.53, 2.47),  # -0.5328
        "official_vs_density_fpr95_high": (-1.3, 4.7),  # 1.697
        "official_vs_density_fpr95_verdict": (-1, 1),  # 0
        "official_vs_density_auroc": (-1.01, 0.99),  # -0.007359
        "official_vs_density_auroc_low": (-1.04, 0.96),  # -0.03795
        "official_vs_density_auroc_high": (-0.96, 1.04),  # 0.04442
        "official_vs_density_auroc_verdict": (-1, 1),  # 0
        "neglabel_at_size_vs_neglabel_fpr95": (-3.56, 2.44),  # -0.5625
        "neglabel_at_size_vs_neglabel_fpr95_low": (-4.81, 1.19),  # -1.812
        "neglabel_at_size_vs_neglabel_fpr95_high": (-2.06, 3.94),  # 0.9406
        "neglabel_at_size_vs_neglabel_fpr95_verdict": (-1, 1),  # 0
        "neglabel_at_size_vs_neglabel_auroc": (-0.99, 1.01),  # 0.007688
        "neglabel_at_size_vs_neglabel_auroc_low": (-1.13, 0.87),  # -0.1313
        "neglabel_at_size_vs_neglabel_auroc_high": (-0.84, 1.16),  # 0.1628
        "neglabel_at_size_vs_neglabel_auroc_verdict": (-1, 1),  # 0
        "density_vs_neglabel_at_size_fpr95": (-9.62, -3.62),  # -6.625
        "density_vs_neglabel_at_size_fpr95_low": (-12.5, -6.5),  # -9.503
        "density_vs_neglabel_at_size_fpr95_high": (-6.53, -0.53),  # -3.527
        "density_vs_neglabel_at_size_fpr95_verdict": (1, 1),  # 1
        "density_vs_neglabel_at_size_auroc": (0.45, 2.45),  # 1.447
        "density_vs_neglabel_at_size_auroc_low": (0.12, 2.12),  # 1.115
        "density_vs_neglabel_at_size_auroc_high": (0.81, 2.81),  # 1.806
        "density_vs_neglabel_at_size_auroc_verdict": (1, 1),  # 1
        "density_vs_random_0_fpr95": (-7.19, -1.19),  # -4.188
        "density_vs_random_0_fpr95_low": (-9.78, -3.78),  # -6.783
        "density_vs_random_0_fpr95_high": (-3.37, 2.63),  # -0.3656
        "density_vs_random_0_fpr95_verdict": (0, 1),  # 1
        "density_vs_random_0_auroc": (-0.03, 1.97),  # 0.9669
        "density_vs_random_0_auroc_low": (-0.34, 1.66),  # 0.6632
        "density_vs_random_0_auroc_high": (0.27, 2.27),  # 1.266
        "density_vs_random_0_auroc_verdict": (1, 1),  # 1
        "density_vs_random_1_fpr95": (-6.75, 2.81),  # default, seed 1, seed 2: -3.75, -3.38, -0.19
        "density_vs_random_1_fpr95_low": (-8.23, -2.23),  # -5.233
        "density_vs_random_1_fpr95_high": (-2.59, 3.41),  # 0.4141
        "density_vs_random_1_fpr95_verdict": (-1, 1),  # 0
        "density_vs_random_1_auroc": (-0.47, 1.53),  # 0.5336
        "density_vs_random_1_auroc_low": (-0.79, 1.21),  # 0.2149
        "density_vs_random_1_auroc_high": (-0.13, 1.87),  # 0.8672
        "density_vs_random_1_auroc_verdict": (0, 1),  # 1
        "density_vs_random_2_fpr95": (-4.62, 1.38),  # -1.625
        "density_vs_random_2_fpr95_low": (-7.35, -1.35),  # -4.345
        "density_vs_random_2_fpr95_high": (-1.05, 4.95),  # 1.95
        "density_vs_random_2_fpr95_verdict": (0, 1),  # default, seed 1, seed 2: 0, 0, 1
        "density_vs_random_2_auroc": (-0.67, 1.33),  # 0.33
        "density_vs_random_2_auroc_low": (-0.96, 1.04),  # 0.03605
        "density_vs_random_2_auroc_high": (-0.28, 1.72),  # 0.7224
        "density_vs_random_2_auroc_verdict": (0, 1),  # 1
        # the controls' averages
        "fpr95_avg_random_0": (23.94, 29.94),  # 26.94
        "fpr95_avg_random_1": (23.5, 29.5),  # 26.5
        "fpr95_avg_random_2": (21.38, 27.38),  # 24.38
        "fpr95_avg_neglabel_at_size": (26.38, 32.38),  # 29.38
        "fpr95_avg_density_tau1": (19.75, 25.75),  # 22.75
        "auroc_avg_neglabel_at_size": (91.54, 93.54),  # 92.54
        "auroc_avg_density_tau1": (92.99, 94.99),  # 93.99
        # saturation at the clamped score's maximum
        "saturation_id_dnm": (0.00, 5.05),  # default, seed 1, seed 2: 0.05, 0.05, 0.05
        "saturation_ood_dnm": (0.0, 16.9),  # 6.938
        "saturation_id_neglabel": (0.00, 5.05),  # default, seed 1, seed 2: 0.05, 0.05, 0.05
        # partition spread
        "max_partition_sd": (0.01, 2.0),  # 0.5686 > 0: an ignored partition seed gives exactly 0
        "max_partition_range": (0.05, 4.0),  # 1.1
        # redraws of the images: min and max of A - B over the draws
        "redraw_dnm_vs_neglabel_fpr95_min": (-5.9, 0.1),  # -2.9
        "redraw_dnm_vs_neglabel_fpr95_max": (-5.5, 0.5),  # -2.5
        "redraw_dnm_vs_neglabel_auroc_min": (-1.2, 0.8),  # -0.2011
        "redraw_dnm_vs_neglabel_auroc_max": (-0.74, 1.26),  # 0.2644
        "redraw_density_vs_neglabel_fpr95_min": (-6.3, -0.3),  # -3.3
        "redraw_density_vs_neglabel_fpr95_max": (-5.4, 0.6),  # -2.4
        "redraw_density_vs_neglabel_auroc_min": (0.17, 2.17),  # 1.168
        "redraw_density_vs_neglabel_auroc_max": (0.57, 2.57),  # 1.572
        "redraw_dnm_vs_density_fpr95_min": (-3.1, 2.9),  # -0.1
        "redraw_dnm_vs_density_fpr95_max": (-2.6, 3.4),  # 0.4
        "redraw_dnm_vs_density_auroc_min": (-2.37, -0.37),  # -1.369
        "redraw_dnm_vs_density_auroc_max": (-2.31, -0.31),  # -1.307
        "redraw_density_vs_neglabel_at_size_fpr95_min": (-6.5, -0.5),  # -3.5
        "redraw_density_vs_neglabel_at_size_fpr95_max": (-5.0, 1.0),  # -2
        "redraw_density_vs_neglabel_at_size_auroc_min": (0.21, 2.21),  # 1.208
        "redraw_density_vs_neglabel_at_size_auroc_max": (0.5, 2.5),  # 1.498
        "redraw_density_vs_random_fpr95_min": (-5.3, 0.7),  # -2.3
        "redraw_density_vs_random_fpr95_max": (-5.97, 3.70),  # default, seed 1, seed 2: 0.70, 0.70, -2.97
        "redraw_density_vs_random_auroc_min": (-0.72, 1.28),  # 0.2775
        "redraw_density_vs_random_auroc_max": (-0.38, 1.62),  # 0.6219
        # the corpus without the OOD names
        "ood_names_removed_words": (13, 23),  # 18
        "ood_names_removed_pool": (13, 23),  # 18
        "ood_names_neglabel_inaturalist": (0, 2),  # 0
        "ood_names_neglabel_sun": (0, 2),  # 0
        "ood_names_neglabel_places": (0, 2),  # 0
        "ood_names_neglabel_textures": (0, 2),  # 0
        "ood_names_dnm_inaturalist": (0, 2),  # 0
        "ood_names_dnm_sun": (0, 3),  # 1
        "ood_names_dnm_places": (0, 4),  # 2
        "ood_names_dnm_textures": (0, 2),  # 0
        "fpr95_avg_neglabel_no_names": (27.62, 33.62),  # 30.62
        "auroc_avg_neglabel_no_names": (91.42, 93.42),  # 92.42
        "fpr95_avg_csp_no_names": (21.62, 27.62),  # 24.62
        "auroc_avg_csp_no_names": (92.85, 94.85),  # 93.85
        "fpr95_avg_dnm_no_names": (20.75, 26.75),  # 23.75
        "auroc_avg_dnm_no_names": (91.92, 93.92),  # 92.92
        "fpr95_avg_dnm_official_no_names": (20.25, 26.25),  # 23.25
        "auroc_avg_dnm_official_no_names": (92.93, 94.93),  # 93.93
        "no_names_dnm_vs_neglabel_fpr95": (-9.88, -3.88),  # -6.875
        "no_names_dnm_vs_neglabel_fpr95_low": (-13.26, -7.26),  # -10.26
        "no_names_dnm_vs_neglabel_fpr95_high": (-7.59, -1.59),  # -4.592
        "no_names_dnm_vs_neglabel_fpr95_verdict": (1, 1),  # 1
        "no_names_dnm_vs_neglabel_auroc": (-0.5, 1.5),  # 0.4999
        "no_names_dnm_vs_neglabel_auroc_low": (-1.01, 0.99),  # -0.008334
        "no_names_dnm_vs_neglabel_auroc_high": (-0.03, 1.97),  # 0.9662
        "no_names_dnm_vs_neglabel_auroc_verdict": (-1, 1),  # 0
        "no_names_dnm_vs_dnm_fpr95": (-2.69, 3.31),  # 0.3125
        "no_names_dnm_vs_dnm_fpr95_low": (-3.28, 2.72),  # -0.2828
        "no_names_dnm_vs_dnm_fpr95_high": (-2.28, 3.72),  # 0.7203
        "no_names_dnm_vs_dnm_fpr95_verdict": (-1, 1),  # 0
        "no_names_dnm_vs_dnm_auroc": (-1.02, 0.98),  # -0.01853
        "no_names_dnm_vs_dnm_auroc_low": (-1.15, 0.85),  # -0.1451
        "no_names_dnm_vs_dnm_auroc_high": (-0.91, 1.09),  # 0.09157
        "no_names_dnm_vs_dnm_auroc_verdict": (-1, 1),  # 0
        "no_names_neglabel_vs_neglabel_fpr95": (-2.31, 3.69),  # 0.6875
        "no_names_neglabel_vs_neglabel_fpr95_low": (-3.38, 2.62),  # -0.3781
        "no_names_neglabel_vs_neglabel_fpr95_high": (-0.62, 5.38),  # 2.378
        "no_names_neglabel_vs_neglabel_fpr95_verdict": (-1, 1),  # 0
        "no_names_neglabel_vs_neglabel_auroc": (-1.11, 0.89),  # -0.1133
        "no_names_neglabel_vs_neglabel_auroc_low": (-1.19, 0.81),  # -0.1901
        "no_names_neglabel_vs_neglabel_auroc_high": (-1.02, 0.98),  # -0.02286
        "no_names_neglabel_vs_neglabel_auroc_verdict": (-1, 0),  # -1
        # CSP as the held-out check and DNM's closed form
        "csp_minus_reported_fpr95": (4.8, 10.8),  # 7.802
        "csp_gain_over_neglabel_fpr95": (1.62, 7.62),  # 4.625
        "csp_gain_over_neglabel_reported": (7.889, 7.891),  # 7.89
        "dnm_coefficient_a": (0.4939, 0.4941),  # 0.494 0.5 - Q (1 - 0.5) / 1000
        "dnm_official_minus_dnm_fpr95": (-3.25, 2.75),  # -0.25
        "dnm_official_minus_dnm_auroc": (0.04, 2.04),  # 1.043
        "auroc_avg_dnm_probability": (90.59, 94.44),  # default, seed 1, seed 2: 92.94, 92.30, 92.09
        "fpr95_avg_dnm_probability": (18.44, 30.00),  # default, seed 1, seed 2: 23.44, 24.88, 25.00
        "probability_vs_dnm_auroc": (-0.91, 0.39),  # default, seed 1, seed 2: -0.31, -0.21, -0.26
        "probability_vs_dnm_auroc_high": (-0.60, 0.70),  # default, seed 1, seed 2: -0.00, 0.10, 0.01
        "probability_vs_dnm_auroc_low": (-1.24, 0.09),  # default, seed 1, seed 2: -0.64, -0.51, -0.61
        "probability_vs_dnm_auroc_verdict": (-1, 0),  # default, seed 1, seed 2: -1, 0, 0
        "probability_vs_dnm_fpr95": (-3.00, 3.00),  # default, seed 1, seed 2: 0.00, 0.00, 0.00
        "probability_vs_dnm_fpr95_high": (-3.00, 3.00),  # default, seed 1, seed 2: 0.00, 0.00, 0.00
        "probability_vs_dnm_fpr95_low": (-3.00, 3.00),  # default, seed 1, seed 2: 0.00, 0.00, 0.00
        "probability_vs_dnm_fpr95_verdict": (0, 0),  # default, seed 1, seed 2: 0, 0, 0
        "saturation_id_dnm_probability": (73.55, 85.20),  # default, seed 1, seed 2: 78.70, 80.20, 78.55
        "saturation_ood_dnm_probability": (1.94, 13.75),  # default, seed 1, seed 2: 6.94, 8.44, 8.75
    },
}

DEFAULT: dict[str, tuple[float, float]] = {
    # parameters echoed for the prose, and the official tau of ViT-B/16 (0.5)
    "bootstrap": (200, 200),  # 200
    "partition_seed": (0, 0),  # 0
    "random_seeds": (3, 3),  # 3
    "official_tau": (0.5, 0.5),  # 0.5
    "spread_seeds": (5, 5),  # 5
    "spread_id_images": (5000, 5000),  # 5,000
    "spread_ood_images": (1000, 1000),  # 1,000
    "redraws": (2, 2),  # 2
    # reported numbers (data.reported)
    "reported_fpr95_avg_mcm": (42.739, 42.741),  # 42.74
    "reported_fpr95_avg_neglabel": (25.399, 25.401),  # 25.4
    "reported_fpr95_avg_csp": (17.509, 17.511),  # 17.51
    "reported_fpr95_avg_dnm": (16.899, 16.901),  # 16.9
    "reported_dnm_minus_neglabel_fpr95": (-8.501, -8.499),  # -8.5
    "reported_dnm_minus_csp_fpr95": (-0.611, -0.609),  # -0.61
    # negatives per rule: fixed by the corpus (15% per part for NegLabel and CSP, 23% / 13% for DNM)
    "num_negatives_neglabel": (8613, 8633),  # 8,623
    "num_negatives_dnm": (12108, 12128),  # 12,118
    "num_negatives_csp": (8612, 8632),  # 8,622
    # the main table's averages (MCM and NegLabel are the world's calibration anchors)
    "fpr95_avg_mcm": (42.36, 44.36),  # 43.36 (anchor 42.74)
    "auroc_avg_mcm": (85.94, 86.74),  # 86.34
    "fpr95_avg_neglabel": (26.08, 28.08),  # 27.08 (anchor 25.40)
    "auroc_avg_neglabel": (92.08, 92.88),  # 92.48
    "fpr95_avg_csp": (24.82, 26.82),  # 25.82
    "auroc_avg_csp": (92.73, 93.53),  # 93.13
    "fpr95_avg_dnm": (20.64, 22.64),  # 21.64
    "auroc_avg_dnm": (92.89, 93.69),  # 93.29
    "fpr95_avg_dnm_official": (21.94, 23.94),  # 22.94
    "auroc_avg_dnm_official": (93.78, 94.58),  # 94.18
    # bootstrap interval widths
    "widest_fpr95_interval": (1.91, 3.91),  # 2.909
    "widest_average_fpr95_interval": (0.54, 2.54),  # 1.536
    # claims: A - B of the average, its paired 95% interval, verdict (+1 A better, 0 none, -1 B better)
    "dnm_vs_neglabel_fpr95": (-6.44, -4.44),  # -5.44 DNM ahead of NegLabel
    "dnm_vs_neglabel_fpr95_low": (-6.94, -4.94),  # -5.936
    "dnm_vs_neglabel_fpr95_high": (-5.99, -3.99),  # -4.987
    "dnm_vs_neglabel_fpr95_verdict": (1, 1),  # 1
    "dnm_vs_neglabel_auroc": (0.41, 1.21),  # 0.8087
    "dnm_vs_neglabel_auroc_low": (0.28, 1.08),  # 0.6821
    "dnm_vs_neglabel_auroc_high": (0.52, 1.32),  # 0.9162
    "dnm_vs_neglabel_auroc_verdict": (1, 1),  # 1
    "dnm_vs_csp_fpr95": (-5.18, -3.18),  # -4.181
    "dnm_vs_csp_fpr95_low": (-5.61, -3.61),  # -4.615
    "dnm_vs_csp_fpr95_high": (-4.69, -2.69),  # -3.695
    "dnm_vs_csp_fpr95_verdict": (1, 1),  # 1
    "dnm_vs_csp_auroc": (-0.24, 0.56),  # 0.1552
    "dnm_vs_csp_auroc_low": (-0.37, 0.43),  # 0.0287
    "dnm_vs_csp_auroc_high": (-0.14, 0.66),  # 0.2556
    "dnm_vs_csp_auroc_verdict": (0, 1),  # 1
    "density_vs_neglabel_fpr95": (-5.91, -3.91),  # -4.912 the negatives carry it
    "density_vs_neglabel_fpr95_low": (-6.36, -4.36),  # -5.365
    "density_vs_neglabel_fpr95_high": (-5.45, -3.45),  # -4.449
    "density_vs_neglabel_fpr95_verdict": (1, 1),  # 1
    "density_vs_neglabel_auroc": (1.34, 2.14),  # 1.74
    "density_vs_neglabel_auroc_low": (1.26, 2.06),  # 1.657
    "density_vs_neglabel_auroc_high": (1.42, 2.22),  # 1.819
    "density_vs_neglabel_auroc_verdict": (1, 1),  # 1
    "dnm_vs_density_fpr95": (-1.53, 0.47),  # -0.528
    "dnm_vs_density_fpr95_low": (-1.7, 0.3),  # -0.6966
    "dnm_vs_density_fpr95_high": (-1.3, 0.7),  # -0.3004
    "dnm_vs_density_fpr95_verdict": (0, 1),  # 1
    "dnm_vs_density_auroc": (-1.33, -0.53),  # -0.9318
    "dnm_vs_density_auroc_low": (-1.4, -0.6),  # -0.9974
    "dnm_vs_density_auroc_high": (-1.28, -0.48),  # -0.8769
    "dnm_vs_density_auroc_verdict": (-1, -1),  # -1
    "official_vs_density_fpr95": (-0.23, 1.77),  # 0.7724 the official arithmetic is worse than tau = 1
    "official_vs_density_fpr95_low": (-0.32, 1.68),  # 0.6785
    "official_vs_density_fpr95_high": (-0.02, 1.98),  # 0.9837
    "official_vs_density_fpr95_verdict": (-1, -1),  # -1
    "official_vs_density_auroc": (-0.44, 0.36),  # -0.04039
    "official_vs_density_auroc_low": (-0.45, 0.35),  # -0.04864
    "official_vs_density_auroc_high": (-0.43, 0.37),  # -0.02939
    "official_vs_density_auroc_verdict": (-1, 0),  # -1
    "neglabel_at_size_vs_neglabel_fpr95": (-2.53, -0.53),  # -1.532
    "neglabel_at_size_vs_neglabel_fpr95_low": (-2.78, -0.78),  # -1.777
    "neglabel_at_size_vs_neglabel_fpr95_high": (-2.3, -0.3),  # -1.298
    "neglabel_at_size_vs_neglabel_fpr95_verdict": (1, 1),  # 1
    "neglabel_at_size_vs_neglabel_auroc": (0.12, 0.92),  # 0.5206
    "neglabel_at_size_vs_neglabel_auroc_low": (0.09, 0.89),  # 0.4894
    "neglabel_at_size_vs_neglabel_auroc_high": (0.16, 0.96),  # 0.5582
    "neglabel_at_size_vs_neglabel_auroc_verdict": (1, 1),  # 1
    "density_vs_neglabel_at_size_fpr95": (-4.38, -2.38),  # -3.38
    "density_vs_neglabel_at_size_fpr95_low": (-4.87, -2.87),  # -3.872
    "density_vs_neglabel_at_size_fpr95_high": (-4.0, -2.0),  # -3.003
    "density_vs_neglabel_at_size_fpr95_verdict": (1, 1),  # 1
    "density_vs_neglabel_at_size_auroc": (0.82, 1.62),  # 1.22
    "density_vs_neglabel_at_size_auroc_low": (0.73, 1.53),  # 1.127
    "density_vs_neglabel_at_size_auroc_high": (0.9, 1.7),  # 1.304
    "density_vs_neglabel_at_size_auroc_verdict": (1, 1),  # 1
    "density_vs_random_0_fpr95": (-0.92, 1.08),  # 0.08447
    "density_vs_random_0_fpr95_low": (-1.26, 0.74),  # -0.2631
    "density_vs_random_0_fpr95_high": (-0.63, 1.37),  # 0.368
    "density_vs_random_0_fpr95_verdict": (-1, 0),  # 0
    "density_vs_random_0_auroc": (-0.44, 0.36),  # -0.03528
    "density_vs_random_0_auroc_low": (-0.49, 0.31),  # -0.09284
    "density_vs_random_0_auroc_high": (-0.38, 0.42),  # 0.01879
    "density_vs_random_0_auroc_verdict": (-1, 1),  # 0
    "density_vs_random_1_fpr95": (-0.08, 1.92),  # 0.9225 random words do better
    "density_vs_random_1_fpr95_low": (-0.42, 1.58),  # 0.58
    "density_vs_random_1_fpr95_high": (0.24, 2.24),  # 1.239
    "density_vs_random_1_fpr95_verdict": (-1, -1),  # -1
    "density_vs_random_1_auroc": (-0.54, 0.26),  # -0.1414
    "density_vs_random_1_auroc_low": (-0.6, 0.2),  # -0.2023
    "density_vs_random_1_auroc_high": (-0.48, 0.32),  # -0.08453
    "density_vs_random_1_auroc_verdict": (-1, 0),  # -1
    "density_vs_random_2_fpr95": (-0.03, 1.97),  # 0.9729
    "density_vs_random_2_fpr95_low": (-0.4, 1.6),  # 0.6005
    "density_vs_random_2_fpr95_high": (0.29, 2.29),  # 1.288
    "density_vs_random_2_fpr95_verdict": (-1, -1),  # -1
    "density_vs_random_2_auroc": (-0.56, 0.24),  # -0.1574
    "density_vs_random_2_auroc_low": (-0.63, 0.17),  # -0.2325
    "density_vs_random_2_auroc_high": (-0.5, 0.3),  # -0.0994
    "density_vs_random_2_auroc_verdict": (-1, 0),  # -1
    # the controls' averages
    "fpr95_avg_random_0": (21.09, 23.09),  # 22.09
    "fpr95_avg_random_1": (20.25, 22.25),  # 21.25
    "fpr95_avg_random_2": (20.2, 22.2),  # 21.2
    "fpr95_avg_neglabel_at_size": (24.55, 26.55),  # 25.55
    "fpr95_avg_density_tau1": (21.17, 23.17),  # 22.17
    "auroc_avg_neglabel_at_size": (92.6, 93.4),  # 93
    "auroc_avg_density_tau1": (93.82, 94.62),  # 94.22
    # saturation at the clamped score's maximum
    "saturation_id_dnm": (0.00, 2.50),  # 0.00 (published run, log-odds default)
    "saturation_ood_dnm": (0.0, 15.2),  # 5.177
    "saturation_id_neglabel": (0.00, 2.50),  # 0.00 (published run, log-odds default)
    # partition spread
    "max_partition_sd": (0.005, 0.5),  # 0.07706 > 0: an ignored partition seed gives exactly 0
    "max_partition_range": (0.02, 1.0),  # 0.2
    # redraws of the images: min and max of A - B over the draws
    "redraw_dnm_vs_neglabel_fpr95_min": (-6.77, -4.77),  # -5.775
    "redraw_dnm_vs_neglabel_fpr95_max": (-6.72, -4.72),  # -5.725
    "redraw_dnm_vs_neglabel_auroc_min": (0.19, 0.99),  # 0.5942
    "redraw_dnm_vs_neglabel_auroc_max": (0.46, 1.26),  # 0.8589
    "redraw_density_vs_neglabel_fpr95_min": (-6.52, -4.52),  # -5.525
    "redraw_density_vs_neglabel_fpr95_max": (-6.0, -4.0),  # -5
    "redraw_density_vs_neglabel_auroc_min": (1.29, 2.09),  # 1.685
    "redraw_density_vs_neglabel_auroc_max": (1.33, 2.13),  # 1.727
    "redraw_dnm_vs_density_fpr95_min": (-1.77, 0.23),  # -0.775
    "redraw_dnm_vs_density_fpr95_max": (-1.2, 0.8),  # -0.2
    "redraw_dnm_vs_density_auroc_min": (-1.49, -0.69),  # -1.091
    "redraw_dnm_vs_density_auroc_max": (-1.27, -0.47),  # -0.8686
    "redraw_density_vs_neglabel_at_size_fpr95_min": (-4.75, -2.75),  # -3.75
    "redraw_density_vs_neglabel_at_size_fpr95_max": (-4.55, -2.55),  # -3.55
    "redraw_density_vs_neglabel_at_size_auroc_min": (0.74, 1.54),  # 1.137
    "redraw_density_vs_neglabel_at_size_auroc_max": (0.75, 1.55),  # 1.154
    "redraw_density_vs_random_fpr95_min": (-0.21, 1.79),  # 0.7917
    "redraw_density_vs_random_fpr95_max": (0.07, 2.07),  # 1.075
    "redraw_density_vs_random_auroc_min": (-0.56, 0.24),  # -0.1584
    "redraw_density_vs_random_auroc_max": (-0.53, 0.27),  # -0.1296
    # the corpus without the OOD names
    "ood_names_removed_words": (189, 209),  # 199
    "ood_names_removed_pool": (188, 208),  # 198
    "ood_names_neglabel_inaturalist": (0, 2),  # 0
    "ood_names_neglabel_sun": (0, 2),  # 0
    "ood_names_neglabel_places": (0, 2),  # 0
    "ood_names_neglabel_textures": (0, 2),  # 0
    "ood_names_dnm_inaturalist": (0, 2),  # 0
    "ood_names_dnm_sun": (15, 19),  # 17 names or heads of SUN concepts among DNM's negatives
    "ood_names_dnm_places": (16, 20),  # 18
    "ood_names_dnm_textures": (0, 2),  # 0
    "fpr95_avg_neglabel_no_names": (26.07, 28.07),  # 27.07
    "auroc_avg_neglabel_no_names": (92.07, 92.87),  # 92.47
    "fpr95_avg_csp_no_names": (24.87, 26.87),  # 25.87
    "auroc_avg_csp_no_names": (92.72, 93.52),  # 93.12
    "fpr95_avg_dnm_no_names": (20.92, 22.92),  # 21.92
    "auroc_avg_dnm_no_names": (92.48, 93.28),  # 92.88
    "fpr95_avg_dnm_official_no_names": (22.22, 24.22),  # 23.22
    "auroc_avg_dnm_official_no_names": (93.53, 94.33),  # 93.93
    "no_names_dnm_vs_neglabel_fpr95": (-6.15, -4.15),  # -5.145
    "no_names_dnm_vs_neglabel_fpr95_low": (-6.5, -4.5),  # -5.499
    "no_names_dnm_vs_neglabel_fpr95_high": (-5.6, -3.6),  # -4.604
    "no_names_dnm_vs_neglabel_fpr95_verdict": (1, 1),  # 1
    "no_names_dnm_vs_neglabel_auroc": (0.01, 0.81),  # 0.4094
    "no_names_dnm_vs_neglabel_auroc_low": (-0.11, 0.69),  # 0.2903
    "no_names_dnm_vs_neglabel_auroc_high": (0.13, 0.93),  # 0.5262
    "no_names_dnm_vs_neglabel_auroc_verdict": (1, 1),  # 1
    "no_names_dnm_vs_dnm_fpr95": (-0.72, 1.28),  # 0.28
    "no_names_dnm_vs_dnm_fpr95_low": (-0.78, 1.22),  # 0.2248
    "no_names_dnm_vs_dnm_fpr95_high": (-0.5, 1.5),  # 0.4997
    "no_names_dnm_vs_dnm_fpr95_verdict": (-1, 0),  # -1
    "no_names_dnm_vs_dnm_auroc": (-0.81, -0.01),  # -0.4069
    "no_names_dnm_vs_dnm_auroc_low": (-0.84, -0.04),  # -0.4376
    "no_names_dnm_vs_dnm_auroc_high": (-0.77, 0.03),  # -0.3681
    "no_names_dnm_vs_dnm_auroc_verdict": (-1, -1),  # -1
    "no_names_neglabel_vs_neglabel_fpr95": (-1.01, 0.99),  # -0.01443
    "no_names_neglabel_vs_neglabel_fpr95_low": (-1.16, 0.84),  # -0.1613
    "no_names_neglabel_vs_neglabel_fpr95_high": (-0.93, 1.07),  # 0.06695
    "no_names_neglabel_vs_neglabel_fpr95_verdict": (-1, 1),  # 0
    "no_names_neglabel_vs_neglabel_auroc": (-0.41, 0.39),  # -0.007686
    "no_names_neglabel_vs_neglabel_auroc_low": (-0.41, 0.39),  # -0.01257
    "no_names_neglabel_vs_neglabel_auroc_high": (-0.4, 0.4),  # -0.002241
    "no_names_neglabel_vs_neglabel_auroc_verdict": (-1, 0),  # -1
    # CSP as the held-out check and DNM's closed form
    "csp_minus_reported_fpr95": (7.31, 9.31),  # 8.314
    "csp_gain_over_neglabel_fpr95": (0.26, 2.26),  # 1.259
    "csp_gain_over_neglabel_reported": (7.889, 7.891),  # 7.89
    "dnm_coefficient_a": (0.4394, 0.4396),  # 0.4395 0.5 - Q (1 - 0.5) / 1000
    "dnm_official_minus_dnm_fpr95": (0.3, 2.3),  # 1.3
    "dnm_official_minus_dnm_auroc": (0.49, 1.29),  # 0.8914
    "auroc_avg_dnm_probability": (92.54, 94.04),  # 93.29 (published run, log-odds default)
    "fpr95_avg_dnm_probability": (19.14, 24.14),  # 21.64 (published run, log-odds default)
    "probability_vs_dnm_auroc": (-0.46, 0.14),  # -0.16 (published run, log-odds default)
    "probability_vs_dnm_auroc_high": (-0.41, 0.19),  # -0.11 (published run, log-odds default)
    "probability_vs_dnm_auroc_low": (-0.50, 0.10),  # -0.20 (published run, log-odds default)
    "probability_vs_dnm_auroc_verdict": (-1, -1),  # -1 (published run, log-odds default)
    "probability_vs_dnm_fpr95": (-1.50, 1.50),  # 0.00 (published run, log-odds default)
    "probability_vs_dnm_fpr95_high": (-1.50, 1.50),  # 0.00 (published run, log-odds default)
    "probability_vs_dnm_fpr95_low": (-1.50, 1.50),  # 0.00 (published run, log-odds default)
    "probability_vs_dnm_fpr95_verdict": (0, 0),  # 0 (published run, log-odds default)
    "saturation_id_dnm_probability": (63.11, 68.11),  # 65.61 (published run, log-odds default)
    "saturation_ood_dnm_probability": (2.68, 7.68),  # 5.18 (published run, log-odds default)
}
