"""Prompt templates, as named constants with their sources, and :func:`fill`.

Every template is a ``str.format`` string with exactly one ``{}`` slot for the label. Where a method's paper and
its code disagree, the constant follows the code and says so.

Sources:

- MCM: Ming et al., "Delving into Out-of-Distribution Detection with Vision-Language Representations",
  NeurIPS 2022. Official code: github.com/deeplearning-wisc/MCM, ``utils/detection_util.py``
  (``get_ood_scores_clip``) builds ``f"a photo of a {c}"`` -- no final full stop.
- NegLabel: Jiang et al., "Negative Label Guided OOD Detection with Pretrained Vision-Language Models",
  ICLR 2024. Official code: github.com/XueJiang16/NegLabel, ``mmcls/models/classifiers/class_names.py``
  (``prompt_templates[85] == 'the nice {}'``, chosen by ``prompt_idx_pos=85, prompt_idx_neg=85`` in the
  configs) and ``multi_modal.py`` (adjectives: ``'This is a {} photo'``).
- CSP: Chen, Gao, Xu, "Conjugated Semantic Pool Improves OOD Detection with Pre-trained Vision-Language
  Models", NeurIPS 2024. Official code: github.com/MengyuanChen21/NeurIPS2024-CSP,
  ``mmcls/models/classifiers/class_names.py`` at commit 252d4d53 (``preset_noun_prompt_templates``,
  ``preset_adj_prompt_templates``, ``preset_noun_prompt_templates_for_sketch``); the superclass words of the
  adjective phrases are :data:`CSP_SUPERCLASS_WORDS`.
- CLIP: Radford et al., "Learning Transferable Visual Models From Natural Language Supervision", ICML 2021;
  the 80 ImageNet templates of github.com/openai/CLIP ``notebooks/Prompt_Engineering_for_ImageNet.ipynb``,
  as open_clip 3.3.0 ships them (``open_clip.OPENAI_IMAGENET_TEMPLATES``, callables there). They are copied
  here as strings so that reading a template does not import open_clip (several seconds); a test checks the
  copy against open_clip.
"""

from __future__ import annotations

from string import Formatter

MCM_TEMPLATE = "a photo of a {}"
"""MCM's single prompt, as in its official code (the paper writes "a photo of a <label>")."""

NEGLABEL_ID_TEMPLATE = "the nice {}"
"""NegLabel's prompt for the ID labels."""

NEGLABEL_NOUN_TEMPLATE = "the nice {}"
"""NegLabel's prompt for candidate nouns (the same as for ID labels). DNM's official code uses it too."""

NEGLABEL_ADJ_TEMPLATE = "This is a {} photo"
"""NegLabel's prompt for candidate adjectives. DNM's official code uses it too."""

CSP_NOUN_TEMPLATES = (
    "a close-up photo of the nice {}.",
    "a photo with the nice {}.",
    "a good photo with the nice {}.",
    "a photo of the nice {}.",
    "{}",
    "the {}",
    "the good {}",
    "the nice {}",
)
"""CSP's 8-template ensemble for ID labels and candidate nouns (``preset_noun_prompt_templates``)."""

CSP_ADJ_TEMPLATES = (
    "{}",
    "a nice photo of {}",
    "a good photo of {}",
    "a close-up photo of {}",
)
"""CSP's 4-template ensemble for "adjective + superclass word" phrases (``preset_adj_prompt_templates``)."""

CSP_SKETCH_NOUN_TEMPLATES = ("a sketch of a {}", "a sketch of the {}", *CSP_NOUN_TEMPLATES)
"""CSP's noun ensemble when ImageNet-Sketch is the ID set (``preset_noun_prompt_templates_for_sketch``)."""

CLIP_IMAGENET_TEMPLATES = (
    'a bad photo of a {}.',
    'a photo of many {}.',
    'a sculpture of a {}.',
    'a photo of the hard to see {}.',
    'a low resolution photo of the {}.',
    'a rendering of a {}.',
    'graffiti of a {}.',
    'a bad photo of the {}.',
    'a cropped photo of the {}.',
    'a tattoo of a {}.',
    'the embroidered {}.',
    'a photo of a hard to see {}.',
    'a bright photo of a {}.',
    'a photo of a clean {}.',
    'a photo of a dirty {}.',
    'a dark photo of the {}.',
    'a drawing of a {}.',
    'a photo of my {}.',
    'the plastic {}.',
    'a photo of the cool {}.',
    'a close-up photo of a {}.',
    'a black and white photo of the {}.',
    'a painting of the {}.',
    'a painting of a {}.',
    'a pixelated photo of the {}.',
    'a sculpture of the {}.',
    'a bright photo of the {}.',
    'a cropped photo of a {}.',
    'a plastic {}.',
    'a photo of the dirty {}.',
    'a jpeg corrupted photo of a {}.',
    'a blurry photo of the {}.',
    'a photo of the {}.',
    'a good photo of the {}.',
    'a rendering of the {}.',
    'a {} in a video game.',
    'a photo of one {}.',
    'a doodle of a {}.',
    'a close-up photo of the {}.',
    'a photo of a {}.',
    'the origami {}.',
    'the {} in a video game.',
    'a sketch of a {}.',
    'a doodle of the {}.',
    'a origami {}.',
    'a low resolution photo of a {}.',
    'the toy {}.',
    'a rendition of the {}.',
    'a photo of the clean {}.',
    'a photo of a large {}.',
    'a rendition of a {}.',
    'a photo of a nice {}.',
    'a photo of a weird {}.',
    'a blurry photo of a {}.',
    'a cartoon {}.',
    'art of a {}.',
    'a sketch of the {}.',
    'a embroidered {}.',
    'a pixelated photo of a {}.',
    'itap of the {}.',
    'a jpeg corrupted photo of the {}.',
    'a good photo of a {}.',
    'a plushie {}.',
    'a photo of the nice {}.',
    'a photo of the small {}.',
    'a photo of the weird {}.',
    'the cartoon {}.',
    'art of the {}.',
    'a drawing of the {}.',
    'a photo of the large {}.',
    'a black and white photo of a {}.',
    'the plushie {}.',
    'a dark photo of a {}.',
    'itap of a {}.',
    'graffiti of the {}.',
    'a toy {}.',
    'itap of my {}.',
    'a photo of a cool {}.',
    'a photo of a small {}.',
    'a tattoo of the {}.',
)
"""CLIP's 80 ImageNet prompt templates, in open_clip's order."""


def check_template(template: str) -> str:
    """Return ``template`` if it is a format string with exactly one empty ``{}`` slot; raise otherwise."""
    if not isinstance(template, str):
        raise TypeError(f"a prompt template must be a str, got {type(template).__name__}: {template!r}")
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in Formatter().parse(template) if name is not None]
    except ValueError as err:  # unbalanced braces
        raise ValueError(f"prompt template {template!r} is not a valid format string: {err}") from None
    if fields != [("", "", None)]:
        raise ValueError(
            f"prompt template {template!r} must contain exactly one '{{}}' slot for the label "
            f"(no names, indices or format specs), found {len(fields)} slot(s)"
        )
    return template


def fill(template: str, label: str) -> str:
    """Put ``label`` into the single ``{}`` slot of ``template`` (braces inside the label are kept as they are)."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
    return check_template(template).format(label)


CSP_SUPERCLASS_WORDS: tuple[str, ...] = (
    "environment", "space", "object", "scene", "place", "item", "area", "view",
    "thing", "pattern", "structure", "landscape", "vista", "creature",
)
"""CSP's superclass words: each adjective of the pool becomes "adjective + one of these" (seeded draw)."""
