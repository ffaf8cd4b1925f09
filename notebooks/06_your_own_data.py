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
# The other pages run on the book's offline world or on a feature bundle. This one is the path for your own
# images, with the image and text towers of an open_clip model:
#
# 1. the input: an ImageFolder tree, a class-names file, OOD folders ({ref}`sec-06-data`);
# 2. image features, with unreadable files skipped, counted and reported ({ref}`sec-06-unreadable`);
# 3. the feature cache: a second pass reads the store instead of running the model ({ref}`sec-06-cache`);
# 4. text features, mining (NegLabel, CSP, DNM) and scores, ending in the results table
#    ({ref}`sec-06-results`), with the DNM hazard that a small number of classes brings ({ref}`sec-06-hazard`);
# 5. your images as a feature bundle, which every chapter of the book reads ({ref}`sec-06-bundle`);
# 6. the commands that run the same page, or the same function, on your folders with real weights
#    ({ref}`sec-06-real`).
#
# With `FEATURES` set to a feature bundle folder instead, the page skips the image folders and the model, and
# evaluates the bundle's features (steps 4 and the hazard), every table labelled with the bundle's provenance.
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
# text feature by the text tower, of the open_clip model whose id is printed below (model AND weights), or,
# with `FEATURES` set to a bundle, read from the bundle, whose provenance every table names. None comes from
# the offline world of the other pages, and in the book's build none is a CLIP number. Only the file counts,
# the cache timings and the sizes of the mined sets describe something real here: the pipeline itself. What
# the pipeline computes (mining rules, scores, metric conventions) is defined in the method reference
# ({ref}`method-neglabel`, {ref}`method-csp`, {ref}`method-density`, {ref}`the clamp <method-dnm-hazard>`,
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
CLASS_NAMES_FILE = ""  # display names of the class folders, written as NAMES_FORMAT says
NAMES_FORMAT = "pairs"  # class-names file: "pairs" ("<folder> <name>" lines) or "lines" (one name per line)
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
FEATURES = "simulated"  # 'simulated' (default): this page's demo; or a feature bundle folder: see debiasood extract

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

import numpy as np
import torch
from IPython.display import Markdown, display

from debiasood import dnm_coefficient, dnm_safe_tau
from debiasood.app import pipeline
from debiasood.book.features import SIMULATED, load_features
from debiasood.book.tables import render
from debiasood.core.evaluation import Settings
from debiasood.core.methods import METHODS as METHOD_REGISTRY
from debiasood.data import reported
from debiasood.data.datasets.demo import write_demo_dataset
from debiasood.data.feature_store import FeatureStore
from debiasood.data.files import default_cache_root

# FEATURES names a bundle: evaluate its features. Otherwise run the pipeline on image folders (the demo's or yours).
features = None if FEATURES == SIMULATED else load_features(FEATURES)
settings = Settings(num_groups=NUM_GROUPS, tau_neg=TAU_NEG, seed=SEED, k=DENSITY_K)
BUNDLE_NOTE = ("```{{note}}\n**Skipped: {section}.** `FEATURES` names a feature bundle ({label}), whose image "
               "features were extracted when it was written ({{ref}}`sec-06-bundle`); this page reads them instead "
               "of image files.\n```")

if features is not None:
    bundle = features.bundle
    SOURCE = features.label  # every table says which model and which images its numbers come from
elif IMAGE_ROOT:
    if not OOD_ROOTS:
        raise ValueError("IMAGE_ROOT is set but OOD_ROOTS is empty: give 'name=path[,name=path...]'")
    id_root, names_file, ood_roots = IMAGE_ROOT, CLASS_NAMES_FILE or None, OOD_ROOTS
else:
    demo = write_demo_dataset(images_per_class=DEMO_IMAGES_PER_CLASS, ood_images=DEMO_OOD_IMAGES, seed=SEED)
    id_root, names_file, ood_roots = demo.id_root, demo.class_names_file, demo.ood_roots
if features is None:
    SOURCE = f"open_clip {MODEL} with {PRETRAINED} weights on {'your images' if IMAGE_ROOT else 'generated images'}"
    data = pipeline.load_folders(id_root, ood_roots, names_file, names_format=NAMES_FORMAT)

