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
# # Held-out generalisation: do the gains survive settings nothing was tuned on?
#
# **Claim.** In the simulated world, DNM's FPR95 gain over NegLabel holds on held-out ImageNet-1K concepts and,
# at the official settings, on the ImageNet-10/20/100 settings, but vanishes on CIFAR and wherever both methods
# are already near zero, the $\tau_{neg}$ chosen on ImageNet-1K validation transfers no better on balance than
# the official one, and where $a \le 0$ the gain exists only thanks to the clamp: the official arithmetic breaks.
#
# {glue:md}`run_cost:myst`
#
# The paper tunes and reports on ImageNet-1K {cite}`peng2026dnm`. This page separates choosing from reporting:
#
# 1. the protocol: a validation split of OOD concepts and world seeds ({ref}`sec-05-protocol`);
# 2. the choice of $\tau_{neg}$ and $G$ for DNM, and of $G$ for NegLabel {cite}`jiang2024neglabel`, on the
#    validation split only ({ref}`sec-05-validation`);
# 3. the held-out ImageNet-1K test, beside the reported CLIP numbers ({ref}`sec-05-test`);
# 4. the same settings, unchanged, on ImageNet-10/20 (near-OOD, both directions), ImageNet-100, four
#    fine-grained sets and CIFAR-10/100 (both directions) ({ref}`sec-05-transfer`);
# 5. the settings where the official arithmetic breaks ($a \le 0$), official against clamped DNM
#    ({ref}`sec-05-hazard`);
# 6. where the gain holds, vanishes or flips ({ref}`sec-05-summary`).
#
# ```{note}
# Every number on this page comes from the **simulated offline world** (`debiasood.world.simulated`): real MiniLM text
# features and **synthetic** image embeddings, with parameters fitted on ImageNet-1K only. None of them is a
# CLIP number. Reported CLIP ViT-B/16 numbers appear beside them only where marked "reported". The benchmarks,
# the hazard and the reported numbers are defined in the method reference ({ref}`method-benchmarks`,
# {ref}`method-dnm-hazard`, {ref}`method-reported`).
# ```

# %% [markdown]
# **The knobs to change.** The defaults below are the run this page shows. Change them here, or pass
# `-p NAME VALUE` to `python -m debiasood.book.run_notebooks`, which checks each name and type before anything
# runs ({doc}`../reproduce`). `SMOKE = True` is the quick profile the tests run.

# %% tags=["parameters"]
SMOKE = False  # True: the quick profile the tests run (1/10 corpus, fewer images and resamples)
SPLIT_SEED = 0  # seed of the split of the OOD concepts into a validation and a test half
VALIDATION_SEED = 1  # world seed (image draw) and partition seed of the validation run
TEST_SEED = 2  # world seed and partition seed of every held-out run (ImageNet-1K test halves, transfers)
TAU_GRID = "0.1,0.2,0.3,0.5,0.7,0.9,1.0"  # DNM's tau_neg grid; 1.0 is NegLabel's score on DNM's negatives
GROUP_GRID = "50,100,200"  # grid of the number of groups G, for DNM and NegLabel alike
VAL_ID_IMAGES = 4000  # ImageNet-1K ID images of the validation run
VAL_OOD_IMAGES = 1000  # images per validation concept half (4 halves)
TEST_ID_IMAGES = 10000  # ImageNet-1K ID images of the held-out test run
TEST_OOD_IMAGES = 2000  # images per held-out concept half (4 halves)
IMAGES_PER_CLASS = 50  # transfer ID images per class (on average) ...
MAX_ID_IMAGES = 3000  # ... capped at this many per ID set
OOD_IMAGES = 1500  # transfer images per OOD set
NUM_RESAMPLES = 500  # paired bootstrap resamples of every gain
CORPUS_STEP = 1  # keep every n-th word of the DNM WordNet corpus (1: all ~57k words)

# %% tags=["hide-input"]
# papermill only warns about an unknown parameter: check names and types, then apply the SMOKE
# profile (the quick run of the tests; a parameter given explicitly wins over it).
from debiasood.book import nb

