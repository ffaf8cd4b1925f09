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
# # The simulated world
#
# **Claim.** The offline world reproduces CLIP's two anchor numbers, the average FPR95 of MCM and of NegLabel on
# ImageNet-1K, only because each synthetic image draws its own alignment strength, and it does so with a zero-shot
# top-1 in CLIP's range, but not CLIP's per-set pattern, and its MiniLM text side does not mine the negatives CLIP
# mines (its criterion ranks CLIP's choice at chance): read its numbers for orderings and mechanisms of the scores,
# not for absolute values or for which negatives CLIP would pick.
#
# {glue:md}`run_cost:myst`
#
# Every other page of this book that shows benchmark numbers without a GPU runs on `debiasood.world.simulated`: the text
# side is a real sentence encoder (MiniLM all-MiniLM-L6-v2, 384-d) and the image side is synthetic. This page
# opens that box:
#
# 1. the generative model, in four steps ({ref}`sec-07-model`);
# 2. why every image needs its own alignment strength: simpler worlds rank MCM above NegLabel, the opposite of
#    CLIP ({ref}`sec-07-alignment`);
# 3. what was fitted, to what, and a small re-run of the fit ({ref}`sec-07-calibration`);
# 4. the per-set numbers beside CLIP's reported ones, and where they disagree ({ref}`sec-07-limits`);
# 5. how close the text side's mining is to what real CLIP mined, for every text side the book offers
#    ({ref}`sec-07-fidelity`).
#
# ```{note}
# With the default `FEATURES = "simulated"`, every measured number on this page is **simulated**: MiniLM text
# features and synthetic image embeddings from `debiasood.world.simulated`, at reduced image counts (parameters
# below). The CLIP numbers beside them are **reported (CLIP ViT-B/16)** numbers from the papers
# ({ref}`method-reported`), never measured here; the text-side fidelity holds the text sides against **real**
# CLIP selections ({ref}`method-real-artifacts`). The "stored" numbers come from the fit recorded in
# `debiasood.world.simulated.FITTED_MINILM` (full benchmark size, also simulated). With `FEATURES` set to a
# feature bundle, the sections that study the world itself are skipped with a note, and the per-set table and
# the fidelity of the bundle's own text side run on the bundle, labelled with its provenance. The benchmark the
# world imitates is defined in the method reference ({ref}`method-benchmarks`).
# ```

# %% [markdown]
# **The knobs to change.** The defaults below are the run this page shows. Change them here, or pass
# `-p NAME VALUE` to `python -m debiasood.book.run_notebooks`, which checks each name and type before anything
# runs ({doc}`../reproduce`). `SMOKE = True` is the quick profile the tests run.

# %% tags=["parameters"]
SMOKE = False  # True: the quick profile the tests run (1/10 corpus, fewer images, smaller calibration draw)
SEED = 1  # image draw of the evaluations (the stored fit used seed 0, so seed 1 is a fresh draw)
CORPUS_STEP = 1  # keep every n-th word of the DNM WordNet corpus (1: all ~57k words)
NUM_ID_IMAGES = 4000  # ImageNet-1K images per evaluation (the benchmark has 50,000)
NUM_OOD_IMAGES = 1000  # images per OOD set per evaluation (the benchmark has 10,000, or 5,640 for Textures)
ALIGNMENT_BINS = 10  # bins of alignment strength in the score-vs-alignment figure
LOW_ALIGNMENT_SHARE = 0.2  # the least-aligned share of ID images whose rejection rate is recorded
CAL_SEED = 0  # image draw of the calibration (as the stored fit)
CAL_ID_IMAGES = 1000  # ImageNet-1K images in the calibration draw (the stored fit used 10,000)
CAL_OOD_IMAGES = 250  # images per OOD set in the calibration draw (the stored fit used 2,000)
CAL_ALIGN_GRID = "0.3, 0.5, 0.7"  # align_min values tried by the calibration (stored fit: 0.5)
CAL_OVERLAP_GRID = "0.6, 1.2, 1.8"  # overlap values tried by the calibration (stored fit: 1.2)
FEATURES = "simulated"  # 'simulated' (the offline world, default) or a feature bundle folder: see debiasood extract

