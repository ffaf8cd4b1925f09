"""Test-wide settings: nothing in the suite may reach a model hub (an accidental hub load fails at once)."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
