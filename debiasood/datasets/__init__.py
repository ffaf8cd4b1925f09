"""Image datasets on disk and their features.

- :mod:`debiasood.datasets.folders`: :class:`ImageDataset` (files, labels, class names, a fingerprint) and
  loaders for ImageFolder trees, the MOS OOD benchmark layout, ImageNet-1K val and your own data.
- :mod:`debiasood.datasets.extract`: :func:`extract_image_features`, cached in the feature store, resumable,
  and reporting every image it could not read.
"""

from debiasood.datasets.extract import (
    ImageFeatures,
    SkippedImage,
    UnreadableImageError,
    UnreadableImagesWarning,
    extract_image_features,
    image_feature_key,
    preprocessing_id,
)
from debiasood.datasets.folders import (
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

__all__ = [
    "IMAGE_EXTENSIONS",
    "OOD_DATASETS",
    "DatasetLayoutError",
    "DatasetNotFoundError",
    "ImageDataset",
    "ImageFeatures",
    "SkippedImage",
    "UnreadableImageError",
    "UnreadableImagesWarning",
    "extract_image_features",
    "image_feature_key",
    "image_folder",
    "image_folder_dataset",
    "imagenet_val",
    "ood_dataset",
    "preprocessing_id",
]
