# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python (debiasood)
#     language: python
#     name: debiasood
# ---

# %% [markdown]
# # The debiasing derivation
#
# **Claim.** DNM's debiased estimate of the true negatives' mean similarity is unbiased exactly when the
# assumed share of true negatives is the true one, and with the official code's arithmetic it is NegLabel with
# the constant 1 replaced by $a = \tau - Q(1-\tau)/K$, which breaks the score wherever $a \le 0$ unless the
# estimate is clamped.
#
# {glue:md}`run_cost:myst`
#
# This page derives the score of Debiased Negative Mining (DNM) {cite}`peng2026dnm` step by step from
# NegLabel's grouped score {cite}`jiang2024neglabel` and the debiasing identity of Debiased Contrastive
# Learning {cite}`chuang2020debiased`, then checks every step numerically:
#
# 1. the mined labels are a mixture of true and false negatives ({ref}`sec-02-mixture`);
# 2. the debiased expectation and its per-group estimate ({ref}`sec-02-identity`);
# 3. the DNM score, its closed form, and "τ = 1 is NegLabel" ({ref}`sec-02-score`);
# 4. the hazard $a \le 0$ and the clamp ({ref}`sec-02-hazard`);
# 5. numerical checks in a toy world where every mined label is known to be a true or a false negative:
#    (a) bias against the assumed share, (b) variance against the group size $Q$ and the number of groups $G$,
#    (c) the hazard region over $(K, Q, \tau)$, (d) what the clamp does where $a < 0$;
# 6. the closed form, "τ = 1 is NegLabel" and the hazard on the features the book runs on
#    ({ref}`sec-02-features`).
#
# ```{note}
# Sections 1-5 run in a **synthetic, controlled world** of random unit vectors (the toy world,
# `debiasood.world.toy`), **not CLIP**: it checks algebra and estimators, whose truth can be known only in such
# a world, and says nothing about benchmark numbers. Section 6 runs on the features named by the `FEATURES`
# knob (by default the book's offline world of MiniLM text and synthetic images; or a feature bundle, for
# example of real CLIP features), and its output names them. Each section says whether its finding holds for
# CLIP **by construction** (algebra, true for any image and text embeddings) or was measured **only in the toy
# world**. The formulas are collected, with the official code's arithmetic, in the method reference
# ({ref}`method-dnm-model`, {ref}`method-dnm-score`, {ref}`method-dnm-closed-form`,
# {ref}`the clamp <method-dnm-hazard>`,
# {ref}`method-official-settings`).
# ```

# %% [markdown]
# **The knobs to change.** The defaults below are the run this page shows. Change them here, or pass
# `-p NAME VALUE` to `python -m debiasood.book.run_notebooks`, which checks each name and type before anything
# runs ({doc}`../reproduce`). `SMOKE = True` is the quick profile the tests run.

# %% tags=["parameters"]
SMOKE = False  # True: the quick profile the tests run (smaller corpus, fewer images and repeats)
SEED = 0  # seed of every random draw: worlds, partitions, positive samples
DIM = 128  # embedding dimension D of the toy world
NUM_ID_CLASSES = 200  # K of the main world: a is 0.2 > 0 at Q 120 and tau 0.5, so DNM is safe there
NUM_NEGATIVE_CONCEPTS = 50  # OOD concepts: true negatives and OOD images lie around them
NUM_WILD_LABELS = 12000  # M, the mined labels (the official DNM keeps 12,000)
TAU_TRUE = 0.5  # true share of true negatives among the mined labels (the official tau_ood is 0.5)
WRONG_TAU = 0.8  # a misspecified assumed share, to measure the bias it causes
NUM_IMAGES = 1000  # ID images, and as many OOD images
IMAGE_CONCENTRATION = 0.5  # images sit at cosine ~0.45 from their class or concept direction
NEGATIVE_CONCENTRATION = 1.0  # true negatives sit at cosine ~0.71 from their OOD concept
FALSE_NEGATIVE_CONCENTRATION = 3.0  # false negatives sit at cosine ~0.95 from their ID class
CONCEPT_OVERLAP = 0.5  # cosine of each OOD concept to one ID class (near-OOD: detection is not trivial)
TEMPERATURE = 0.04  # T: gives exp(s/T) a CLIP-like spread for random cosines in D 128
GROUP_SIZE = 120  # Q, labels per group (official: 12,000 labels in 100 groups)
NUM_POSITIVE_SAMPLES = 20  # perturbed positives per ID label, sampling the false-negative distribution
SPREAD_IMAGES = 300  # ID images, and as many OOD images, for the spread checks
NUM_PARTITIONS = 10  # random partitions per number of groups G for the score's spread
HAZARD_NUM_ID_CLASSES = 10  # K of the hazard world (as ImageNet-10): a is -5.5 at Q 120 and tau 0.5
FEATURES = "simulated"  # 'simulated' (the offline world, default) or a feature bundle folder: see debiasood extract
BACKBONE = "auto"  # official settings (tau, quotas, k) of this backbone; auto: the features' model, else ViT-B/16
FEATURE_ID_IMAGES = 1000  # ID images drawn from the offline world for section 6 (a bundle brings its own)
FEATURE_OOD_IMAGES = 250  # images per OOD set drawn from the offline world for section 6
CORPUS_STEP = 1  # keep every n-th word of the offline world's corpus (1: all ~57k words)