# %% tags=["hide-input"]
# papermill only warns about an unknown parameter: check names and types, then apply the SMOKE
# profile (the quick run of the tests; a parameter given explicitly wins over it).
from debiasood.book import nb

globals().update(nb.check_parameters(smoke={
    "CORPUS_STEP": 10, "NUM_ID_IMAGES": 1000, "NUM_OOD_IMAGES": 250, "CAL_ID_IMAGES": 600,
    "CAL_OOD_IMAGES": 150, "CAL_ALIGN_GRID": "0.3, 0.5", "CAL_OVERLAP_GRID": "0.6, 1.2"
}))
nb.glue_run_cost("07_simulated_world")

# %%
# %matplotlib inline
from IPython.display import Markdown, display

from debiasood.book import simulated_world as wf
from debiasood.book import tables
from debiasood.book.features import load_features
from debiasood.core.evaluation import Settings
from debiasood.data import reported
from debiasood.world import simulated as W

SIZES = {W.ID_SET: NUM_ID_IMAGES, **{s: NUM_OOD_IMAGES for s in W.OOD_SETS}}
CAL_SIZES = {W.ID_SET: CAL_ID_IMAGES, **{s: CAL_OOD_IMAGES for s in W.OOD_SETS}}
features = load_features(FEATURES, sizes=SIZES, seed=SEED, corpus_step=CORPUS_STEP)
bundle = features.bundle
METHODS, skipped = wf.scorable_methods(bundle, ("mcm", "neglabel", "csp"))
if skipped:
    display(Markdown(skipped))
negatives = {rule: bundle.negatives(rule) for rule in METHODS if rule != "mcm"}  # NegLabel's and CSP's rules
print(f"features: {features.label}; corpus {bundle.text.corpus.name}: {len(bundle.text.corpus.words):,} words; "
      + "; ".join(f"{wf.METHOD_LABELS[rule]} keeps {len(rows):,}" for rule, rows in negatives.items()))
if features.has("world"):
    setup, text = features.setup, features.setup.text
    print(f"fitted parameters: {setup.world.params}")

# %% [markdown]
# (sec-07-model)=
# ## The model: real text, synthetic images built from it
#
# A benchmark set (ImageNet-1K as ID; iNaturalist, SUN, Places and Textures as OOD) is a list of concept names
# $n_1,\dots,n_C$. With $e(\cdot)$ the normalised MiniLM embedding and $d = 384$, an image of concept $i$ is
# built in four steps.
#
# **1. Concept direction.** The caption centroid over the eight templates $t_1..t_8$ of
# `debiasood.world.simulated.CAPTION_TEMPLATES` ("a bad photo of a {}.", "the origami {}.", ...), filled with the
# concept's caption name ("{} plant" for iNaturalist species, "{} texture" for DTD classes):
#
# ```{math}
# :label: eq-07-concept
# c_i = \operatorname{normalise}\Bigl(\frac{1}{8}\sum_{t=1}^{8} e\bigl(t(n_i)\bigr)\Bigr).
# ```
#
# Averaging matters: one caption's style words ("corrupted", "black and white") would otherwise leak into the
# mined adjective negatives and match every image.
#
# **2. Visual confusion.** The image mixes its concept with $d_{nb}$, one of the 5 nearest ImageNet-1K concept
# directions, drawn at random:
#
# ```{math}
# :label: eq-07-confusion
# v = (1-s)\,c_i + s\,d_{nb},\quad s \sim U(0, s_{max}),\quad
# s_{max} = \begin{cases} \text{confusion} & \text{ID images} \\
# \text{overlap}\cdot w_i,\; w_i = \operatorname{clip}\bigl(\tfrac{m_i - b}{1 - b}, 0, 1\bigr) & \text{OOD images}
# \end{cases}
# ```
#
# where $m_i$ is the cosine of $c_i$ to its nearest ImageNet concept and $b$ the mean cosine between two ImageNet
# concepts: an OOD concept shares visual content with ImageNet in proportion to how close it is in meaning.
#
# **3. Noise.** $u = \operatorname{normalise}(v + \sigma\,\varepsilon/\sqrt{d})$ with $\varepsilon \sim N(0, I_d)$,
# $\sigma$ = `noise`.
#
# **4. Alignment strength.** Each image draws its own $a$, log-uniform on $[a_{min}, a_{max}]$, and gets one extra
# coordinate that text embeddings do not have (they are padded with 0), the counterpart of CLIP's modality gap:
#
# ```{math}
# :label: eq-07-alignment
# f(x) = \bigl[a\,u,\ \sqrt{1-a^2}\bigr] \in \mathbb{R}^{d+1},\qquad
# \log a \sim U(\log a_{min}, \log a_{max}),\qquad
# \cos\bigl(f(x), [e, 0]\bigr) = a\cos(u, e).
# ```
#
# So $a$ scales every image-text cosine of the image and never changes which label is nearest.