globals().update(nb.check_parameters(smoke={
    "CORPUS_STEP": 10, "NUM_RESAMPLES": 200, "VAL_ID_IMAGES": 1000, "VAL_OOD_IMAGES": 250,
    "TEST_ID_IMAGES": 2000, "TEST_OOD_IMAGES": 400, "IMAGES_PER_CLASS": 20, "MAX_ID_IMAGES": 600,
    "OOD_IMAGES": 300
}))
nb.glue_run_cost("05_held_out_generalisation")

# %%
# %matplotlib inline
import numpy as np

from debiasood.book import held_out as gen
from debiasood.book import tables
from debiasood.core.scores import DEFAULT_NUM_GROUPS, DEFAULT_TAU_NEG, dnm_coefficient
from debiasood.world.offline import density_negatives, offline_setup
from debiasood.world.simulated import ID_SET, OOD_SETS

setup = offline_setup(corpus_step=CORPUS_STEP, csp=False)
density = density_negatives(setup)
taus, group_counts = gen.parse_grid(TAU_GRID, "TAU_GRID"), gen.parse_grid(GROUP_GRID, "GROUP_GRID", int)
if DEFAULT_TAU_NEG not in taus or DEFAULT_NUM_GROUPS not in group_counts:
    raise ValueError("TAU_GRID and GROUP_GRID must include the official tau_neg = 0.5 and G = 100")
default_q = len(density) // DEFAULT_NUM_GROUPS
print(f"corpus: {len(setup.corpus)} words; DNM's density negatives: {len(density)} (Q = {default_q} at G = "
      f"{DEFAULT_NUM_GROUPS}); NegLabel's negatives for ImageNet-1K: {len(setup.text['negatives'])}")

# %% [markdown]
# (sec-05-protocol)=
# ## Validation and test never share concepts, images or partitions
#
# - **OOD concepts.** The concepts of iNaturalist, SUN, Places and Textures are split in two halves by caption
#   name (`gen.split_concepts`, seed `SPLIT_SEED`): sets are taken in that order, a name seen in an earlier set
#   keeps its half (SUN and Places share most scene names), and the remaining names of a set are shuffled and
#   fill the validation half up to half of the set's distinct names. Validation images come from the
#   validation halves only; the test images from the other halves.
# - **Images and partitions.** The validation run draws its images with world seed `VALIDATION_SEED` and
#   partitions the negatives into groups with the same seed; every held-out run uses `TEST_SEED` for both.
#   The ID images of the two runs are different draws from the same 1,000 classes.
# - **What is chosen.** DNM's $(\tau_{neg}, G)$ on the grid `TAU_GRID` x `GROUP_GRID`, and NegLabel's $G$ on
#   `GROUP_GRID`, each by the lowest average validation FPR95 (the first in grid order on a tie). Nothing else
#   is tuned: the world's parameters stay as fitted on ImageNet-1K, DNM keeps its density negatives (paper
#   form, $k = 100$, ViT-B/16 quotas) and NegLabel its percentile mining.
# - **Compared.** "default": NegLabel at $G = 100$ against DNM at the official $\tau_{neg} = 0.5$,
#   $G = 100$, clamped; "tuned": both at their validation choices. The gain is FPR95(NegLabel) - FPR95(DNM)
#   in points, positive when DNM is better, with a 95% paired bootstrap interval (`NUM_RESAMPLES` resamples
#   of the ID and OOD images, both methods scored on each resample). It **holds** when the interval lies above
#   0, **flips** when it lies below 0 and **vanishes** when it contains 0. The interval covers the image
#   sample only, not the world draw or the partition.

# %%
splits = gen.split_concepts(gen.caption_names(OOD_SETS), seed=SPLIT_SEED)
world = gen.split_world(setup.world, splits)
imagenet_text = gen.SetText.from_benchmark(world, setup.text, density)
for name, (val, test) in splits.items():
    print(f"{gen.display(name):12s} validation {len(val):3d} concepts, test {len(test):3d}")

# %% [markdown]
# (sec-05-validation)=
# ## On validation, the best of the grid beats the official setting only within noise
#
# All configurations are scored on one draw of validation images; the grouped scores share one similarity
# product per kind of negatives (`gen.grouped_sums`), so the grid costs little beyond a single score.

# %%
grid = gen.grid_configs(taus, group_counts)
val_sizes = {ID_SET: VAL_ID_IMAGES, **{f"{s}/val": VAL_OOD_IMAGES for s in OOD_SETS}}
validation = gen.score_setting(gen.draw_images(world, val_sizes, VALIDATION_SEED), ID_SET, imagenet_text, grid,
                               seed=VALIDATION_SEED)