# %% tags=["hide-input"]
# papermill only warns about an unknown parameter: check names and types, then apply the SMOKE
# profile (the quick run of the tests; a parameter given explicitly wins over it).
from debiasood.book import nb

globals().update(nb.check_parameters(smoke={
    "NUM_WILD_LABELS": 6000, "NUM_IMAGES": 300, "SPREAD_IMAGES": 100, "NUM_PARTITIONS": 5,
    "NUM_POSITIVE_SAMPLES": 10, "FEATURE_ID_IMAGES": 300, "FEATURE_OOD_IMAGES": 100, "CORPUS_STEP": 10
}))
nb.glue_run_cost("02_debiasing_derivation")

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display

from debiasood import dnm_coefficient, dnm_safe_tau
from debiasood.book import derivation, tables
from debiasood.book.features import load_features
from debiasood.world.simulated import ID_SET, OOD_SETS
from debiasood.world.toy import make_toy_world

NUM_GROUPS = NUM_WILD_LABELS // GROUP_SIZE
WORLD = {"dim": DIM, "num_negative_concepts": NUM_NEGATIVE_CONCEPTS, "num_wild_labels": NUM_WILD_LABELS,
         "tau_true": TAU_TRUE, "num_id_images": NUM_IMAGES, "num_ood_images": NUM_IMAGES,
         "image_concentration": IMAGE_CONCENTRATION, "negative_concentration": NEGATIVE_CONCENTRATION,
         "false_negative_concentration": FALSE_NEGATIVE_CONCENTRATION, "concept_overlap": CONCEPT_OVERLAP,
         "seed": SEED}

# %% [markdown]
# (sec-02-mixture)=
# ## The mined labels are a mixture of true and false negatives
#
# An image $x$ has an L2-normalised embedding $f(x)$; the $K$ ID labels $y_k$ and the mined negative labels have
# normalised text embeddings $e(\cdot)$. With temperature $T$, write $s_k(x) = \cos(f(x), e(y_k))$ and
# $\tilde s_j(x) = \cos(f(x), e(\mathrm{neg}_j))$. NegLabel shuffles the $M$ mined labels into $G$ groups of $Q$
# and scores
#
# ```{math}
# :label: eq-02-neglabel
# S_{NL}(x) = \frac{1}{G}\sum_{g=1}^{G} \frac{S_{ID}}{S_{ID} + N_g},\qquad
# S_{ID} = \sum_{k=1}^{K} e^{s_k/T},\qquad N_g = \sum_{j \in g} e^{\tilde s_j/T}.
# ```
#
# The denominator is a partition function: $N_g = Q \cdot \tfrac{1}{Q}N_g$, and $N_g/Q$ estimates the mean
# $E_{wild}[e^{s/T}]$ of $e^{\langle f(x), t\rangle/T}$ over mined labels $t$. Mining is imperfect: some mined
# labels name ID concepts (false negatives). DNM models the mined labels as a mixture
#
# ```{math}
# :label: eq-02-mixture
# P_{wild} = \tau\, P_{neg} + (1-\tau)\, P_{pos},
# ```
#
# where $P_{neg}$ is the distribution of true negatives, $P_{pos}$ that of ID-like labels, and
# $\tau = \tau_{neg}$ is the **share of true negatives**. This is the official code's `tau_ood` and the
# project's `tau_neg`. The paper's own symbol $\tau$ names the *positive* share, $1-\tau$ here; every formula
# below uses the negative share.
#
# *Does it hold for CLIP?* {eq}`eq-02-mixture` is DNM's model of the mined labels, an assumption rather than a
# finding; everything below follows from it, and the assumed share $\tau$ is a knob (the official code sets it
# per backbone and ID set, {ref}`method-official-settings`).

