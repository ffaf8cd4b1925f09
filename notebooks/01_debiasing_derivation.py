# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python (debiasood)
#     language: python
#     name: debiasood
# ---

# %% tags=["parameters"]
SMOKE = False  # True: the quick profile the tests run
SEED = 0  # seed of every random draw

# %% [markdown]
# # The debiasing derivation (placeholder)
#
# A placeholder that exercises the book pipeline until the real notebook lands. DNM's closed form replaces
# NegLabel's constant 1 with
#
# $$ a = \tau - Q(1-\tau)/K $$

# %%
from debiasood import nb

PARAMS = nb.check_parameters()

# %%
import matplotlib.pyplot as plt

figure, axis = plt.subplots(figsize=(4, 2.5))
axis.plot([0, 1, 2], [0, 1, 4], marker="o")
axis.set_xlabel("x")
axis.set_ylabel("y")
plt.show()

# %%
nb.record("placeholder_value", 1.0)
nb.finish(["placeholder_value"])

# %% [markdown]
# The placeholder recorded {glue:text}`placeholder_value`.
