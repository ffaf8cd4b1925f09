"""The simulated worlds: the offline vision-language world the book runs on by default (:mod:`.simulated`,
set up by :mod:`.offline`) and the toy world of the derivation (:mod:`.toy`). Imports core and data only.
"""
