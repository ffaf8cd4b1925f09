"""The ``debiasood`` command line: a thin layer over the same functions the notebooks use.

Every command prints a table to stdout, Markdown by default (``--format csv`` or ``--format json`` on request),
and turns a bad argument into a one-line error that names it, with exit code 2. Progress, plans and notes go
to stderr, so a CSV or JSON table can be piped; notes about the table itself (DNM's hazard, intervals left out)
follow it on stdout in Markdown, where a reader sees them beside the rows.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from debiasood.book.tables import render

app = typer.Typer(
    name="debiasood",
    help="Debiased negative mining for zero-shot OOD detection: corpora, label sets, the false-negative audit, "
    "scoring of the official feature dumps, and the methods on your own image folders with open_clip. "
    "No weights or GPU at hand? 'debiasood evaluate-folders ... --model tiny --pretrained random' runs the whole "
    "pipeline on a CPU in about a minute (its numbers mean nothing); see 'debiasood evaluate-folders --help'.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: flags read '--x / --no-x', not '<bool>'
)


class Format(StrEnum):
    markdown = "markdown"
    csv = "csv"
    json = "json"


class OnUnreadable(StrEnum):
    warn = "warn"
    fail = "fail"


class NamesFormat(StrEnum):
    pairs = "pairs"
    lines = "lines"


FORMAT_OPTION = typer.Option(Format.markdown, "--format", "-f", help="Table format.")
# Options shared by the scoring commands (defaults: the official ViT-B/16 settings).
TAU_NEG_OPTION = typer.Option(0.5, help="Share of true negatives among the mined labels (official tau_ood).")
NUM_GROUPS_OPTION = typer.Option(100, help="Number of groups G of the negatives.")
BOOTSTRAP_OPTION = typer.Option(0, min=0, help="Bootstrap resamples for 95% intervals of each OOD set (0: none).")
SEED_OPTION = typer.Option(0, help="Seed of the partition of the negatives (one for ID and all OOD sets).")
# Options of the real pipeline (open_clip on image folders).
MODEL_OPTION = typer.Option(
    "ViT-B-16", help="open_clip architecture, e.g. ViT-B-16, ViT-L-14; or 'tiny', a one-layer model that runs in "
    "seconds on a CPU: with --pretrained random it tries the whole command (its numbers mean nothing).")
PRETRAINED_OPTION = typer.Option(
    "openai", help="Weights: an open_clip tag such as 'openai' (read from the local Hugging Face cache, else "
    "downloaded), a local checkpoint file, or 'random' (seeded random weights, to try the command).")
DEVICE_OPTION = typer.Option("auto", help="Device: auto (CUDA if available), cpu, cuda, cuda:1, ...")
CORPUS_STEP_OPTION = typer.Option(
    1, min=1, help="Keep every n-th word of the 57,493-word DNM corpus (1: all). On a CPU the text side dominates: "
    "ViT-B-16 encodes about 15 prompts/s there, about an hour per pass over the corpus, and CSP adds 8 passes "
    "over its pool; --corpus-step 20 makes that 20 times shorter, with 20 times fewer candidate negatives (the "
    "numbers then differ from the full corpus'). The command prints a time estimate before it starts.")
BATCH_SIZE_OPTION = typer.Option(64, min=1, help="Images per batch.")
NUM_WORKERS_OPTION = typer.Option(
    None, min=0, show_default=False,
    help="Image-decoding worker processes. [default: one fewer than the CPUs this process may use, at most 4]")
ON_UNREADABLE_OPTION = typer.Option(
    OnUnreadable.warn, help="Unreadable images: 'warn' skips them and lists them after the table; 'fail' stops at "
    "the first one.")
CHECKPOINT_OPTION = typer.Option(
    1000, min=1, help="Images, or prompts, encoded between two checkpoints: a killed run, started again with the "
    "same arguments, resumes from the last one.")
SAVE_OPTION = typer.Option(
    None, help="Also write the results as JSON to this file: rows, the class folder -> name map, model, settings, "
    "the filter's counts, mined words, skipped and ignored files, DNM's hazard, NegRefine's subset and cost.")
# The cures for false negatives (filters before mining, NegRefine's score).
METHODS_HELP = ("Comma-separated methods: mcm, neglabel, csp, dnm, dnm-official, negrefine (CSP's negatives, "
                "NegRefine's score; slow on a CPU, see --negrefine-images).")
FILTER_OPTION = typer.Option(
    "none", "--filter", help="Drop corpus words before any mining rule runs, so the quotas count what remains: "
    "'none'; 'wordnet' (words WordNet relates to an ID class: lemma, hyponym or close hypernym; needs ID classes "
    "that are WordNet synsets, the ImageNet family) or 'wordnet:lemma,hyponym' (those relations only); "
    "'verdicts:FILE' or 'verdicts:DIR' (a published per-pair verdict file such as NegRefine's "
    "llm_process_noun.txt / llm_process_adj.txt; words without a verdict are kept and counted). The counts are "
    "printed below the table.")
NEGREFINE_IMAGES_OPTION = typer.Option(
    0, min=0, help="NegRefine embeds an '{ID label} and {negative}' text for each image's top 5 ID labels x top 5 "
    "negatives at scoring time (times 8 templates with CLIP), so it is the slow part on a CPU: ViT-B-16 there "
    "embeds about 15 prompts/s, up to 13 s per image; the offline world's MiniLM meets about 18 new pair texts "
    "per image at about 450 texts/s, minutes for the smoke sizes. Texts already embedded are read from the "
    "feature store. N > 0 scores a seeded subset of at most N images per set (seed: --seed) for NegRefine's rows "
    "only, stated below the table; 0: every image.")


def _names(comma_separated: str) -> list[str]:
    return [name.strip() for name in comma_separated.split(",")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _note(message: str) -> None:
    typer.echo(message, err=True)


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input or a missing resource (exit 2 with the message), not a bug (a traceback)."""
    from debiasood.data.encoders.base import WeightsUnavailableError
    from debiasood.data.wordnet import WordNetNotFoundError

    return ValueError, FileNotFoundError, WeightsUnavailableError, WordNetNotFoundError