# %% [markdown]
# (sec-02-identity)=
# ## The debiased expectation
#
# Fix an image $x$ and write $h(t) = e^{\langle f(x), t \rangle / T}$. Expectation is linear in the
# distribution, so {eq}`eq-02-mixture` gives
#
# ```{math}
# :label: eq-02-linear
# E_{wild}[h] = \tau\, E_{neg}[h] + (1-\tau)\, E_{pos}[h],
# ```
#
# and solving for the quantity NegLabel wants, the true negatives' mean,
#
# ```{math}
# :label: eq-02-identity
# E_{neg}[h] = \frac{E_{wild}[h] - (1-\tau)\, E_{pos}[h]}{\tau}.
# ```
#
# Both expectations on the right can be estimated: $E_{wild}$ by the group mean $N_g/Q$ (a group is a sample of
# the mixture), and $E_{pos}$ by the mean over $L$ positive samples $t^+_l$ with similarities $s^+_l$: the $K$
# ID label embeddings (official code) or ID embeddings perturbed with Gaussian noise (the paper's Step 2). The
# per-group estimate is
#
# ```{math}
# :label: eq-02-estimate
# \hat E^{neg}_g = \frac{1}{\tau}\,\frac{N_g}{Q} - \frac{1-\tau}{\tau}\,\frac{1}{L}\sum_{l=1}^{L} e^{s^+_l/T}.
# ```
#
# If the positives sample $P_{pos}$ and the true share is $\tau^*$, taking expectations in {eq}`eq-02-estimate`
# with {eq}`eq-02-linear` at $\tau^*$ gives, for an assumed $\tau$,
#
# ```{math}
# :label: eq-02-bias
# E[\hat E^{neg}_g] - E_{neg}[h] = \frac{\tau - \tau^*}{\tau}\,\bigl(E_{pos}[h] - E_{neg}[h]\bigr):
# ```
#
# unbiased at $\tau = \tau^*$; assuming too many true negatives ($\tau > \tau^*$) under-corrects, and too few
# over-corrects, by an amount proportional to how much more the image resembles the false negatives than the
# true ones. For an ID image $E_{pos} \gg E_{neg}$, so the correction is large and so is its noise.
#
# *Holds for CLIP by construction:* {eq}`eq-02-identity` and {eq}`eq-02-bias` use only the mixture and the
# linearity of expectation, whatever the embeddings.

# %% [markdown]
# (sec-02-score)=
# ## The DNM score and its closed form
#
# DNM puts the estimate back into NegLabel's partition function:
#
# ```{math}
# :label: eq-02-dnm
# Z_g = S_{ID} + Q\,\hat E^{neg}_g,\qquad S_{DNM}(x) = \frac{1}{G}\sum_{g=1}^{G} \frac{S_{ID}}{Z_g}.
# ```
#
# At $\tau = 1$ the correction vanishes, $Q \hat E^{neg}_g = N_g$, and {eq}`eq-02-dnm` is NegLabel's
# {eq}`eq-02-neglabel` exactly. (The official code also divides by $K$; no ranking changes.)
#
# With the official positives, the $K$ ID labels themselves, the positives' mean is $S_{ID}/K$. Multiplying
# $Z_g$ by $\tau$:
#
# ```{math}
# :label: eq-02-closed
# \tau Z_g = \tau S_{ID} + N_g - (1-\tau)\frac{Q}{K} S_{ID} = a\, S_{ID} + N_g,\qquad
# a = \tau - \frac{Q(1-\tau)}{K},
# ```
#
# so $S_{DNM} = \frac{1}{G}\sum_g \tau S_{ID} / (a S_{ID} + N_g)$: NegLabel with the constant 1 in each
# denominator replaced by $a$ (and a factor $\tau$ that no ranking sees).
#
# *Holds for CLIP by construction:* this is algebra on any image and text embeddings; the toy world below and
# {ref}`sec-02-features` check it numerically, the latter on the features the book runs on.

