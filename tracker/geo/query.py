"""Reading a free-text place query: the place itself and the qualifiers that narrow it."""
from __future__ import annotations

from dataclasses import dataclass

from .fuzzy import known_neighbours
from .gazetteer import Gazetteer, Region
from .normalise import key_of, lookup_keys, place_key, split_qualifiers, words

# Places named as qualifiers ("Flushing, Queens") are matched by distance, not by name.
MAX_QUALIFIER_PLACES = 25
# Longest region name peeled off the front of an unspaced (Chinese-order) address.
MAX_LEADING_CHARS = 12


@dataclass(slots=True)
class Qualifier:
    """One "region" or "country" part of a query, as the regions and places it may mean."""

    text: str
    regions: tuple[Region, ...]
    places: tuple[int, ...]

    @property
    def recognised(self) -> bool:
        """Whether the gazetteer knows this qualifier at all."""
        return bool(self.regions or self.places)


@dataclass(slots=True)
class Hit:
    """What the head's first known key names (looked up once, used by parsing and ranking)."""

    key: str
    stripped: bool  # found only without its generic suffix ("Kashi Shi" -> "kashi")
    places: tuple[int, ...]
    regions: tuple[Region, ...]
    fuzzy: bool = False  # found only one typo away ("Kashgr" -> "kashgar")


@dataclass(slots=True)
class ParsedQuery:
    """The head (the place asked for), what it names, and its qualifiers."""

    head: str
    hit: Hit | None
    qualifiers: tuple[Qualifier, ...]


def parse_query(gazetteer: Gazetteer, text: str) -> ParsedQuery | None:
    """Split a query into head and qualifiers; None when nothing is left to look up."""
    parts = split_qualifiers(text)
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    keys = lookup_keys(head)
    if not keys:
        return None
    hit = first_hit(gazetteer, keys)
    if not rest and hit is None:
        head, rest = _peel_leading(gazetteer, head)
        if not rest:
            head, rest = _peel_trailing(gazetteer, head)
        if rest:
            hit = first_hit(gazetteer, lookup_keys(head))
    if hit is None:
        hit = _typo_hit(gazetteer, lookup_keys(head))
    return ParsedQuery(head, hit, tuple(qualifier(gazetteer, part) for part in rest))


def _typo_hit(gazetteer: Gazetteer, keys: tuple[str, ...]) -> Hit | None:
    """The places one edit away from an unknown head, as a last resort."""
    neighbours = known_neighbours(gazetteer, keys[0]) if keys else []
    if not neighbours:
        return None
    places = tuple(dict.fromkeys(n for key in neighbours for n in gazetteer.places(key)))
    return Hit(keys[0], False, places, (), fuzzy=True)


def first_hit(gazetteer: Gazetteer, keys: tuple[str, ...]) -> Hit | None:
    """The places and regions under the first key (exact, then stripped) that names any."""
    for position, key in enumerate(keys):
        places, regions = gazetteer.places(key), gazetteer.regions(key)
        if places or regions:
            return Hit(key, position > 0, places, tuple(regions))
    return None


def qualifier(gazetteer: Gazetteer, text: str) -> Qualifier:
    """What a qualifier may refer to: countries, divisions, or nearby places."""
    regions: list[Region] = []
    places: list[int] = []
    for key in lookup_keys(text):
        regions += [r for r in gazetteer.regions(key) if r not in regions]
        places += gazetteer.places(key)[:MAX_QUALIFIER_PLACES]
    return Qualifier(text, tuple(regions), tuple(dict.fromkeys(places)))


def _known(gazetteer: Gazetteer, key: str) -> bool:
    """Whether any place or region has this key."""
    return bool(gazetteer.places(key) or gazetteer.regions(key))


def _peel_trailing(gazetteer: Gazetteer, head: str) -> tuple[str, list[str]]:
    """Read "Flushing NY" or "Kashgar Xinjiang China" without commas as place + regions."""
    tokens, tails = words(head), []
    while len(tokens) > 1 and not first_hit(gazetteer, lookup_keys(" ".join(tokens))):
        for size in (1, 2, 3):
            if len(tokens) > size and gazetteer.regions(key_of(tokens[-size:])):
                tails.insert(0, " ".join(tokens[-size:]))
                tokens = tokens[:-size]
                break
        else:
            break
    return (" ".join(tokens), tails) if tails else (head, [])


def _peel_leading(gazetteer: Gazetteer, head: str) -> tuple[str, list[str]]:
    """Read Chinese-order addresses ("中国新疆喀什市", "香港旺角") from the left, widest first."""
    key, leads = place_key(head), []
    if key.isascii():
        return head, []
    while not first_hit(gazetteer, lookup_keys(key)):
        for size in range(min(len(key) - 1, MAX_LEADING_CHARS), 1, -1):
            if _known(gazetteer, key[:size]):
                leads.append(key[:size])
                key = key[size:]
                break
        else:
            break
    return (key, leads[::-1]) if leads else (head, [])
