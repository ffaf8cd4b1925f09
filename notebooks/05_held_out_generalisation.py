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
# # Held-out generalisation: do DNM's gains survive benchmarks nothing was tuned on?
#
# **Claim.** In the offline world DNM's gain over NegLabel does not travel as a whole: carried unchanged to the
# {glue:text}`num_held_out` settings nothing was tuned on, it holds on FPR95 in
# {glue:text}`held_out_both_fpr95_holds` of them (the verdicts below name them: mostly the ImageNet subsets) and
# vanishes in the rest, the CIFAR-10 OOD suite among them; on AUROC it holds in
# {glue:text}`held_out_both_auroc_holds` and flips in {glue:text}`held_out_both_auroc_flips`. What survives comes
# mostly from its negatives, while its score alone lowers AUROC more often than it raises it; and at the official
# ViT-B/16 settings {glue:text}`num_a_nonpositive_vitb16` of the {glue:text}`num_settings` settings have
# $a \le 0$, where the official arithmetic inverts the ranking and only the clamp keeps DNM working.
#
# {glue:md}`run_cost:myst`
#
# **The question.** DNM {cite}`peng2026dnm` changes two things in NegLabel {cite}`jiang2024neglabel`: which
# negatives are mined (the densest corpus words instead of those farthest from the ID labels) and how they are
# scored (a debiased partition function instead of NegLabel's). Do its gains hold across three public benchmark
# families (the ImageNet family; the standard CIFAR-10 OOD suite, CIFAR-10's classes as ID against SVHN, LSUN,
# iSUN, Textures and Places365; domain-specific ID sets: CUB-200, Stanford-Cars, Food-101, Oxford-Pet), head to
# head against NegLabel with the same backbone, and do they survive sets that played no part in choosing DNM's
# settings? If they vanish or flip there, the debiasing only moved the bias around.
#
# 1. The test, stated before any number ({ref}`sec-05-question`).
# 2. The setting the features hold, with DNM's two changes separated ({ref}`sec-05-own`).
# 3. The held-out settings, family by family ({ref}`sec-05-families`).
# 4. The official $\tau$ of each setting, and where the official arithmetic breaks
#    ({ref}`the official settings <sec-05-official>`).
# 5. The verdict per family ({ref}`sec-05-verdicts`).

# %% [markdown]
# **The knobs to change.** The defaults below are the run this page shows. Change them here, or pass
# `-p NAME VALUE` to `python -m debiasood.book.run_notebooks`, which checks each name and type before anything
# runs ({doc}`../reproduce`). `SMOKE = True` is the quick profile the tests run. To run the page on your own
# features, write a bundle with `debiasood extract` and pass its folder as `FEATURES`.

# %% tags=["parameters"]
SMOKE = False  # True: the quick profile the tests run (1/10 corpus, fewer images and resamples)
FEATURES = "simulated"  # 'simulated' (the offline world, default) or a feature bundle folder: see debiasood extract
BACKBONE = "ViT-B/16"  # official settings (tau, quotas, k) of ViT-B/16, ViT-B/32, ViT-L/14, RN50 or ViT-L/14@336px
SEEDS = "0,1"  # 2+ seeds; each redraws the offline world's images and the partition (a bundle: the partition only)
RANDOM_SEEDS = 3  # random-negative controls of DNM's size and part-of-speech split, seeds 0, 1, ...
ID_IMAGES = 2000  # offline world: ID images per setting and seed
OOD_IMAGES = 500  # offline world: images per OOD set, setting and seed
NUM_RESAMPLES = 500  # paired bootstrap resamples of every difference
CORPUS_STEP = 1  # offline world: keep every n-th word of the DNM WordNet corpus (1: all ~57k words)

# %% tags=["hide-input"]
# papermill only warns about an unknown parameter: check names and types, then apply the SMOKE
# profile (the quick run of the tests; a parameter given explicitly wins over it).
from debiasood.book import nb

globals().update(nb.check_parameters(smoke={
    "CORPUS_STEP": 10, "ID_IMAGES": 300, "OOD_IMAGES": 150, "NUM_RESAMPLES": 100,
}))
nb.glue_run_cost("05_held_out_generalisation")

# %%
# %matplotlib inline
from IPython.display import Markdown, display