# %% [markdown]
# (sec-07-alignment)=
# ## Only the per-image alignment strength puts NegLabel ahead of MCM
#
# Why does the world need step 4? Both scores see the image only through its cosines, and $a$ multiplies all of
# them. Write $\bar s_k = \cos(u, e(y_k))$ for the ID labels and $\bar s_j$ for the negatives. MCM at $T = 1$ on
# small cosines is nearly linear, and NegLabel at $T = 0.01$ is a sigmoid of a scaled margin:
#
# ```{math}
# :label: eq-07-why
# \log S_{MCM} \approx a\bigl(\max_k \bar s_k - \operatorname{mean}_k \bar s_k\bigr) - \log K,\qquad
# S_{NL} \approx \frac{1}{G}\sum_g \sigma\Bigl(\frac{a}{T}\bigl(\max_k \bar s_k - \max_{j\in g} \bar s_j\bigr)\Bigr).
# ```
#
# MCM ranks images by $a$ times a margin, so a weakly aligned ID image looks like an OOD image; NegLabel's
# sigmoid saturates unless $a \cdot \text{margin}$ falls below about $T$, so only the margin's sign counts and
# the spread of $a$ costs little. Real CLIP images differ a lot in how strongly they match any caption. The
# test: the same world with one alignment for every image ($a_{min} = a_{max} = 1$), and a naive world with
# isotropic noise only (no confusion, no OOD overlap, $a = 1$), against the fitted one, on the same draw.

# %%
if features.requires("world", section="the world variants and the alignment mechanism"):
    draws = {name: wf.score_world(world, text["id_mcm"], text["id_neglabel"], {"neglabel": text["negatives"]},
                                  sizes=SIZES, seed=SEED, name=name)
             for name, world in wf.variant_worlds(setup.world).items() if name != "+ per-image alignment (fitted)"}
    fitted = wf.score_world(setup.world, text["id_mcm"], text["id_neglabel"], {"neglabel": text["negatives"]},
                            sizes=SIZES, seed=SEED, name="+ per-image alignment (fitted)")
    draws[fitted.name] = fitted
    display(nb.table(tables.render(wf.variant_rows(draws)), "Three simulated worlds (MiniLM text, synthetic "
                                                            f"images) beside {reported.LABEL}."))

# %% mystnb={"figure": {"caption": "Three simulated worlds (MiniLM) vs reported CLIP.", "name": "fig-07-variants"}}
wf.plot_variants(draws) if features.has("world") else None

