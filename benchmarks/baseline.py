"""The plain LangChain baseline: 1000-character chunks, `similarity_search(k=4)`, top chunk."""

from __future__ import annotations

from typing import Any

from benchmarks.context import BenchContext
from benchmarks.corpus import corpus_texts
from benchmarks.timing import latency_figures, time_calls, timed
from bot.evaluation import key_terms_present
from bot.wiring import build_chroma_client


def index_baseline(ctx: BenchContext, r: int) -> tuple[float, dict[str, Any]]:
    """Plain LangChain indexing: 1000-character chunks into `Chroma.from_documents`."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.embedding.adapters import LangChainEmbeddings

    def build() -> dict[str, Any]:
        loaded, _ = corpus_texts(ctx)
        source_docs = [
            Document(
                page_content="\n\n".join(
                    [d.title] + [f"{s.heading}\n{s.text}" for s in d.sections]
                ),
                metadata={"source": d.source, "title": d.title},
            )
            for d in loaded
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(source_docs)
        client = build_chroma_client(ctx.bench_settings(data_dir=ctx.root / f"baseline-{r}"))
        ctx.baseline_store = Chroma.from_documents(
            chunks, LangChainEmbeddings(ctx.embedder), client=client, collection_name="baseline"
        )
        return {"documents": len(loaded), "chunks": len(chunks)}

    return timed(build)


def stage_baseline(ctx: BenchContext) -> dict[str, Any]:
    """Plain LangChain RAG: `similarity_search(k=4)`, the top chunk's text as the answer."""
    if ctx.baseline_error or ctx.baseline_index is None:
        raise RuntimeError(f"baseline index failed: {ctx.baseline_error or 'not built'}")
    store = ctx.baseline_store
    questions = ctx.timed_questions
    millis, _ = time_calls(
        lambda q: store.similarity_search(q, k=4), questions, warmup=ctx.options.warmup
    )
    correct = in_corpus = 0
    for eq in ctx.eval_questions:
        if eq.kind == "out_of_corpus":
            continue  # the baseline never abstains: wrong by construction
        in_corpus += 1
        hits = store.similarity_search(eq.question, k=4)
        correct += bool(hits) and key_terms_present(hits[0].page_content, eq.key_terms)
    total = len(ctx.eval_questions)
    return {
        **ctx.baseline_index,
        **latency_figures(questions, millis),
        "in_corpus": in_corpus,
        "out_of_corpus": total - in_corpus,
        "in_corpus_accuracy": correct / in_corpus if in_corpus else 0.0,
        "overall_accuracy": correct / total if total else 0.0,
        "answer": "the top chunk's text (about 1000 characters): a lenient bar for key terms",
    }