val_rows = gen.validation_rows(validation)
chosen = {score: gen.choose(val_rows, score) for score in ("neglabel", "dnm")}
default = {"neglabel": gen.Config("neglabel", DEFAULT_NUM_GROUPS), "dnm": gen.Config("dnm", DEFAULT_NUM_GROUPS)}
val_average = {(r["score"], r["num_groups"], r["tau_neg"]): r["average"] for r in val_rows}
val_gain = gen.summary_row(gen.fpr95_gains(validation, gen.grid_name(default["dnm"]), gen.grid_name(chosen["dnm"]),
                                           num_resamples=NUM_RESAMPLES, seed=VALIDATION_SEED))
print("chosen:", "; ".join(c.describe() for c in chosen.values()))

# %% mystnb={"figure": {"caption": "Validation FPR95 over the grid (simulated, MiniLM).", "name": "fig-05-validation"}}
gen.plot_validation(val_rows, chosen, default["dnm"])

# %% [markdown]
# {numref}`fig-05-validation`: on the validation halves the chosen DNM has $\tau_{neg}$ =
# {glue:text}`chosen_tau_neg:.1f` and $G$ = {glue:text}`chosen_num_groups_dnm` (validation FPR95
# {glue:text}`val_fpr95_dnm_chosen:.2f`, against {glue:text}`val_fpr95_dnm_default:.2f` at the official
# settings), and NegLabel $G$ = {glue:text}`chosen_num_groups_neglabel` (NegLabel at $G = 100$:
# {glue:text}`val_fpr95_neglabel_default:.2f`; $G$ barely moves NegLabel). Read the curves for their spread,
# not only their minimum: on the validation images themselves the chosen DNM beats the official one by
# {glue:text}`val_gain_chosen:.2f` points, with a paired 95% interval of {glue:text}`val_gain_chosen_low:.2f`
# to {glue:text}`val_gain_chosen_high:.2f` (0 to 0 when the choice is the official setting). A choice this
# close to the noise is a coin toss between neighbouring grid points; what matters is whether it transfers.

# %% [markdown]
# (sec-05-test)=
# ## On held-out ImageNet-1K concepts the gain holds on average
#
# New images (seed `TEST_SEED`), a new partition and the held-out concept halves. The table puts the reported
# CLIP ViT-B/16 numbers (full OOD sets, not our halves) beside the simulated ones.

# %%
configs = {"MCM": gen.Config("mcm"), "NegLabel (default)": default["neglabel"], "DNM (default)": default["dnm"],
           "DNM official": gen.Config("dnm-official", DEFAULT_NUM_GROUPS, DEFAULT_TAU_NEG),
           "NegLabel (tuned)": chosen["neglabel"], "DNM (tuned)": chosen["dnm"]}
comparisons = {"default": ("NegLabel (default)", "DNM (default)"), "tuned": ("NegLabel (tuned)", "DNM (tuned)")}
test_sizes = {ID_SET: TEST_ID_IMAGES, **{f"{s}/test": TEST_OOD_IMAGES for s in OOD_SETS}}
imagenet = gen.score_setting(gen.draw_images(world, test_sizes, TEST_SEED), ID_SET, imagenet_text, configs,
                             seed=TEST_SEED, label="ImageNet-1K vs 4 OOD sets (held-out halves)")
gains = {imagenet.label: {name: gen.fpr95_gains(imagenet, *pair, num_resamples=NUM_RESAMPLES, seed=TEST_SEED)
                          for name, pair in comparisons.items()}}
nb.table(tables.render(gen.imagenet_table(gains[imagenet.label]["default"])),
         "Held-out ImageNet-1K test: simulated world (MiniLM text, synthetic images) beside reported CLIP ViT-B/16.")

