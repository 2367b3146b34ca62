"""Streamlit app: search the official texts of the EU dual-use regime and read the passages verbatim."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import streamlit as st

from ingest.index import IndexMissing
from ingest.model import FLAG_MESSAGES
from ingest.settings import Settings

st.set_page_config(page_title="EU dual-use assistant", page_icon="🛂", layout="wide")


@st.cache_resource(show_spinner="Opening the index…")
def library():
    from assistant.library import Library
    return Library(Settings.from_env())


st.title("EU dual-use assistant")
st.caption("Regulation (EU) 2021/821 — quotes the official texts verbatim. Not legal advice: only the Official "
           "Journal text is authentic; your competent authority decides.")
try:
    lib = library()
except IndexMissing as e:
    st.error(f"The index is not built yet. {e}")
    st.stop()

query = st.text_input("Search the regulation", placeholder="e.g. body armour, Article 12, EU001 destinations")
if query:
    for hit in lib.search(query, k=8):
        p = hit.provision
        with st.container(border=True):
            st.markdown(f"**{p.locator}** · {p.version}")
            st.write(p.text)
            for flag in p.flags:
                st.warning(FLAG_MESSAGES.get(flag, flag))