# %% [markdown]
# (sec-02-hazard)=
# ## The hazard and the clamp
#
# Nothing in {eq}`eq-02-closed` keeps $Z_g$ positive. The constant $a$ is positive only when
#
# ```{math}
# :label: eq-02-safe
# a > 0 \iff \tau > \frac{Q}{K + Q}.
# ```
#
# For $a \le 0$, $Z_g \le 0$ exactly when $N_g \le -a\, S_{ID}$, that is for the images whose ID similarity
# dominates the negatives: the most confident ID images. Their per-group ratio $S_{ID}/Z_g$ turns negative
# (or infinite at $Z_g = 0$), and they rank below every OOD image. With the official $Q = 120$ and $\tau = 0.5$
# this happens whenever $K < 120$.
#
# Chuang et al. {cite}`chuang2020debiased` bound the estimate by its smallest possible value: every cosine is
# at least $-1$, so $E_{neg}[h] \ge e^{-1/T}$, and
#
# ```{math}
# :label: eq-02-clamp
# \hat E^{neg}_g \leftarrow \max\bigl(\hat E^{neg}_g,\; e^{-1/T}\bigr)
# \quad\Longrightarrow\quad Z_g \ge S_{ID} + Q e^{-1/T} > 0,\quad S_{DNM} \in (0, 1].
# ```
#
# The project's `dnm_score` clamps by default; `clamp=False` reproduces the official arithmetic and warns
# with `NonPositivePartitionWarning` when some $Z_g \le 0$.
#
# *Holds for CLIP by construction:* the sign of $a$ depends on $(K, Q, \tau)$ alone, never on the embeddings.
# How many images actually get $Z_g \le 0$ where $a < 0$ depends on them ({ref}`sec-02-features` counts them on
# the features).

# %% [markdown]
# ## A toy world where the truth is known
#
# `debiasood.world.toy.make_toy_world` draws $K$ ID class directions (the ID label embeddings), OOD
# concept directions, ID and OOD images around them, and a mined corpus with an exact share $\tau^*$ of true
# negatives (labels around OOD concepts) and $1-\tau^*$ of false negatives (labels close to an ID label). The
# false negatives are distributed exactly as the paper's perturbed positives with a known $\sigma$, so
# positives that sample $P_{pos}$ are available. First, the algebra of {eq}`eq-02-closed` and "τ = 1 is
# NegLabel", on the world's images (largest relative gaps between scores that should be equal; algebra, so it
# holds for CLIP by construction, and {ref}`sec-02-features` repeats it on the features):

# %%
world = make_toy_world(num_id_classes=NUM_ID_CLASSES, **WORLD)
gaps = derivation.closed_form_gaps(world, tau_neg=TAU_TRUE, num_groups=NUM_GROUPS, temperature=TEMPERATURE,
                                   seed=SEED)
print(f"K = {world.num_id_classes}, M = {world.wild_labels.shape[0]}, share of true negatives "
      f"{world.negative_share:.3f}, a = {dnm_coefficient(world.num_id_classes, GROUP_SIZE, TAU_TRUE):.3f}")
print(f"closed form vs general DNM: {gaps['closed_form']:.1e};  DNM at tau = 1 vs NegLabel: {gaps['neglabel']:.1e}")

# %% [markdown]
# ## (a) The estimate is unbiased only at the true share
#
# For every image, the estimate {eq}`eq-02-estimate` averaged over the $G$ groups is compared with the truth,
# the mean of $e^{s/T}$ over the corpus' true negatives, for assumed shares $\tau$ from 0.2 to 1. The left
# panel shows the relative error; the right panel divides the error by $E_{pos} - E_{neg}$ (computed from the
# corpus' false and true negatives), which by {eq}`eq-02-bias` should put every image on the single curve
# $(\tau - \tau^*)/\tau$.
#
# *The law holds for CLIP by construction; the sizes only in the toy world.* The bias law is
# {eq}`eq-02-bias`. The sizes measured here (how much NegLabel overstates the true negatives' mean, how far the
# official positives are from $P_{pos}$) depend on the toy world's true share and geometry: CLIP's true share
# $\tau^*$ is unknown, and so is whether any positives sample its false negatives.

