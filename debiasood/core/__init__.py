"""The core: pure functions over embeddings and scores, importing nothing outside itself.

scores, mining, metrics, partition, prompts (template strings only), the method registry and the evaluation
layer. Every score is an ID-confidence: HIGHER = MORE IN-DISTRIBUTION.
"""
