"""Who holds a title the question asks about, read from single sentences."""

from __future__ import annotations

import pytest

from retrieval.titles import ROLE_ASKED, in_role


@pytest.mark.parametrize(
    ("question", "sentence", "holds"),
    [
        (
            "who is kenya's un ambassador",
            "Kenya's UN ambassador, Martin Kimani, addressed the Security Council.",
            True,
        ),
        (  # "Kenyatta" is a name, not "Kenya's"
            "who is kenya's un ambassador",
            "Uhuru Kenyatta met the US ambassador, Linda Thomas-Greenfield, in New York.",
            False,
        ),
        (  # a demonym names the country too
            "who is china's ambassador to kenya",
            "The Chinese ambassador, Guo Haiyan, met officials in Nairobi.",
            True,
        ),
        (  # Kenya's, but posted in Washington, not Moscow
            "who is kenya's ambassador in moscow",
            "David Kerich was confirmed as Kenya's ambassador in Washington in 2024.",
            False,
        ),
        (
            "who was the deputy force commander",
            "Godfrey Otunge was the force commander of the mission.",
            False,
        ),
    ],
)
def test_a_title_is_held_only_as_asked(question: str, sentence: str, holds: bool) -> None:
    role = ROLE_ASKED.search(question)

    assert role is not None
    assert in_role(sentence, role) is holds