# %%
assumed_taus = np.unique(np.round(np.r_[np.linspace(0.2, 1.0, 17), TAU_TRUE, WRONG_TAU], 6))
curve = derivation.bias_curve(world, assumed_taus, temperature=TEMPERATURE, num_groups=NUM_GROUPS,
                              num_positive_samples=NUM_POSITIVE_SAMPLES, seed=SEED)

# %% mystnb={"figure": {"caption": "Bias vs the assumed share (toy world, no model).", "name": "fig-02-bias"}}
derivation.plot_bias_curve(curve)

# %% [markdown]
# {numref}`fig-02-bias` confirms {eq}`eq-02-bias`. At the true share the normalised bias is
# {glue:text}`bias_true_tau_id:.3f` for ID images and {glue:text}`bias_true_tau_ood:.4f` for OOD images; at the
# assumed share {glue:text}`wrong_tau:.2f` it is {glue:text}`bias_wrong_tau_id:.3f`, where the theory says
# {glue:text}`bias_wrong_tau_theory:.3f`. The sign is the predicted one: for ID images, which resemble the false
# negatives, a too-large $\tau$ overstates $E_{neg}$ and a too-small one understates it, down to negative
# values; OOD images mirror this. At $\tau = 1$ (NegLabel) the mined labels' mean overstates an ID image's true
# negatives' mean {glue:text}`neglabel_inflation_id:.1f`-fold (median): false negatives dominate $N_g$.
#
# The dotted curve uses the official positives, the $K$ ID labels themselves. The false negatives only lie
# *near* those labels, so for ID images the positives' mean is too large and the estimate is biased even at
# the true share (normalised bias {glue:text}`bias_true_tau_official_id:.2f`): an unbiased $E_{pos}$ needs
# positives distributed like the false negatives, which is what the paper's perturbed positives aim at. (How
# large this is depends on how close the toy world's false negatives are to the ID labels.)

# %% [markdown]
# ## (b) The noise falls as 1/Q per group, and the score's as 1/√G
#
# The per-group estimate is a Monte-Carlo average over $Q$ labels, so its variance over groups should fall as
# $1/Q$ (times the finite-corpus factor $1 - Q/M$). The score averages $G$ groups, so its standard deviation
# over random partitions should fall as $1/\sqrt{G}$ (times $\sqrt{1 - GQ/M}$, as a partition uses $GQ$ of the
# $M$ labels).
#
# *The rates hold for CLIP by construction; the sizes only in the toy world.* Any average of $Q$ labels and of
# $G$ groups has these rates. How large the noise is next to the quantity, and how many per-group estimates
# turn negative, depend on the toy world's spread of similarities.

