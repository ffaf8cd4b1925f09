"""The real CLIP evidence of notebook 01: what CLIP itself mined, audited with WordNet (REAL data throughout).

:func:`real_evidence` gathers the WordNet audits of the three real selections (NegLabel's, CSP's as run by
NegRefine, NegRefine's LLM-filtered subset; :mod:`debiasood.data.real_audit`), NegRefine's LLM verdicts against
WordNet's, and NegRefine's reported results. :class:`RealEvidence` turns them into ready-to-print tables (rows
for :func:`debiasood.book.tables.render`, or Markdown) and the numbers the page records
(:meth:`RealEvidence.numbers`). Every row carries ``data = "REAL (CLIP ViT-B/16)"`` or, for NegRefine's own
results, ``"reported"``: nothing here is simulated. Sources: the book's method reference,
``method-real-artifacts``; rules of the audit: ``method-false-negatives``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from debiasood.book.tables import render
from debiasood.core.checks import check_int
from debiasood.data.audit import DEFAULT_MAX_HYPERNYM_DEPTH, audit_false_negatives
from debiasood.data.corpora import ADJECTIVE, NOUN, load_corpus
from debiasood.data.label_sets import get_label_set
from debiasood.data.real_audit import (
    FALSE_NEGATIVE_RELATIONS,
    NATIVE_CORPUS,
    LLMAgreement,
    RealAudit,
    audit_real_selection,
    negrefine_agreement,
)
from debiasood.data.real_negatives import REAL_SELECTIONS, load_negrefine_reported

REAL = "REAL (CLIP ViT-B/16)"
REPORTED = "reported"
TITLES = {"neglabel": "NegLabel", "csp": "CSP (run by NegRefine)", "negrefine": "NegRefine (after its LLM filter)"}
_PART_TITLES = {None: "all", NOUN: "nouns", ADJECTIVE: "adjectives"}


def _pct(value: float) -> float:
    return round(100 * value, 2)


@dataclass(frozen=True)
class RealEvidence:
    """The WordNet audits of the real selections, NegRefine's LLM against WordNet, NegRefine's reported results."""

    audits: Mapping[str, RealAudit]
    agreement: LLMAgreement
    reported: Mapping[str, object]

    def audit_rows(self) -> list[dict[str, object]]:
        """One row per selection and part of speech: matched words, false negatives per relation, share, base rate."""
        rows = []
        for name, audit in self.audits.items():
            for part in (None, NOUN, ADJECTIVE):
                if audit.matched(part) == 0:
                    continue
                rows.append({
                    "data": REAL, "selection": TITLES[name], "words": _PART_TITLES[part],
                    "corpus": audit.corpus,
                    "published": sum(audit.published.values()) if part is None else audit.published[part],
                    "matched": audit.matched(part),
                    **{r: audit.false_negatives(part, r) for r in FALSE_NEGATIVE_RELATIONS},
                    "false negatives": audit.false_negatives(part),
                    "false negatives %": _pct(audit.share(part)),
                    "corpus base rate %": _pct(audit.base_rate(part)),
                })
        return rows

    def example_rows(self) -> list[dict[str, object]]:
        """Per selection and relation: the first false negatives in the published order, 'word → ID class'."""
        rows = []
        for name, audit in self.audits.items():
            for relation in FALSE_NEGATIVE_RELATIONS:
                if audit.examples[relation]:
                    rows.append({"data": REAL, "selection": TITLES[name], "relation": relation,
                                 "count": audit.false_negatives(None, relation),
                                 "examples": "; ".join(audit.examples[relation])})
            if audit.id_names:
                rows.append({"data": REAL, "selection": TITLES[name], "relation": "spells an ID class name",
                             "count": len(audit.id_names), "examples": "; ".join(audit.id_names[:8])})
        return rows

    def lexfile_rows(self, top: int = 8) -> list[dict[str, object]]:
        """Share of each lexicographer file in each selection (matched words) and in its corpus, in percent.

        The ``top`` files by their largest share in any selection; NegLabel's corpus and CSP's differ (CSP's
        has no noun.person, noun.quantity, noun.group or adj.pert), so each selection has its own corpus column.
        """
        check_int("top", top)
        shares = {name: audit.lexfile_shares() for name, audit in self.audits.items()}
        files = sorted({f for table in shares.values() for f in table},
                       key=lambda f: (-max(table.get(f, (0.0, 0.0))[0] for table in shares.values()), f))
        rows = []
        for lexfile in files[:top]:
            row: dict[str, object] = {"data": REAL, "lexicographer file": lexfile}
            for name, table in shares.items():
                selected, corpus = table.get(lexfile, (0.0, 0.0))
                row[f"{TITLES[name]} %"] = _pct(selected)
                corpus_name = self.audits[name].corpus
                if f"{corpus_name} corpus %" not in row:
                    row[f"{corpus_name} corpus %"] = _pct(corpus)
            rows.append(row)
        return rows

    def agreement_rows(self, part: str = NOUN) -> list[dict[str, object]]:
        """NegRefine's LLM (removed / kept) against WordNet (false negative or not) on CSP's ``part`` words."""
        a = self.agreement
        rows = []
        for removed, title in ((True, "LLM removed"), (False, "LLM kept"), (None, "all")):
            rows.append({"data": REAL, "CSP's " + _PART_TITLES[part]: title,
                         "WordNet false negative": a.count(part, removed, True),
                         "WordNet true negative": a.count(part, removed, False),
                         "words": a.count(part, removed),
                         "WordNet false negatives %": _pct(a.count(part, removed, True) / a.count(part, removed))})
        return rows

    def removal_rows(self) -> list[dict[str, object]]:
        """The LLM's removals per verdict, split by WordNet's verdict."""
        return [{"data": REAL, "part": part, "LLM verdict": verdict, "WordNet false negative": fn,
                 "WordNet true negative": not_fn}
                for part, by_verdict in self.agreement.removed_by.items()
                for verdict, (fn, not_fn) in by_verdict.items()]

    def reported_rows(self) -> list[dict[str, object]]:
        """NegRefine's own results from its run log (REPORTED by its authors, not measured here)."""
        return [{"data": REPORTED, "method": "NegRefine", "OOD set": dataset, "FPR95": values["fpr95"],
                 "AUROC": values["auroc"]} for dataset, values in self.reported["metrics"].items()]

    def tables(self) -> dict[str, str]:
        """Every table as Markdown, keyed 'audit', 'examples', 'lexfiles', 'agreement', 'removals', 'reported'."""
        return {"audit": render(self.audit_rows()), "examples": render(self.example_rows()),
                "lexfiles": render(self.lexfile_rows()), "agreement": render(self.agreement_rows()),
                "removals": render(self.removal_rows()), "reported": render(self.reported_rows())}

    def numbers(self) -> dict[str, float | int]:
        """The page's recorded numbers (glue names, all REAL), e.g. ``real_fn_share_neglabel`` = 2.76 (%)."""
        out: dict[str, float | int] = {}
        for name, audit in self.audits.items():
            out[f"real_matched_{name}"] = audit.matched()
            out[f"real_published_{name}"] = int(audit.match.rows.size)
            out[f"real_fn_{name}"] = audit.false_negatives()
            out[f"real_fn_share_{name}"] = _pct(audit.share())
            out[f"real_fn_share_nouns_{name}"] = _pct(audit.share(NOUN))
            out[f"real_matched_nouns_{name}"] = audit.matched(NOUN)
            out[f"real_fn_nouns_{name}"] = audit.false_negatives(NOUN)
            for relation in FALSE_NEGATIVE_RELATIONS:
                out[f"real_fn_{relation}_{name}"] = audit.false_negatives(None, relation)
            out[f"real_base_rate_{name}"] = _pct(audit.base_rate())
            out[f"real_base_rate_nouns_{name}"] = _pct(audit.base_rate(NOUN))
            for scope, shares in (("", audit.lexfile_shares()), ("nouns_", audit.lexfile_shares(NOUN))):
                plant = shares.get("noun.plant", (0.0, 0.0))
                out[f"real_plant_share_{scope}{name}"] = _pct(plant[0])
                out[f"real_plant_share_corpus_{scope}{name}"] = _pct(plant[1])
            out[f"real_id_names_{name}"] = len(audit.id_names)
        a = self.agreement
        out["real_llm_removed_nouns"] = a.count(NOUN, True)
        out["real_llm_kept_nouns"] = a.count(NOUN, False)
        out["real_llm_fn_removed_share"] = _pct(a.false_negative_share(NOUN, True))
        out["real_llm_fn_kept_share"] = _pct(a.false_negative_share(NOUN, False))
        out["real_llm_fn_recall"] = _pct(a.recall(NOUN))
        out["real_llm_fn_removed"] = a.count(NOUN, True, True)
        out["real_llm_fn_total"] = a.count(NOUN, None, True)
        return out


