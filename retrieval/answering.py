"""Extractive answers decided from evidence: the first sentence answers the question,
at most two more add new facts, and what the documents do not cover is said plainly.

Answerability is read from the evidence, not from a similarity score alone:
- the chosen sentences (with their passage's title and section) must hold most
  of the question's key terms (IDF-weighted coverage);
- they must hold what the question asks for (a date for "when", a figure of the
  thing counted for "how many", a name for "who"), in a sentence that names the
  question's subject;
- a year the question names must appear in them, and a period later than the
  documents' latest date is named as not covered.
When some of this fails but the subject is found, the answer says what is
missing ("The documents don't say …") and quotes what they do say; when the
subject itself is not found, the bot declines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.asked import Asked, states_cause
from retrieval.citing import cite, joinable
from retrieval.followup import own_words
from retrieval.gaps import YEAR_GAP, evidence_gaps, month_name, stale_year
from retrieval.mentions import BY_BODIES, HOW_TO, WhenAsked, first_date, instructs, names_person
from retrieval.models import Answer, Evidence
from retrieval.params import ComposeParams
from retrieval.question import (
    FILLERS,
    QuestionAnalysis,
    analyse,
    answer_type,
    content_terms,
    follow_up_terms,
)
from retrieval.recency import older, recent_years
from retrieval.sentences import (
    ALTERNATIVE,
    ANNOUNCES,
    DEPENDENT_START,
    Candidate,
    answers,
    candidates,
    stated,
)
from retrieval.spelling import READ_ALIKE
from retrieval.subject import off_subject, with_before
from retrieval.succession import asked_neighbour, neighbour
from retrieval.text import comparable, term_set, terms
from retrieval.wanted import asked_for

STALE_GAP = "The documents don't say how this stands now; the latest they report is from"
HEDGE = "The documents may not answer this directly; the closest they come:"
ABSTAIN_MESSAGE = (
    "I couldn't find an answer to that in the documents I have. "
    "Try rephrasing, ask about one of the indexed sources, or list them with `sources`."
)


@dataclass
class _Part:
    text: str
    answer_type: str
    terms: tuple[str, ...]
    best: Candidate | None = None
    # The other close sentences holding what the part asks for, best first.
    others: tuple[Candidate, ...] = ()
    score: float = 0.0  # the best sentence's score for this part (scores are re-set per part)
    coverage: float = 0.0


class Answerer:
    """Chooses, orders and cites the sentences of an extractive answer."""

    def __init__(
        self,
        embed_query: Callable[[str], np.ndarray],
        embed_texts: Callable[[Sequence[str]], np.ndarray],
        params: ComposeParams,
    ) -> None:
        self.embed_query = embed_query
        self.embed_texts = embed_texts
        self.params = params

    # Scoring -------------------------------------------------------------------
    def score(self, query: str, cands: list[Candidate], evidence: Evidence, kind: str) -> None:
        """Set each candidate's score for `query` (asking for `kind`)."""
        if not cands:
            return
        q = self.embed_query(query)
        if follow_up_terms(query):
            # A follow-up with the subject carried in ("who paid for it? (… haiti)"): what
            # it asks counts as much as the subject, or the subject drowns the question.
            w = self.params.followup_own_weight
            q = (1 - w) * q + w * self.embed_query(own_words(query))
            q = q / float(np.linalg.norm(q))  # unit length, like every query vector
        sims = np.vstack([c.vector for c in cands]) @ q
        q_terms = set(terms(query)) - FILLERS  # "actually", "really": no topic
        idf = evidence.query_idf
        total = sum(idf.get(t, 1.0) for t in q_terms) or 1.0
        penalty = self.params.unknown_name_penalty if evidence.unknown_names else 0.0
        asked = Asked.read(query, kind)
        for cand, sim in zip(cands, sims, strict=True):
            overlap = sum(idf.get(t, 1.0) for t in q_terms & cand.terms) / total
            bonus = self.params.type_bonus * asked.fit(cand.text)
            if DEPENDENT_START.match(cand.text) or ALTERNATIVE.match(cand.text):
                bonus -= 0.05
            cand.score = float(sim) + self.params.lexical_weight * overlap + bonus
            cand.score += 0.02 / (1 + cand.doc_rank) - penalty
            cand.score -= self.params.further_penalty * (cand.doc_rank >= len(evidence.passages))

    def coverage(
        self, wanted: Sequence[str], cand: Candidate, idf: dict[str, float], heading: float = 1.0
    ) -> float:
        """IDF-weighted share of `wanted` terms the sentence holds, with the sentence
        before it (which it may lean on), its document's title and its section heading
        (a term found only in the heading, which may cover several things, counts
        `heading` of its weight)."""
        if not wanted:
            return 1.0
        have = with_before(cand) | term_set(cand.doc.title)  # what the document is about
        headed = term_set(cand.doc.section)  # a heading may cover several things
        # a chat word and the documents' word read beside it are one ("quit", "resigned")
        have |= {a for t in have for a in READ_ALIKE.get(t, ())}
        headed |= {a for t in headed for a in READ_ALIKE.get(t, ())}
        weight = {t: idf.get(t, max(idf.values(), default=1.0)) for t in wanted}
        total = sum(weight.values()) or 1.0
        return (
            sum(w if t in have else heading * w for t, w in weight.items() if t in have | headed)
            / total
        )

    def confidence(self, part: _Part, analysis: QuestionAnalysis, evidence: Evidence) -> float:
        """Log-odds that the evidence answers the question (see ComposeParams)."""
        w_score, w_cov, w_unknown = self.params.confidence_weights
        unknown = self.unknown_share(analysis, evidence)
        return (
            w_score * part.score
            + w_cov * part.coverage
            + w_unknown * unknown
            + self.params.confidence_bias
        )

    @staticmethod
    def unknown_share(analysis: QuestionAnalysis, evidence: Evidence) -> float:
        """IDF-weighted share of the question's key terms that no document uses."""
        idf = evidence.query_idf
        weights = {t: idf.get(t, 1.0) for t in analysis.terms}
        total = sum(weights.values()) or 1.0
        return sum(w for t, w in weights.items() if t in evidence.unknown_terms) / total

    # The answer ----------------------------------------------------------------
    def answer(self, question: str, query: str, evidence: Evidence, mode: str) -> Answer:
        analysis = analyse(query)
        said = [comparable(s) for s in evidence.said]
        cands = [
            c
            for c in candidates(evidence.read(), self.embed_texts)
            if not any(comparable(c.text) in s for s in said)
        ]
        if not cands:
            return Answer(question, ABSTAIN_MESSAGE, abstained=True, mode=mode)
        parts = self._parts(analysis, query)
        for part in parts:
            part_query = query if len(parts) == 1 else f"{part.text} {' '.join(part.terms)}"
            self.score(part_query, cands, evidence, part.answer_type)
            ranked = sorted(cands, key=lambda c: -c.score)
            part.best = self._best(ranked, part, evidence)
            if part.best is not None:
                part.score = part.best.score
                part.coverage = self.coverage(part.terms, part.best, evidence.query_idf)
        if len(parts) == 1 and parts[0].best is not None and (asked := asked_neighbour(query)):
            # "who replaced her? (Prudence Bushnell)": the pair of a list holding her and
            # the one after her, quoted alone (the list it is cut from is not quoted too)
            pair = neighbour(cands, *asked)
            if pair is not None:  # found by the list's order, not by its similarity
                parts[0].best = pair
                parts[0].score = max(parts[0].score, self.params.min_score)
                parts[0].coverage = self.coverage(parts[0].terms, pair, evidence.query_idf)
                cands = [c for c in cands if not (c.doc is pair.doc and c.order == pair.order)]
        # A two-part question is answered if either part is ("what is agoa and when does
        # it run out now": the date, with the other part named as unanswered).
        strongest = max(parts, key=lambda p: p.score)
        confidence = self.confidence(strongest, analysis, evidence)
        # Just under `min_score` (`closest_margin`): the closest evidence, hedged, for
        # a question in the documents' own words whose quotes leave no gap
        closest = strongest.score < self.params.min_score
        if (
            confidence < self.params.hedge_confidence
            or strongest.score < self.params.min_score - self.params.closest_margin
            or (closest and self.unknown_share(analysis, evidence) > 0)
        ):
            return Answer(question, ABSTAIN_MESSAGE, abstained=True, mode=mode)
        if len(parts) > 1:  # the ranking of the whole question picks the extras
            self.score(query, cands, evidence, parts[0].answer_type)
        recent = recent_years(query, evidence)
        if strongest.best is not None and not older(strongest.best, recent):
            # a question about now, led by a recent sentence: no extras of long ago
            cands = [c for c in cands if not older(c, recent)]
        chosen = self._choose(parts, cands, analysis, min(strongest.score, self.params.min_score))
        if HOW_TO.match(query) and not any(instructs(c.text) for c in chosen):
            # "how do i apply for a us visa": news of others applying is no instruction
            return Answer(question, ABSTAIN_MESSAGE, abstained=True, mode=mode)
        gaps = evidence_gaps(analysis, parts, chosen, evidence, self.params.answer_coverage)
        if closest and (gaps or off_subject(analysis, chosen[:1], evidence)):
            return Answer(question, ABSTAIN_MESSAGE, abstained=True, mode=mode)
        if closest:
            gaps.append(HEDGE)
        if off_subject(analysis, chosen[:1], evidence) and (
            any(g.startswith(YEAR_GAP) for g in gaps) or analysis.answer_type == "person"
        ):
            # Neither the year nor the subject ("who won tanzania's 2025 election" -> a
            # Kenyan fact), or someone about another subject ("who is ethiopia's
            # ambassador" -> Kenya's): quotes about something else mislead.
            return Answer(question, ABSTAIN_MESSAGE, abstained=True, mode=mode)
        if analysis.recency and (stale := stale_year(chosen, evidence)):
            # "what do volunteers work on these days" answered from 2008: say so.
            gaps.append(f"{STALE_GAP} {stale}:")
        if confidence < self.params.answer_confidence and not gaps:
            gaps.append(HEDGE)
        text, citations = cite(chosen)
        lead = " ".join(gaps)
        if not lead and analysis.recency:  # never an old fact presented as current
            dated = max((c.doc.as_of or c.doc.date for c in chosen), default="")
            lead = f"As of {month_name(dated)}, the latest the documents report:" if dated else ""
        if lead:
            text = f"{lead}\n{text}"
        return Answer(question, text, citations, mode=mode, gaps=tuple(gaps))

    def _parts(self, analysis: QuestionAnalysis, query: str) -> list[_Part]:
        if len(analysis.parts) == 1:
            return [_Part(query, analysis.answer_type, analysis.terms)]
        # A later part leans on the first ("… and when did it kick in"): it is about its
        # own terms plus the rest of the question's. The first part names its subject
        # ("when was meg whitman nominated …"): about its own, given three or more, so
        # the second part's words ("… confirm her") do not choose its sentence.
        out = []
        for n, p in enumerate(analysis.parts):
            own = content_terms(p)
            words = own if n == 0 and len(own) >= 3 else [*own, *analysis.terms]
            out.append(_Part(p, answer_type(p), tuple(dict.fromkeys(words))))
        return out

    def _best(self, ranked: list[Candidate], part: _Part, evidence: Evidence) -> Candidate | None:
        """The best sentence for a part, preferring one that holds what it asks for and
        covers its terms, among those close to the top score; the runners-up that hold
        what it asks for are kept in `part.others`."""
        if not ranked:
            return None
        top = ranked[0].score
        close = [c for c in ranked[:12] if c.score >= top - self.params.margin]

        heading = self.params.lead_heading_credit
        idf = evidence.query_idf
        # A follow-up's own words ("which police units …") count as much as the subject
        # carried in from earlier turns, as in `score`; read once, not per sentence.
        own_terms = follow_up_terms(part.text)
        w = self.params.followup_own_weight
        when = WhenAsked.read(part.text)
        recent = recent_years(part.text, evidence)

        causes = part.answer_type == "reason" and any(states_cause(c.text) for c in close)
        asked = own_words(part.text)
        people = (
            part.answer_type == "person"
            and not BY_BODIES.search(asked)
            and not _WHICH.search(asked)  # "which commander": see gaps
            and any(names_person(c.text) for c in close)
        )

        # "which chinese company built the sgr": a sentence naming a company leads, if
        # one is close (what `evidence_gaps` asks of the whole answer)
        want = asked_for(part.text, part.answer_type, evidence)
        supplies = want.leads and any(want.supplied(c) for c in close)

        def key(c: Candidate) -> tuple[bool, float]:
            cov = self.coverage(part.terms, c, idf, heading=heading)
            if own_terms:
                cov = (1 - w) * cov + w * self.coverage(own_terms, c, idf, heading=heading)
            says = answers(part.answer_type, c.text, part.text)
            says = says and not (ANNOUNCES.match(c.text) or ALTERNATIVE.match(c.text))
            if causes:  # "why …": a sentence stating a cause leads, if one is close
                says = says and states_cause(c.text)
            if people:  # "who signed it": someone named, not "Kenya and the United States"
                says = says and names_person(c.text)
            if supplies:
                says = says and want.supplied(c)
            dated = self.params.lead_when_credit * when.held(c.text)
            if older(c, recent):
                dated -= self.params.lead_stale_penalty
            return (says, c.score + 0.25 * cov + dated)

        keyed = sorted(((key(c), c) for c in close), key=lambda kc: kc[0], reverse=True)
        part.others = tuple(c for (says, _), c in keyed[1:] if says)
        return keyed[0][1]

    def _repeats(self, cand: Candidate, other: Candidate) -> bool:
        """cand says again what `other` says: most of its terms are other's, and it
        states no figure, date or month other lacks ("On 5 February 2008 the Peace
        Corps announced a temporary suspension of its Kenya programme …" after "5
        February 2008: The Peace Corps suspended its Kenya programme …"; but "a second
        group … landed in July 2024" after "the first … landed on 25 June 2024" is
        news). Their vectors are not asked: two documents telling one fact in their own
        order are not always close for the embedding."""
        if stated(cand.text) - stated(other.text):
            return False
        return len(cand.terms & other.terms) >= self.params.redundant_terms * len(cand.terms)

    def _choose(
        self, parts: list[_Part], cands: list[Candidate], analysis: QuestionAnalysis, lowest: float
    ) -> list[Candidate]:
        """The sentences to quote: each part's best scoring at least `lowest`, then the
        extras that add something new."""
        chosen: list[Candidate] = []

        def add(cand: Candidate) -> None:
            if cand in chosen or not joinable(chosen, cand):
                return
            if DEPENDENT_START.match(cand.text):  # quote it with the sentence it leans on
                before = next(
                    (c for c in cands if c.doc is cand.doc and c.order == cand.order - 1), None
                )
                if before is None:
                    return
                if before not in chosen and joinable(chosen, before):
                    chosen.append(before)
            chosen.append(cand)

        for n, part in enumerate(parts):
            if part.best is not None and part.score >= lowest:
                if any(part.best is p.best for p in parts[:n]):
                    # "which countries abstained …, and how big is the new force": the
                    # sentence answering the first part answers this one only by chance
                    # (its vote count); the part's next sentence is quoted too
                    alt = next((c for c in part.others if c not in chosen), None)
                    if alt is not None:
                        add(alt)
                add(part.best)
        lists = analysis.answer_type == "list"
        limit = self.params.list_sentences if lists else self.params.max_sentences
        best = max((c.score for c in chosen), default=0.0)
        floor = max(self.params.min_score - self.params.extra_slack, best - self.params.margin)
        asked = set(analysis.terms)
        for cand in sorted(cands, key=lambda c: -c.score):
            if len(chosen) >= limit or cand.score < floor:
                break
            # A sentence leaning on the one before, or announcing that the figures
            # after it differ ("Reports differ on the Section 122 rate."), says nothing
            # quoted alone.
            if cand in chosen or DEPENDENT_START.match(cand.text) or ANNOUNCES.match(cand.text):
                continue
            if any(self._repeats(cand, c) for c in chosen):
                continue
            known = asked.union(*(c.terms for c in chosen))
            if len(cand.terms - known) < 3:  # nothing new to say
                continue
            add(cand)
        chosen = chosen[: limit + 1]
        if analysis.in_time and not any(DEPENDENT_START.match(c.text) for c in chosen):
            # "which came first, X or Y": the events in the order they happened
            chosen.sort(key=lambda c: first_date(c.text))
        return chosen


_WHICH = re.compile(r"\bwhich\b", re.I)