# %% [markdown]
# At the official settings DNM's average FPR95 on the held-out halves is {glue:text}`test_fpr95_dnm_default:.2f`
# against NegLabel's {glue:text}`test_fpr95_neglabel_default:.2f`: a gain of {glue:text}`test_gain_default:.2f`
# points (95% interval {glue:text}`test_gain_default_low:.2f` to {glue:text}`test_gain_default_high:.2f`);
# with the validation choices {glue:text}`test_gain_tuned:.2f` ({glue:text}`test_gain_tuned_low:.2f` to
# {glue:text}`test_gain_tuned_high:.2f`): the gain holds, and tuning adds nothing beyond its interval. Reported
# (CLIP ViT-B/16, full OOD sets, DNM's average from a secondary source): 25.40 for NegLabel against 16.90 for
# DNM. The per-set rows show where the simulated gain comes from: the scene sets (SUN, Places), much less
# iNaturalist, where NegLabel already does well.

# %% [markdown]
# (sec-05-transfer)=
# ## Carried unchanged, the gain holds on the ImageNet subsets and vanishes on CIFAR and saturated sets
#
# Each ID set gets a world with the ImageNet-1K-fitted parameters (its own concepts as the ID set, not
# refitted), its own prompts ("a photo of a {}", "the nice {}"), its own NegLabel negatives mined against
# those prompts, and the same density negatives. Sizes: `IMAGES_PER_CLASS` ID images per class on average,
# at most `MAX_ID_IMAGES`, and `OOD_IMAGES` per OOD set; ID classes are drawn uniformly.

# %%
transfers = []
for transfer in gen.TRANSFERS:
    setting = gen.transfer_setting(setup.encoder, transfer, setup.corpus, setup.text["corpus_features"], density,
                                   configs, images_per_class=IMAGES_PER_CLASS, max_id_images=MAX_ID_IMAGES,
                                   ood_images=OOD_IMAGES, seed=TEST_SEED)
    gains[setting.label] = {name: gen.fpr95_gains(setting, *pair, num_resamples=NUM_RESAMPLES, seed=TEST_SEED)
                            for name, pair in comparisons.items()}
    transfers.append(setting)
settings = [imagenet, *transfers]
print("\n".join(f"{s.label}: " + ", ".join(f"{m} {s.average(m):.1f}" for m in configs) for s in transfers))

# %% [markdown]
# The per-OOD-set gains of every setting (simulated world; "a (official)" is $a = \tau - Q(1-\tau)/K$ at
# the official $\tau = 0.5$ and this corpus' $Q$):

# %%
nb.table(tables.render(gen.gain_table(settings, gains, list(comparisons), group_size=default_q, per_set=True)),
         "FPR95 gains of DNM over NegLabel per setting: simulated world (MiniLM text, synthetic images), not CLIP.")

# %% [markdown]
# At the official settings the gain carries over to the ImageNet subsets: ImageNet-10 against ImageNet-20
# {glue:text}`gain_default_imagenet10:.2f` points, the reverse {glue:text}`gain_default_imagenet20:.2f`,
# ImageNet-100 {glue:text}`gain_default_imagenet100:.2f` on average. It does not carry over to CIFAR
# (CIFAR-10 against CIFAR-100 {glue:text}`gain_default_cifar10:.2f`, the reverse
# {glue:text}`gain_default_cifar100:.2f`, both intervals containing 0). On the four fine-grained sets NegLabel's
# average FPR95 is at most {glue:text}`finegrained_fpr95_neglabel_max:.2f` already: these ID sets are far from
# the four OOD sets in this world, so gains there are fractions of a point (CUB-200:
# {glue:text}`gain_default_cub200:.2f`), and "vanishes" there means "no room", not "no effect". The
# $\tau_{neg}$ chosen on ImageNet-1K validation is no better on balance away from ImageNet-1K: ImageNet-100
# {glue:text}`gain_tuned_imagenet100:.2f` points (official settings: {glue:text}`gain_default_imagenet100:.2f`),
# but ImageNet-10 {glue:text}`gain_tuned_imagenet10:.2f` and CUB-200 {glue:text}`gain_tuned_cub200:.2f`
# (official settings: {glue:text}`gain_default_imagenet10:.2f` and {glue:text}`gain_default_cub200:.2f`).
# Most of these ID sets have $a \le 0$ at the official settings (next section): there the clamp is
# active for almost every ID image, so what transfers is the clamped score, not the official one.

# %% [markdown]
# (sec-05-hazard)=
# ## Where a ≤ 0 the official arithmetic breaks and the clamp does not
#
# With the official $\tau_{neg} = 0.5$ and $Q$ = {glue:text}`default_group_size`, $a \le 0$ for every ID set
# with $K \le Q$: {glue:text}`num_hazard_settings` of the {glue:text}`num_settings` settings here. There the
# official score (no clamp) is compared with the clamped DNM and NegLabel, on the same images and partition.

