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
# # Your own data: from image folders to a results table
#
# **Claim.** One call, `debiasood.app.pipeline.evaluate_folders`, takes a folder of ID images sorted into class
# folders, a class-names file and folders of OOD images through a real open_clip model, the feature cache,
# negative mining and the scores to a table of OOD metrics, and reports every image it could not read.
#
# {glue:md}`run_cost:myst`
#
# The other pages work on a simulated world or on feature dumps. This one is the path for your own images,
# with the image and text towers of an open_clip model:
#
# 1. the input: an ImageFolder tree, a class-names file, OOD folders ({ref}`sec-06-data`);
# 2. image features, with unreadable files skipped, counted and reported ({ref}`sec-06-unreadable`);
# 3. the feature cache: a second pass reads the store instead of running the model ({ref}`sec-06-cache`);
# 4. text features, mining (NegLabel, CSP, DNM) and scores, ending in the results table
#    ({ref}`sec-06-results`), with the DNM hazard that a small number of classes brings ({ref}`sec-06-hazard`);
# 5. the commands that run the same page, or the same function, on your folders with real weights
#    ({ref}`sec-06-real`).
#
# ```{warning}
# **As built for the book and in CI, this page's metrics mean NOTHING about OOD detection.** It runs with
# RANDOM weights of a tiny open_clip architecture (`MODEL = "tiny"`, `PRETRAINED = "random"`) on GENERATED
# images (coloured shapes as ID, stripes and colour clouds as OOD), because no model weights can be downloaded
# where the book is built. The text tower knows no words and the image tower has seen no images: any FPR95 or
# AUROC below is an accident of the random initialisation. The page demonstrates the pipeline (folders,
# unreadable files, the cache, mining, scores, the table); for meaningful numbers run it with real weights on
# your folders, as {ref}`sec-06-real` shows.
# ```
#
# ```{note}
# Where the numbers come from: every image feature on this page is computed by the image tower, and every
# text feature by the text tower, of the open_clip model whose id is printed below (model AND weights). None
# comes from the simulated world of the other pages, and none is a CLIP number. Only the file counts, the
# cache timings and the sizes of the mined sets describe something real here: the pipeline itself. What
# the pipeline computes (mining rules, scores, metric conventions) is defined in the method reference
# ({ref}`method-neglabel`, {ref}`method-csp`, {ref}`method-density`, {ref}`method-dnm-hazard`,
# {ref}`method-metrics`).
# ```

# %% [markdown]
# **The knobs to change.** The defaults below are the run this page shows. Change them here, or pass
# `-p NAME VALUE` to `python -m debiasood.book.run_notebooks`, which checks each name and type before anything
# runs ({doc}`../reproduce`). `SMOKE = True` is the quick profile the tests run.

# %% tags=["parameters"]
SMOKE = False  # True: the quick profile the tests run (fewer generated images, a 1/10 corpus)
SEED = 0  # seed of the random weights, the generated images and the partition of the negatives
IMAGE_ROOT = ""  # your ID images as <root>/<class>/<image>; "" generates the demo dataset
CLASS_NAMES_FILE = ""  # display names of the class folders ("<folder> <name>" lines, or one name per line)
OOD_ROOTS = ""  # your OOD folders: comma list of name and path pairs (format in sec-06-real); needed with IMAGE_ROOT
MODEL = "tiny"  # open_clip architecture, e.g. "ViT-B-16"; "tiny" is a one-layer test architecture
PRETRAINED = "random"  # open_clip tag ("openai"), a local .pt/.safetensors checkpoint, or "random" weights
DEVICE = "auto"  # "auto" (CUDA when there is one), "cpu" or "cuda:0"
METHODS = "mcm,neglabel,csp,dnm"  # comma list from mcm, neglabel, csp, dnm, dnm-official
CORPUS = "dnm"  # WordNet corpus preset the negatives are mined from: full, neglabel, dnm or csp
CORPUS_STEP = 5  # keep every n-th corpus word; 1 is the whole corpus (~57k words; use it with real weights)
NUM_GROUPS = 100  # G, the number of groups of negative labels (official: 100)
TAU_NEG = 0.5  # DNM's assumed share of true negatives among the mined labels (official tau_ood: 0.5)
DENSITY_K = 100  # k nearest neighbours of DNM's density selection (official ViT-B/16: 100)
BATCH_SIZE = 64  # images per forward pass
DEMO_IMAGES_PER_CLASS = 40  # generated images per ID class (demo dataset only)
DEMO_OOD_IMAGES = 100  # generated images per OOD set (demo dataset only)

