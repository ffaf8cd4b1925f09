"""Image datasets on disk, their features, and the official DNM code's feature dumps.

- :mod:`debiasood.data.datasets.folders`: :class:`ImageDataset` (files, labels, class names, a fingerprint) and
  loaders for ImageFolder trees, the MOS OOD benchmark layout, ImageNet-1K val and your own data.
- :mod:`debiasood.data.datasets.extract`: :func:`extract_image_features`, cached in the feature store, resumable,
  and reporting every image it could not read.
- :mod:`debiasood.data.datasets.official_dumps`: the ``.pth`` feature dumps of the official DNM code, loaded
  safely (``weights_only``), renamed to this project's dataset names and L2-normalised, ready to score.
"""

from debiasood.data.datasets.extract import (
    ImageFeatures,
    SkippedImage,
    UnreadableImageError,
    UnreadableImagesWarning,
    extract_image_features,
    image_feature_key,
    preprocessing_id,
)
from debiasood.data.datasets.folders import (
    IMAGE_EXTENSIONS,
    OOD_DATASETS,
    DatasetLayoutError,
    DatasetNotFoundError,
    ImageDataset,
    image_folder,
    image_folder_dataset,
    imagenet_val,
    ood_dataset,
)
from debiasood.data.datasets.official_dumps import (
    OFFICIAL_IMAGE_KEYS,
    OfficialImageFeatures,
    OfficialTextFeatures,
    UnsafeDumpError,
    load_official_dumps,
    load_official_image_features,
    load_official_text_features,
)

__all__ = [
    "IMAGE_EXTENSIONS",
    "OFFICIAL_IMAGE_KEYS",
    "OOD_DATASETS",
    "DatasetLayoutError",
    "DatasetNotFoundError",
    "ImageDataset",
    "ImageFeatures",
    "OfficialImageFeatures",
    "OfficialTextFeatures",
    "SkippedImage",
    "UnreadableImageError",
    "UnreadableImagesWarning",
    "UnsafeDumpError",
    "extract_image_features",
    "image_feature_key",
    "image_folder",
    "image_folder_dataset",
    "imagenet_val",
    "load_official_dumps",
    "load_official_image_features",
    "load_official_text_features",
    "ood_dataset",
    "preprocessing_id",
]