# %% [markdown]
# In {numref}`fig-07-variants` the naive world is easy for both methods (top-1
# {glue:text}`top1_naive:.1f`%; average FPR95 MCM {glue:text}`naive_mcm_avg:.1f`, NegLabel
# {glue:text}`naive_neglabel_avg:.1f`). Confusion and OOD overlap make it harder, but with one alignment for
# every image MCM stays ahead (MCM {glue:text}`nospread_mcm_avg:.1f`, NegLabel
# {glue:text}`nospread_neglabel_avg:.1f`: MCM minus NegLabel is {glue:text}`inversion_nospread:.1f`). Only the
# fitted world, with $a$ drawn per image, orders the two methods as CLIP does (MCM {glue:text}`mcm_avg:.1f`,
# NegLabel {glue:text}`neglabel_avg:.1f`, a difference of {glue:text}`inversion_fitted:.1f`; reported
# (CLIP ViT-B/16): {glue:text}`reported_mcm_avg:.2f` and {glue:text}`reported_neglabel_avg:.2f`, a difference of
# {glue:text}`reported_inversion:.2f`). The top-1 hardly moves between the last two worlds
# ({glue:text}`top1_nospread:.1f`% and {glue:text}`top1_fitted:.1f`%): $a$ never changes the nearest label, only
# float32 rounding of near ties does. The mechanism of {eq}`eq-07-why` shows directly when each image's score
# is set against its alignment ({numref}`fig-07-alignment`: scores as ID percentiles, the share of ID images
# scoring lower; below the dashed line the FPR95 threshold rejects):

# %% mystnb={"figure": {"caption": "Scores against alignment (simulated world, MiniLM).", "name": "fig-07-alignment"}}
wf.plot_alignment(fitted, bins=ALIGNMENT_BINS) if features.has("world") else None

# %% [markdown]
# In {numref}`fig-07-alignment`, MCM's score climbs with $a$ for ID and OOD images alike: over ID images its
# rank correlation with $a$ is {glue:text}`align_corr_mcm:.2f`, and it rejects
# {glue:text}`low_align_rejected_mcm:.1f`% of the {glue:text}`low_align_share_pct:.0f`% least-aligned ID
# images (5% of all ID images by construction). NegLabel's score follows $a$ less (rank correlation
# {glue:text}`align_corr_neglabel:.2f`, its images ranked exactly on the log-odds scale;
# {glue:text}`low_align_rejected_neglabel:.1f`% of the least-aligned ID images rejected), and its OOD images stay
# below the threshold at every alignment.

# %% [markdown]
# (sec-07-calibration)=
# ## Three parameters are fitted to three CLIP numbers, on ImageNet-1K only
#
# The world has six parameters. `noise` is fixed at 1, $a_{max}$ at 1 and the number of neighbours at 5. The
# other three are fitted by
# `debiasood.world.simulated.calibrate`, against numbers reported for CLIP ViT-B/16 on ImageNet-1K as ID and
# nothing else:
#
# - `confusion`, by bisection, so that the zero-shot top-1 of the ID images against "a photo of a {}" is
#   {glue:text}`top1_target:.0f`% (reported (CLIP ViT-B/16), with an 80-prompt ensemble: about
#   {glue:text}`clip_top1:.0f`%; a single prompt scores a little lower);
# - $(a_{min}, \text{overlap})$ on a grid, minimising the squared distance of the average FPR95 of MCM and of
#   NegLabel to the anchors {glue:text}`reported_mcm_avg:.2f` and {glue:text}`reported_neglabel_avg:.2f`
#   (reported (CLIP ViT-B/16), paper convention).
#
# The stored fit (`FITTED_MINILM`, 10,000 ID and 2,000 images per OOD set, seed 0) is confusion
# {glue:text}`stored_confusion:.4f`, $a_{min}$ = {glue:text}`stored_align_min:.2f`, overlap
# {glue:text}`stored_overlap:.2f`. Per-set numbers, CSP and DNM played no part. Here the fit runs again from
# scratch at reduced size, on a coarse grid around the stored point:

# %%
if features.requires("world", section="the calibration re-run"):
    cal = W.calibrate(setup.world, text["id_mcm"], text["id_neglabel"], text["negatives"], sizes=CAL_SIZES,
                      align_grid=wf.parse_grid("CAL_ALIGN_GRID", CAL_ALIGN_GRID),
                      overlap_grid=wf.parse_grid("CAL_OVERLAP_GRID", CAL_OVERLAP_GRID), refine=False,
                      seed=CAL_SEED)
    print(cal.summary())

