"""Expected ranges of notebooks/08_three_cures.py's records (see tests/notebook_expectations.py).

``EXPECTATIONS`` is the SMOKE profile the notebook tests run, on the default features (FEATURES = "simulated", the
offline world); on a bundle the page records the names of the filters and rules that apply to it.

SMOKE: the 1/10 WordNet DNM corpus (5,750 words: 861 NegLabel / CSP and 1,211 density negatives), 1,000 ID + 250
images per OOD set, 3 random-negative seeds, 200 bootstrap resamples, NegRefine's score on 30 images per set. Written
from SEED 0, 1 and 2 (each line ends with those values): counts and verdict codes take the values the three seeds
gave; differences of average FPR95 get +-2.5 points of room (5 for averages), of AUROC +-0.6 (1.5 for averages), or
half the seeds' spread where that is wider. NegRefine's rows rest on 30 images per set, hence their wide ranges.
The signs the page's reading rests on are kept: the WordNet filter leaves no WordNet false negative, DNM's density
negatives hold more of them than NegLabel's, and the clamped score (log-odds scale) costs AUROC against NegLabel's
on every cell.
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    "08_three_cures": {
        "random_seeds": (3, 3),  # seeds 0-2: 3, 3, 3
        "bootstrap": (200, 200),  # seeds 0-2: 200, 200, 200
        "negrefine_per_set": (30, 30),  # seeds 0-2: 30, 30, 30
        "neglabel_vs_random_fpr95": (-1.83, 3.80),  # seeds 0-2: 1.30, 1.07, 0.67
        "neglabel_vs_random_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "neglabel_vs_random_auroc": (-1.66, 0.04),  # seeds 0-2: -0.56, -0.76, -1.06
        "neglabel_vs_random_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "mined_neglabel_none": (861, 861),  # seeds 0-2: 861, 861, 861
        "fn_share_neglabel_none": (0.00, 1.06),  # seeds 0-2: 0.46, 0.46, 0.46
        "dnm_vs_neglabel_neglabel_none_fpr95": (-3.00, 3.40),  # seeds 0-2: -0.50, 0.90, -0.20
        "dnm_vs_neglabel_neglabel_none_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_neglabel_none_auroc": (-2.95, -1.18),  # seeds 0-2: -1.78, -2.35, -2.18
        "dnm_vs_neglabel_neglabel_none_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_neglabel_none_fpr95": (-2.50, 2.70),  # seeds 0-2: 0.20, 0.00, 0.20
        "official_vs_neglabel_neglabel_none_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_neglabel_none_auroc": (-0.77, 0.53),  # seeds 0-2: -0.17, -0.10, -0.07
        "official_vs_neglabel_neglabel_none_auroc_verdict": (-1, 0),  # seeds 0-2: -1, -1, 0
        "mined_neglabel_wordnet": (836, 836),  # seeds 0-2: 836, 836, 836
        "fn_share_neglabel_wordnet": (0.00, 0.60),  # seeds 0-2: 0.00, 0.00, 0.00
        "dnm_vs_neglabel_neglabel_wordnet_fpr95": (-3.60, 2.80),  # seeds 0-2: -1.10, 0.30, -0.60
        "dnm_vs_neglabel_neglabel_wordnet_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_neglabel_wordnet_auroc": (-2.81, -1.15),  # seeds 0-2: -1.75, -2.21, -2.18
        "dnm_vs_neglabel_neglabel_wordnet_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_neglabel_wordnet_fpr95": (-3.00, 2.60),  # seeds 0-2: -0.10, -0.50, 0.10
        "official_vs_neglabel_neglabel_wordnet_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_neglabel_wordnet_auroc": (-0.72, 0.56),  # seeds 0-2: -0.12, -0.10, -0.04
        "official_vs_neglabel_neglabel_wordnet_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, 0
        "wordnet_vs_none_neglabel_fpr95": (-2.70, 3.20),  # seeds 0-2: 0.40, 0.70, -0.20
        "wordnet_vs_none_neglabel_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "wordnet_vs_none_neglabel_auroc": (-0.71, 0.66),  # seeds 0-2: -0.11, 0.06, 0.01
        "wordnet_vs_none_neglabel_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, 0
        "wordnet_vs_drop_neglabel_fpr95": (-2.60, 2.70),  # seeds 0-2: 0.20, -0.10, -0.10
        "wordnet_vs_drop_neglabel_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "wordnet_vs_drop_neglabel_auroc": (-0.67, 0.66),  # seeds 0-2: -0.07, 0.01, 0.06
        "wordnet_vs_drop_neglabel_auroc_verdict": (-1, 1),  # seeds 0-2: -1, 0, 1
        "mined_neglabel_verdicts": (831, 831),  # seeds 0-2: 831, 831, 831
        "fn_share_neglabel_verdicts": (0.00, 1.08),  # seeds 0-2: 0.48, 0.48, 0.48
        "dnm_vs_neglabel_neglabel_verdicts_fpr95": (-3.10, 2.40),  # seeds 0-2: -0.30, -0.10, -0.60
        "dnm_vs_neglabel_neglabel_verdicts_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_neglabel_verdicts_auroc": (-2.87, -1.18),  # seeds 0-2: -1.78, -2.24, -2.27
        "dnm_vs_neglabel_neglabel_verdicts_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_neglabel_verdicts_fpr95": (-2.80, 2.50),  # seeds 0-2: -0.10, -0.30, 0.00
        "official_vs_neglabel_neglabel_verdicts_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_neglabel_verdicts_auroc": (-0.77, 0.56),  # seeds 0-2: -0.17, -0.12, -0.04
        "official_vs_neglabel_neglabel_verdicts_auroc_verdict": (-1, 0),  # seeds 0-2: -1, -1, 0
        "verdicts_vs_none_neglabel_fpr95": (-2.50, 3.70),  # seeds 0-2: 0.70, 1.20, 0.00
        "verdicts_vs_none_neglabel_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "verdicts_vs_none_neglabel_auroc": (-0.79, 0.50),  # seeds 0-2: -0.19, -0.10, -0.17
        "verdicts_vs_none_neglabel_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, -1
        "verdicts_vs_drop_neglabel_fpr95": (-2.30, 3.10),  # seeds 0-2: 0.20, 0.60, 0.20
        "verdicts_vs_drop_neglabel_fpr95_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "verdicts_vs_drop_neglabel_auroc": (-0.79, 0.47),  # seeds 0-2: -0.13, -0.19, -0.16
        "verdicts_vs_drop_neglabel_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "csp_vs_random_fpr95": (-4.37, 2.40),  # seeds 0-2: -0.10, -1.17, -1.87
        "csp_vs_random_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "csp_vs_random_auroc": (-0.34, 1.30),  # seeds 0-2: 0.70, 0.32, 0.26
        "csp_vs_random_auroc_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "mined_csp_none": (861, 861),  # seeds 0-2: 861, 861, 861
        "fn_share_csp_none": (0.00, 1.06),  # seeds 0-2: 0.46, 0.46, 0.46
        "dnm_vs_neglabel_csp_none_fpr95": (-3.40, 2.30),  # seeds 0-2: -0.90, -0.20, -0.70
        "dnm_vs_neglabel_csp_none_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_csp_none_auroc": (-3.08, -1.37),  # seeds 0-2: -2.05, -2.48, -1.97
        "dnm_vs_neglabel_csp_none_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_csp_none_fpr95": (-2.50, 3.10),  # seeds 0-2: 0.00, 0.00, 0.60
        "official_vs_neglabel_csp_none_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_csp_none_auroc": (-0.75, 0.51),  # seeds 0-2: -0.15, -0.09, -0.15
        "official_vs_neglabel_csp_none_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, -1
        "mined_csp_wordnet": (836, 836),  # seeds 0-2: 836, 836, 836
        "fn_share_csp_wordnet": (0.00, 0.60),  # seeds 0-2: 0.00, 0.00, 0.00
        "dnm_vs_neglabel_csp_wordnet_fpr95": (-3.60, 2.10),  # seeds 0-2: -1.00, -0.40, -1.10
        "dnm_vs_neglabel_csp_wordnet_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_csp_wordnet_auroc": (-2.92, -1.35),  # seeds 0-2: -1.96, -2.32, -1.95
        "dnm_vs_neglabel_csp_wordnet_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_csp_wordnet_fpr95": (-2.60, 2.60),  # seeds 0-2: 0.10, -0.10, 0.10
        "official_vs_neglabel_csp_wordnet_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_csp_wordnet_auroc": (-0.80, 0.48),  # seeds 0-2: -0.20, -0.12, -0.15
        "official_vs_neglabel_csp_wordnet_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "wordnet_vs_none_csp_fpr95": (-2.70, 3.20),  # seeds 0-2: 0.30, -0.20, 0.70
        "wordnet_vs_none_csp_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "wordnet_vs_none_csp_auroc": (-0.70, 0.75),  # seeds 0-2: -0.10, 0.15, -0.00
        "wordnet_vs_none_csp_auroc_verdict": (-1, 1),  # seeds 0-2: -1, 1, 0
        "wordnet_vs_drop_csp_fpr95": (-2.60, 3.20),  # seeds 0-2: 0.30, -0.10, 0.70
        "wordnet_vs_drop_csp_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "wordnet_vs_drop_csp_auroc": (-0.68, 0.60),  # seeds 0-2: -0.08, -0.00, -0.01
        "wordnet_vs_drop_csp_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, 0
        "mined_csp_verdicts": (831, 831),  # seeds 0-2: 831, 831, 831
        "fn_share_csp_verdicts": (0.00, 1.08),  # seeds 0-2: 0.48, 0.48, 0.48
        "dnm_vs_neglabel_csp_verdicts_fpr95": (-4.40, 2.50),  # seeds 0-2: -1.10, 0.00, -1.90
        "dnm_vs_neglabel_csp_verdicts_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_csp_verdicts_auroc": (-2.97, -1.40),  # seeds 0-2: -2.00, -2.37, -2.00
        "dnm_vs_neglabel_csp_verdicts_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_csp_verdicts_fpr95": (-2.30, 2.70),  # seeds 0-2: 0.20, 0.20, 0.20
        "official_vs_neglabel_csp_verdicts_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_csp_verdicts_auroc": (-0.83, 0.50),  # seeds 0-2: -0.23, -0.10, -0.15
        "official_vs_neglabel_csp_verdicts_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "verdicts_vs_none_csp_fpr95": (-2.30, 2.90),  # seeds 0-2: 0.40, 0.20, 0.40
        "verdicts_vs_none_csp_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "verdicts_vs_none_csp_auroc": (-0.75, 0.57),  # seeds 0-2: -0.15, -0.03, -0.14
        "verdicts_vs_none_csp_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, -1
        "verdicts_vs_drop_csp_fpr95": (-2.20, 2.90),  # seeds 0-2: 0.30, 0.40, 0.40
        "verdicts_vs_drop_csp_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "verdicts_vs_drop_csp_auroc": (-0.75, 0.48),  # seeds 0-2: -0.12, -0.15, -0.14
        "verdicts_vs_drop_csp_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "density_vs_random_fpr95": (-6.40, 3.10),  # seeds 0-2: -3.90, -1.70, 0.60
        "density_vs_random_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "density_vs_random_auroc": (-0.29, 1.19),  # seeds 0-2: 0.35, 0.59, 0.31
        "density_vs_random_auroc_verdict": (0, 1),  # seeds 0-2: 1, 1, 0
        "mined_density_none": (1211, 1211),  # seeds 0-2: 1211, 1211, 1211
        "fn_share_density_none": (4.19, 5.39),  # seeds 0-2: 4.79, 4.79, 4.79
        "dnm_vs_neglabel_density_none_fpr95": (-2.80, 3.00),  # seeds 0-2: -0.30, 0.50, -0.10
        "dnm_vs_neglabel_density_none_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_density_none_auroc": (-2.04, -0.42),  # seeds 0-2: -1.02, -1.06, -1.44
        "dnm_vs_neglabel_density_none_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_density_none_fpr95": (-2.40, 3.20),  # seeds 0-2: 0.70, 0.30, 0.10
        "official_vs_neglabel_density_none_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_density_none_auroc": (-0.63, 0.60),  # seeds 0-2: -0.02, 0.00, -0.03
        "official_vs_neglabel_density_none_auroc_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "mined_density_wordnet": (1172, 1172),  # seeds 0-2: 1172, 1172, 1172
        "fn_share_density_wordnet": (0.00, 0.60),  # seeds 0-2: 0.00, 0.00, 0.00
        "dnm_vs_neglabel_density_wordnet_fpr95": (-3.20, 2.70),  # seeds 0-2: -0.20, -0.70, 0.20
        "dnm_vs_neglabel_density_wordnet_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_density_wordnet_auroc": (-2.11, -0.42),  # seeds 0-2: -1.02, -1.13, -1.51
        "dnm_vs_neglabel_density_wordnet_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_density_wordnet_fpr95": (-2.90, 3.60),  # seeds 0-2: 1.10, -0.40, 0.40
        "official_vs_neglabel_density_wordnet_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_density_wordnet_auroc": (-0.66, 0.57),  # seeds 0-2: -0.03, -0.04, -0.06
        "official_vs_neglabel_density_wordnet_auroc_verdict": (-1, 0),  # seeds 0-2: 0, 0, -1
        "wordnet_vs_none_density_fpr95": (-3.40, 2.50),  # seeds 0-2: 0.00, -0.20, -0.90
        "wordnet_vs_none_density_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "wordnet_vs_none_density_auroc": (-0.43, 0.88),  # seeds 0-2: 0.17, 0.21, 0.28
        "wordnet_vs_none_density_auroc_verdict": (1, 1),  # seeds 0-2: 1, 1, 1
        "wordnet_vs_drop_density_fpr95": (-2.60, 2.90),  # seeds 0-2: -0.10, 0.40, 0.30
        "wordnet_vs_drop_density_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "wordnet_vs_drop_density_auroc": (-0.59, 0.91),  # seeds 0-2: 0.17, 0.01, 0.31
        "wordnet_vs_drop_density_auroc_verdict": (0, 1),  # seeds 0-2: 1, 0, 1
        "mined_density_verdicts": (1164, 1164),  # seeds 0-2: 1164, 1164, 1164
        "fn_share_density_verdicts": (4.38, 5.58),  # seeds 0-2: 4.98, 4.98, 4.98
        "dnm_vs_neglabel_density_verdicts_fpr95": (-2.60, 3.30),  # seeds 0-2: -0.10, 0.80, 0.00
        "dnm_vs_neglabel_density_verdicts_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "dnm_vs_neglabel_density_verdicts_auroc": (-2.07, -0.43),  # seeds 0-2: -1.03, -1.08, -1.47
        "dnm_vs_neglabel_density_verdicts_auroc_verdict": (-1, -1),  # seeds 0-2: -1, -1, -1
        "official_vs_neglabel_density_verdicts_fpr95": (-2.50, 3.00),  # seeds 0-2: 0.50, 0.50, 0.00
        "official_vs_neglabel_density_verdicts_fpr95_verdict": (0, 0),  # seeds 0-2: 0, 0, 0
        "official_vs_neglabel_density_verdicts_auroc": (-0.65, 0.58),  # seeds 0-2: -0.05, -0.02, -0.04
        "official_vs_neglabel_density_verdicts_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, 0
        "verdicts_vs_none_density_fpr95": (-1.80, 4.10),  # seeds 0-2: 1.30, 0.70, 1.60
        "verdicts_vs_none_density_fpr95_verdict": (-1, 0),  # seeds 0-2: -1, 0, -1
        "verdicts_vs_none_density_auroc": (-0.80, 0.58),  # seeds 0-2: -0.12, -0.02, -0.20
        "verdicts_vs_none_density_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, -1
        "verdicts_vs_drop_density_fpr95": (-1.60, 4.40),  # seeds 0-2: 1.30, 0.90, 1.90
        "verdicts_vs_drop_density_fpr95_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "verdicts_vs_drop_density_auroc": (-0.78, 0.59),  # seeds 0-2: -0.12, -0.01, -0.18
        "verdicts_vs_drop_density_auroc_verdict": (-1, 0),  # seeds 0-2: -1, 0, -1
        "removed_none": (0, 0),  # seeds 0-2: 0, 0, 0
        "removed_wordnet": (174, 174),  # seeds 0-2: 174, 174, 174
        "removed_verdicts": (208, 208),  # seeds 0-2: 208, 208, 208
        "negrefine_vs_neglabel_fpr95": (-29.17, 64.17),  # seeds 0-2: -5.83, 32.50, 40.83
        "negrefine_vs_neglabel_fpr95_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "negrefine_vs_neglabel_auroc": (-8.39, 4.72),  # seeds 0-2: 1.44, -5.11, -1.60
        "negrefine_vs_neglabel_auroc_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "negrefine_vs_dnm_fpr95": (-11.25, 63.75),  # seeds 0-2: 7.50, 45.00, 36.67
        "negrefine_vs_dnm_fpr95_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "negrefine_vs_dnm_auroc": (-9.22, 2.50),  # seeds 0-2: -0.43, -6.29, -2.60
        "negrefine_vs_dnm_auroc_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "negrefine_score_on_verdicts_fpr95": (-12.50, 57.50),  # seeds 0-2: 5.00, 40.00, 40.00
        "negrefine_score_on_verdicts_fpr95_verdict": (-1, 0),  # seeds 0-2: 0, -1, 0
        "negrefine_score_on_verdicts_auroc": (-7.64, 1.81),  # seeds 0-2: -0.56, -5.28, -3.10
        "negrefine_score_on_verdicts_auroc_verdict": (-1, 0),  # seeds 0-2: 0, -1, -1
        "negrefine_images": (150, 150),  # seeds 0-2: 150, 150, 150
        "negrefine_pair_texts": (6037, 6211),  # seeds 0-2: 6105, 6037, 6211
        "tau_official_tau": (0.50, 0.50),  # the official ViT-B/16 setting
        "tau_official_low": (0.50, 0.50),  # the official ViT-B/16 setting
        "tau_official_high": (0.50, 0.50),  # the official ViT-B/16 setting
        "tau_official_would_choose": (0.50, 0.50),  # seeds 0-2: 0.50, 0.50, 0.50
        "tau_official_fpr95": (14.80, 31.30),  # seeds 0-2: 19.80, 23.00, 26.30
        "tau_official_auroc": (90.72, 94.89),  # seeds 0-2: 93.39, 93.00, 92.22
        "tau_official_fpr95_vs_official": (0.00, 0.00),  # the official row against itself
        "tau_audit_tau": (0.92, 0.98),  # seeds 0-2: 0.95, 0.95, 0.95
        "tau_audit_low": (0.91, 0.97),  # seeds 0-2: 0.94, 0.94, 0.94
        "tau_audit_high": (0.93, 0.99),  # seeds 0-2: 0.96, 0.96, 0.96
        "tau_audit_would_choose": (1.00, 1.00),  # seeds 0-2: 1.00, 1.00, 1.00
        "tau_audit_fpr95": (15.00, 31.40),  # seeds 0-2: 20.00, 22.60, 26.40
        "tau_audit_auroc": (91.67, 95.48),  # seeds 0-2: 93.98, 93.67, 93.17
        "tau_audit_fpr95_vs_official": (-2.90, 2.70),  # seeds 0-2: 0.20, -0.40, 0.10
        "tau_pu_tau": (0.89, 0.98),  # seeds 0-2: 0.95, 0.92, 0.95
        "tau_pu_low": (0.81, 0.95),  # seeds 0-2: 0.91, 0.85, 0.91
        "tau_pu_high": (0.94, 1.01),  # seeds 0-2: 0.98, 0.98, 0.97
        "tau_pu_would_choose": (1.00, 1.00),  # seeds 0-2: 1.00, 1.00, 1.00
        "tau_pu_fpr95": (15.00, 31.40),  # seeds 0-2: 20.00, 22.70, 26.40
        "tau_pu_auroc": (91.67, 95.48),  # seeds 0-2: 93.98, 93.56, 93.17
        "tau_pu_fpr95_vs_official": (-2.80, 2.70),  # seeds 0-2: 0.20, -0.30, 0.10
    },
}