# %%
hazard = [s for s in settings if dnm_coefficient(s.num_id_labels, default_q, DEFAULT_TAU_NEG) <= 0]
hazard_share = {s.label: s.nonpositive_share["DNM official"][s.id_set] for s in hazard}
for label, share in hazard_share.items():
    print(f"{label}: {share:.1%} of ID images have some Z_g <= 0 (official arithmetic)")

# %% mystnb={"figure": {"caption": "Official vs clamped DNM, a <= 0 (simulated, MiniLM).", "name": "fig-05-hazard"}}
gen.plot_hazard(hazard, {"NegLabel": "NegLabel (default)", "DNM official (no clamp)": "DNM official",
                         "DNM clamped": "DNM (default)"}, group_size=default_q)

# %% [markdown]
# In {numref}`fig-05-hazard` the official arithmetic gives an average FPR95 of
# {glue:text}`hazard_fpr95_official:.1f` over these settings (AUROC {glue:text}`hazard_auroc_official:.1f`),
# the clamped score {glue:text}`hazard_fpr95_clamped:.1f` (AUROC {glue:text}`hazard_auroc_clamped:.1f`), and
# NegLabel {glue:text}`hazard_fpr95_neglabel:.1f` (AUROC {glue:text}`hazard_auroc_neglabel:.1f`). On average
# a share {glue:text}`hazard_nonpositive_id_share:.2f` of the ID images meets some group with $Z_g \le 0$, so
# the official score of nearly every confident ID image is negative or infinite and the ranking inverts, even
# at $K = 100$ where $a$ is only just below 0. The clamped score replaces those groups' estimate by its floor
# $e^{-1/T}$; that floor, not the debiasing identity, is what DNM's score is in these settings.

# %% [markdown]
# (sec-05-summary)=
# ## Where the gain holds, vanishes or flips
#
# One row per setting: the gain averaged over its OOD sets (or its one OOD set) with its interval, at the
# official settings and at the validation choices.

# %% mystnb={"figure": {"caption": "DNM's FPR95 gain per setting (simulated, MiniLM).", "name": "fig-05-gains"}}
reported_gain = gen.reported_neglabel_fpr95()["average"] - gen.REPORTED_DNM_FPR95["average"]
gen.plot_gains(settings, gains, list(comparisons), reported=reported_gain)

# %%
summary = gen.gain_table(settings, gains, list(comparisons), group_size=default_q)
nb.table(tables.render(summary), "Where the gain holds, vanishes or flips: simulated world (MiniLM text, "
                                  "synthetic images), not CLIP.")

# %% [markdown]
# In {numref}`fig-05-gains` the black cross is the reported gain (CLIP ViT-B/16, ImageNet-1K, full OOD sets,
# NegLabel 25.40 against DNM 16.90 from a secondary source): reported, not simulated. The simulated verdicts
# over the {glue:text}`num_settings` settings, plainly: at the official settings the gain holds in
# {glue:text}`num_holds_default`, vanishes in {glue:text}`num_vanishes_default` and flips in
# {glue:text}`num_flips_default`; with the validation choices it holds in {glue:text}`num_holds_tuned`,
# vanishes in {glue:text}`num_vanishes_tuned` and flips in {glue:text}`num_flips_tuned`. Which setting is which
# is in the verdict columns of the table. The intervals cover the image sample of one world draw and one
# partition; a different draw of the world would move the borderline cases.

# %% [markdown]
# ## Recorded numbers