# %% tags=["hide-input"]
# papermill only warns about an unknown parameter: check names and types, then apply the SMOKE
# profile (the quick run of the tests; a parameter given explicitly wins over it).
from debiasood.book import nb

globals().update(nb.check_parameters(smoke={
    "CORPUS_STEP": 10, "DEMO_IMAGES_PER_CLASS": 12, "DEMO_OOD_IMAGES": 30
}))
nb.glue_run_cost("06_your_own_data")

# %%
# %matplotlib inline
import tempfile
import time

import torch
from IPython.display import Markdown, display

from debiasood import dnm_coefficient, dnm_safe_tau
from debiasood.app import pipeline
from debiasood.book.tables import render
from debiasood.core.evaluation import ScoreSettings
from debiasood.data.datasets.demo import write_demo_dataset
from debiasood.data.feature_store import FeatureStore
from debiasood.data.files import default_cache_root

# Every table says which model and which images its numbers come from.
SOURCE = f"open_clip {MODEL} with {PRETRAINED} weights on {'your images' if IMAGE_ROOT else 'generated images'}"

if IMAGE_ROOT:
    if not OOD_ROOTS:
        raise ValueError("IMAGE_ROOT is set but OOD_ROOTS is empty: give 'name=path[,name=path...]'")
    id_root, names_file, ood_roots = IMAGE_ROOT, CLASS_NAMES_FILE or None, OOD_ROOTS
else:
    demo = write_demo_dataset(images_per_class=DEMO_IMAGES_PER_CLASS, ood_images=DEMO_OOD_IMAGES, seed=SEED)
    id_root, names_file, ood_roots = demo.id_root, demo.class_names_file, demo.ood_roots
data = pipeline.load_folders(id_root, ood_roots, names_file)

# %% [markdown]
# (sec-06-data)=
# ## The input is an ImageFolder tree, a class-names file and OOD folders
#
# The ID images sit in one folder per class, `<IMAGE_ROOT>/<class folder>/<image>`, the layout of
# torchvision's `ImageFolder` (classes are the sorted folder names). The class-names file gives each folder the
# display name the prompts use ("a photo of a {name}"), either as `<folder> <display name>` lines or one name per
# line in sorted folder order; without it the folder names are used. Each OOD set is a folder of images, flat
# or with subfolders, named in `OOD_ROOTS` as `name=path`. Hidden files are ignored, and loose images next to
# class folders are an error rather than silently dropped (`debiasood.data.datasets.image_folder_dataset`).
#
# Here, with `IMAGE_ROOT` empty, `debiasood.data.datasets.demo.write_demo_dataset` generates such a tree (once; later
# runs reuse it), with one file in it deliberately cut in half:

# %%
if not IMAGE_ROOT:
    print(f"<feature store>/{demo.root.relative_to(default_cache_root()).as_posix()}\n  class_names.txt:")
    print("".join(f"    {line}\n" for line in demo.class_names_file.read_text().splitlines()), end="")
# The demo lives in the feature store: its folders are shown from there, not as this machine's paths.
summary = [{**row, "folder": str(row["folder"]).replace(str(default_cache_root()), "<feature store>")}
           for row in data.summary_rows()]
display(nb.table(render(summary), "The input folders (files only, no model)."))

# %% mystnb={"figure": {"caption": "Examples of each ID class and OOD set (no model).", "name": "fig-06-examples"}}
pipeline.plot_examples(data, title="Generated demo images" if not IMAGE_ROOT else "Your images")

# %% [markdown]
# (sec-06-unreadable)=
# ## Unreadable images are skipped, counted and reported
#
# `pipeline.extract_folder_features` runs every image of every set through the model's image tower
# (`debiasood.data.datasets.extract_image_features`: open_clip's own preprocessing, batches, checksummed chunks that
# a killed run resumes from). A file that cannot be decoded (empty, truncated, not an image) does not stop the
# run: it is left out, and every such file is listed with the reason, here as a table (`on_unreadable="report"`;
# the default `"warn"` also emits a warning, and `"fail"` stops at the first one). This first pass writes to a
# fresh, empty feature store, so it runs the model on every image.