from debiasood.book import held_out as gen
from debiasood.book import tables
from debiasood.book.features import load_features

seeds, random_seeds = gen.parse_seeds(SEEDS), tuple(range(RANDOM_SEEDS))
sizes = gen.world_sizes(gen.SETTINGS[0], ID_IMAGES, OOD_IMAGES)
features = load_features(FEATURES, sizes=sizes, seed=seeds[0], corpus_step=CORPUS_STEP, csp=False)
display(Markdown(gen.features_note(features, BACKBONE)))

# %% [markdown]
# (sec-05-question)=
# ## The test, stated before any number
#
# - **Settings.** An ID set and the OOD sets it is tested against. The offline world holds these: ImageNet-1K
#   against iNaturalist, SUN, Places and Textures; ImageNet-10 against ImageNet-20 and the reverse (MCM's near-OOD
#   pair {cite}`ming2022mcm`), ImageNet-100 against the four MOS sets; CIFAR-10 and CIFAR-100 against the CIFAR-10
#   OOD suite, and CIFAR-10 against CIFAR-100; CUB-200, Stanford-Cars, Food-101 and Oxford-Pet against the four
#   MOS sets. A feature bundle holds one: its own ID and OOD sets.
# - **Held out.** The paper chose DNM's settings on ImageNet-1K against the four MOS sets, and the offline world
#   was calibrated there. Every other setting is held out: nothing in DNM or in the world was chosen on it. Each
#   gets a world with its ID set as the ID concepts and the ImageNet-1K parameters unchanged, its own prompts and
#   NegLabel negatives mined against them; DNM's density negatives read the corpus only and are the same
#   everywhere.
# - **Two changes, measured apart.** On the same images, one control suite per seed: NegLabel; its rule cut at DNM's
#   size; random negatives of DNM's size and part-of-speech split; DNM's density negatives under NegLabel's score
#   ($\tau = 1$); the clamped DNM score (the default, on the log-odds scale); the same score on its probability scale,
#   where rounding ties many images at 1; the official arithmetic. The **negatives-only change** is density negatives
#   minus NegLabel's, both under NegLabel's score; the **score-only change** is the clamped DNM score minus NegLabel's
#   score, both on the density negatives; **both** is DNM minus NegLabel. Each is the difference A - B of the average
#   over the OOD sets, FPR95 and AUROC, with a 95% paired bootstrap interval (`NUM_RESAMPLES` resamples of the images,
#   both methods scored on each).
# - **Verdicts.** On one seed a change **holds** when its interval lies on the side where A is better (FPR95
#   below 0, AUROC above 0), **flips** when it lies on the other side and **vanishes** when it contains 0. Over
#   the seeds a change keeps their common verdict; when the seeds disagree it vanishes, because a redraw undoes it.
#   Each interval covers the image sample of one draw; the spread over seeds, shown beside every verdict, is the
#   world's own spread (a new draw of its images and of the partition of the negatives). With a feature bundle
#   the images are fixed and a seed only re-partitions the negatives.
# - **Settings of the methods.** Every setting runs with the official settings of `BACKBONE`: its $\tau$,
#   density quotas and $k$, $G = 100$ (fewer only when a selection from a small corpus holds fewer words),
#   $T = 0.01$ ({ref}`method-official-settings`).
# - **What the offline world cannot do.** It draws images from concept names and knows no image size, so one
#   LSUN set stands for LSUN (crop) and LSUN (resize); iSUN has no class list, so its concepts are SUN397's 397
#   categories; ImageNet-A, -R, -V2 and -Sketch (the sets with the official $\tau = 1$) are image-level shifts
#   of ImageNet's own classes that a world built from names cannot draw, so they are not here.

# %% [markdown]
# (sec-05-own)=
# ## The setting the features hold, with the two changes apart
#
# In the offline world this is ImageNet-1K against iNaturalist, SUN, Places and Textures: the tuned setting,
# not a held-out one. For a feature bundle it is the bundle's own ID and OOD sets.

# %%
own = gen.own_setting(features.bundle)
own_bundles = gen.seed_bundles(features, own, seeds, id_images=ID_IMAGES, ood_images=OOD_IMAGES)
results = {own.key: gen.run_setting(own_bundles, own, BACKBONE, random_seeds=random_seeds,
                                    num_resamples=NUM_RESAMPLES)}