# %%
verdicts = {name: [row[f"verdict {name}"] for row in summary] for name in comparisons}
test_rows = {name: gen.summary_row(gains[imagenet.label][name]) for name in comparisons}
records = {
    "chosen_tau_neg": chosen["dnm"].tau_neg, "chosen_num_groups_dnm": chosen["dnm"].num_groups,
    "chosen_num_groups_neglabel": chosen["neglabel"].num_groups,
    "val_fpr95_dnm_chosen": val_average[("dnm", chosen["dnm"].num_groups, chosen["dnm"].tau_neg)],
    "val_fpr95_dnm_default": val_average[("dnm", DEFAULT_NUM_GROUPS, DEFAULT_TAU_NEG)],
    "val_fpr95_neglabel_default": val_average[("neglabel", DEFAULT_NUM_GROUPS, 1.0)],
    **{f"val_gain_chosen{suffix}": val_gain[f"gain{suffix}"] for suffix in ("", "_low", "_high")},
    "test_fpr95_neglabel_default": test_rows["default"]["fpr95_baseline"],
    "test_fpr95_dnm_default": test_rows["default"]["fpr95_method"],
    **{f"test_gain_{name}{suffix}": test_rows[name][f"gain{suffix}"]
       for name in comparisons for suffix in ("", "_low", "_high")},
    **{f"gain_{name}_{s.id_set}": gen.summary_row(gains[s.label][name])["gain"]
       for name in comparisons for s in transfers},
    "finegrained_fpr95_neglabel_max": max(s.average("NegLabel (default)") for s in transfers
                                          if s.id_set in ("food101", "oxford_pet", "cub200", "stanford_cars")),
    "num_settings": len(settings), "default_group_size": default_q, "num_hazard_settings": len(hazard),
    **{f"num_{v}_{name}": verdicts[name].count(v)
       for name in comparisons for v in ("holds", "vanishes", "flips")},
    **{f"hazard_{metric}_{short}": float(np.mean([s.average(method, metric) for s in hazard]))
       for short, method in (("official", "DNM official"), ("clamped", "DNM (default)"),
                             ("neglabel", "NegLabel (default)")) for metric in ("fpr95", "auroc")},
    "hazard_nonpositive_id_share": float(np.mean(list(hazard_share.values()))),
}
for name, value in records.items():
    nb.record(name, value)
nb.finish(records)

# %% [markdown]
# ## What this shows
#
# - Choosing on a validation split of OOD concepts and reporting on the held-out concepts, DNM's gain over
#   NegLabel on ImageNet-1K in the simulated world is {glue:text}`test_gain_default:.2f` FPR95 points at the
#   official settings ({glue:text}`test_gain_default_low:.2f` to {glue:text}`test_gain_default_high:.2f`)
#   and {glue:text}`test_gain_tuned:.2f` with the validation choices ($\tau_{neg}$ =
#   {glue:text}`chosen_tau_neg:.1f`, $G$ = {glue:text}`chosen_num_groups_dnm`). The reported CLIP ViT-B/16 gain
#   (25.40 against 16.90, reported) is larger; the simulated world is not CLIP.
# - Carried unchanged to other ID sets, the gain is not general: over the {glue:text}`num_settings` settings
#   it holds in {glue:text}`num_holds_default`, vanishes in {glue:text}`num_vanishes_default` and flips in
#   {glue:text}`num_flips_default` at the official settings (holds {glue:text}`num_holds_tuned`, vanishes
#   {glue:text}`num_vanishes_tuned`, flips {glue:text}`num_flips_tuned` with the validation choices). It holds
#   on the ImageNet subsets (ImageNet-20 against ImageNet-10: {glue:text}`gain_default_imagenet20:.2f`
#   points), not on CIFAR (CIFAR-10 against CIFAR-100: {glue:text}`gain_default_cifar10:.2f`, interval
#   containing 0), and is a fraction of a point at most on the fine-grained sets, where NegLabel's FPR95 is
#   already at most {glue:text}`finegrained_fpr95_neglabel_max:.2f`.
# - Tuning $\tau_{neg}$ on ImageNet-1K validation buys nothing that transfers: the choice is within the noise
#   on validation, and away from ImageNet-1K it helps in some settings and hurts in others.
# - In {glue:text}`num_hazard_settings` settings the official arithmetic has $a \le 0$ and breaks (average
#   FPR95 {glue:text}`hazard_fpr95_official:.1f`, AUROC {glue:text}`hazard_auroc_official:.1f`), while the
#   clamped score stays at {glue:text}`hazard_fpr95_clamped:.1f` (NegLabel: {glue:text}`hazard_fpr95_neglabel:.1f`).
#   DNM's gains on ImageNet-10, -20 and -100 are gains of the clamped score: the official code would lose there.
#
# All of this is a simulated world fitted on ImageNet-1K: it shows how the method behaves when its settings
# are carried to label sets nothing was tuned on, not how large the effect is on CLIP.