# %% mystnb={"figure": {"caption": "Calibration grid (simulated world, MiniLM).", "name": "fig-07-calibration"}}
wf.plot_calibration(cal) if features.has("world") else None

# %% [markdown]
# {numref}`fig-07-calibration` shows why two anchors pin two parameters: $a_{min}$ moves MCM far more than
# NegLabel, and the overlap moves both. On this grid the fit picks $a_{min}$ =
# {glue:text}`cal_align_min:.2f` and overlap {glue:text}`cal_overlap:.2f` (confusion
# {glue:text}`cal_confusion:.3f` for a top-1 of {glue:text}`cal_top1:.1f`%), reaching MCM
# {glue:text}`cal_mcm_avg:.1f` and NegLabel {glue:text}`cal_neglabel_avg:.1f` on its own draw. On the fresh
# draw of the previous section the stored parameters give a zero-shot top-1 of {glue:text}`top1_fitted:.1f`%,
# beside the reported (CLIP ViT-B/16) {glue:text}`clip_top1:.0f`% of an 80-prompt ensemble.

# %% [markdown]
# (sec-07-limits)=
# ## The averages match; the per-set pattern does not
#
# The world is a model of CLIP's score statistics, not of images. Only the two averages were fitted; the
# per-set numbers are whatever the semantics of the text encoder give. CSP is a held-out prediction, and a
# handicapped one: in this world its pool is embedded with NegLabel's single prompts instead of CSP's prompt
# ensembles (about 412k MiniLM prompts, too many for a CPU build of this book), so only its pool, phrases,
# exclusion rule and mining are CSP's own.
#
# The table and the figure score the features named by `FEATURES` with the one evaluation layer
# (`FeatureBundle.evaluate`, official settings: $T = 0.01$, $G = 100$, one seeded partition). With the default
# features they are the fitted world's draw of {ref}`sec-07-alignment`, so the numbers agree with it; with a
# bundle of real CLIP features they hold a real extraction against the papers' numbers. The bullets below the
# figure read the default build.

# %%
evaluation = bundle.evaluate(METHODS, Settings())
display(nb.table(tables.render(wf.per_set_rows(evaluation, METHODS, stored=features.has("world")), digits=1),
                 f"Per set: {features.label} (this run) beside {reported.LABEL}."))

# %% mystnb={"figure": {"caption": "Per set: the features vs reported CLIP ViT-B/16.", "name": "fig-07-per-set"}}
wf.plot_per_set(evaluation, METHODS)

# %% [markdown]
# {numref}`fig-07-per-set` and the table say plainly where the world is wrong:
#
# - **Textures is too easy** for both methods: MCM {glue:text}`fpr95_mcm_textures:.1f` against reported
#   (CLIP ViT-B/16) {glue:text}`reported_fpr95_mcm_textures:.2f`, NegLabel {glue:text}`fpr95_neglabel_textures:.1f`
#   against {glue:text}`reported_fpr95_neglabel_textures:.2f`. The OOD overlap of {eq}`eq-07-confusion` is
#   measured in text space, where "<x> texture" is far from ImageNet's objects, while DTD photos look like
#   ImageNet objects (honeycomb, chain mail, wool, web).
# - **iNaturalist is too hard for NegLabel**: {glue:text}`fpr95_neglabel_inaturalist:.1f` against reported
#   (CLIP ViT-B/16) {glue:text}`reported_fpr95_neglabel_inaturalist:.2f`.
# - **SUN and Places are too hard for MCM**: {glue:text}`fpr95_mcm_sun:.1f` and
#   {glue:text}`fpr95_mcm_places:.1f` against reported (CLIP ViT-B/16) {glue:text}`reported_fpr95_mcm_sun:.2f`
#   and {glue:text}`reported_fpr95_mcm_places:.2f`; SUN is too hard for NegLabel as well
#   ({glue:text}`fpr95_neglabel_sun:.1f` against {glue:text}`reported_fpr95_neglabel_sun:.2f`).
# - **CSP, held out**, averages {glue:text}`csp_avg:.1f` against reported (CLIP ViT-B/16)
#   {glue:text}`reported_csp_avg:.2f`. Its gain over NegLabel is {glue:text}`csp_gain:.1f` points here against
#   {glue:text}`reported_csp_gain:.2f` reported (CLIP ViT-B/16): with single prompts for its pool, this world
#   does not reproduce most of CSP's reported gain.
#
# How to read the book's simulated numbers, then: as orderings (which method beats which, on which set) and as
# mechanisms (what moves when a parameter, a corpus or a score changes), never as predictions of a CLIP number.
# A simulated gap of a few points can come from the world's design choices or from sampling noise at these image
# counts; a result worth trusting holds across seeds and survives the comparison with the reported CLIP numbers
# where they exist.