nb.table(tables.render(gen.change_table([results[own.key]])),
         f"DNM's two changes on {own.label}, A - B with 95% paired intervals per seed ({features.label}).")

# %%
nb.table(tables.render(gen.controls_table([results[own.key]])),
         f"Every control on {own.label}, average FPR95 / AUROC, first seed ({features.label}).")

# %% [markdown]
# On these features the negatives-only change moves the average FPR95 by {glue:text}`own_negatives_fpr95:+.2f`
# points (95% interval {glue:text}`own_negatives_fpr95_low:+.2f` to {glue:text}`own_negatives_fpr95_high:+.2f`,
# spread over seeds {glue:text}`own_negatives_fpr95_spread:.2f`) and AUROC by
# {glue:text}`own_negatives_auroc:+.2f` ({glue:text}`own_negatives_auroc_low:+.2f` to
# {glue:text}`own_negatives_auroc_high:+.2f`, spread {glue:text}`own_negatives_auroc_spread:.2f`). The
# score-only change moves FPR95 by {glue:text}`own_score_fpr95:+.2f` ({glue:text}`own_score_fpr95_low:+.2f` to
# {glue:text}`own_score_fpr95_high:+.2f`, spread {glue:text}`own_score_fpr95_spread:.2f`) and AUROC by
# {glue:text}`own_score_auroc:+.2f` ({glue:text}`own_score_auroc_low:+.2f` to
# {glue:text}`own_score_auroc_high:+.2f`, spread {glue:text}`own_score_auroc_spread:.2f`). The controls put the
# first change in proportion: random negatives of the same size and split reach an average FPR95 of
# {glue:text}`own_fpr95_random:.2f` (NegLabel {glue:text}`own_fpr95_neglabel:.2f`, density negatives
# {glue:text}`own_fpr95_density:.2f`, NegLabel's rule at DNM's size {glue:text}`own_fpr95_at_size:.2f`). On
# its probability scale the clamped score rounds to exactly 1 for {glue:text}`own_tied_id:.1f`% of the ID images
# and {glue:text}`own_tied_ood:.1f`% of the OOD images, which gives AUROC {glue:text}`own_auroc_probability:.2f`;
# the default log-odds scale (the same score, no rounding ties) gives {glue:text}`own_auroc_dnm:.2f`.

# %%
display(Markdown(gen.reported_line()))

# %% [markdown]
# (sec-05-families)=
# ## The held-out settings, family by family
#
# The same test on every held-out setting of the offline world: one table per family with both changes, then
# the controls. In the figure each point is one seed's A - B with its interval.

# %%
world = features.requires("world", section="the held-out settings (other ID sets, the CIFAR-10 OOD suite, the "
                                            "domain-specific sets, redrawn images)")
if world:
    for setting in gen.SETTINGS:
        if setting.key not in results:
            bundles = gen.seed_bundles(features, setting, seeds, id_images=ID_IMAGES, ood_images=OOD_IMAGES)
            results[setting.key] = gen.run_setting(bundles, setting, BACKBONE, random_seeds=random_seeds,
                                                   num_resamples=NUM_RESAMPLES)
    by_family = {family: [results[s.key] for s in gen.SETTINGS if s.family == family] for family in gen.FAMILIES}
    for family, name in gen.FAMILIES.items():
        display(nb.table(tables.render(gen.change_table(by_family[family])),
                         f"{name[0].upper() + name[1:]}: DNM's two changes and both, A - B with 95% paired "
                         f"intervals per seed ({features.label})."))
        display(nb.table(tables.render(gen.controls_table(by_family[family])),
                         f"{name[0].upper() + name[1:]}: every control, average FPR95 / AUROC, first seed "
                         f"({features.label})."))

# %% mystnb={"figure": {"caption": "DNM's two changes per setting, A - B per seed.", "name": "fig-05-changes"}}
gen.plot_changes(list(results.values()), features.label)

