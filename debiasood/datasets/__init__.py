"""Image datasets on disk, their features, and the official DNM code's feature dumps.

- :mod:`debiasood.datasets.folders`: :class:`ImageDataset` (files, labels, class names, a fingerprint) and
  loaders for ImageFolder trees, the MOS OOD benchmark layout, ImageNet-1K val and your own data.
"""

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
    "image_folder",
    "image_folder_dataset",
    "imagenet_val",
    "ood_dataset",
]