# %%
encoder = pipeline.make_encoder(MODEL, PRETRAINED, device=DEVICE, seed=SEED)
print(encoder)
scratch = tempfile.TemporaryDirectory()
fresh_store = FeatureStore(scratch.name)
start = time.perf_counter()
first = pipeline.extract_folder_features(encoder, data, store=fresh_store, batch_size=BATCH_SIZE,
                                         on_unreadable="report")
cold_seconds = time.perf_counter() - start
display(nb.table(render(pipeline.image_rows(first)), f"Image features per set: {SOURCE}."))
skipped = pipeline.skipped_rows(first)
display(nb.table(render(skipped), "Unreadable files, skipped (no model involved).") if skipped
        else Markdown("No unreadable file."))

# %% [markdown]
# {glue:text}`num_skipped` of {glue:text}`num_files` image files could not be read and were skipped; the
# feature rows of every set belong to its readable files only (`ImageFeatures.kept` maps rows to files).

# %% [markdown]
# (sec-06-cache)=
# ## A second pass reads the feature store instead of running the model
#
# Features are stored under a key made of the model and weights (`encoder.id`), the dataset's fingerprint (the
# relative paths, sizes and modification times of its files) and the preprocessing. The same call again finds
# every set in the store and runs no model at all; changing, adding or touching a file, the model or the
# weights changes the key and the set is encoded again.

# %%
start = time.perf_counter()
second = pipeline.extract_folder_features(encoder, data, store=fresh_store, batch_size=BATCH_SIZE,
                                          on_unreadable="report")
warm_seconds = time.perf_counter() - start
identical = all(torch.equal(first[name].features, second[name].features)
                and first[name].skipped == second[name].skipped for name in first)
print(f"first pass {cold_seconds:.2f} s (model), second pass {warm_seconds:.3f} s (store); identical: {identical}")
scratch.cleanup()

# %% [markdown]
# The second pass took {glue:text}`cache_warm_seconds:.3f` s against {glue:text}`cache_cold_seconds:.2f` s
# for the first ({glue:text}`cache_speedup:.0f` times faster), and returned the same features and the same
# list of skipped files (identical: {glue:text}`cache_identical:.0f`, 1 meaning yes). The rest of the page uses
# the default store (`$DEBIASOOD_CACHE`, else `~/.cache/debiasood`), so a rerun of the page reads its image
# and text features from there.

# %% [markdown]
# (sec-06-results)=
# ## The same call ends in a results table
#
# `pipeline.evaluate_folders` does all of it in one call: the folders, the image features as above, the text
# features of the class names and of a WordNet corpus with the same model's text tower (cached too; CSP's pool
# under CSP's prompt ensembles), the mining of negative labels (NegLabel's percentile rule, CSP's rule on its
# pool, DNM's density rule), and the scores with one seeded partition of the negatives for the ID set and every
# OOD set. Metrics are in percent, in the papers' convention (ID is the positive class).

# %%
settings = ScoreSettings(num_groups=NUM_GROUPS, tau_neg=TAU_NEG, seed=SEED)
result = pipeline.evaluate_folders(id_root, ood_roots, names_file, encoder=encoder, methods=METHODS,
                                   corpus=CORPUS, corpus_step=CORPUS_STEP, settings=settings,
                                   density_k=DENSITY_K, batch_size=BATCH_SIZE, on_unreadable="report")
print(f"encoder {result.encoder_id}; corpus of {result.corpus_size} words")
print("mined: " + "; ".join(f"{rule} {len(words)} (e.g. {', '.join(words[:4])})"
                            for rule, words in result.negatives.items()))
print("seconds per stage: " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in result.timings.items()))

# %% [markdown]
# **The results table** (in the book build: random weights on generated images, so the numbers demonstrate
# the table, not any method):

# %%
display(nb.table(render(result.rows), f"Results, in %: {SOURCE}. Not CLIP numbers."))

# %% [markdown]
# With this page's random weights the ranking of the methods is noise: average AUROC
# {glue:text}`auroc_mcm:.1f` (MCM), {glue:text}`auroc_neglabel:.1f` (NegLabel), {glue:text}`auroc_csp:.1f`
# (CSP) and {glue:text}`auroc_dnm:.1f` (DNM), where a detector that guesses scores 50. The same table with real
# weights on real folders is what the methods are compared on. Its `encoder` column names model and weights in
# every row, so a saved table or a screenshot of it cannot lose track of them.

