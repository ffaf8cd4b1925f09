"""Applications over the same functions: the command line (:mod:`.cli`) and the real-data pipeline
(:mod:`.pipeline`).
"""
