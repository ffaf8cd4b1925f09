"""The papers' reported numbers, typed once: every chapter, the world's calibration and the CLI read them here.

All are REPORTED numbers for CLIP ViT-B/16 with ImageNet-1K as ID (paper convention: ID positive, FPR95 at
the threshold with ID recall nearest 95%), in percent, FPR95 / AUROC. None is computed by this project. The
book's method reference (section "Reported numbers") lists them with their sources.

Marks: ``"*"`` recalled by third parties, to be confirmed against the paper; ``"†"`` from a secondary source;
``None`` where a number was not recovered. NegRefine's log reports no four-set average (its run has three
more OOD sets); an average of the four is a computation on reported numbers, not a reported number.
"""

from __future__ import annotations

from types import MappingProxyType

OOD_SETS = ("inaturalist", "sun", "places", "textures")
LABEL = "reported (CLIP ViT-B/16)"

SOURCES = MappingProxyType({
    "mcm": "Ming et al., NeurIPS 2022, as reported in the DNM paper's main table",
    "neglabel": "Jiang et al., ICLR 2024, as reported in the DNM paper's main table",
    "csp": "Chen et al., NeurIPS 2024, as reported in the DNM paper's main table",
    "dnm": "Peng, Zhang, Lu, Fang, KDD 2026 (arXiv 2605.23797): iNaturalist from the main table; the average "
           "FPR95 from a secondary source",
    "negrefine": "Ansari et al., ICCV 2025: the authors' run log (github.com/ah-ansari/NegRefine, "
                 "output/imagenet/seed_0/result.txt)",
})

_FPR_AUROC = tuple[float | None, float | None]

#: method -> OOD set (and "average") -> (FPR95, AUROC), percent.
REPORTED: MappingProxyType[str, MappingProxyType[str, _FPR_AUROC]] = MappingProxyType({
    method: MappingProxyType(table) for method, table in {
        "mcm": {"inaturalist": (30.91, 94.61), "sun": (37.59, 92.57), "places": (44.69, 89.77),
                "textures": (57.77, 86.11), "average": (42.74, 90.77)},
        "neglabel": {"inaturalist": (1.91, 99.49), "sun": (20.53, 95.49), "places": (35.59, 91.64),
                     "textures": (43.56, 90.22), "average": (25.40, 94.21)},
        "csp": {"inaturalist": (1.54, 99.60), "sun": (13.66, 96.66), "places": (29.32, 92.90),
                "textures": (25.52, 93.86), "average": (17.51, 95.76)},
        "dnm": {"inaturalist": (1.78, 99.51), "sun": (None, None), "places": (None, None),
                "textures": (None, None), "average": (16.90, None)},
        "negrefine": {"inaturalist": (1.51, 99.57), "sun": (22.93, 94.64), "places": (39.10, 90.42),
                      "textures": (21.15, 94.69), "average": (None, None)},
    }.items()
})

#: NegRefine's run log also reports these OOD sets (FPR95, AUROC), outside the four-set benchmark.
NEGREFINE_EXTRA: MappingProxyType[str, _FPR_AUROC] = MappingProxyType(
    {"openimage_o": (24.03, 95.02), "clean": (33.04, 90.70), "ninco": (62.11, 81.90)})

#: (method, set) -> mark.
MARKS: MappingProxyType[tuple[str, str], str] = MappingProxyType({
    ("csp", "sun"): "*", ("csp", "places"): "*", ("csp", "textures"): "*", ("dnm", "average"): "†"})

#: Other reported DNM results (paper): SUN AUROC at 336 px, and the "common words" corpus average AUROC.
DNM_336PX_SUN_AUROC = MappingProxyType({"dnm": 96.29, "neglabel": 95.68})
DNM_COMMON_WORDS_AUROC = MappingProxyType({"dnm": 90.34, "neglabel": 89.29})

#: Real CLIP ViT-B/16 zero-shot top-1 on ImageNet-1K (80-prompt ensemble), about 68%; the world fits 66%.
CLIP_B16_TOP1 = 0.68


def fpr95(method: str, ood_set: str) -> float | None:
    """Reported FPR95 of ``method`` on ``ood_set`` (or "average"); None where not recovered."""
    return _cell(method, ood_set)[0]


def auroc(method: str, ood_set: str) -> float | None:
    """Reported AUROC of ``method`` on ``ood_set`` (or "average"); None where not recovered."""
    return _cell(method, ood_set)[1]


def _cell(method: str, ood_set: str) -> _FPR_AUROC:
    if method not in REPORTED:
        raise ValueError(f"no reported numbers for method {method!r}; known: {', '.join(REPORTED)}")
    if ood_set not in REPORTED[method]:
        raise ValueError(f"no reported numbers for OOD set {ood_set!r}; known: {', '.join(REPORTED[method])}")
    return REPORTED[method][ood_set]


#: The world's two calibration anchors: reported average FPR95 of MCM and NegLabel.
ANCHORS = MappingProxyType({method: fpr95(method, "average") for method in ("mcm", "neglabel")})