# %% [markdown]
# (sec-06-data)=
# ## The input is an ImageFolder tree, a class-names file and OOD folders
#
# The ID images sit in one folder per class, `<IMAGE_ROOT>/<class folder>/<image>`, the layout of
# torchvision's `ImageFolder` (classes are the sorted folder names). The class-names file gives each folder the
# display name the prompts use ("a photo of a {name}"): with `NAMES_FORMAT = "pairs"` (the default) as
# `<folder> <display name>` lines, with `NAMES_FORMAT = "lines"` as one name per line in sorted folder order (on
# the command line: `--names-format lines`); without it the folder names are used. Each OOD set is a folder of
# images, flat or with subfolders, named in `OOD_ROOTS` as `name=path`. Hidden files are ignored, and loose
# images next to class folders are an error rather than silently dropped
# (`debiasood.data.datasets.image_folder_dataset`).
#
# Here, with `IMAGE_ROOT` empty, `debiasood.data.datasets.demo.write_demo_dataset` generates such a tree (once; later
# runs reuse it), with one file in it deliberately cut in half. With `FEATURES` set to a bundle, the input is the
# bundle's image sets instead:

# %%
if features is not None:
    display(nb.table(render([{"set": name, "role": "ID" if name == bundle.id_set else "OOD", "images": len(images),
                              "class labels": "yes" if images.labels is not None else "no"}
                             for name, images in bundle.images.items()]),
                     f"The bundle's image sets: {features.label}; {len(bundle.text.id_names)} ID classes."))
else:
    if not IMAGE_ROOT:
        print(f"<feature store>/{demo.root.relative_to(default_cache_root()).as_posix()}\n  class_names.txt:")
        print("".join(f"    {line}\n" for line in demo.class_names_file.read_text().splitlines()), end="")
    # The demo lives in the feature store: its folders are shown from there, not as this machine's paths.
    summary = [{**row, "folder": str(row["folder"]).replace(str(default_cache_root()), "<feature store>")}
               for row in data.summary_rows()]
    display(nb.table(render(summary), "The input folders (files only, no model)."))

# %% mystnb={"figure": {"caption": "Examples of each ID class and OOD set (no model).", "name": "fig-06-examples"}}
pipeline.plot_examples(data, title="Your images" if IMAGE_ROOT else "Generated demo images") if features is None \
    else None

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
if features is not None:
    display(Markdown(BUNDLE_NOTE.format(section="image features from image files", label=features.label)))
else:
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
if features is not None:
    display(Markdown(BUNDLE_NOTE.format(section="the feature cache", label=features.label)))
else:
    start = time.perf_counter()
    second = pipeline.extract_folder_features(encoder, data, store=fresh_store, batch_size=BATCH_SIZE,
                                              on_unreadable="report")
    warm_seconds = time.perf_counter() - start
    identical = all(torch.equal(first[name].features, second[name].features)
                    and first[name].skipped == second[name].skipped for name in first)
    print(f"first pass {cold_seconds:.2f} s (model), second pass {warm_seconds:.3f} s (store); "
          f"identical: {identical}")
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
# OOD set. Metrics are in percent, in the papers' convention (ID is the positive class). With `FEATURES` set to
# a bundle, the same mining and scores run on the bundle's text and image features
# (`debiasood.data.bundle.FeatureBundle.evaluate`, the one evaluation layer every chapter uses).

# %%
methods = pipeline.check_methods(METHODS)
if features is not None:
    if "csp" in methods and not features.requires("csp", section="CSP's rows of the results table"):
        methods.remove("csp")
    if bundle.text.fixed_negatives is not None:  # the official code's dumps: only its own selections can score
        methods = [m for m in methods if METHOD_REGISTRY[m].rule in (None, *bundle.text.fixed_negatives)]
    corpus = bundle.text.corpus
    rules = dict.fromkeys(METHOD_REGISTRY[method].rule for method in methods if METHOD_REGISTRY[method].rule)
    mined = {rule: bundle.negatives(rule, settings) for rule in rules}
    negatives = {rule: [(bundle.text.csp_pool if rule == "csp" else corpus).words[i] for i in rows]
                 for rule, rows in mined.items()}
    evaluation = bundle.evaluate(methods, settings)
    rows, num_classes, corpus_size = evaluation.rows(), len(bundle.text.id_names), len(corpus.words)
    metric = lambda method, name: evaluation.metrics(method)["average"][name]  # noqa: E731
    print(f"features {features.label}; corpus of {corpus_size} words")