# %% [markdown]
# (sec-06-hazard)=
# ## With few ID classes, the official DNM arithmetic is unsafe
#
# Your own data seldom has ImageNet's 1000 classes. DNM's official arithmetic replaces NegLabel's constant 1
# by $a = \tau - Q(1-\tau)/K$ (the derivation notebook), which is negative whenever $\tau \le Q/(K+Q)$: then
# confident ID images get negative or infinite scores. With $K$ = {glue:text}`num_classes` classes, the
# {glue:text}`negatives_density` negatives of DNM's density rule in $G$ = {glue:text}`num_groups` groups of
# $Q$ = {glue:text}`group_size`, and $\tau$ = {glue:text}`tau_neg:.2f`, $a$ = {glue:text}`dnm_coefficient:.2f`;
# the official form would need $\tau >$ {glue:text}`dnm_safe_tau:.3f`. This is a property of $(K, Q, \tau)$
# alone, true whatever the weights. The pipeline's `dnm` is therefore the clamped score, whose debiased
# estimate is bounded below by $e^{-1/T}$; `dnm-official` (add it to `METHODS`) reproduces the official
# arithmetic and warns where a partition function is not positive. (This section needs `dnm` or
# `dnm-official` in `METHODS`.)
#
# The clamp keeps the ranking from inverting, but it cannot make the estimate informative where it engages: an
# image clamped in every group scores $S_{ID}/(S_{ID} + Q e^{-1/T})$, which is 1 to float precision, so such
# images tie. `pipeline.dnm_clamp_share` counts the (image, group) pairs where the clamp engages:

# %%
group_size = len(result.negatives.get("density", ())) // NUM_GROUPS  # 0 when METHODS has no DNM
hazard = {}
if group_size:
    hazard = {"group_size": group_size, "dnm_coefficient": dnm_coefficient(result.num_classes, group_size, TAU_NEG),
              "dnm_safe_tau": dnm_safe_tau(result.num_classes, group_size),
              "dnm_clamped_share_id": result.dnm_clamp_share(["ID"]),
              "dnm_clamped_share_ood": result.dnm_clamp_share(list(data.ood))}
    print(f"K = {result.num_classes}, Q = {group_size}, tau = {TAU_NEG}: a = {hazard['dnm_coefficient']:.3f}, "
          f"safe for tau > {hazard['dnm_safe_tau']:.3f}; clamped pairs: ID {hazard['dnm_clamped_share_id']:.3f}, "
          f"OOD {hazard['dnm_clamped_share_ood']:.3f}")

# %% [markdown]
# The clamp engages in a share {glue:text}`dnm_clamped_share_id:.3f` of the ID pairs and
# {glue:text}`dnm_clamped_share_ood:.3f` of the OOD pairs. Where both are near 1, nearly every image scores 1
# and `dnm` cannot rank the images (its AUROC tends to 50, ties counting half). How often the clamp engages with
# real weights depends on the data, so check it on yours whenever $a \le 0$.