# %%
q_sizes = [GROUP_SIZE // 8, GROUP_SIZE // 4, GROUP_SIZE // 2, GROUP_SIZE, 2 * GROUP_SIZE, 4 * GROUP_SIZE]
by_q, negative_share = derivation.estimate_spread_vs_group_size(
    world, q_sizes, temperature=TEMPERATURE, num_positive_samples=NUM_POSITIVE_SAMPLES, max_images=SPREAD_IMAGES,
    seed=SEED)
g_sizes = [g for g in [1, 2, 4, 8, 16, 32, 64] if 4 * g * GROUP_SIZE <= NUM_WILD_LABELS]
by_g = derivation.score_spread_vs_num_groups(
    world, g_sizes, group_size=GROUP_SIZE, num_partitions=NUM_PARTITIONS, temperature=TEMPERATURE,
    max_images=SPREAD_IMAGES, seed=SEED)

# %% mystnb={"figure": {"caption": "Spread vs Q and vs G (toy world, no model).", "name": "fig-02-spread"}}
derivation.plot_spread(by_q, by_g)

# %% [markdown]
# In {numref}`fig-02-spread` both curves follow the Monte-Carlo rates: quartering the group size from
# {glue:text}`group_size` to {glue:text}`small_group_size` multiplies the estimate's variance by
# {glue:text}`variance_ratio_q:.2f` (theory {glue:text}`variance_ratio_q_expected:.2f`), and going from one
# group to {glue:text}`max_num_groups` divides the score's standard deviation by {glue:text}`score_sd_ratio_g:.2f`
# (theory {glue:text}`score_sd_ratio_g_expected:.2f`). For ID images the estimate's noise is far larger than
# the quantity it estimates (the left panel's ID curve is orders of magnitude above one): the correction
# subtracts two large, nearly equal numbers. At $Q$ = {glue:text}`group_size`, a share of
# {glue:text}`negative_estimate_share_id:.2f` of the (ID image, group) estimates is negative although the
# estimator is unbiased, which is why the clamp {eq}`eq-02-clamp` matters even at the true share.

# %% [markdown]
# ## (c) Where the official arithmetic breaks
#
# The sign of $a$ depends only on $(K, Q, \tau)$ (`debiasood.dnm_coefficient`). The map shows it over the
# number of ID labels $K$ and the assumed share $\tau$ for three group sizes, with the boundary
# $\tau = Q/(K+Q)$ of {eq}`eq-02-safe` (`debiasood.dnm_safe_tau`) and the benchmarks' $K$ at the official
# $\tau = 0.5$ (x: hazard, o: safe).
#
# *Holds for CLIP by construction:* algebra in $(K, Q, \tau)$; the benchmarks' $K$ are their label counts.

# %%
ks = np.unique(np.geomspace(2, 1000, 80).astype(int))
taus = np.linspace(0.01, 1.0, 100)
hmap = derivation.hazard_map(ks, taus, [GROUP_SIZE // 4, GROUP_SIZE, 4 * GROUP_SIZE])
in_hazard = derivation.benchmarks_in_hazard(GROUP_SIZE, TAU_TRUE)
print(f"Q = {GROUP_SIZE}, tau = {TAU_TRUE}: a <= 0 for {', '.join(in_hazard)}")

# %% mystnb={"figure": {"caption": "Sign of a over (K, tau), three Q (algebra, no data).", "name": "fig-02-hazard"}}
derivation.plot_hazard_map(hmap, tau_marker=TAU_TRUE)

# %% [markdown]
# {numref}`fig-02-hazard`: at $Q$ = {glue:text}`group_size`, a share {glue:text}`hazard_share:.2f` of this
# $(\log K, \tau)$ grid lies in the hazard region, and {glue:text}`hazard_benchmarks` of the
# {glue:text}`num_benchmarks` benchmark label sets fall in it at the official share. Larger groups widen the
# region; the safe share for $K$ = {glue:text}`hazard_k` is {glue:text}`hazard_safe_tau:.3f`.

# %% [markdown]
# ## (d) What the clamp does where a < 0
#
# A second world, identical except that it has $K$ = {glue:text}`hazard_k` ID classes, is scored with the same
# partition by the official DNM (`clamp=False`; its `NonPositivePartitionWarning` is caught and counted inside
# `debiasood.book.derivation.clamp_comparison`, nowhere else), by the clamped DNM and by NegLabel. The pairs
# with $Z_g \le 0$ are also counted independently, from $a S_{ID} + N_g \le 0$.
#
# *Only in the toy world.* That confident ID images get $Z_g \le 0$ wherever $a < 0$ follows from the algebra;
# how many pairs do, and how far the ranking inverts, are measured in the toy world and depend on its geometry.

# %%
hazard_world = make_toy_world(num_id_classes=HAZARD_NUM_ID_CLASSES, **WORLD)
comparison = derivation.clamp_comparison(hazard_world, tau_neg=TAU_TRUE, num_groups=NUM_GROUPS,
                                         temperature=TEMPERATURE, seed=SEED)
assert comparison.num_warnings == 1 and comparison.warned_pairs == comparison.num_nonpositive_pairs
print(f"a = {comparison.coefficient:.2f}; Z_g <= 0 for {comparison.num_nonpositive_pairs} of "
      f"{comparison.num_pairs} (image, group) pairs, as the warning reported")

# %% mystnb={"figure": {"caption": "Official vs clamped DNM, a < 0 (toy world, K = 10).", "name": "fig-02-clamp"}}
derivation.plot_clamp_comparison(comparison)

# %% [markdown]
# {numref}`fig-02-clamp`: with $a$ = {glue:text}`hazard_coefficient:.2f`, a share
# {glue:text}`nonpositive_pair_share:.2f` of all (image, group) pairs has $Z_g \le 0$. They are mostly ID
# pairs: the official score is negative or infinite for a share {glue:text}`share_id_nonpositive_official:.2f`
# of the ID images (and {glue:text}`share_ood_nonpositive_official:.2f` of the OOD images), so the ranking
# inverts: AUROC {glue:text}`auroc_official:.1f`%, FPR95 {glue:text}`fpr95_official:.1f`%. Clamping restores
# AUROC {glue:text}`auroc_clamped:.1f`% (FPR95 {glue:text}`fpr95_clamped:.1f`%), against NegLabel's
# {glue:text}`auroc_neglabel:.1f`% (FPR95 {glue:text}`fpr95_neglabel:.1f`%).

# %% [markdown]
# (sec-02-features)=
# ## The identities and the hazard on the features the book runs on
#
# *Holds for CLIP by construction; shown here on the features.* The closed form {eq}`eq-02-closed` and
# "τ = 1 is NegLabel" are algebra, so they hold on any embeddings; this section checks them on real data of
# the book's pipeline instead of random vectors: the images of every set of the features named by `FEATURES`,
# their ID labels under NegLabel's prompt, and DNM's density negatives, mined with the official code's
# settings for the backbone (`BACKBONE`; `debiasood.book.derivation.official_settings`). It then places those
# features on the hazard map: their $K$, their $Q = \lfloor M/G \rfloor$ and the official $\tau$ give $a$,
# and the pairs with $Z_g \le 0$ are counted from $a S_{ID} + N_g$ directly. Everything runs in float64, at
# the official temperature $T = 0.01$, with one seeded partition.

# %%
FEATURE_SIZES = {ID_SET: FEATURE_ID_IMAGES, **{name: FEATURE_OOD_IMAGES for name in OOD_SETS}}
features = load_features(FEATURES, sizes=FEATURE_SIZES, seed=SEED, corpus_step=CORPUS_STEP)
settings, backbone = derivation.official_settings(features.bundle, BACKBONE)
identities = derivation.feature_identities(features.bundle, settings, backbone=backbone)
display(nb.table(tables.render(identities.rows()), f"The derivation on {features.label}: its images, ID labels "
                                                   f"and DNM's density negatives, official {backbone} settings."))

# %% [markdown]
# On these features, with $K$ = {glue:text}`features_num_id_labels` ID labels and DNM's
# {glue:text}`features_num_negatives` density negatives in groups of $Q$ = {glue:text}`features_group_size`,
# the closed form matches the general score to {glue:text}`features_closed_form_gap:.1e` and $\tau = 1$
# reproduces NegLabel to {glue:text}`features_neglabel_gap:.1e` (largest relative gaps, float64). At the
# official $\tau$ = {glue:text}`features_tau:.2f`, $a$ = {glue:text}`features_coefficient:.3f`: the official
# arithmetic is safe for $\tau >$ {glue:text}`features_safe_tau:.4f`, and a share
# {glue:text}`features_nonpositive_pair_share:.3f` of the (image, group) pairs has $Z_g \le 0$. With ImageNet-1K's
# 1000 labels and the official $Q$ and $\tau$, $a$ stays positive whatever the embeddings; with a label set of
# your own, {ref}`sec-06-hazard` shows the same numbers for your $K$.

# %% [markdown]
# ## Recorded numbers

# %%
small_q, max_g = GROUP_SIZE // 4, g_sizes[-1]
metrics = comparison.metrics
records = {
    "tau_true": world.negative_share, "wrong_tau": WRONG_TAU,
    "bias_true_tau_id": curve.at(TAU_TRUE, "ID"), "bias_true_tau_ood": curve.at(TAU_TRUE, "OOD"),
    "bias_wrong_tau_id": curve.at(WRONG_TAU, "ID"), "bias_wrong_tau_theory": (WRONG_TAU - TAU_TRUE) / WRONG_TAU,
    "bias_true_tau_official_id": curve.at(TAU_TRUE, "ID, official positives"),
    "neglabel_inflation_id": curve.inflation_at_one,
    "group_size": GROUP_SIZE, "small_group_size": small_q, "max_num_groups": max_g,
    "variance_ratio_q": by_q.ratio(small_q, GROUP_SIZE),
    "variance_ratio_q_expected": by_q.expected_ratio(small_q, GROUP_SIZE),
    "score_sd_ratio_g": by_g.ratio(1, max_g), "score_sd_ratio_g_expected": by_g.expected_ratio(1, max_g),
    "negative_estimate_share_id": negative_share[GROUP_SIZE],
    "hazard_share": hmap.hazard_share(GROUP_SIZE), "hazard_benchmarks": len(in_hazard),
    "num_benchmarks": len(derivation.BENCHMARK_ID_SIZES), "hazard_k": HAZARD_NUM_ID_CLASSES,
    "hazard_safe_tau": dnm_safe_tau(HAZARD_NUM_ID_CLASSES, GROUP_SIZE),
    "hazard_coefficient": comparison.coefficient,
    "nonpositive_pair_share": comparison.num_nonpositive_pairs / comparison.num_pairs,
    "share_id_nonpositive_official": comparison.share_id_nonpositive,
    "share_ood_nonpositive_official": comparison.share_ood_nonpositive,
    **{f"{metric}_{short}": metrics[name][metric] for short, name in
       [("official", "DNM official (no clamp)"), ("clamped", "DNM clamped"), ("neglabel", "NegLabel")]
       for metric in ("auroc", "fpr95")},
    "closed_form_gap": gaps["closed_form"], "neglabel_gap": gaps["neglabel"],
    **identities.records("features_"),
}
for name, value in records.items():
    nb.record(name, value)
nb.finish(records)

# %% [markdown]
# ## What this shows
#
# - The debiasing identity {eq}`eq-02-identity` holds: in a world where true and false negatives are known,
#   the per-group estimate is unbiased at the true share (normalised bias {glue:text}`bias_true_tau_id:.3f` for
#   ID images), and a wrong share biases it by the predicted $(\tau-\tau^*)/\tau$
#   ({glue:text}`bias_wrong_tau_id:.3f` measured, {glue:text}`bias_wrong_tau_theory:.3f` predicted). The
#   positives matter as much as $\tau$: the ID labels themselves as positives leave a bias of
#   {glue:text}`bias_true_tau_official_id:.2f` even at the true share.
# - The estimate is a Monte-Carlo average with the usual rates (variance ratio {glue:text}`variance_ratio_q:.2f`
#   for a quarter of the labels per group; standard deviation ratio {glue:text}`score_sd_ratio_g:.2f` from one
#   group to {glue:text}`max_num_groups`), and for ID images its noise dwarfs the quantity: a share
#   {glue:text}`negative_estimate_share_id:.2f` of their per-group estimates is negative.
# - The closed form {eq}`eq-02-closed` matches the general score to {glue:text}`closed_form_gap:.1e`, and
#   $\tau = 1$ reproduces NegLabel to {glue:text}`neglabel_gap:.1e`.
# - The official arithmetic is unsafe wherever $\tau \le Q/(K+Q)$: {glue:text}`hazard_benchmarks` of
#   {glue:text}`num_benchmarks` benchmark label sets at the official settings. There the unclamped score
#   inverts the ranking (AUROC {glue:text}`auroc_official:.1f`% in the toy world with $K$ =
#   {glue:text}`hazard_k`), and the clamp of Chuang et al. repairs it (AUROC {glue:text}`auroc_clamped:.1f`%).
# - On the features of {ref}`sec-02-features` the same identities hold to {glue:text}`features_closed_form_gap:.1e`
#   and {glue:text}`features_neglabel_gap:.1e`, and their $K$ and $Q$ give $a$ =
#   {glue:text}`features_coefficient:.3f` at the official $\tau$.
#
# What transfers to CLIP: the identity {eq}`eq-02-identity`, the bias law {eq}`eq-02-bias`, the Monte-Carlo
# rates, the closed form {eq}`eq-02-closed`, "τ = 1 is NegLabel" and the sign of $a$ hold by construction, for
# any embeddings. The sizes measured in the toy world (the bias of the official positives, how noisy the
# estimate is for ID images, how far the unclamped score inverts the ranking) are properties of that world,
# not predictions for CLIP: they validate the derivation and the code, not the size of any effect on real
# benchmarks.
