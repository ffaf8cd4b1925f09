"""Expected SMOKE ranges of notebooks/07_simulated_world.py's records (see tests/notebook_expectations.py).

With FEATURES = "simulated" (the default). A feature bundle records only what it has: the per-set numbers, the
reported constants and, for a bundle with ImageNet-1K's WordNet labels, its own text side's fidelity.
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # Simulated world, SMOKE profile: the DNM corpus with every 10th word (5,750 words), 1,000 ID and 250 images
    # per OOD set, SEED 1; calibration on 600 ID and 150 per OOD set, CAL_SEED 0, grid 2 x 2. Ranges leave room
    # for the spread seen over seeds 1-6 (calibration: CAL_SEED 0-3), quoted per line, plus about half that
    # spread again; they do not leave room for a broken world or score: the inversion (NegLabel ahead of MCM
    # only with the per-image alignment) is checked by the signs of the two differences.
    "07_simulated_world": {
        "num_id_images": (1000, 1000),
        "num_ood_images": (1000, 1000),  # 4 OOD sets x 250
        "num_negatives": (861, 861),  # NegLabel's 15% of the 1/10 corpus, per part of speech: deterministic
        "num_csp_negatives": (861, 861),  # CSP's rule on its pool of the same corpus: deterministic
        "top1_fitted": (61.0, 71.0),  # 64.0 .. 67.4; confusion is fitted to 66%
        "top1_naive": (98.5, 100.0),  # 99.7 .. 100: no confusion, isotropic noise only
        "top1_nospread": (61.0, 71.0),  # equals top1_fitted up to float32 near ties
        "naive_mcm_avg": (0.0, 4.0),  # 0.6 .. 1.2
        "naive_neglabel_avg": (0.5, 8.0),  # 2.2 .. 3.8
        "nospread_mcm_avg": (13.0, 27.0),  # 18.2 .. 21.5
        "nospread_neglabel_avg": (20.0, 35.0),  # 24.8 .. 29.3
        "inversion_nospread": (-14.0, -1.0),  # -9.6 .. -3.7: MCM ahead without the alignment spread
        "inversion_fitted": (4.0, 28.0),  # 9.2 .. 21.4: NegLabel ahead with it (reported CLIP: 17.34)
        "mcm_avg": (32.0, 54.0),  # 36.4 .. 47.6 (anchor 42.74)
        "neglabel_avg": (20.0, 35.0),  # 25.5 .. 29.9 (anchor 25.40)
        "csp_avg": (17.0, 33.0),  # 22.1 .. 27.7 (held out)
        "csp_gain": (-2.0, 9.0),  # 2.0 .. 4.7: NegLabel average minus CSP average (reported CLIP: 7.89)
        "auroc_mcm_avg": (81.0, 92.0),  # 84.9 .. 88.7
        "auroc_neglabel_avg": (88.5, 95.5),  # 91.4 .. 92.9
        "fpr95_mcm_inaturalist": (15.0, 50.0),  # 22.8 .. 40.8 (250 images: noisy)
        "fpr95_mcm_sun": (38.0, 63.0),  # 45.6 .. 55.6
        "fpr95_mcm_places": (35.0, 64.0),  # 41.6 .. 56.4
        "fpr95_mcm_textures": (27.0, 50.0),  # 35.2 .. 41.6
        "fpr95_neglabel_inaturalist": (5.0, 19.0),  # 10.4 .. 12.4
        "fpr95_neglabel_sun": (26.0, 52.0),  # 32.8 .. 44.0
        "fpr95_neglabel_places": (28.0, 50.0),  # 34.4 .. 42.4
        "fpr95_neglabel_textures": (10.0, 33.0),  # 16.0 .. 27.2
        "fpr95_csp_inaturalist": (5.0, 20.0),  # 10.0 .. 14.0
        "fpr95_csp_sun": (23.0, 48.0),  # 29.6 .. 40.8
        "fpr95_csp_places": (21.0, 48.0),  # 27.6 .. 40.4
        "fpr95_csp_textures": (5.0, 23.0),  # 10.4 .. 16.0
        "align_corr_mcm": (0.78, 0.92),  # 0.844 .. 0.861: MCM ranks ID images by their alignment
        "align_corr_neglabel": (0.20, 0.55),  # 0.339 .. 0.403: much less
        "low_align_share_pct": (20.0, 20.0),
        "low_align_rejected_mcm": (13.0, 28.0),  # 19.0 .. 21.5 (5% overall by construction)
        "low_align_rejected_neglabel": (2.0, 14.0),  # 6.0 .. 9.5
        "stored_confusion": (0.7574, 0.7574),  # debiasood.world.simulated.FITTED_MINILM
        "stored_align_min": (0.5, 0.5),
        "stored_overlap": (1.2, 1.2),
        "cal_confusion": (0.72, 0.82),  # 0.759 .. 0.788 (bisection on 600 images)
        "cal_align_min": (0.5, 0.5),  # always the grid point nearest the stored fit
        "cal_overlap": (1.2, 1.2),
        "cal_top1": (64.5, 67.5),  # 66.0 .. 66.2: the bisection's target is 66%
        "cal_mcm_avg": (36.0, 54.0),  # 41.8 .. 48.3
        "cal_neglabel_avg": (21.0, 34.0),  # 27.0 .. 28.5
        # reported CLIP ViT-B/16 numbers quoted in the prose: exactly debiasood.data.reported's
        "reported_mcm_avg": (42.74, 42.74),
        "reported_neglabel_avg": (25.40, 25.40),
        "reported_csp_avg": (17.51, 17.51),
        "reported_fpr95_mcm_inaturalist": (30.91, 30.91),
        "reported_fpr95_mcm_sun": (37.59, 37.59),
        "reported_fpr95_mcm_places": (44.69, 44.69),
        "reported_fpr95_mcm_textures": (57.77, 57.77),
        "reported_fpr95_neglabel_inaturalist": (1.91, 1.91),
        "reported_fpr95_neglabel_sun": (20.53, 20.53),
        "reported_fpr95_neglabel_places": (35.59, 35.59),
        "reported_fpr95_neglabel_textures": (43.56, 43.56),
        "reported_inversion": (17.3399, 17.3401),  # 42.74 - 25.40
        "reported_csp_gain": (7.8899, 7.8901),  # 25.40 - 17.51
        "clip_top1": (68.0, 68.0),
        "top1_target": (66.0, 66.0),
        # Text-side fidelity against real CLIP's selections (no image draw: independent of SEED). The features' own
        # text side is the MiniLM world's, on the 1/10 corpus: deterministic up to float rounding, measured values
        # quoted. Its criterion is at chance (AUROC ~0.5), so these ranges alone could not tell it from features
        # misaligned with their words; the CLIP-like rows below (far above chance) and tests/test_world_figures.py
        # can. The real-CLIP shares pin the words compared.
        "fidelity_targets": (5, 5),  # 3 for NegLabel, 2 for CSP
        "fidelity_features_neglabel_auroc_fit": (0.43, 0.51),  # 0.468
        "fidelity_features_neglabel_tv_fit": (0.55, 0.66),  # 0.606
        "fidelity_features_neglabel_fn_fit": (0.2, 0.8),  # 0.48
        "fidelity_features_csp_auroc_fit": (0.47, 0.56),  # 0.513
        "fidelity_features_csp_tv_fit": (0.62, 0.72),  # 0.675
        "fidelity_features_csp_fn_fit": (0.4, 1.3),  # 0.88
        "fidelity_features_neglabel_auroc_held_out": (0.43, 0.51),  # 0.468
        "fidelity_features_neglabel_tv_held_out": (0.54, 0.64),  # 0.590
        "fidelity_features_neglabel_fn_held_out": (0.2, 0.8),  # 0.45
        "fidelity_features_neglabel_real_fn_held_out": (2.64, 2.64),  # real CLIP's NegLabel selection, these words
        "fidelity_features_csp_auroc_held_out": (0.51, 0.61),  # 0.560
        "fidelity_features_csp_tv_held_out": (0.64, 0.75),  # 0.698
        "fidelity_features_csp_fn_held_out": (0.0, 0.5),  # 0.0
        "fidelity_features_csp_real_fn_held_out": (2.08, 2.08),  # real CLIP's CSP nouns, these words
        "fidelity_features_targets_met": (0, 0),
        # The CLIP-like text side (debiasood.world.text_side, FITTED_PARAMS) on the same words. Measured 0.869 /
        # 0.853 NegLabel AUROC (fit / held-out), 0.877 / 0.870 CSP, TV 0.136 / 0.141, false negatives 2.40% /
        # 1.35%: 4 of 5 targets. Ranges leave room for a refit of that text side, not for a broken mapping (which
        # falls back to chance, AUROC ~0.5): well above chance, CLIP-like mixes of kinds, false negatives
        # between MiniLM's and twice CLIP's.
        "fidelity_cliplike_neglabel_auroc_fit": (0.75, 0.95),
        "fidelity_cliplike_neglabel_tv_fit": (0.0, 0.3),
        "fidelity_cliplike_neglabel_fn_fit": (0.8, 6.0),
        "fidelity_cliplike_csp_auroc_fit": (0.72, 0.95),
        "fidelity_cliplike_csp_tv_fit": (0.0, 0.3),
        "fidelity_cliplike_csp_fn_fit": (0.5, 6.0),
        "fidelity_cliplike_neglabel_auroc_held_out": (0.75, 0.95),
        "fidelity_cliplike_neglabel_tv_held_out": (0.0, 0.3),
        "fidelity_cliplike_neglabel_fn_held_out": (0.5, 6.0),
        "fidelity_cliplike_neglabel_real_fn_held_out": (2.64, 2.64),
        "fidelity_cliplike_csp_auroc_held_out": (0.72, 0.95),
        "fidelity_cliplike_csp_tv_held_out": (0.0, 0.3),
        "fidelity_cliplike_csp_fn_held_out": (0.3, 6.0),
        "fidelity_cliplike_csp_real_fn_held_out": (2.08, 2.08),
        "fidelity_cliplike_targets_met": (2, 5),
    },
}
