"""Label sets: sizes, ImageNet wnids against WordNet 3.0, subsets, sources, registry errors."""

from __future__ import annotations

import pytest

from debiasood.data.label_sets import (
    DTD_CLASSES,
    IMAGENET10_WNIDS,
    IMAGENET20_WNIDS,
    IMAGENET100_WNIDS,
    PLACES365_CATEGORIES,
    PLACES_CONCEPTS,
    SUN397_CATEGORIES,
    SUN_CONCEPTS,
    LabelSet,
    get_label_set,
    imagenet1k_label_set,
    label_set_names,
    scene_category_name,
)
from debiasood.data.wordnet import get_wordnet, wnid_to_key

SIZES = {
    "imagenet1k": 1000, "imagenet10": 10, "imagenet20": 20, "imagenet100": 100, "inaturalist": 110, "sun": 50,
    "places": 50, "textures": 47, "cifar10": 10, "cifar100": 100, "food101": 101, "oxford_pet": 37,
    "cub200": 200, "stanford_cars": 196, "svhn": 10, "lsun": 10, "isun": 397, "places365": 365,
}
STAND_INS = {"isun"}  # iSUN ships no class list: SUN397's categories stand in
IMAGENET_FAMILY = ("imagenet1k", "imagenet10", "imagenet20", "imagenet100")


@pytest.fixture(scope="module")
def wn():
    return get_wordnet()


def test_every_registered_set_has_its_size_and_a_source():
    assert set(label_set_names()) == set(SIZES)
    for name, size in SIZES.items():
        label_set = get_label_set(name)
        assert len(label_set) == size == len(label_set.class_names), name
        assert label_set.name == name and label_set.source
        assert label_set.is_stand_in == (name in STAND_INS), name
        assert (label_set.wnids is not None) == (name in IMAGENET_FAMILY)
        assert all(c.strip() == c and c and "_" not in c for c in label_set.class_names)
        if name != "imagenet1k":  # ImageNet-1K has two 'missile' and two 'sunglasses' classes
            assert len(set(label_set.class_names)) == size, name


def test_imagenet1k_order_and_names():
    imagenet = get_label_set("imagenet1k")
    assert imagenet.wnids[0] == "n01440764" and imagenet.class_names[0] == "tench"
    assert list(imagenet.wnids) == sorted(imagenet.wnids) and len(set(imagenet.wnids)) == 1000
    assert imagenet.wnids[281] == "n02123045" and imagenet.class_names[281] == "tabby cat"
    assert sorted(c for c in set(imagenet.class_names) if imagenet.class_names.count(c) > 1) == ["missile",
                                                                                                "sunglasses"]
    from open_clip.zero_shot_metadata import IMAGENET_CLASSNAMES

    assert imagenet.class_names == tuple(IMAGENET_CLASSNAMES)


def test_imagenet1k_name_styles():
    clean, original = imagenet1k_label_set("clean"), imagenet1k_label_set("original")
    assert len(clean) == len(original) == 1000
    assert clean.wnids == original.wnids == get_label_set("imagenet1k").wnids
    assert original.class_names[0] == "tench" and original.class_names[7] == "cock"
    with pytest.raises(ValueError, match="names must be one of"):
        imagenet1k_label_set("gpt")


def test_all_imagenet_wnids_resolve_in_wordnet30(wn):
    assert wn.reader.synset_from_pos_and_offset("n", 1440764).name() == "tench.n.01"
    for name in IMAGENET_FAMILY:
        for wnid in get_label_set(name).wnids:
            assert wnid_to_key(wnid) in wn.table.lexname, (name, wnid)
    assert wn.reader.synset_from_pos_and_offset("n", 2123045).name() == "tabby.n.01"


def test_imagenet_subsets(wn):
    full = get_label_set("imagenet1k")
    name_of = dict(zip(full.wnids, full.class_names, strict=True))
    ten, twenty, hundred = (get_label_set(n) for n in ("imagenet10", "imagenet20", "imagenet100"))
    assert set(ten.wnids) == set(IMAGENET10_WNIDS) and set(twenty.wnids) == set(IMAGENET20_WNIDS)
    assert set(hundred.wnids) == set(IMAGENET100_WNIDS)
    assert not set(ten.wnids) & set(twenty.wnids)
    for subset in (ten, twenty, hundred):
        assert list(subset.wnids) == sorted(subset.wnids)
        assert subset.class_names == tuple(name_of[w] for w in subset.wnids)
    assert ten.class_names == ("brambling", "American bullfrog", "Greater Swiss Mountain Dog", "Siamese cat",
                               "common sorrel horse", "impala (antelope)", "container ship", "garbage truck",
                               "sports car", "military aircraft")


