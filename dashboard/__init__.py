"""The multipage Streamlit app: router, pages, builders, caching, translations."""
