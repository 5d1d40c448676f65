"""Country names and nationality words, read as names even when typed in lower case.

People type "who is the prime minister of japan": the model's vocabulary knows
"japan" as an ordinary (uncased) word, so nothing else marks it as a name. A
question about a country the documents never mention is about something they
don't cover, and is treated like a question naming any other unknown name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

# The UN's member and observer states by their common English names, a few other
# names people use for them, and the nationality words of the larger ones.
_COUNTRIES = """
afghanistan, albania, algeria, andorra, angola, antigua, argentina, armenia, australia,
austria, azerbaijan, bahamas, bahrain, bangladesh, barbados, belarus, belgium, belize,
benin, bhutan, bolivia, bosnia, botswana, brazil, brunei, bulgaria, burkina faso,
burundi, cambodia, cameroon, canada, cape verde, chad, chile, china, colombia, comoros,
congo, costa rica, croatia, cuba, cyprus, czechia, czech republic, denmark, djibouti,
dominica, dominican republic, ecuador, egypt, el salvador, equatorial guinea, eritrea,
estonia, eswatini, ethiopia, fiji, finland, france, gabon, gambia, georgia, germany,
ghana, greece, grenada, guatemala, guinea, guinea-bissau, guyana, haiti, honduras,
hungary, iceland, india, indonesia, iran, iraq, ireland, israel, italy, ivory coast,
jamaica, japan, jordan, kazakhstan, kenya, kiribati, kosovo, kuwait, kyrgyzstan, laos,
latvia, lebanon, lesotho, liberia, libya, liechtenstein, lithuania, luxembourg,
madagascar, malawi, malaysia, maldives, mali, malta, mauritania, mauritius, mexico,
micronesia, moldova, monaco, mongolia, montenegro, morocco, mozambique, myanmar, burma,
namibia, nauru, nepal, netherlands, holland, new zealand, nicaragua, niger, nigeria,
north korea, north macedonia, norway, oman, pakistan, palau, palestine, panama,
papua new guinea, paraguay, peru, philippines, poland, portugal, qatar, romania, russia,
rwanda, saint lucia, samoa, san marino, saudi arabia, senegal, serbia, seychelles,
sierra leone, singapore, slovakia, slovenia, solomon islands, somalia, south africa,
south korea, south sudan, spain, sri lanka, sudan, suriname, sweden, switzerland, syria,
taiwan, tajikistan, tanzania, thailand, timor-leste, east timor, togo, tonga, trinidad,
tunisia, turkey, turkiye, turkmenistan, tuvalu, uganda, ukraine, united arab emirates,
uae, united kingdom, britain, england, scotland, wales, uruguay, uzbekistan, vanuatu,
vatican, venezuela, vietnam, yemen, zambia, zimbabwe,
afghan, algerian, american, argentine, argentinian, australian, austrian, belgian,
brazilian, british, canadian, chilean, chinese, colombian, cuban, danish, dutch, egyptian,
english, ethiopian, finnish, french, german, ghanaian, greek, hungarian, indian,
indonesian, iranian, iraqi, irish, israeli, italian, japanese, jordanian, kenyan, korean,
lebanese, libyan, malaysian, mexican, moroccan, nigerian, norwegian, pakistani,
palestinian, peruvian, filipino, polish, portuguese, qatari, romanian, russian, rwandan,
saudi, scottish, senegalese, somali, spanish, sudanese, swedish, swiss, syrian,
tanzanian, thai, tunisian, turkish, ugandan, ukrainian, venezuelan, vietnamese, welsh,
yemeni, zambian, zimbabwean
"""
_NAMES = frozenset(" ".join(n.split()) for n in _COUNTRIES.split(","))
_LONGEST = max(len(n.split()) for n in _NAMES)
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

# "which countries …", "what other african countries …": the answer names a country.
WHICH_COUNTRIES = re.compile(
    r"\b(which|what) (other )?([a-z-]+ )?(countries|country|nations?)\b", re.I
)


@lru_cache(maxsize=8192)
def _found(text: str) -> tuple[str, ...]:
    words = list(_WORD.finditer(text))
    out: list[str] = []
    i = 0
    while i < len(words):
        # Longest first, so "south sudan" is one name, not "sudan".
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            run = words[i : i + n]
            spaced = all(text[a.end() : b.start()].isspace() for a, b in pairwise(run))
            if spaced and " ".join(w.group(0).lower() for w in run) in _NAMES:
                out.append(text[run[0].start() : run[-1].end()])
                i += n
                break
        else:
            i += 1
    return tuple(out)


def country_names(text: str) -> list[str]:
    """The country names and nationality words in text, as written there."""
    return list(_found(text))
