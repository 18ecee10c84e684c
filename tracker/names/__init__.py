"""Name keys across scripts and readings: what the blind index stores so a person is found however
their name is written (Uyghur, Tibetan, Han read in Mandarin or Cantonese, Khmer, Ge'ez, Cyrillic,
Latin), and the rule that decides whether two names may be one person's.

Nothing here touches the database or a key: callers digest the keys (``casework.names``).
"""
from .compare import NameMatch, compare_names
from .keys import candidate_keys, matches, name_keys, pair_part, query_alternatives
from .readings import families_for

__all__ = ["NameMatch", "candidate_keys", "compare_names", "families_for", "matches", "name_keys", "pair_part",
           "query_alternatives"]