else:
    result = pipeline.evaluate_folders(id_root, ood_roots, names_file, names_format=NAMES_FORMAT, encoder=encoder,
                                       methods=METHODS, corpus=CORPUS, corpus_step=CORPUS_STEP, settings=settings,
                                       density_k=DENSITY_K, batch_size=BATCH_SIZE, on_unreadable="report")
    rows, num_classes, corpus_size, negatives = result.rows, result.num_classes, result.corpus_size, result.negatives
    metric = lambda method, name: result.metric(method, "average", name)  # noqa: E731
    print(f"encoder {result.encoder_id}; corpus of {result.corpus_size} words")
    print("seconds per stage: " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in result.timings.items()))
print("mined: " + "; ".join(f"{rule} {len(words)} (e.g. {', '.join(words[:4])})" for rule, words in negatives.items()))

# %% [markdown]
# **The results table** (in the book build: random weights on generated images, so the numbers demonstrate
# the table, not any method):

# %%
display(nb.table(render(rows), f"Results, in %: {SOURCE}." + ("" if features is not None else " Not CLIP numbers.")))

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
# image clamped in every group scores $S_{ID}/(S_{ID} + Q e^{-1/T})$, which is 1 to float precision on the score's
# own scale. `dnm` ranks on the log-odds scale ({ref}`the log-odds scale <method-dnm-hazard>`), where that image
# scores $\log S_{ID} - \log Q + 1/T$: such images are ordered by their ID similarities alone, and the negatives
# say nothing about them. `pipeline.dnm_clamp_share` counts the (image, group) pairs where the clamp engages:

# %%
group_size = len(negatives.get("density", ())) // NUM_GROUPS  # 0 when METHODS has no DNM
hazard = {}
if group_size:
    if features is not None:
        density = bundle.negative_features("density", settings)
        clamped = {kind: pipeline.dnm_clamp_share(np.concatenate([bundle.images[name].features for name in sets]),
                                                  bundle.text.id_neglabel, density, settings)
                   for kind, sets in (("id", [bundle.id_set]), ("ood", bundle.ood_sets))}
    else:
        clamped = {"id": result.dnm_clamp_share(["ID"]), "ood": result.dnm_clamp_share(list(data.ood))}
    hazard = {"group_size": group_size, "dnm_coefficient": dnm_coefficient(num_classes, group_size, TAU_NEG),
              "dnm_safe_tau": dnm_safe_tau(num_classes, group_size),
              "dnm_clamped_share_id": clamped["id"], "dnm_clamped_share_ood": clamped["ood"]}
    print(f"K = {num_classes}, Q = {group_size}, tau = {TAU_NEG}: a = {hazard['dnm_coefficient']:.3f}, "
          f"safe for tau > {hazard['dnm_safe_tau']:.3f}; clamped pairs: ID {hazard['dnm_clamped_share_id']:.3f}, "
          f"OOD {hazard['dnm_clamped_share_ood']:.3f}")

# %% [markdown]
# The clamp engages in a share {glue:text}`dnm_clamped_share_id:.3f` of the ID pairs and
# {glue:text}`dnm_clamped_share_ood:.3f` of the OOD pairs. Where both are near 1, `dnm` ranks nearly every image
# by its ID similarities alone, as if there were no negatives: the debiasing has removed what the negatives
# said. How often the clamp engages with real weights depends on the data, so check it on yours whenever
# $a \le 0$.

