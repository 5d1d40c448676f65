"""The retrieval facade: the one object front ends use to answer, summarise, list
sources and re-index. Everything below it (store, search, composer) is its business.

Thread-safe: chat front ends call it from worker threads. Each question reads
one index snapshot; a re-index publishes a new snapshot only when complete.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.answering import HEDGE
from retrieval.chain import Composer, build_answer_chain
from retrieval.chat import without_chat
from retrieval.compose import ABSTAIN_MESSAGE
from retrieval.followup import QuestionRewriter, with_answer_subject
from retrieval.indexer import Indexer, Progress
from retrieval.models import Answer, DocumentInfo, Evidence, IndexStats, Turn
from retrieval.question import definition_pattern, spelled_out_pattern
from retrieval.retriever import HybridSearch, IndexHolder, IndexView, passage_at
from retrieval.snapshot import CorpusSnapshot
from retrieval.spelling import Speller
from retrieval.store import document_info
from retrieval.suggestions import followups, starter_prompts
from retrieval.text import terms
from retrieval.titles import asks_holder_now, names_holder
from retrieval.writelock import IndexLocked

log = logging.getLogger(__name__)


class ReindexInProgress(RuntimeError):
    """Another re-index is running (here or in another process); only one runs at a time."""


@dataclass(frozen=True)
class IndexStatus:
    documents: int
    chunks: int
    generation: str
    warning: str  # non-empty when the newest index could not be opened

    @property
    def indexed(self) -> bool:
        return self.chunks > 0


def hedged(answer: Answer) -> Answer:
    """The answer introduced as the closest the documents come."""
    return replace(answer, answer=f"{HEDGE}\n{answer.answer}", gaps=(HEDGE, *answer.gaps))


class AnswerEngine:
    """Answers questions from the current index and keeps the index in sync."""

    def __init__(
        self,
        holder: IndexHolder,
        indexer: Indexer,
        search: HybridSearch,
        composer: Composer,
        *,
        corpus_dir: Path,
        rewriter: QuestionRewriter | None = None,
        lexicon: frozenset[str] = frozenset(),
    ) -> None:
        self.holder = holder
        self.indexer = indexer
        self.search = search
        self.composer = composer
        self.corpus_dir = corpus_dir
        self.rewriter = rewriter or QuestionRewriter()
        self.lexicon = lexicon  # ordinary words the speller leaves alone
        self.chain = build_answer_chain(self._retrieve, composer)
        self._reindex_lock = threading.Lock()
        self._speller: tuple[CorpusSnapshot, Speller] | None = None

    # Index lifecycle ---------------------------------------------------------
    def load(self) -> None:
        """Load the stored index into memory (call once at start-up)."""
        view = self.holder.reload()
        if self.holder.warning:
            log.warning("%s", self.holder.warning)
        log.info(
            "index loaded: %d chunks, %d documents in %.0f ms",
            len(view.snapshot.chunks),
            len(view.snapshot.documents),
            view.snapshot.loaded_seconds * 1000,
        )
        self.speller()  # built at start-up, not on the first question

    def status(self) -> IndexStatus:
        self.holder.refresh_if_moved()  # a health check sees a newer generation too
        view = self.holder.get()
        snap = view.snapshot
        return IndexStatus(
            len(snap.documents), len(snap.chunks), view.generation, self.holder.warning
        )

    def reindex(self, progress: Progress | None = None) -> IndexStats:
        """Sync the index with the corpus folder. Raises ReindexInProgress if one is
        running, FileNotFoundError if the corpus folder is missing."""
        if not self._reindex_lock.acquire(blocking=False):
            raise ReindexInProgress("a re-index is already running; try again when it finishes")
        try:
            try:
                stats = self.indexer.sync(self.corpus_dir, progress)
            except IndexLocked as exc:
                raise ReindexInProgress(str(exc)) from None
            self.holder.reload()
            self.speller()
            return stats
        finally:
            self._reindex_lock.release()

    @property
    def reindex_running(self) -> bool:
        return self._reindex_lock.locked()

    # Questions ---------------------------------------------------------------
    def _retrieve(self, query: str) -> Evidence:
        # A read failing on a generation dropped meanwhile reloads and is retried once.
        return self.holder.read(lambda view: self._retrieve_from(view, query))

    def _retrieve_from(self, view: IndexView, query: str) -> Evidence:
        evidence = self.search.search(view, query)
        # "what is AGOA?": the sentence defining it, or the one spelling the abbreviation
        # out ("… Opportunity Act (AGOA)"), may sit in a chunk the per-document cap left
        # out; look among the chunks naming it.
        missing = [
            p
            for p in (definition_pattern(query), spelled_out_pattern(query))
            if p is not None and not any(p.search(x.text) for x in evidence.passages)
        ]
        if missing:
            wider = self.search.search(view, query, top_k=20, per_doc=20).passages
            have = {p.id for p in evidence.passages}
            for pattern in missing:
                found = next((p for p in wider if pattern.search(p.text)), None)
                if found is not None and found.id not in have:
                    have.add(found.id)
                    evidence = replace(evidence, passages=[found, *evidence.passages])
        if asks_holder_now(query) and evidence.latest[:4].isdigit():
            # "who's the us president right now": the documents' latest year's sentences
            # say who holds the title, though no sentence says "now"
            year = evidence.latest[:4]
            have = {p.id for p in evidence.passages}
            extra = self.search.search(view, f"{query} {year}", top_k=4).passages
            added = [p for p in extra if p.id not in have and names_holder(p.text, query)]
            evidence = replace(evidence, passages=[*evidence.passages, *added])
        return replace(evidence, lexicon=self.lexicon) if self.lexicon else evidence

    def speller(self) -> Speller:
        """The speller for the served snapshot's vocabulary (built once per snapshot,
        with the snapshot's names: both are read once, at load or re-index)."""
        snapshot = self.holder.get().snapshot
        cached = self._speller
        if cached is None or cached[0] is not snapshot:
            cached = self._speller = (
                snapshot,
                Speller(
                    snapshot.words(),
                    self.lexicon,
                    names=snapshot.name_terms(),
                    initialisms=snapshot.initialisms(),
                    name_runs=snapshot.name_runs,
                ),
            )
        return cached[1]

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """A cited answer (or an abstention) to a cleaned question, with earlier turns.

        Misspelt words are fixed to the documents' words first; a follow-up is made
        standalone with the history, and never repeats an earlier answer's sentence."""
        started = time.perf_counter()
        self.holder.refresh_if_moved()
        speller = self.speller()
        # "hey bot, quick question: …": the greeting and preamble are not what is asked
        fixed = speller.correct(without_chat(question))
        # earlier questions read the same way: "late aug 2024" carries "august"
        earlier = [replace(t, question=speller.correct(without_chat(t.question))) for t in history]
        spelt = time.perf_counter()
        query = self.rewriter.rewrite(fixed, earlier)
        said = [t.answer for t in history if t.answer]
        answer: Answer = self.chain.invoke({"question": question, "query": query, "said": said})
        if answer.abstained and earlier and not earlier[-1].answer.startswith(ABSTAIN_MESSAGE):
            # A follow-up about what the previous answer named rather than what its
            # question asked ("what replaced the mss?" "troop ceiling for the new one?")
            again = with_answer_subject(fixed, earlier)
            if again and again != query:
                second: Answer = self.chain.invoke(
                    {"question": question, "query": again, "said": said}
                )
                if not second.abstained:
                    # a second reading is less sure than the first: never a plain answer
                    answer = second if second.gaps else hedged(second)
        timings = {"spell": (spelt - started) * 1000, **answer.timings_ms}
        timings["total"] = (time.perf_counter() - started) * 1000
        return replace(answer, timings_ms=timings)

    def summarize(self, topic: str | None = None) -> Answer:
        """4–8 cited sentences on a topic or document; no topic: every document in brief."""
        started = time.perf_counter()
        self.holder.refresh_if_moved()
        view = self.holder.get()
        snap = view.snapshot
        topic = " ".join((topic or "").split())
        if not snap.chunks:
            return Answer(question=topic, answer=ABSTAIN_MESSAGE, abstained=True)
        source = self.match_document(topic) if topic else None
        if not topic:  # the whole corpus, one line per document
            every = [passage_at(view, p) for s in snap.documents for p in snap.documents[s]]
            answer = self.composer.summarize("", Evidence("", every), by_document=True)
        elif source:  # one document: its most central points
            passages = [passage_at(view, p) for p in snap.documents[source]]
            answer = replace(self.composer.summarize("", Evidence("", passages)), question=topic)
        else:
            r0 = time.perf_counter()
            evidence = self.holder.read(lambda v: self.search.search(v, topic, top_k=12, per_doc=3))
            answer = self.composer.summarize(topic, evidence)
            answer.timings_ms["retrieve"] = (time.perf_counter() - r0) * 1000
        timings = dict(answer.timings_ms)
        timings["total"] = (time.perf_counter() - started) * 1000
        return replace(answer, timings_ms=timings)

    def match_document(self, topic: str) -> str | None:
        """The source a topic names: its path, file name, or (nearly) its title.

        Titles are compared whole and after their last colon, so a series prefix
        ("Kenya and the US: …") shared by a corpus does not dilute the match.
        """
        lowered = topic.lower().strip()
        documents = self.sources()
        for doc in documents:
            path = Path(doc.source)
            if lowered in (doc.source.lower(), path.name.lower(), path.stem.lower()):
                return doc.source
        wanted = set(terms(topic))
        if not wanted:
            return None
        best, best_score = None, 0.0
        for doc in documents:
            for title in {doc.title, re.sub(r"^.*:\s*", "", doc.title)}:
                title_terms = set(terms(title))
                if not title_terms:
                    continue
                score = len(wanted & title_terms) / len(wanted | title_terms)
                if score > best_score:
                    best, best_score = doc.source, score
        return best if best_score >= 0.6 else None

    # Suggestions ---------------------------------------------------------------
    def sections(self, source: str) -> list[str]:
        """The document's section headings in order (one entry per chunk)."""
        snap = self.holder.get().snapshot
        return [
            str(snap.chunks[p].metadata.get("section") or "")
            for p in snap.documents.get(source, ())
        ]

    def _extractive(self, question: str) -> Answer:
        """The extractive answer alone (never the LLM): checking a suggestion is cheap."""
        composer: Composer = getattr(self.composer, "fallback", self.composer)
        fixed = self.speller().correct(without_chat(question))
        return composer.answer(question, fixed, self._retrieve(fixed))

    def suggest_followups(self, answer: Answer, limit: int = 3) -> list[str]:
        """Follow-up questions the cited documents answer (each one checked by asking it)."""
        return followups(answer, self.sections, self._extractive, limit=limit)

    def starter_prompts(self, limit: int = 4) -> list[tuple[str, str]]:
        """(title, question) prompts for a new conversation, from the newest topics."""
        return starter_prompts(self.sources(), self._extractive, limit=limit)

    # Sources -----------------------------------------------------------------
    def sources(self) -> list[DocumentInfo]:
        """Indexed documents in path order, from the in-memory snapshot (no store call)."""
        snap = self.holder.get().snapshot
        return [
            document_info(snap.chunks[positions[0]].metadata, chunks=len(positions))
            for positions in snap.documents.values()
        ]
