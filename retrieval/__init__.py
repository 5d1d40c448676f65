"""Loading, chunking, embedding, the Chroma store, hybrid retrieval and cited answers."""
