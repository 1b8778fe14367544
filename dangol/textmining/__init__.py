"""dangol.textmining — Korean VOC text: intent, emotion (+intensity), difficult-customer cues, keywords,
weekly rising issues, personal-data masking, learning from staff corrections. A pure library (no Django).

    from dangol.textmining import mask_pii, analyze, rising_terms
"""

from dangol.textmining.analysis import Analysis, analyze, analyze_many
from dangol.textmining.lexicon import find_cues
from dangol.textmining.model import EMOTIONS, INTENTS
from dangol.textmining.pii import find_pii, mask_pii
from dangol.textmining.retrain import retrain
from dangol.textmining.trends import rising_terms

__all__ = [
    "EMOTIONS",
    "INTENTS",
    "Analysis",
    "analyze",
    "analyze_many",
    "find_cues",
    "find_pii",
    "mask_pii",
    "retrain",
    "rising_terms",
]