# %% [markdown]
# (sec-07-fidelity)=
# ## How close the text side mines to real CLIP
#
# Every mining rule sees only the text side: the corpus words' and the ID labels' text features. Two selections
# that real CLIP ViT-B/16 mined on ImageNet-1K are public (NegLabel's, and CSP's as NegRefine ran it;
# {ref}`method-real-artifacts`), so any text side can be held against them
# (`debiasood.data.fidelity.fidelity_rows`; {ref}`method-false-negatives` defines the false negatives): the
# AUROC of its mining criterion as a predictor of CLIP's choice over the shared words (0.5: no agreement), the
# Jaccard overlap at equal size, the total-variation distance between the lexicographer-file mixes of its own
# selection and CLIP's, and the share of WordNet false negatives in its selection beside CLIP's own share. The
# words are split in two halves by a hash of their synset; a text side fitted to CLIP may only be fitted on the
# first half of NegLabel's selection, so the second half and all of CSP's selection are held-out checks. The
# table shows every text side the book offers: the features' own (with the default features, the MiniLM world
# of every simulated chapter, which nothing was fitted for) and, with the world at hand, the other one: the
# CLIP-like text side of `debiasood.world.text_side` (MiniLM bent towards a "hub" by a logistic model of CLIP's
# NegLabel choice, fitted on the first half only) for a world on MiniLM, MiniLM for a world on the CLIP-like
# text side. Beside each held-out row, the targets of a text side that mines like CLIP: the
# false-negative bands are real CLIP's own shares plus or minus half a point.

# %%
fidelity = {}
note = wf.fidelity_note(bundle)
if note is None:
    fidelity[features.label] = wf.bundle_fidelity(bundle)
else:
    display(Markdown(note))
others = wf.other_text_sides(setup) if features.requires("world", section="the other text side's fidelity") else {}
fidelity.update({wf.TEXT_SIDE_LABELS[short]: rows for short, rows in others.items()})
if fidelity:
    display(nb.table(tables.render(wf.fidelity_table(fidelity), digits=3),
                     "Text sides against the negatives real CLIP ViT-B/16 mined (NegLabel's; CSP's nouns): fit and "
                     "held-out halves."))