def _uses_cache(command: Callable[..., Any]) -> Callable[..., Any]:
    """Check the cache folder ($DEBIASOOD_CACHE) once, before a command that reads or writes it starts."""

    @functools.wraps(command)
    def checked(*args: Any, **kwargs: Any) -> Any:
        from debiasood.data.files import CacheRootError, check_cache_root

        try:
            check_cache_root()
        except CacheRootError as error:
            _fail(str(error))
        try:
            return command(*args, **kwargs)
        except _user_errors() as error:
            _fail(str(error))

    return checked


def _print_table(rows: list[dict[str, object]], fmt: Format, notes: list[str] = (), *, digits: int = 2) -> None:
    """The table on stdout; ``notes`` below it in Markdown, on stderr otherwise (a CSV or JSON stays parseable)."""
    typer.echo(render(rows, fmt.value, digits=digits))
    for note in notes:
        typer.echo(f"\nNote: {note}" if fmt is Format.markdown else f"note: {note}", err=fmt is not Format.markdown)


@app.command("label-sets", epilog="Example:\n\n\b\n  debiasood label-sets --format csv")
def label_sets(fmt: Format = FORMAT_OPTION) -> None:
    """List the benchmark label sets: size, whether classes are WordNet synsets, and where names come from."""
    from debiasood.data.label_sets import get_label_set, label_set_names

    rows = []
    for name in label_set_names():
        label_set = get_label_set(name)
        rows.append({"name": name, "classes": len(label_set), "wnids": label_set.wnids is not None,
                     "stand_in": label_set.is_stand_in, "source": label_set.source})
    typer.echo(render(rows, fmt.value))