# %% [markdown]
# (sec-05-official)=
# ## The official $\tau$ of each setting, and where the official arithmetic breaks
#
# The official code sets $\tau$ per backbone and ID set ({ref}`method-official-settings`): 0.5 for ViT-B/16,
# ViT-L/14 and RN50, 0.12 for ViT-B/32 and ViT-L/14@336px, and 1.0, no debiasing at all, with ImageNet-A, -R,
# -V2 or -Sketch as ID, whatever the backbone. With the ID labels as positives the official score is NegLabel's
# with the 1 in each group's denominator replaced by $a = \tau - Q(1-\tau)/K$
# ({ref}`method-dnm-closed-form`); where $a \le 0$ a group's debiased partition function can be $\le 0$, the
# official score turns negative or infinite and the ranking inverts ({ref}`the clamp <method-dnm-hazard>`). So whether a
# setting is in that regime depends on the backbone's $\tau$ and quotas, not on one $\tau = 0.5$ for all: the
# table gives $a$ for ViT-B/16's and ViT-B/32's official settings on this corpus ($Q = M/G$, $M$ from each
# backbone's density quotas). With $\tau = 1$, $a = 1$ and DNM's score is NegLabel's, on DNM's negatives: for
# the four shifted ImageNet sets the official DNM is a change of negatives only.

# %%
official = gen.official_rows(list(results.values()), features.bundle.text.corpus.parts_of_speech, BACKBONE)
display(nb.table(tables.render(official), f"The official tau, Q and a = tau - Q(1 - tau)/K per setting and "
                                          f"backbone ({features.label})."))
if world:
    display(Markdown(gen.hazard_sentence(list(results.values()), official, BACKBONE)))

# %% [markdown]
# (sec-05-verdicts)=
# ## The verdict per family
#
# One sentence per family, generated from the tables above: for each change and metric, how many held-out
# settings hold, vanish or flip, the first seed's A - B with its interval (the smallest and the largest over the
# family) and the largest spread over seeds. Then, over all held-out settings: where DNM against NegLabel holds,
# which change carries it, and how the density negatives compare with random negatives of their size.

# %%
display(Markdown(gen.verdicts_markdown(list(results.values()))))
if world:
    display(Markdown(gen.conclusions(list(results.values()))))

# %% [markdown]
# ## Recorded numbers

# %%
records = {**gen.change_records(results[own.key], "own"), **gen.control_records(results[own.key], "own"),
           "official_tau": results[own.key].tau, "own_group_size": results[own.key].group_size,
           "own_a": results[own.key].a}
if world:
    records.update(gen.world_records(list(results.values()), official, BACKBONE))
for name, value in records.items():
    nb.record(name, value)
recorded = nb.finish(records)

# %% [markdown]
# ## What this shows
#
# - The answer to the question for these features is the verdict list of {ref}`sec-05-verdicts` (with the
#   offline world, also the bullets after it): every line is written from the tables, on every seed, with the
#   intervals and the spread over seeds beside it, so it says what the numbers say for whichever features the
#   page ran on.
# - Separating the two changes is what makes the answer readable. On the features' own setting DNM against
#   NegLabel moves FPR95 by {glue:text}`own_both_fpr95:+.2f` and AUROC by {glue:text}`own_both_auroc:+.2f`;
#   the negatives alone by {glue:text}`own_negatives_fpr95:+.2f` and {glue:text}`own_negatives_auroc:+.2f`, the
#   score alone by {glue:text}`own_score_fpr95:+.2f` and {glue:text}`own_score_auroc:+.2f`. A single number
#   for DNM, as the paper reports, cannot tell which of the two travels.
# - The official settings decide whether the debiasing is even defined: here $\tau$ =
#   {glue:text}`official_tau:.2f`, $Q$ = {glue:text}`own_group_size` and $a$ = {glue:text}`own_a:.2f` on the
#   features' own setting, and the table of {ref}`the official settings <sec-05-official>` gives $a$ for every setting
#   and both official
#   $\tau$ values. With ImageNet-A, -R, -V2 or -Sketch as ID the official code turns the debiasing off
#   ($\tau = 1$), so there DNM is its negatives alone.
# - The offline world says how the method behaves when its settings travel to label sets it was not tuned on,
#   not how large the effect is on CLIP; the same page on a bundle of real CLIP features (`FEATURES`) gives the
#   verdict for that bundle's setting.