def real_evidence(*, n_examples: int = 5, max_hypernym_depth: int = DEFAULT_MAX_HYPERNYM_DEPTH) -> RealEvidence:
    """Audit every real selection on its native corpus against ImageNet-1K, cross NegRefine's LLM with WordNet.

    ``max_hypernym_depth``: how far above an ID class a "close hypernym" may lie (the audit's knob, default 2).
    ~15 s on a CPU (two corpus audits); the corpora come from the per-machine corpus cache.
    """
    label_set = get_label_set("imagenet1k")
    audits_by_corpus = {}
    audits = {}
    for name in REAL_SELECTIONS:
        preset = NATIVE_CORPUS[name]
        if preset not in audits_by_corpus:
            corpus = load_corpus(preset)
            audits_by_corpus[preset] = (corpus, audit_false_negatives(corpus, label_set,
                                                                      max_hypernym_depth=max_hypernym_depth))
        corpus, audit = audits_by_corpus[preset]
        audits[name] = audit_real_selection(name, corpus=corpus, label_set=label_set, audit=audit,
                                            n_examples=n_examples)
    corpus, audit = audits_by_corpus[NATIVE_CORPUS["csp"]]
    agreement = negrefine_agreement(corpus=corpus, label_set=label_set, audit=audit)
    return RealEvidence(audits, agreement, load_negrefine_reported())