def test_ood_concepts_spot_checks():
    assert get_label_set("inaturalist").class_names[:2] == ("Coprosma lucida", "Cucurbita foetidissima")
    assert "herb garden" in get_label_set("sun").class_names
    assert "underwater (ocean deep)" in get_label_set("places").class_names
    textures = get_label_set("textures").class_names
    assert textures[:3] == ("banded", "blotchy", "braided") and textures[-1] == "zigzagged"
    assert list(textures) == sorted(textures)


def test_other_id_sets_spot_checks():
    assert get_label_set("cifar100").class_names[1] == "aquarium fish"
    assert get_label_set("oxford_pet").class_names[:2] == ("Abyssinian", "american bulldog")
    assert get_label_set("cub200").class_names[-1] == "Common Yellowthroat"
    assert get_label_set("stanford_cars").class_names[-1] == "smart fortwo Convertible 2012"
    food = get_label_set("food101").class_names
    assert food[15:18] == ("ceviche", "cheesecake", "cheese plate") and food[-1] == "waffles"


def test_names_are_forgiving_and_unknown_names_raise():
    assert get_label_set("ImageNet-1K") is get_label_set("imagenet1k")
    assert get_label_set("DTD") is get_label_set("textures")
    assert get_label_set("Oxford-Pet") is get_label_set("oxford_pet")
    with pytest.raises(ValueError, match="known label sets: imagenet1k"):
        get_label_set("openimage-o")
    with pytest.raises(TypeError):
        get_label_set(10)


def test_label_set_validation(tmp_path):
    with pytest.raises(ValueError, match="non-empty tuple"):
        LabelSet("x", (), None, "s")
    with pytest.raises(ValueError, match="as long as"):
        LabelSet("x", ("a", "b"), ("n01440764",), "s")
    with pytest.raises(ValueError, match="unique"):
        LabelSet("x", ("a", "b"), ("n01440764", "n01440764"), "s")
    with pytest.raises(ValueError, match="source"):
        LabelSet("x", ("a",), None, "")
    path = tmp_path / "classes.txt"
    path.write_text("golden_retriever\n\nsea lion\n", encoding="utf-8")
    own = LabelSet.from_file(path)
    assert own.class_names == ("golden retriever", "sea lion") and own.name == "classes" and own.wnids is None


def test_clip_names_are_read_without_importing_open_clip():
    import subprocess
    import sys

    code = ("import sys; from debiasood.data.label_sets import imagenet1k_label_set; "
            "names = imagenet1k_label_set('clip').class_names; "
            "from open_clip.zero_shot_metadata import IMAGENET_CLASSNAMES; "
            "assert names == tuple(IMAGENET_CLASSNAMES); print('open_clip' in sys.modules)")
    # the import inside the check loads open_clip, so ask before it: names must not need it
    before = ("import sys; from debiasood.data.label_sets import imagenet1k_label_set; "
              "imagenet1k_label_set('clip'); print('open_clip' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", before], capture_output=True, text=True).stdout.strip() == "False"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0


# ---------------------------------------------------------------- the CIFAR-10 OOD suite


def test_places365_reproduces_the_official_categories_file():
    """Joined as the official file's '/<letter>/<path> <index>' lines, the categories give the md5 that torchvision
    records for categories_places365.txt: the list is the official one, in the official order."""
    import hashlib

    from torchvision.datasets import Places365

    text = "\n".join(f"/{path[0]}/{path} {index}" for index, path in enumerate(PLACES365_CATEGORIES))
    assert hashlib.md5(text.encode("utf-8")).hexdigest() == Places365._CATEGORIES_META[1]


def test_scene_names_contain_the_mos_subsets_drawn_from_them():
    # The MOS SUN and Places OOD subsets are 50 concepts each of SUN397 and Places365: spelled alike, they must be
    # among the full label spaces' names, which checks the path -> name rule on 100 names written independently.
    assert set(SUN_CONCEPTS) <= set(get_label_set("isun").class_names)
    assert set(PLACES_CONCEPTS) <= set(get_label_set("places365").class_names)
    assert len(SUN397_CATEGORIES) == 397 and list(SUN397_CATEGORIES) == sorted(SUN397_CATEGORIES)


@pytest.mark.parametrize("path, name", [("desert/sand", "desert (sand)"), ("rice_paddy", "rice paddy"),
                                        ("underwater/ocean_deep", "underwater (ocean deep)"), ("sky", "sky")])
def test_scene_category_name(path, name):
    assert scene_category_name(path) == name


def test_cifar_suite_spot_checks():
    assert get_label_set("svhn").class_names == tuple("0123456789")
    lsun = get_label_set("lsun").class_names
    assert lsun[:3] == ("bedroom", "bridge", "church outdoor") and lsun[-1] == "tower"
    places = get_label_set("places365").class_names
    assert places[0] == "airfield" and places[342] == "underwater (ocean deep)" and places[-1] == "zen garden"
    isun = get_label_set("isun")
    assert isun.is_stand_in and "SUN397" in isun.source and isun.class_names[0] == "abbey"
    assert get_label_set("textures").class_names == DTD_CLASSES  # the suite's Textures is DTD
