"""Expected SMOKE ranges of notebooks/01_false_negatives.py's records (see tests/notebook_expectations.py)."""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    # SMOKE profile: every 10th word of the DNM corpus (5,750 words), MiniLM features from the feature store,
    # 5 random draws, 1,000 ID + 4 x 200 OOD simulated images, SEED 0. The audit is exact WordNet 3.0, so the
    # counts are deterministic; the ranges leave a few words of room for float ties in the mining rules
    # (faiss vs torch kNN, percentile ties), not for a broken rule: NegLabel and CSP must stay far BELOW the
    # corpus' false-negative rate, DNM's density rule ABOVE the random draws, and every true-negative share far
    # above the assumed 0.5. Measured value after each range.
    "01_false_negatives": {
        "max_hypernym_depth": (2, 2),
        "num_random_draws": (5, 5),
        "tau_neg": (0.5, 0.5),
        "corpus_size": (5750, 5750),  # 57,493 // 10 rounded up
        "max_sweep_depth": (4, 4),
        "fn_share_corpus": (2.9, 3.2),  # 3.03 %: 174 of 5,750 words (WordNet, no mining involved)
        "fn_share_random": (3.0, 4.3),  # 3.62 %: 5 draws with DNM's noun/adjective mix (nouns hold most FNs)
        "fn_share_neglabel": (0.0, 1.2),  # 0.46 % (4 of 861): far below the corpus rate
        "fn_share_csp": (0.0, 1.2),  # 0.35 % (3 of 855)
        "fn_share_dnm": (4.0, 5.6),  # 4.79 % (58 of 1,211): above random
        "fn_count_dnm": (48, 68),  # 58
        "fn_lemma_dnm": (18, 32),  # 25
        "fn_hyponym_dnm": (7, 17),  # 12
        "fn_hypernym_dnm": (15, 27),  # 21
        # The corpus filter is measured on the full presets (not the SMOKE subset): deterministic WordNet counts.
        "fn_total_full": (3000, 3150),  # 3,076
        "fn_in_left_out_files": (1150, 1230),  # 1,188 in noun.animal + noun.food
        "fn_removed_share": (33.0, 38.0),  # 35.3 % of all false negatives, net
        "words_removed_share": (10.5, 11.2),  # 10.8 % of the words
        "affected_share_dnm": (0.03, 0.10),  # 0.06: ID images whose class a mined FN names
        "shift_affected_neglabel_on_dnm": (1e-5, 0.01),  # 8.0e-4: the oracle must RAISE the named classes' scores
        "shift_all_neglabel_on_dnm": (0.0, 1e-3),  # 7.3e-5
        # FPR95/AUROC changes: 200 OOD images per set make FPR95 move in 0.5-point steps per set.
        "fpr95_change_neglabel": (-1.0, 1.0),  # 0.0 (4 false negatives)
        "fpr95_change_neglabel_on_dnm": (-1.5, 1.5),  # 0.125
        "auroc_change_neglabel_on_dnm": (-0.5, 1.0),  # 0.24
        "fpr95_change_dnm": (-1.5, 1.5),  # 0.25
        "auroc_change_dnm": (-0.5, 1.0),  # 0.23
        "true_negative_share_dnm": (0.944, 0.960),  # 0.952 = 1 - fn_share_dnm / 100
        "true_negative_share_neglabel": (0.988, 1.0),  # 0.995
        "bias_factor_dnm": (-0.92, -0.888),  # -0.904 = (0.5 - 0.952) / 0.5
        "lookalike_threshold": (0.70, 0.78),  # 0.742: median max-cosine of the FNs to an ID prompt (MiniLM)
        "true_negative_share_dnm_lookalikes": (0.86, 0.93),  # 0.897
        "true_negative_share_neglabel_lookalikes": (0.98, 1.0),  # 0.993
        "name_match_count_corpus": (1, 3),  # 1 ('duck', CLIP's name of drake)
        "name_match_count_dnm": (0, 2),  # 1
        "name_match_count_neglabel": (0, 1),  # 0: NegLabel never keeps an ID prompt's own word
        "fn_share_dnm_depth0": (2.4, 3.7),  # 3.06 %: lemmas and hyponyms only
        "fn_share_dnm_max_depth": (4.0, 5.7),  # 4.87 % at depth 4
    },
}
