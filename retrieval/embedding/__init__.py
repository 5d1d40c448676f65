"""Embedders: the bundled MiniLM model and optional providers, behind one `Embedder` port."""