# %% [markdown]
# With the default features the MiniLM world ranks CLIP's choice at chance (held-out NegLabel AUROC
# {glue:text}`fidelity_features_neglabel_auroc_held_out:.3f`, CSP
# {glue:text}`fidelity_features_csp_auroc_held_out:.3f`), picks a different mix of kinds of words (TV distance
# {glue:text}`fidelity_features_neglabel_tv_held_out:.2f`) and understates the false negatives:
# {glue:text}`fidelity_features_neglabel_fn_held_out:.2f`% of its NegLabel
# selection against real CLIP's {glue:text}`fidelity_features_neglabel_real_fn_held_out:.2f`% on the same words.
# It meets {glue:text}`fidelity_features_targets_met` of the {glue:text}`fidelity_targets` targets. The
# CLIP-like text side reaches a held-out NegLabel AUROC of {glue:text}`fidelity_cliplike_neglabel_auroc_held_out:.3f`
# (fit half: {glue:text}`fidelity_cliplike_neglabel_auroc_fit:.3f`), TV distance
# {glue:text}`fidelity_cliplike_neglabel_tv_held_out:.2f` and {glue:text}`fidelity_cliplike_neglabel_fn_held_out:.2f`%
# false negatives; on the held-out half of CSP's selection (no fit used any of CSP's), AUROC
# {glue:text}`fidelity_cliplike_csp_auroc_held_out:.3f` and {glue:text}`fidelity_cliplike_csp_fn_held_out:.2f`% false
# negatives against real CLIP's {glue:text}`fidelity_cliplike_csp_real_fn_held_out:.2f`%. It meets
# {glue:text}`fidelity_cliplike_targets_met` of the {glue:text}`fidelity_targets`. The world's images are still
# generated from the MiniLM text side, so every simulated chapter mines MiniLM's negatives: its findings about
# which negatives help are findings about MiniLM's geometry until the world runs on a text side that meets the
# targets.

# %% [markdown]
# ## Recorded numbers

# %%
average = {m: evaluation.metrics(m)["average"] for m in METHODS}
records = {
    "num_id_images": len(bundle.images[bundle.id_set]),
    "num_ood_images": sum(len(bundle.images[s]) for s in bundle.ood_sets),
    **{f"num_{'' if rule == 'neglabel' else rule + '_'}negatives": len(rows) for rule, rows in negatives.items()},
    **{f"{m}_avg": average[m]["fpr95"] for m in METHODS},
    **{f"auroc_{m}_avg": average[m]["auroc"] for m in METHODS if m != "csp"},
    **({"inversion_fitted": average["mcm"]["fpr95"] - average["neglabel"]["fpr95"]} if "neglabel" in METHODS else {}),
    **({"csp_gain": average["neglabel"]["fpr95"] - average["csp"]["fpr95"]} if {"neglabel", "csp"} <= {*METHODS}
       else {}),
    **{f"fpr95_{m}_{s}": evaluation.metrics(m)[s]["fpr95"] for m in METHODS for s in bundle.ood_sets},
    # reported CLIP ViT-B/16 numbers quoted in the prose (debiasood.data.reported)
    **{f"reported_{m}_avg": reported.fpr95(m, "average") for m in ("mcm", "neglabel", "csp")},
    **{f"reported_fpr95_{m}_{s}": reported.fpr95(m, s) for m in ("mcm", "neglabel") for s in W.OOD_SETS},
    "reported_inversion": reported.fpr95("mcm", "average") - reported.fpr95("neglabel", "average"),
    "reported_csp_gain": reported.fpr95("neglabel", "average") - reported.fpr95("csp", "average"),
    "clip_top1": 100 * reported.CLIP_B16_TOP1, "top1_target": 100 * W.TOP1_TARGET,
    "fidelity_targets": wf.fidelity_target_count(),
    **(wf.fidelity_records(fidelity[features.label], "fidelity_features") if features.label in fidelity else {}),
}
if features.has("world"):
    naive, nospread = draws["isotropic noise only"], draws["+ confusion and OOD overlap"]
    stored = W.FITTED_MINILM["params"]
    records.update({
        "top1_fitted": 100 * fitted.top1, "top1_naive": 100 * naive.top1, "top1_nospread": 100 * nospread.top1,
        "naive_mcm_avg": naive.average("mcm"), "naive_neglabel_avg": naive.average("neglabel"),
        "nospread_mcm_avg": nospread.average("mcm"), "nospread_neglabel_avg": nospread.average("neglabel"),
        "inversion_nospread": nospread.average("mcm") - nospread.average("neglabel"),
        "align_corr_mcm": wf.alignment_correlation(fitted, "mcm"),
        "align_corr_neglabel": wf.alignment_correlation(fitted, "neglabel"),
        "low_align_share_pct": 100 * LOW_ALIGNMENT_SHARE,
        "low_align_rejected_mcm": 100 * wf.low_alignment_rejection(fitted, "mcm", LOW_ALIGNMENT_SHARE),
        "low_align_rejected_neglabel": 100 * wf.low_alignment_rejection(fitted, "neglabel", LOW_ALIGNMENT_SHARE),
        "stored_confusion": stored.confusion, "stored_align_min": stored.align_min, "stored_overlap": stored.overlap,
        "cal_confusion": cal.params.confusion, "cal_align_min": cal.params.align_min,
        "cal_overlap": cal.params.overlap, "cal_top1": 100 * cal.evaluation.top1,
        "cal_mcm_avg": cal.evaluation.average("mcm"), "cal_neglabel_avg": cal.evaluation.average("neglabel"),
        **{name: value for short, rows in others.items()
           for name, value in wf.fidelity_records(rows, f"fidelity_{short}").items()},
    })
