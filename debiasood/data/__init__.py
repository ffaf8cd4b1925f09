"""Data: WordNet 3.0 and the label corpora, label sets, the false-negative audit, encoders, the feature store,
image datasets and feature bundles. Imports only :mod:`debiasood.core`; heavy libraries load when used.
"""