@app.command("wordnet", epilog="Examples:\n\n\b\n  debiasood wordnet\n  debiasood wordnet --repair")
@_uses_cache
def wordnet(
    repair: bool = typer.Option(False, "--repair", help="Copy Debian's files (/usr/share/wordnet) again into this "
                                "project's copy, replacing a damaged one."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Where WordNet 3.0 is read from, and whether its files pass their checks (sha256 or WordNet's structure)."""
    from debiasood.data.wordnet import DEBIAN_SHA256, locate_wordnet, repair_wordnet

    if repair:
        _note(f"copied WordNet again from Debian's files; checked by {repair_wordnet().method}")
    location = locate_wordnet()  # finds the files (copying Debian's on first use) and checks them
    files, check = location.files, location.check
    if repair and files.origin != "debian":
        _note(f"note: the copy in use is nltk's ({files}), found before this project's copy; the repair does not "
              "touch it")
    _note(f"WordNet 3.0 in {files} ({'nltk data' if files.origin == 'nltk_data' else 'copy of Debian files'}): "
          f"every file passed; checked by {check.method}; content digest {check.digest[:16]}")
    rows = [{"file": name, "sha256": digest[:16], "debian_sha256": "same" if DEBIAN_SHA256.get(name) == digest
             else ("differs" if name in DEBIAN_SHA256 else "-")} for name, digest in sorted(check.files.items())]
    typer.echo(render(rows, fmt.value))


@app.command(
    "corpus",
    epilog="Examples:\n\n\b\n  debiasood corpus --preset dnm\n"
    "  debiasood corpus --preset full --by lexfile --format csv",
)
@_uses_cache
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
    epilog="Examples:\n\n\b\n  debiasood audit --id imagenet1k --preset dnm\n"
    "  debiasood audit --id imagenet10 --examples 3 --format json",
)
@_uses_cache
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
    label_set = get_label_set(id_set)
    words = load_corpus(preset)
    result = audit_false_negatives(words, label_set, max_hypernym_depth=max_hypernym_depth)
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
    epilog="Examples:\n\n\b\n  debiasood evaluate\n"
    "  debiasood evaluate --ood inaturalist,textures --method neglabel,dnm --sizes smoke --format csv\n"
    "  debiasood evaluate --sizes smoke --method csp,negrefine,dnm --filter wordnet --negrefine-images 500\n"
    "  debiasood evaluate --method csp,dnm --filter verdicts:negrefine/llm_process_noun.txt\n"
    "  debiasood evaluate --imagenet-val /data/imagenet/val --ood-root /data/ood --pretrained openai",
)
@_uses_cache
def evaluate(
    id_set: str = typer.Option("imagenet1k", "--id", help="ID set (the offline world is calibrated on ImageNet-1K)."),
    ood: str = typer.Option("inaturalist,sun,places,textures", help="Comma-separated OOD sets."),
    method: str = typer.Option("mcm,neglabel,csp,dnm", help=METHODS_HELP),
    filter_spec: str = FILTER_OPTION,
    negrefine_images: int = NEGREFINE_IMAGES_OPTION,
    sizes: str = typer.Option("full", help="'full' (50,000 ID + 35,640 OOD images) or 'smoke' (quick)."),
    tau_neg: float = TAU_NEG_OPTION,
    num_groups: int = NUM_GROUPS_OPTION,
    seed: int = typer.Option(0, help="Seed of the world's images and of the partition of the negatives."),
    bootstrap: int = BOOTSTRAP_OPTION,
    imagenet_val: Path = typer.Option(None, help="Real data: the ImageNet-1K validation folder (flat or "
                                                 "val/<wnid>/). Runs open_clip instead of the offline world."),
    ood_root: Path = typer.Option(None, help="Real data: the folder holding iNaturalist/, SUN/, Places/, dtd/."),
    partial_imagenet: bool = typer.Option(False, help="Real data: accept a partial copy of ImageNet's validation "
                                                      "set (the ID labels are still all 1,000 classes)."),
    model: str = MODEL_OPTION,
    pretrained: str = PRETRAINED_OPTION,
    device: str = DEVICE_OPTION,
    corpus_step: int = CORPUS_STEP_OPTION,
    batch_size: int = BATCH_SIZE_OPTION,
    num_workers: int = NUM_WORKERS_OPTION,
    on_unreadable: OnUnreadable = ON_UNREADABLE_OPTION,
    checkpoint_every: int = CHECKPOINT_OPTION,
    save: Path = SAVE_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The ImageNet-1K OOD benchmark: on the offline world by default, on real images with --imagenet-val.

    Offline world (SIMULATED numbers: MiniLM text, synthetic images): the first run embeds the ~57k-word DNM
    corpus and CSP's ~11k phrases with MiniLM (about 3 minutes on a CPU, then cached in the feature store,
    $DEBIASOOD_CACHE). With --imagenet-val and --ood-root: the real pipeline with an open_clip model (the
    --model/--pretrained options and those after them), every feature cached; --sizes does not apply there.
    The cures for false negatives: --filter drops corpus words before mining (WordNet's relations to the ID
    classes, or a published verdict file such as NegRefine's), and --method negrefine scores CSP's negatives
    with NegRefine's score, whose pair texts are embedded while scoring (slow on a CPU: --negrefine-images).
    """
    from debiasood.core.evaluation import ScoreSettings
    from debiasood.core.methods import check_methods
    from debiasood.data.filters import parse_filter_spec
    from debiasood.world import offline as benchmark
    from debiasood.world.simulated import BENCHMARK_SIZES, ID_SET, SMOKE_SIZES

    if (imagenet_val is None) != (ood_root is None):
        _fail("real data needs both --imagenet-val and --ood-root")
    if imagenet_val is not None:
        from debiasood.app import pipeline

        if id_set != ID_SET:
            _fail(f"--id {id_set!r}: the real benchmark reads ImageNet-1K validation as ID")
        options = _pipeline_options(method, corpus_step, tau_neg, num_groups, 0.01, seed, model, pretrained, device,
                                    batch_size, num_workers, on_unreadable, bootstrap, checkpoint_every,
                                    filter_spec, negrefine_images)
        _run_pipeline(lambda: pipeline.benchmark_folders(imagenet_val, ood_root, ood, complete=not partial_imagenet),
                      options, fmt, save)
        return
    if id_set != ID_SET:
        _fail(f"--id {id_set!r}: the offline world is calibrated on {ID_SET} only")
    if sizes not in ("full", "smoke"):
        _fail(f"--sizes must be 'full' or 'smoke', got {sizes!r}")
    methods = check_methods(_names(method))
    corpus_filter = parse_filter_spec(filter_spec)  # a missing verdict file fails here, before the world is built
    cap = negrefine_images or None
    settings = ScoreSettings(tau_neg=tau_neg, num_groups=num_groups, seed=seed)
    setup = benchmark.offline_setup(csp=bool({"csp", "negrefine"} & set(methods)), progress=True)
    notes = []
    if filter_spec.strip() != "none":
        setup, filtered = benchmark.filter_setup(setup, corpus_filter)
        notes.append(_filter_note(filtered.name, filtered.counts()))
    density = (benchmark.density_negatives(setup) if {"dnm", "dnm-official"} & set(methods) else None)
    negrefine = benchmark.negrefine_context(setup) if "negrefine" in methods else None
    chosen = BENCHMARK_SIZES if sizes == "full" else SMOKE_SIZES
    rows = benchmark.simulated_benchmark(setup.world, setup.text, setup.corpus.words, setup.corpus.parts_of_speech,
                                         methods=methods, ood_sets=_names(ood), sizes=chosen, seed=seed,
                                         settings=settings, bootstrap=bootstrap, density_indices=density,
                                         negrefine=negrefine, negrefine_images=cap)
    if negrefine is not None:
        sets = {name: chosen[name] for name in (ID_SET, *_names(ood))}
        scored = {name: len(rows) for name, rows in benchmark.image_subset(sets, cap, seed).items()}
        notes.append(_negrefine_note(scored, sets, negrefine["encode_pair_texts"].cost(), seed))
    _print_table(rows, fmt, notes)


@app.command(
    "negatives",
    epilog="Examples:\n\n\b\n  debiasood negatives --rule density --show 20\n"
    "  debiasood negatives --rule neglabel,csp,density --show 0 --format csv",
)
@_uses_cache
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
    typer.echo(render(summary, fmt.value))
    if listed:
        typer.echo("\n" + render(listed, fmt.value))


@app.command(
    "score-dumps",
    epilog="Example:\n\n\b\n  debiasood score-dumps CLIP_features_B16.pth neg_dump_new_B16.pth "
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
                               scores=_names(scores), settings=settings, bootstrap=bootstrap)
    except (ValueError, FileNotFoundError) as error:
        _fail(str(error))
    _print_table(rows, fmt)


# ------------------------------------------------------------------------- tau and the text side's fidelity


class TextSideChoice(StrEnum):
    minilm = "minilm"
    clip_like = "clip-like"


@app.command(
    "estimate-tau",
    epilog="Examples:\n\n\b\n  debiasood estimate-tau\n"
    "  debiasood estimate-tau --backbone ViT-B/32 --sizes full --format csv\n"
    "  debiasood estimate-tau --features bundles/vitb16 --rule density --bootstrap 200",
)
@_uses_cache
def estimate_tau(
    features: Path = typer.Option(None, help="A feature bundle folder ('debiasood extract', 'world export' or "
                                             "'import-dumps'). Default: the offline world (SIMULATED numbers)."),
    backbone: str = typer.Option(None, help="The backbone whose official setting is compared: ViT-B/16, ViT-B/32, "
                                            "ViT-L/14, ViT-L/14@336px or RN50 (open_clip's 'ViT-B-16' works too); it "
                                            "also sets DNM's official quotas and k. [default: the bundle's model; "
                                            "ViT-B/16 for the offline world]", show_default=False),
    id_set: str = typer.Option(None, "--id-set", help="The ID set of the official setting (the official code sets "
                                                      "tau = 1 for imagenet-a/-r/-v2/-sketch). [default: the bundle's "
                                                      "ID set; imagenet1k for the offline world]",
                               show_default=False),
    rule: str = typer.Option("density", help="Whose mined negatives: density (DNM's own), neglabel or csp."),
    sizes: str = typer.Option("smoke", help="Offline world: images drawn, 'smoke' (2,000 ID images) or 'full' "
                                            "(50,000; the affinity then takes each label's top 50)."),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples for the 95% intervals (0: none)."),
    seed: int = typer.Option(0, min=0, help="Seed of the world's images and of the bootstrap."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """DNM's tau (share of TRUE negatives among the mined labels) from data, beside the official setting.

    Two estimates: the WordNet audit's (1 - the share of mined labels WordNet relates to an ID class; an upper
    bound, since WordNet misses visual look-alikes; needs ID classes that are WordNet synsets) and a data-driven
    one without labels (Best Bin Estimation, Garg et al. 2021, of the share of ID-like labels from the labels'
    affinity to the ID images; a lower bound if the false negatives look like ID labels in that score). Each row
    says which of the official settings (0.12, 0.5, 1) the estimate would have chosen.
    """
    from debiasood.core.evaluation import Settings
    from debiasood.core.methods import RULES
    from debiasood.core.tau import (
        OFFICIAL_TAU_VALUES,
        official_backbone,
        official_tau,
        tau_comparison_rows,
        tau_from_image_affinity,
    )
    from debiasood.data.bundle import load_bundle
    from debiasood.data.label_sets import LabelSet
    from debiasood.data.tau_audit import audit_tau

    if rule not in RULES:
        _fail(f"unknown --rule {rule!r}; choose from {', '.join(RULES)}")
    if features is None:
        from debiasood.world import simulated
        from debiasood.world.export import simulated_bundle
        from debiasood.world.offline import offline_setup

        if sizes not in ("full", "smoke"):
            _fail(f"--sizes must be 'full' or 'smoke', got {sizes!r}")
        if id_set not in (None, simulated.ID_SET):
            _fail(f"--id-set {id_set!r}: the offline world's ID set is {simulated.ID_SET}; other ID sets need a "
                  "feature bundle (--features)")
        chosen = simulated.BENCHMARK_SIZES if sizes == "full" else simulated.SMOKE_SIZES
        bundle = simulated_bundle(offline_setup(csp=rule == "csp", progress=True), chosen, seed=seed,
                                  command=_command_line())
    else:
        bundle = load_bundle(features)
    backbone = backbone or ("ViT-B/16" if features is None else bundle.provenance.model)
    id_set = id_set or bundle.id_set
    try:
        settings = Settings.official(backbone, id_set, seed=seed)
    except ValueError as error:
        _fail(f"{error}; name the setting to compare with: --backbone")
    official = official_tau(backbone, id_set)
    mined = bundle.negatives(rule, settings)
    text = bundle.text
    estimates, notes = [], []
    if text.has_wordnet:
        words = text.csp_pool if rule == "csp" else text.corpus
        label_set = LabelSet(bundle.id_set, tuple(text.id_names), tuple(text.id_wnids), bundle.label)
        estimates.append(audit_tau(words, label_set, mined, num_bootstrap=bootstrap, seed=seed))
    else:
        notes.append("no WordNet audit: it needs ID classes that are WordNet synsets (wnids, the ImageNet family) "
                     "and corpus words with synsets, which this bundle lacks.")
    id_text = text.id_csp if rule == "csp" and text.id_csp is not None else text.id_neglabel
    estimates.append(tau_from_image_affinity(id_text, bundle.negative_features(rule, settings),
                                             bundle.images[bundle.id_set].features, num_bootstrap=bootstrap,
                                             seed=seed))
    rows = [{"features": bundle.label, "setting": f"{official_backbone(backbone)}, {id_set}", "rule": rule,
             "mined": len(mined), **row} for row in tau_comparison_rows(estimates, official)]
    notes.append(f"tau is the share of true negatives among the {len(mined):,} mined labels; the official code sets "
                 f"{official:g} here. 'would_choose' is the official setting "
                 f"({', '.join(f'{v:g}' for v in OFFICIAL_TAU_VALUES)}) nearest to each estimate. The WordNet "
                 "audit's tau is an upper bound (WordNet misses look-alikes); the positive-unlabelled one a lower "
                 "bound where its assumption holds (mined labels are chosen far from the ID labels, which strains "
                 "it): read them together.")
    if bundle.provenance.world == "simulated":
        notes.append("SIMULATED features (the offline world): these estimates are not CLIP's.")
    _print_table(rows, fmt, notes, digits=3)


@app.command(
    "fidelity",
    epilog="Examples:\n\n\b\n  debiasood fidelity\n  debiasood fidelity --text-side clip-like --format csv\n"
    "  debiasood fidelity --corpus-step 10 --split-seed 1",
)
@_uses_cache
def fidelity(
    text_side: TextSideChoice = typer.Option(
        TextSideChoice.minilm, help="The text side to hold against real CLIP: 'minilm' (the offline world's MiniLM) "
        "or 'clip-like' (MiniLM bent towards CLIP's mining by debiasood.world.text_side; first run embeds the "
        "corpus again, minutes on a CPU)."),
    corpus: str = typer.Option("dnm", help="Corpus preset of the candidate words: full, neglabel, dnm or csp."),
    corpus_step: int = typer.Option(1, min=1, help="Keep every n-th corpus word (1: all)."),
    split_seed: int = typer.Option(0, min=0, help="Seed of the synset-hash split into a fit half and a held-out "
                                                  "half (the CLIP-like text side was fitted on seed 0's fit half)."),
    csp_percentile: float = typer.Option(1.0, help="Percentile of CSP's criterion: 1.0 (the maximum cosine) is "
                                                   "what NegRefine's run of CSP, the real selection here, used."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """How well a text side mines what real CLIP ViT-B/16 mined: for NegLabel's and CSP's rules, the AUROC of
    its criterion over the words both share, Jaccard at equal size, total-variation distance of the
    lexicographer-file mix and false-negative shares, on all words and on each half of a synset-hash split.
    The text side is SIMULATED; the selections it is compared with are REAL (published by NegLabel's and
    NegRefine's authors)."""
    from debiasood.data.fidelity import fidelity_rows
    from debiasood.world.offline import offline_setup

    encoder = None
    if text_side is TextSideChoice.clip_like:
        from debiasood.world.text_side import ClipLikeTextEncoder

        encoder = ClipLikeTextEncoder()
    setup = offline_setup(encoder=encoder, corpus=corpus, corpus_step=corpus_step, progress=True)
    rows = fidelity_rows(setup.text, setup.corpus, setup.csp_pool, split_seed=split_seed,
                         csp_percentile=csp_percentile)
    _print_table(rows, fmt, [f"text side: {text_side.value} ({getattr(setup.encoder, 'id', '?')}), SIMULATED; "
                             "the selections it is compared with are real CLIP ViT-B/16's."], digits=4)


# ------------------------------------------------------------------------------------- the real pipeline


def _pipeline_options(method, corpus_step, tau_neg, num_groups, temperature, seed, model, pretrained, device,
                      batch_size, num_workers, on_unreadable, bootstrap, checkpoint_every, filter_spec="none",
                      negrefine_images=0) -> dict:
    from debiasood.app.pipeline import default_num_workers
    from debiasood.core.evaluation import ScoreSettings

    try:
        settings = ScoreSettings(temperature=temperature, num_groups=num_groups, tau_neg=tau_neg, seed=seed)
    except ValueError as error:
        _fail(str(error))
    # 'report' lists the skipped files without a Python warning: the command prints them once, after the table.
    return {"methods": method, "corpus_step": corpus_step, "settings": settings, "model": model,
            "pretrained": pretrained, "device": device, "batch_size": batch_size,
            "num_workers": default_num_workers() if num_workers is None else num_workers,
            "on_unreadable": "fail" if on_unreadable is OnUnreadable.fail else "report", "bootstrap": bootstrap,
            "checkpoint_every": checkpoint_every, "corpus_filter": filter_spec,
            "negrefine_images": negrefine_images or None}


def _run_pipeline(data_loader: Callable[[], Any], options: dict, fmt: Format, save: Path | None) -> None:
    """Shared by evaluate (real data) and evaluate-folders: read the folders, say what will happen, run the
    pipeline with one progress bar per stage, print the table and the notes."""
    from debiasood.app import pipeline
    from debiasood.data.datasets.folders import IMAGE_EXTENSIONS

    pipeline.check_options(**options)  # before any folder is scanned
    data = data_loader()
    _show_classes(data.id)
    for row in data.ignored_rows()[:5]:
        _note(f"note: {row['set']}: {row['file']} is not read (only {', '.join(IMAGE_EXTENSIONS)} files are "
              "images here, as for torchvision's ImageFolder)")
    if len(data.ignored_rows()) > 5:
        _note(f"note: ... and {len(data.ignored_rows()) - 5} more files that are not images by their extension")
    result = pipeline.evaluate_data(data, progress=True, log=_note, on_plan=_show_plan, **options)
    notes = _dnm_notes(result)
    if result.corpus_filter is not None:
        notes.insert(0, _filter_note(result.corpus_filter["name"], result.corpus_filter))
    if result.negrefine is not None:
        notes.append(_negrefine_note(result.negrefine["scored"], result.negrefine["images"],
                                     result.negrefine["cost"], result.settings.seed))
    _print_table(result.rows, fmt, notes)
    skipped = result.skipped_rows()
    if skipped:
        _note(f"skipped {len(skipped)} unreadable image(s); the rows above leave them out (--on-unreadable fail "
              "stops at the first one instead):\n" + render(skipped, "markdown"))
    if save is not None:
        _note(f"results saved to {result.save(save)}")


def _show_classes(dataset: Any) -> None:
    rows = dataset.class_rows()
    if len(rows) > 50:
        _note(f"ID: {len(rows)} classes, named {rows[0]['name']!r}, {rows[1]['name']!r}, ... (--save stores all)")
        return
    _note(f"ID classes: the class folder and the name the prompts use ({len(rows)} classes):\n"
          + render(rows, "markdown"))


def _show_plan(plan: Any) -> None:
    from debiasood.app.pipeline import format_duration

    _note(f"plan ({plan.encoder_id} on {plan.device}):\n" + render(plan.stages, "markdown"))
    if plan.pair_prompts:
        duration = plan.pair_seconds
        _note(f"NegRefine's pair texts: at most {plan.pair_prompts:,} prompts at scoring time (fewer when pairs "
              "repeat across images or are in the feature store)" + (
                  f", at most about {format_duration(duration)} at the measured speed" if duration else "")
              + ("; --negrefine-images N scores a seeded subset of N images per set" if duration and duration > 600
                 else ""))
    if not plan.images_to_encode and not plan.prompts_to_encode:
        _note("everything is in the feature store: no model runs" + (" before scoring" if plan.pair_prompts else ""))
        return
    speed = ", ".join(f"{rate:.1f} {unit}/s" for rate, unit in ((plan.texts_per_second, "prompts"),
                                                               (plan.images_per_second, "images")) if rate)
    estimate = f": about {format_duration(plan.seconds)}" if plan.seconds is not None else ""
    _note(f"to encode: {plan.images_to_encode:,} images and {plan.prompts_to_encode:,} prompts; measured {speed} "
          f"on {plan.device}{estimate} (decoding and mining not included)")
    if plan.seconds is not None and plan.seconds > 600:
        step = math.ceil(plan.text_seconds / 600)
        advice = [f"--corpus-step {step} keeps one corpus word in {step} (text about "
                  f"{format_duration(plan.text_seconds / step)})"] if step > 1 else []
        if plan.device == "cpu":
            advice.append("a GPU (--device cuda) is much faster")
        advice.append("an interrupted run resumes where it stopped (--checkpoint-every)")
        _note("that is long: " + "; ".join(advice))


def _filter_note(name: str, counts: Mapping[str, int]) -> str:
    """The filter's counts in a sentence: kept, removed per reason, kept without a verdict."""
    reasons = ", ".join(f"{key.removeprefix('removed: ')} {value:,}" for key, value in counts.items()
                        if key.startswith("removed: ") and value)
    total = counts["kept"] + counts["removed"]
    text = (f"filter {name}: kept {counts['kept']:,} of {total:,} corpus words before mining, removed "
            f"{counts['removed']:,}" + (f" ({reasons})" if reasons else ""))
    if counts["no_verdict"]:
        text += f"; {counts['no_verdict']:,} of the kept words have no verdict in the file (kept as they are)"
    return text + "."


def _negrefine_note(scored: Mapping[str, int], images: Mapping[str, int], cost: Mapping[str, int],
                    seed: int) -> str:
    """What NegRefine scored (all images, or a seeded subset per set) and what its pair texts cost."""
    if all(scored[name] == images[name] for name in images):
        subset = "scored every image"
    else:
        subset = ("scored a seeded subset (seed " + str(seed) + ") of the images: " + ", ".join(
            f"{name} {scored[name]:,} of {images[name]:,}" for name in images)
            + "; the other methods' rows use every image")
    return (f"negrefine {subset}. Its pair texts ('{{ID label}} and {{negative}}' for each image's top 5 x top 5): "
            f"{cost['pair_texts']:,} distinct texts x {cost['templates']} template(s); {cost['batches_encoded']} "
            f"encoder batch(es) ({cost['prompts_encoded']:,} prompts) and {cost['batches_read']} read from the "
            "feature store.")


def _dnm_notes(result: Any) -> list[str]:
    hazard = result.dnm_hazard()
    if hazard is None:
        return []
    return [f"DNM's official arithmetic is unsafe here: with K = {hazard['num_classes']} ID classes, Q = "
            f"{hazard['group_size']} negatives per group and tau = {hazard['tau_neg']:g}, a = tau - Q(1 - tau)/K = "
            f"{hazard['coefficient']:.3f} <= 0, so dnm-official can give negative or infinite scores. The 'dnm' rows "
            f"use the clamped form, which clamps {100 * hazard['clamped_share_id']:.1f}% of the ID and "
            f"{100 * hazard['clamped_share_ood']:.1f}% of the OOD (image, group) pairs (an image clamped in every "
            f"group scores 1, tied with the others). a > 0 needs tau > Q/(K + Q) = {hazard['safe_tau']:.3f}: try "
            f"--tau-neg {min(1.0, math.floor(hazard['safe_tau'] * 100) / 100 + 0.01):.2f}, or more groups "
            "(--num-groups) for a smaller Q."]


@app.command(
    "evaluate-folders",
    epilog="Examples:\n\n\b\n"
    "  # try it on a CPU in a minute: the tiny model with random weights (numbers mean nothing)\n"
    "  debiasood evaluate-folders --id-root data/pets --class-names data/pets.txt --ood web=data/web \\\n"
    "      --model tiny --pretrained random --corpus-step 50\n"
    "  # real weights (a local checkpoint file, or a tag such as openai)\n"
    "  debiasood evaluate-folders --id-root data/pets --class-names data/pets.txt --ood sketches=data/sketches \\\n"
    "      --ood noise=data/noise --model ViT-B-16 --pretrained openai --save results.json\n"
    "  # the cures: a verdict file (NegRefine's format) as a filter, and NegRefine's score on 200 images per set\n"
    "  debiasood evaluate-folders --id-root data/pets --class-names data/pets.txt --ood web=data/web \\\n"
    "      --method csp,negrefine,dnm --filter verdicts:data/pets_verdicts.txt --negrefine-images 200",
)
@_uses_cache
def evaluate_folders(
    id_root: Path = typer.Option(..., help="ID images as <root>/<class folder>/<image> (at least 2 classes)."),
    class_names: Path = typer.Option(None, help="Display names for the prompts, a UTF-8 file with one line per class "
                                                "folder: '<folder> <name>' (see --names-format). Default: the "
                                                "folder names."),
    names_format: NamesFormat = typer.Option(
        NamesFormat.pairs, help="How --class-names is written: 'pairs' ('<folder> <name>' per line, any order) or "
        "'lines' (one name per line in the sorted order of the class folders)."),
    ood: list[str] = typer.Option(..., help="An OOD folder as NAME=PATH (repeat for several sets)."),
    method: str = typer.Option("mcm,neglabel,csp,dnm", help=METHODS_HELP),
    filter_spec: str = FILTER_OPTION,
    negrefine_images: int = NEGREFINE_IMAGES_OPTION,
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
    on_unreadable: OnUnreadable = ON_UNREADABLE_OPTION,
    checkpoint_every: int = CHECKPOINT_OPTION,
    bootstrap: int = BOOTSTRAP_OPTION,
    save: Path = SAVE_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Your own data with a real open_clip model: image folders and class names in, an OOD results table out.

    Before the work starts it prints the class folder -> name map and a plan with a time estimate measured on
    the model. Image and text features are cached in the feature store ($DEBIASOOD_CACHE), and an interrupted
    run resumes. On a CPU, try --model tiny --pretrained random first (seconds), then use --corpus-step to keep
    the text side short. With few ID classes the official DNM arithmetic is unsafe; 'dnm' is the clamped form,
    and the command says how often the clamp engages. --filter verdicts:FILE drops words a published verdict
    file removed before mining ('wordnet' needs ID classes that are WordNet synsets, which own folders lack);
    --method negrefine embeds NegRefine's pair texts while scoring (slow on a CPU: --negrefine-images).
    """
    from debiasood.app import pipeline

    options = _pipeline_options(method, corpus_step, tau_neg, num_groups, temperature, seed, model, pretrained,
                                device, batch_size, num_workers, on_unreadable, bootstrap, checkpoint_every,
                                filter_spec, negrefine_images)
    _run_pipeline(lambda: pipeline.load_folders(id_root, ood, class_names, names_format=names_format.value),
                  options, fmt, save)


# ------------------------------------------------------------------------------------------- feature bundles

world_app = typer.Typer(help="The offline simulated world as a feature bundle.", no_args_is_help=True,
                        rich_markup_mode=None,
                        epilog="Example:\n\n\b\n  debiasood world export bundles/simulated --sizes smoke")
app.add_typer(world_app, name="world")


class Sizes(StrEnum):
    benchmark = "benchmark"
    calibration = "calibration"
    smoke = "smoke"


@world_app.command(
    "export", epilog="Example:\n\n\b\n  debiasood world export bundles/simulated --sizes smoke\n"
    "  jupytext --to ipynb notebooks/03_main_benchmark.py && papermill 03_main_benchmark.ipynb out.ipynb "
    "-p FEATURES bundles/simulated")
@_uses_cache
def world_export(
    out: Path = typer.Argument(..., help="Folder to write the bundle to (it must not exist, or use --overwrite)."),
    sizes: Sizes = typer.Option(Sizes.benchmark, help="Images per set: benchmark (50,000 ID + the four OOD sets' "
                                "real sizes), calibration or smoke (quick)."),
    seed: int = typer.Option(0, min=0, help="Seed of the image draw."),
    corpus_step: int = typer.Option(1, min=1, help="Keep every n-th corpus word (1: the whole DNM corpus)."),
    overwrite: bool = typer.Option(False, help="Replace an existing bundle folder."),
) -> None:
    """Write the simulated world (MiniLM text side, synthetic images) as a feature bundle: the same format as
    'debiasood extract' writes from real images, labelled simulated in its provenance."""
    from debiasood.world import simulated
    from debiasood.world.export import simulated_bundle
    from debiasood.world.offline import offline_setup

    chosen = {"benchmark": simulated.BENCHMARK_SIZES, "calibration": simulated.CALIBRATION_SIZES,
              "smoke": simulated.SMOKE_SIZES}[sizes.value]
    _note(f"building the offline world (corpus step {corpus_step}) and drawing {sum(chosen.values()):,} images")
    setup = offline_setup(corpus_step=corpus_step, progress=True)
    bundle = simulated_bundle(setup, chosen, seed=seed, command=_command_line())
    _note(f"bundle written to {bundle.save(out, overwrite=overwrite)}")
    _print_table(_bundle_rows(bundle), Format.markdown)


@app.command(
    "extract", epilog="Examples:\n\n\b\n"
    "  # the ImageNet-1K benchmark with real weights, on 4 GPUs\n"
    "  torchrun --nproc_per_node=4 -m debiasood extract bundles/vitb16 --imagenet-val /data/imagenet/val \\\n"
    "      --ood-root /data/ood --model ViT-B-16 --pretrained openai\n"
    "  # your own folders, tried on a CPU with the tiny model (its numbers mean nothing)\n"
    "  debiasood extract bundles/pets --id-root data/pets --class-names data/pets.txt --ood web=data/web \\\n"
    "      --model tiny --pretrained random --corpus-step 50")
@_uses_cache
def extract(
    out: Path = typer.Argument(..., help="Folder to write the bundle to."),
    imagenet_val: Path = typer.Option(None, help="ImageNet-1K validation images (flat or val/<wnid>/): the "
                                                 "benchmark's ID set; needs --ood-root."),
    ood_root: Path = typer.Option(None, help="The MOS OOD root (iNaturalist/, SUN/, Places/, dtd/images/)."),
    ood_sets: str = typer.Option("inaturalist,sun,places,textures", help="OOD sets under --ood-root."),
    partial_imagenet: bool = typer.Option(False, help="Accept a partial copy of ImageNet's validation set."),
    id_root: Path = typer.Option(None, help="Your own ID images as <root>/<class folder>/<image>."),
    class_names: Path = typer.Option(None, help="Display names for your class folders (see evaluate-folders)."),
    names_format: NamesFormat = typer.Option(NamesFormat.pairs, help="How --class-names is written."),
    ood: list[str] = typer.Option(None, help="Your own OOD folder as NAME=PATH (repeat)."),
    corpus: str = typer.Option("dnm", help="Corpus preset of candidate negatives."),
    corpus_step: int = CORPUS_STEP_OPTION,
    model: str = MODEL_OPTION,
    pretrained: str = PRETRAINED_OPTION,
    device: str = DEVICE_OPTION,
    batch_size: int = BATCH_SIZE_OPTION,
    num_workers: int = NUM_WORKERS_OPTION,
    on_unreadable: OnUnreadable = ON_UNREADABLE_OPTION,
    checkpoint_every: int = CHECKPOINT_OPTION,
    overwrite: bool = typer.Option(False, help="Replace an existing bundle folder."),
) -> None:
    """Real features as a bundle: encode image folders and the corpus with open_clip, write one folder every
    chapter of the book reads (FEATURES=<folder>). Runs under torchrun too: each process encodes its share of the
    images, the first writes the bundle, identical to a single-process run."""
    from debiasood.app import pipeline
    from debiasood.app.extract import distributed_from_environment, extract_bundle

    if (imagenet_val is None) == (id_root is None):
        _fail("give either --imagenet-val with --ood-root (the benchmark) or --id-root with --ood (your folders)")
    if imagenet_val is not None and ood_root is None:
        _fail("--imagenet-val needs --ood-root, the folder of the OOD sets")
    if id_root is not None and not ood:
        _fail("--id-root needs at least one --ood NAME=PATH")
    distributed = distributed_from_environment()
    if device == "auto" and distributed.world_size > 1:
        import torch

        device = f"cuda:{int(__import__('os').environ.get('LOCAL_RANK', '0'))}" if torch.cuda.is_available() \
            else "cpu"
    if imagenet_val is not None:
        data = pipeline.benchmark_folders(imagenet_val, ood_root, ood_sets, complete=not partial_imagenet)
        id_set = "imagenet1k"
    else:
        data = pipeline.load_folders(id_root, ood, class_names, names_format=names_format.value)
        id_set = "id"
    if distributed.leader:
        _show_classes(data.id)
    encoder = pipeline.make_encoder(model, pretrained, device=device)
    workers = pipeline.default_num_workers() if num_workers is None else num_workers
    bundle = extract_bundle(encoder, data, pipeline.load_corpus(corpus, corpus_step), out, model=model,
                            pretrained=pretrained, id_set=id_set, batch_size=batch_size, num_workers=workers,
                            on_unreadable=on_unreadable.value, chunk_size=checkpoint_every,
                            checkpoint_every=checkpoint_every, overwrite=overwrite, progress=True,
                            distributed=distributed, command=_command_line())
    if bundle is not None:
        _note(f"bundle written to {bundle.path or out}")
        _print_table(_bundle_rows(bundle), Format.markdown)


@app.command("import-dumps", epilog="Example:\n\n\b\n"
             "  debiasood import-dumps CLIP_features_B16.pth neg_dump_new_B16.pth bundles/official-b16")
@_uses_cache
def import_dumps(
    image_dump: Path = typer.Argument(..., help="The official code's image features (CLIP_features_*.pth)."),
    text_dump: Path = typer.Argument(..., help="The official code's text features (neg_dump_new_*.pth)."),
    out: Path = typer.Argument(..., help="Folder to write the bundle to."),
    model: str = typer.Option("ViT-B-16", help="The CLIP that wrote the dumps (the file names say: *_B16.pth)."),
    pretrained: str = typer.Option("openai", help="Its weights."),
    id_set: str = typer.Option("imagenet1k", help="The ID set among the image dump's sets."),
    allow_pickle: bool = typer.Option(False, help="Trust files that need full unpickling (never for files from "
                                                  "elsewhere)."),
    overwrite: bool = typer.Option(False, help="Replace an existing bundle folder."),
) -> None:
    """Convert the official DNM code's feature dumps into a feature bundle (real CLIP features). The dumps hold
    only the negatives the official code selected, so the bundle's DNM rows use that fixed selection; NegLabel's
    and CSP's rules and the WordNet audit need the full corpus and are skipped for it."""
    from debiasood.data.datasets.official_dumps import dumps_to_bundle

    bundle = dumps_to_bundle(image_dump, text_dump, model=model, pretrained=pretrained, id_set=id_set,
                             allow_pickle=allow_pickle, command=_command_line())
    _note(f"bundle written to {bundle.save(out, overwrite=overwrite)}")
    _print_table(_bundle_rows(bundle), Format.markdown)


@app.command("bundle", epilog="Example:\n\n\b\n  debiasood bundle bundles/vitb16 --format json")
def bundle_info(path: Path = typer.Argument(..., help="A feature bundle folder."),
                fmt: Format = FORMAT_OPTION) -> None:
    """Check a feature bundle (every file against its checksum) and show what it holds and where it comes from."""
    from debiasood.data.bundle import load_bundle

    try:
        bundle = load_bundle(path)
    except ValueError as error:
        _fail(str(error))
    _print_table(_bundle_rows(bundle), fmt)


def _bundle_rows(bundle: Any) -> list[dict[str, object]]:
    p, text = bundle.provenance, bundle.text
    rows = [{"what": "world", "value": p.world}, {"what": "label", "value": bundle.label},
            {"what": "model", "value": f"{p.model} ({p.pretrained}), dimension {p.dim}"},
            {"what": "ID classes", "value": f"{len(text.id_names):,}" + (" with wnids" if text.id_wnids else "")},
            {"what": "corpus", "value": f"{p.corpus_name}: {len(text.corpus.words):,} words"},
            {"what": "CSP pool", "value": "-" if text.csp_pool is None else f"{len(text.csp_pool.words):,} entries"}]
    rows += [{"what": f"images: {name}" + (" (ID)" if name == bundle.id_set else ""), "value": f"{len(s):,}"}
             for name, s in bundle.images.items()]
    rows += [{"what": "written by", "value": p.command}, {"what": "written at", "value": p.created_utc},
             {"what": "package version", "value": p.package_version}]
    return rows


def _command_line() -> str:
    import shlex
    import sys

    return " ".join(shlex.quote(part) for part in ["debiasood", *sys.argv[1:]])


def main() -> None:  # pragma: no cover - the console script's entry point
    app()
