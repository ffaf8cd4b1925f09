"""The book's back-end: one module per chapter, named after its chapter, plus the notebook helpers
(:mod:`.nb`), tables (:mod:`.tables`) and the papermill runner (:mod:`.run_notebooks`).
"""