# (sec-06-real)=
# ## The same page runs on your folders and weights by changing parameters only
#
# Everything above is parameterised; nothing needs editing. With real weights, give the open_clip
# architecture and either a pretrained tag or a local checkpoint file, and the whole corpus (`CORPUS_STEP 1`).
# `debiasood.book.run_notebooks` checks every parameter's name and type before it starts, and runs offline: a tag's
# weights must already be in the local Hugging Face cache (or give the checkpoint file's path).
#
# ```bash
# .venv/bin/python -m debiasood.book.run_notebooks notebooks/06_your_own_data.py --output-dir out \
#     -p IMAGE_ROOT /data/birds/images -p CLASS_NAMES_FILE /data/birds/class_names.txt \
#     -p OOD_ROOTS "textures=/data/dtd/images,places=/data/Places" \
#     -p MODEL ViT-B-16 -p PRETRAINED openai -p CORPUS_STEP 1
# ```
#
# The same with papermill itself (on the notebook converted by jupytext), here with a local checkpoint:
#
# ```bash
# .venv/bin/jupytext --to ipynb notebooks/06_your_own_data.py -o 06_your_own_data.ipynb
# .venv/bin/papermill -k debiasood 06_your_own_data.ipynb out/06_your_own_data.ipynb \
#     -p IMAGE_ROOT /data/birds/images -p CLASS_NAMES_FILE /data/birds/class_names.txt \
#     -p OOD_ROOTS "textures=/data/dtd/images,places=/data/Places" \
#     -p MODEL ViT-B-16 -p PRETRAINED /models/ViT-B-16.pt -p CORPUS_STEP 1
# ```
#
# And without a notebook, the command line over the same function (one table, Markdown, CSV or JSON):
#
# ```bash
# debiasood evaluate-folders --id-root /data/birds/images --class-names /data/birds/class_names.txt \
#     --ood textures=/data/dtd/images --ood places=/data/Places \
#     --model ViT-B-16 --pretrained openai --method mcm,neglabel,csp,dnm --format csv
# ```
#
# or from Python:
#
# ```python
# from debiasood import pipeline
# result = pipeline.evaluate_folders("/data/birds/images", "textures=/data/dtd/images",
#                                    "/data/birds/class_names.txt", model="ViT-B-16", pretrained="openai")
# print(result.rows, result.skipped_rows())
# ```
#
# For orientation only: on ImageNet-1K against iNaturalist, SUN, Places and Textures, the papers report an
# average FPR95 of 42.74 (MCM), 25.40 (NegLabel) and 17.51 (CSP), reported (CLIP ViT-B/16), and 16.90 for
# DNM from a secondary source, reported (CLIP ViT-B/16). On a CPU, ViT-B/16 makes the first run long (every
# image and the ~57k corpus words go through the model, CSP's pool eight times); later runs read the cache.

# %% [markdown]
# ## Recorded numbers

# %%
records = {
    "num_classes": result.num_classes, "num_ood_sets": len(data.ood),
    "num_files": sum(item.num_images for item in first.values()),
    "num_skipped": sum(len(item.skipped) for item in first.values()),
    "cache_cold_seconds": cold_seconds, "cache_warm_seconds": warm_seconds,
    "cache_speedup": cold_seconds / warm_seconds, "cache_identical": float(identical),
    "corpus_size": result.corpus_size, "num_groups": NUM_GROUPS, "tau_neg": TAU_NEG,
    **{f"negatives_{rule}": len(result.negatives.get(rule, ())) for rule in ("neglabel", "csp", "density")},
    **hazard,
    "num_result_rows": len(result.rows),
    **{f"{metric}_{method}": result.metric(method, "average", metric)
       for method in pipeline.check_methods(METHODS) for metric in ("auroc", "fpr95")},
}
for name, value in records.items():
    nb.record(name, value)
nb.finish(records)

# %% [markdown]
# ## What this shows
#
# - The pipeline reads an ImageFolder tree of {glue:text}`num_classes` classes with display names and
#   {glue:text}`num_ood_sets` OOD folders, {glue:text}`num_files` image files in all, and reports the
#   {glue:text}`num_skipped` it could not read instead of failing or dropping them silently.
# - Image features are cached: the second pass took {glue:text}`cache_warm_seconds:.3f` s instead of
#   {glue:text}`cache_cold_seconds:.2f` s and returned identical features.
# - The same call mines negatives from a corpus of {glue:text}`corpus_size` words with the model's own text
#   tower ({glue:text}`negatives_neglabel` by NegLabel's rule, {glue:text}`negatives_csp` by CSP's,
#   {glue:text}`negatives_density` by DNM's) and ends in a table of {glue:text}`num_result_rows` rows.
# - With {glue:text}`num_classes` classes and groups of {glue:text}`group_size`, the official DNM arithmetic has
#   $a$ = {glue:text}`dnm_coefficient:.2f`; wherever $a \le 0$ (small label sets of your own), only the clamped
#   `dnm` is safe, and it ranks only the images where the clamp does not engage (here it engaged in
#   {glue:text}`dnm_clamped_share_id:.3f` of the ID and {glue:text}`dnm_clamped_share_ood:.3f` of the OOD pairs).
# - The metrics on this page, from random weights on generated images, say nothing about OOD detection; with
#   real weights on your folders, the same parameters give the real table.
