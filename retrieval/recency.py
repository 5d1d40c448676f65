"""Questions about now ("who leads the embassy now", "who is the ambassador"): the
sentences that answer them tell of recent years, not of long ago."""

from __future__ import annotations

from retrieval.gaps import STALE_YEARS
from retrieval.models import Evidence
from retrieval.question import RECENT
from retrieval.sentences import YEAR, Candidate
from retrieval.subject import sentence_before
from retrieval.titles import asks_holder_now


def recent_years(question: str, evidence: Evidence) -> int:
    """For a question about now ("who leads it now", "who is the ambassador"), the
    earliest year still recent, as `gaps.stale_year` counts it; else 0."""
    latest = evidence.latest[:4]
    now = RECENT.search(question) or asks_holder_now(question)
    return int(latest) - STALE_YEARS if now and latest.isdigit() else 0


def older(cand: Candidate, recent: int) -> bool:
    """The sentence (or, undated, the one before it) tells of a year before `recent`."""
    if not recent:
        return False
    years = YEAR.findall(cand.text) or YEAR.findall(sentence_before(cand))
    return bool(years) and int(max(years)) < recent
