"""The ``debiasood`` command line: a thin layer over the same functions the notebooks use.

Every command prints a table, Markdown by default (``--format csv`` or ``--format json`` on request), and
turns a bad argument into a one-line error that names it, with exit code 2.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from debiasood.book.tables import render

app = typer.Typer(
    name="debiasood",
    help="Debiased negative mining for zero-shot OOD detection: corpora, label sets, the false-negative audit, "
    "and scoring of the official feature dumps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    markdown = "markdown"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(Format.markdown, "--format", "-f", help="Table format.")
# Options shared by the scoring commands (defaults: the official ViT-B/16 settings).
TAU_NEG_OPTION = typer.Option(0.5, help="Share of true negatives among the mined labels (official tau_ood).")
NUM_GROUPS_OPTION = typer.Option(100, help="Number of groups G of the negatives.")
BOOTSTRAP_OPTION = typer.Option(0, min=0, help="Bootstrap resamples for 95% intervals (0: none).")
SEED_OPTION = typer.Option(0, help="Seed of the partition of the negatives (one for ID and all OOD sets).")
# Options of the real pipeline (open_clip on image folders).
MODEL_OPTION = typer.Option("ViT-B-16", help="open_clip architecture, e.g. ViT-B-16, ViT-L-14.")
PRETRAINED_OPTION = typer.Option(
    "openai", help="open_clip pretrained tag (from the hub), a local checkpoint file, or 'random' (tests only).")
DEVICE_OPTION = typer.Option("auto", help="Device: auto (CUDA if available), cpu, cuda, cuda:1, ...")
CORPUS_STEP_OPTION = typer.Option(1, min=1, help="Keep every n-th corpus word (quick CPU runs; 1: all).")
BATCH_SIZE_OPTION = typer.Option(64, min=1, help="Images per batch.")
NUM_WORKERS_OPTION = typer.Option(4, min=0, help="Image-decoding worker processes.")
ON_UNREADABLE_OPTION = typer.Option("warn", help="Unreadable images: 'warn' (skip, count, report) or 'fail'.")


def _names(comma_separated: str) -> list[str]:
    return [name.strip() for name in comma_separated.split(",")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@app.command("label-sets", epilog="Example:  debiasood label-sets --format csv")
def label_sets(fmt: Format = FORMAT_OPTION) -> None:
    """List the benchmark label sets: size, whether classes are WordNet synsets, and where names come from."""
    from debiasood.data.label_sets import get_label_set, label_set_names

    rows = []
    for name in label_set_names():
        label_set = get_label_set(name)
        rows.append({"name": name, "classes": len(label_set), "wnids": label_set.wnids is not None,
                     "stand_in": label_set.is_stand_in, "source": label_set.source})
    typer.echo(render(rows, fmt.value))


@app.command(
    "corpus",
    epilog="Examples:  debiasood corpus --preset dnm   |   debiasood corpus --preset full --by lexfile --format csv",
)
def corpus(
    preset: str = typer.Option("dnm", help="Corpus preset: full, neglabel, dnm or csp."),
    by: str = typer.Option("pos", help="Count by part of speech ('pos') or lexicographer file ('lexfile')."),
    show: int = typer.Option(0, min=0, help="Also print the first N words with their synset and file."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Build a WordNet 3.0 label corpus (first-lemma rule) and count its words."""
    from debiasood.data.corpora import PRESETS, load_corpus

    if preset not in PRESETS:
        _fail(f"unknown --preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if by not in ("pos", "lexfile"):
        _fail(f"--by must be 'pos' or 'lexfile', got {by!r}")
    words = load_corpus(preset)
    counts = words.counts() if by == "pos" else words.lexfile_counts()
    rows = [{by: key, "words": value} for key, value in counts.items()] + [{by: "total", "words": len(words)}]
    typer.echo(render(rows, fmt.value))
    if show:
        sample = [{"word": words.words[i], "pos": words.parts_of_speech[i], "synset": words.synsets[i],
                   "lexfile": words.lexfiles[i]} for i in range(min(show, len(words)))]
        typer.echo("\n" + render(sample, fmt.value))


@app.command(
    "audit",
    epilog="Examples:  debiasood audit --id imagenet1k --preset dnm   |   "
    "debiasood audit --id imagenet10 --examples 3 --format json",
)
def audit(
    id_set: str = typer.Option("imagenet1k", "--id", help="ID label set with WordNet ids (the ImageNet family)."),
    preset: str = typer.Option("dnm", help="Corpus preset: full, neglabel, dnm or csp."),
    max_hypernym_depth: int = typer.Option(2, min=0, help="How many steps above an ID synset count as close."),
    examples: int = typer.Option(5, min=0, help="Example words shown per relation."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """False-negative audit: how many corpus words name an ID class, one of its hyponyms or a close hypernym."""
    from debiasood.data.audit import RELATIONS, audit_false_negatives
    from debiasood.data.corpora import PRESETS, load_corpus
    from debiasood.data.label_sets import get_label_set

    if preset not in PRESETS:
        _fail(f"unknown --preset {preset!r}; choose one of {', '.join(PRESETS)}")
    try:
        label_set = get_label_set(id_set)
        words = load_corpus(preset)
        result = audit_false_negatives(words, label_set, max_hypernym_depth=max_hypernym_depth)
    except ValueError as error:
        _fail(str(error))
    counts = result.counts()
    rows = []
    for relation in RELATIONS:
        indices = result.mask(relation).nonzero()[0][:examples]
        shown = ", ".join(f"{words.words[i]} ~ {label_set.class_names[result.id_index[i]]}"
                          if result.id_index[i] >= 0 else words.words[i] for i in indices)
        rows.append({"relation": relation, "words": counts[relation],
                     "share_percent": 100 * counts[relation] / len(words), "examples": shown})
    typer.echo(render(rows, fmt.value))


@app.command(
    "evaluate",
    epilog="Examples:  debiasood evaluate   |   debiasood evaluate --ood inaturalist,textures --method neglabel,dnm "
    "--sizes smoke --format csv",
)
def evaluate(
    id_set: str = typer.Option("imagenet1k", "--id", help="ID set (the offline world is calibrated on ImageNet-1K)."),
    ood: str = typer.Option("inaturalist,sun,places,textures", help="Comma-separated OOD sets."),
    method: str = typer.Option("mcm,neglabel,csp,dnm",
                               help="Comma-separated methods: mcm, neglabel, csp, dnm, dnm-official."),
    sizes: str = typer.Option("full", help="'full' (50,000 ID + 35,640 OOD images) or 'smoke' (quick)."),
    tau_neg: float = TAU_NEG_OPTION,
    num_groups: int = NUM_GROUPS_OPTION,
    seed: int = typer.Option(0, help="Seed of the world's images and of the partition of the negatives."),
    bootstrap: int = BOOTSTRAP_OPTION,
    imagenet_val: Path = typer.Option(None, help="Real data: the ImageNet-1K validation folder (flat or "
                                                 "val/<wnid>/). Runs open_clip instead of the offline world."),
    ood_root: Path = typer.Option(None, help="Real data: the folder holding iNaturalist/, SUN/, Places/, dtd/."),
    model: str = MODEL_OPTION,
    pretrained: str = PRETRAINED_OPTION,
    device: str = DEVICE_OPTION,
    batch_size: int = BATCH_SIZE_OPTION,
    num_workers: int = NUM_WORKERS_OPTION,
    on_unreadable: str = ON_UNREADABLE_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The ImageNet-1K OOD benchmark: on the offline world by default, on real images with --imagenet-val.

    Offline world (SIMULATED numbers: MiniLM text, synthetic images): the first run embeds the ~57k-word DNM
    corpus and CSP's ~11k phrases with MiniLM (about 3 minutes on a CPU, then cached in the feature store,
    $DEBIASOOD_CACHE). With --imagenet-val and --ood-root: the real pipeline with an open_clip model (the
    --model/--pretrained options), every feature cached; --sizes does not apply there.
    """
    from debiasood.core.evaluation import ScoreSettings
    from debiasood.world import offline as benchmark
    from debiasood.world.simulated import BENCHMARK_SIZES, ID_SET, SMOKE_SIZES

    if (imagenet_val is None) != (ood_root is None):
        _fail("real data needs both --imagenet-val and --ood-root")
    if imagenet_val is not None:
        from debiasood.app import pipeline

        if id_set != ID_SET:
            _fail(f"--id {id_set!r}: the real benchmark reads ImageNet-1K validation as ID")
        options = _pipeline_options(method, 1, tau_neg, num_groups, 0.01, seed, model, pretrained, device,
                                    batch_size, num_workers, on_unreadable, bootstrap)
        result = _run_pipeline(lambda: pipeline.benchmark_folders(imagenet_val, ood_root, ood), **options)
        typer.echo(render(result.rows, fmt.value))
        return
    if id_set != ID_SET:
        _fail(f"--id {id_set!r}: the offline world is calibrated on {ID_SET} only")
    if sizes not in ("full", "smoke"):
        _fail(f"--sizes must be 'full' or 'smoke', got {sizes!r}")
    methods = _names(method)
    try:
        settings = ScoreSettings(tau_neg=tau_neg, num_groups=num_groups, seed=seed)
        setup = benchmark.offline_setup(csp="csp" in methods, progress=True)
        density = (benchmark.density_negatives(setup) if {"dnm", "dnm-official"} & set(methods) else None)
        rows = benchmark.simulated_benchmark(setup.world, setup.text, setup.corpus.words,
                                             setup.corpus.parts_of_speech, methods=methods, ood_sets=_names(ood),
                                             sizes=BENCHMARK_SIZES if sizes == "full" else SMOKE_SIZES,
                                             seed=seed, settings=settings, bootstrap=bootstrap,
                                             density_indices=density)
    except ValueError as error:
        _fail(str(error))
    typer.echo(render(rows, fmt.value))


@app.command(
    "negatives",
    epilog="Examples:  debiasood negatives --rule density --show 20   |   "
    "debiasood negatives --rule neglabel,csp,density --show 0 --format csv",
)
def negatives(
    rule: str = typer.Option("neglabel,csp,density", help="Comma-separated mining rules: neglabel, csp, density."),
    show: int = typer.Option(10, min=0, help="Also list the first N selected words of each rule and part of speech."),
    max_hypernym_depth: int = typer.Option(2, min=0, help="Close-hypernym depth of the false-negative audit."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Mine negative labels from the DNM corpus against ImageNet-1K and audit them for false negatives.

    Text side of the offline world (MiniLM embeddings of the real WordNet words): the selections show MiniLM's
    text-space behaviour, not CLIP's. Each rule's row counts the selected words and how many of them the
    WordNet audit marks as a lemma, hyponym or close hypernym of an ImageNet-1K class.
    """
    from debiasood.core.mining import csp_mining, neglabel_mining
    from debiasood.data.audit import RELATIONS, audit_false_negatives
    from debiasood.data.label_sets import get_label_set
    from debiasood.world import offline as benchmark

    rules = _names(rule)
    unknown = [r for r in rules if r not in ("neglabel", "csp", "density")]
    if unknown or not rules:
        _fail(f"unknown --rule {unknown or rules}; choose from neglabel, csp, density")
    try:
        setup = benchmark.offline_setup(csp="csp" in rules, progress=True)
        label_set = get_label_set("imagenet1k")
        summary, listed = [], []
        for name in rules:
            pool, feats = ((setup.csp_pool, setup.text["csp_features"]) if name == "csp"
                           else (setup.corpus, setup.text["corpus_features"]))
            if name == "neglabel":
                chosen = neglabel_mining(feats, setup.text["id_neglabel"], pool.words, pool.parts_of_speech).indices
            elif name == "csp":
                chosen = csp_mining(feats, setup.text["id_neglabel"], pool.words, pool.parts_of_speech).indices
            else:
                chosen = benchmark.density_negatives(setup)
            audit = audit_false_negatives(pool.subset(chosen), label_set, max_hypernym_depth=max_hypernym_depth)
            counts = audit.counts()
            summary.append({"rule": name, "pool": len(pool), "selected": len(chosen),
                            **{f"{r}s" if r != "none" else "clean": counts[r] for r in RELATIONS},
                            "false_negative_percent": 100 * (len(chosen) - counts["none"]) / len(chosen)})
            for part in ("noun", "adj"):
                rows = [i for i in chosen if pool.parts_of_speech[i] == part][:show]
                listed += [{"rule": name, "pos": part, "word": pool.words[i], "lexfile": pool.lexfiles[i]}
                           for i in rows]
    except ValueError as error:
        _fail(str(error))
    typer.echo(render(summary, fmt.value))
    if listed:
        typer.echo("\n" + render(listed, fmt.value))


@app.command(
    "score-dumps",
    epilog="Example:  debiasood score-dumps CLIP_features_B16.pth neg_dump_new_B16.pth "
    "--scores neglabel,dnm,dnm-official --tau-neg 0.5",
)
def score_dumps(
    image_dump: Path = typer.Argument(..., help="Official image-feature dump (CLIP_features_*.pth)."),
    text_dump: Path = typer.Argument(..., help="Official text-feature dump (neg_dump_new_*.pth)."),
    scores: str = typer.Option("mcm,neglabel,dnm,dnm-official", help="Comma-separated score functions."),
    id_set: str = typer.Option("imagenet1k", "--id", help="Dataset of the dump used as ID."),
    tau_neg: float = TAU_NEG_OPTION,
    num_groups: int = NUM_GROUPS_OPTION,
    temperature: float = typer.Option(0.01, help="Temperature T of the grouped scores."),
    seed: int = typer.Option(0, help="Seed of the partition of the negatives (one for ID and all OOD sets)."),
    bootstrap: int = BOOTSTRAP_OPTION,
    allow_pickle: bool = typer.Option(False, help="Trust the files and allow full unpickling."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Score the official DNM code's feature dumps directly: real CLIP features, if you have them.

    The negatives are the dump's own selection (neg_emb_selected), so the scores differ only in how they squash
    the similarities. MCM uses the dump's ID embeddings ("the nice {}" prompts), not MCM's own prompt.
    """
    from debiasood.core.evaluation import ScoreSettings, evaluate_scores
    from debiasood.data.datasets import load_official_dumps

    try:
        settings = ScoreSettings(temperature=temperature, num_groups=num_groups, tau_neg=tau_neg, seed=seed)
        images, texts = load_official_dumps(image_dump, text_dump, allow_pickle=allow_pickle)
        if id_set not in images.features:
            _fail(f"--id {id_set!r} is not in {image_dump}; it holds {', '.join(images.features)}")
        ood = {name: feats for name, feats in images.features.items() if name != id_set}
        rows = evaluate_scores(images.features[id_set], ood, texts.id_text_features, texts.neg_text_features,
                               scores=_names(scores), settings=settings,
                               bootstrap=bootstrap)
    except (ValueError, FileNotFoundError) as error:
        _fail(str(error))
    typer.echo(render(rows, fmt.value))


def _run_pipeline(data_loader, **options):
    """Shared by evaluate (real data) and evaluate-folders: build the datasets, run the pipeline, print."""

    from debiasood.app import pipeline
    from debiasood.data.encoders.base import WeightsUnavailableError

    try:
        pipeline.check_options(**options)  # before any folder is scanned
        result = pipeline.evaluate_data(data_loader(), progress=True, **options)
    except (ValueError, FileNotFoundError, WeightsUnavailableError) as error:
        _fail(str(error))
    skipped = result.skipped_rows()
    if skipped:
        typer.echo(f"skipped {len(skipped)} unreadable image(s):\n" + render(skipped, "markdown"), err=True)
    return result


def _pipeline_options(method, corpus_step, tau_neg, num_groups, temperature, seed, model, pretrained, device,
                      batch_size, num_workers, on_unreadable, bootstrap) -> dict:
    from debiasood.core.evaluation import ScoreSettings

    try:
        settings = ScoreSettings(temperature=temperature, num_groups=num_groups, tau_neg=tau_neg, seed=seed)
    except ValueError as error:
        _fail(str(error))
    return {"methods": method, "corpus_step": corpus_step, "settings": settings, "model": model,
            "pretrained": pretrained, "device": device, "batch_size": batch_size, "num_workers": num_workers,
            "on_unreadable": on_unreadable, "bootstrap": bootstrap}


@app.command(
    "evaluate-folders",
    epilog="Example:  debiasood evaluate-folders --id-root data/pets --class-names data/pets.txt "
    "--ood sketches=data/sketches --ood noise=data/noise --model ViT-B-16 --pretrained openai",
)
def evaluate_folders(
    id_root: Path = typer.Option(..., help="ID images as <root>/<class>/<image> (at least 2 classes)."),
    class_names: Path = typer.Option(None, help="Display names, one per line in sorted class-folder order "
                                                "(default: the folder names)."),
    ood: list[str] = typer.Option(..., help="An OOD folder as NAME=PATH (repeat for several sets)."),
    method: str = typer.Option("mcm,neglabel,csp,dnm",
                               help="Comma-separated methods: mcm, neglabel, csp, dnm, dnm-official."),
    corpus_step: int = CORPUS_STEP_OPTION,
    tau_neg: float = TAU_NEG_OPTION,
    num_groups: int = NUM_GROUPS_OPTION,
    temperature: float = typer.Option(0.01, help="Temperature T of the grouped scores."),
    seed: int = SEED_OPTION,
    model: str = MODEL_OPTION,
    pretrained: str = PRETRAINED_OPTION,
    device: str = DEVICE_OPTION,
    batch_size: int = BATCH_SIZE_OPTION,
    num_workers: int = NUM_WORKERS_OPTION,
    on_unreadable: str = ON_UNREADABLE_OPTION,
    bootstrap: int = BOOTSTRAP_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Your own data with a real open_clip model: image folders and class names in, an OOD results table out.

    Image and text features are cached in the feature store ($DEBIASOOD_CACHE) and an interrupted extraction
    resumes. With few ID classes the official DNM arithmetic is unsafe; 'dnm' is the clamped, safe form.
    """
    from debiasood.app import pipeline

    options = _pipeline_options(method, corpus_step, tau_neg, num_groups, temperature, seed, model, pretrained,
                                device, batch_size, num_workers, on_unreadable, bootstrap)
    result = _run_pipeline(lambda: pipeline.load_folders(id_root, ood, class_names), **options)
    typer.echo(render(result.rows, fmt.value))


def main() -> None:  # pragma: no cover - the console script's entry point
    app()
