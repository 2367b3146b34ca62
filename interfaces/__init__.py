"""What users touch: the `dualuse` command (`cli.py`) and what the Streamlit app draws (`ui.py`). Outside the core
packages, so `assistant/` never imports an interface."""