# %% [markdown]
# (sec-06-bundle)=
# ## Your images as a feature bundle, which every chapter reads
#
# `debiasood extract` runs the image and text towers once and writes a **feature bundle**: a folder with a JSON
# manifest (provenance: the model and its weights, the prompts, the corpus, the command that wrote it, the time)
# and safetensors files of every feature a chapter reads (the ID and OOD image sets, the ID class names under
# MCM's and NegLabel's prompts, the corpus and CSP's pool under their prompts), each file checksummed. It runs
# on the benchmark's folders or on yours, resumes a killed run, skips and reports unreadable images, and under
# `torchrun` splits the images over several GPUs. `debiasood bundle <folder>` prints what a bundle holds.
#
# ```bash
# # your folders, tried first on a CPU with open_clip's tiny architecture (random weights: numbers mean nothing)
# debiasood extract bundles/birds --id-root /data/birds/images --class-names /data/birds/class_names.txt \
#     --ood textures=/data/dtd/images --ood places=/data/Places --model tiny --pretrained random --corpus-step 50
# # a class-names file with one name per line (sorted folder order) instead of the default "<folder> <name>" pairs
# debiasood extract bundles/birds --id-root /data/birds/images --class-names /data/birds/names.txt \
#     --names-format lines --ood textures=/data/dtd/images --model ViT-B-16 --pretrained openai
# # the ImageNet-1K benchmark with real weights, one share of the images per GPU
# torchrun --nproc_per_node=4 -m debiasood extract bundles/vitb16 --imagenet-val /data/imagenet/val \
#     --ood-root /data/ood --model ViT-B-16 --pretrained openai
# ```
#
# Every chapter of the book takes the folder as its `FEATURES` parameter, this page included (it then evaluates
# the bundle instead of running the pipeline), and labels every table with the bundle's provenance:
#
# ```bash
# .venv/bin/python -m debiasood.book.run_notebooks notebooks/03_main_benchmark.py -p FEATURES bundles/vitb16 \
#     --output-dir out
# .venv/bin/python -m debiasood.book.run_notebooks notebooks/06_your_own_data.py -p FEATURES bundles/birds \
#     --output-dir out
# ```
#
# A section that needs what a bundle lacks (the offline world itself; WordNet synsets, which your class names
# may not have; CSP's pool) shows a note saying so and is skipped.

# %% [markdown]
# (sec-06-real)=
# ## The same page runs on your folders and weights by changing parameters only
#
# Everything above is parameterised; nothing needs editing. With real weights, give the open_clip
# architecture and either a pretrained tag or a local checkpoint file, and the whole corpus (`CORPUS_STEP 1`).
# `debiasood.book.run_notebooks` checks every parameter's name and type before it starts, and runs offline: a tag's
# weights must already be in the local Hugging Face cache (or give the checkpoint file's path). A class-names
# file with one name per line needs `-p NAMES_FORMAT lines` (`--names-format lines` on the command line); the
# default reads `<folder> <name>` pairs.
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
# average FPR95 of {glue:text}`reported_fpr95_mcm:.2f` (MCM), {glue:text}`reported_fpr95_neglabel:.2f`
# (NegLabel) and {glue:text}`reported_fpr95_csp:.2f` (CSP), reported (CLIP ViT-B/16), and
# {glue:text}`reported_fpr95_dnm:.2f` for DNM from a secondary source, reported (CLIP ViT-B/16). On a CPU,
# ViT-B/16 makes the first run long (every image and the ~57k corpus words go through the model, CSP's pool eight
# times); later runs read the cache.

# %% [markdown]
# ## Recorded numbers

# %%
records = {
    "num_classes": num_classes, "num_ood_sets": len(bundle.ood_sets) if features is not None else len(data.ood),
    "corpus_size": corpus_size, "num_groups": NUM_GROUPS, "tau_neg": TAU_NEG,
    **{f"negatives_{rule}": len(negatives.get(rule, ())) for rule in ("neglabel", "csp", "density")},
    **hazard,
    "num_result_rows": len(rows),
    **{f"{name}_{method}": metric(method, name) for method in methods for name in ("auroc", "fpr95")},
    **{f"reported_fpr95_{method}": reported.fpr95(method, "average") for method in ("mcm", "neglabel", "csp", "dnm")},
}
if features is None:  # the image files and the cache exist only when the page runs the pipeline itself
    records.update({"num_files": sum(item.num_images for item in first.values()),
                    "num_skipped": sum(len(item.skipped) for item in first.values()),
                    "cache_cold_seconds": cold_seconds, "cache_warm_seconds": warm_seconds,
                    "cache_speedup": cold_seconds / warm_seconds, "cache_identical": float(identical)})
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