for name, value in records.items():
    nb.record(name, value)
nb.finish(records)

# %% [markdown]
# ## What this shows
#
# - The offline world is a real text encoder plus a four-step generative model of image embeddings
#   ({eq}`eq-07-concept`-{eq}`eq-07-alignment`); its one unusual ingredient is a per-image alignment strength.
# - That ingredient is what puts NegLabel ahead of MCM, as on CLIP: without it MCM wins
#   ({glue:text}`nospread_mcm_avg:.1f` vs {glue:text}`nospread_neglabel_avg:.1f` average FPR95), with it the order
#   flips ({glue:text}`mcm_avg:.1f` vs {glue:text}`neglabel_avg:.1f`; reported (CLIP ViT-B/16)
#   {glue:text}`reported_mcm_avg:.2f` vs {glue:text}`reported_neglabel_avg:.2f`),
#   because MCM's score follows the alignment (rank correlation {glue:text}`align_corr_mcm:.2f`) and NegLabel's
#   much less ({glue:text}`align_corr_neglabel:.2f`).
# - Three parameters are fitted to three reported ImageNet-1K numbers; a small re-run of the fit lands at
#   $a_{min}$ = {glue:text}`cal_align_min:.2f`, overlap {glue:text}`cal_overlap:.2f` (stored:
#   {glue:text}`stored_align_min:.2f`, {glue:text}`stored_overlap:.2f`), with a zero-shot top-1 of
#   {glue:text}`top1_fitted:.1f`% on a fresh draw.
# - Per set the world departs from CLIP: Textures too easy (MCM {glue:text}`fpr95_mcm_textures:.1f`, NegLabel
#   {glue:text}`fpr95_neglabel_textures:.1f`), iNaturalist too hard for NegLabel
#   ({glue:text}`fpr95_neglabel_inaturalist:.1f`), SUN and Places too hard for MCM; CSP, never fitted, gains
#   {glue:text}`csp_gain:.1f` points over NegLabel (reported (CLIP ViT-B/16): {glue:text}`reported_csp_gain:.2f`).
# - The world's text side does not mine like CLIP: against real CLIP's selections its held-out NegLabel AUROC is
#   {glue:text}`fidelity_features_neglabel_auroc_held_out:.3f` and its selections hold
#   {glue:text}`fidelity_features_neglabel_fn_held_out:.2f`% false negatives where CLIP's hold
#   {glue:text}`fidelity_features_neglabel_real_fn_held_out:.2f`%; the CLIP-like text side reaches
#   {glue:text}`fidelity_cliplike_neglabel_auroc_held_out:.3f` and meets {glue:text}`fidelity_cliplike_targets_met`
#   of the {glue:text}`fidelity_targets` targets, but the world does not run on it yet.
#
# Everything here, except the real CLIP selections the text sides are held against, is simulated. The world
# models CLIP's score statistics, not images: the book uses it for orderings and mechanisms, and puts reported
# CLIP numbers beside its own wherever they exist.
