"""Step 3 of the pipeline: typographic clean-up of reviewed text before it reaches a template.

- whitespace from YAML line folding is collapsed (and removed between two CJK characters);
- a space separates Han/kana from Latin letters and digits (W3C clreq/jlreq ask for about ¼ em).
  U+2005 would be exactly ¼ em, but Noto Sans CJK has no glyph for it and Pango would pull in a
  system font; its U+0020 is 0.224 em and is never stretched, since CJK text is set ragged-right;
- ASCII punctuation touching Han text is reported, not silently fixed: it is a translation slip.
"""

import dataclasses
import re
from typing import Any, Callable

from .schema import CJK_LANGUAGES

HAN_KANA = r"\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_ANY = HAN_KANA + r"\u3000-\u303f\uff00-\uffef"
LATIN = r"A-Za-z0-9\u00c0-\u024f"
# Korean is not a language of the tool, but Hangul is CJK text all the same: it must not be tagged `en`.
HANGUL = r"\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"

CJK_CHARACTER = re.compile(f"[{HAN_KANA}{HANGUL}]")  # Han, kana or Hangul: text that needs a CJK `lang`
MAX_LATIN_WORDS = 3  # "DMSO", "Nature 573" or a name may stand alone in a CJK text; a sentence may not
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*")
_URL = re.compile(r"\S+://\S+|www\.\S+")
_SPACE_RUN = re.compile(r"\s+")
_CJK_GAP = re.compile(rf"(?<=[{CJK_ANY}])\s+(?=[{CJK_ANY}])")
_HAN_THEN_LATIN = re.compile(rf"([{HAN_KANA}])\s*([{LATIN}])")
_LATIN_THEN_HAN = re.compile(rf"([{LATIN}])\s*([{HAN_KANA}])")
_ASCII_PUNCT_BY_HAN = re.compile(rf"(?<=[{HAN_KANA}])[,.;:?!()]|[,;:?!()](?=[{HAN_KANA}])")

FULL_WIDTH = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def tidy(text: str, lang: str) -> str:
    """The text as it should be typeset in `lang`."""
    if lang in CJK_LANGUAGES:
        text = _CJK_GAP.sub("", text)
        text = _SPACE_RUN.sub(" ", text)
        text = _HAN_THEN_LATIN.sub(r"\1 \2", text)
        text = _LATIN_THEN_HAN.sub(r"\1 \2", text)
        return text.replace("——", "\u2e3a")  # two U+2014 are 1.68 em in Noto; U+2E3A is one 2-em dash
    return _SPACE_RUN.sub(" ", text)


def punctuation_slips(text: str) -> list[str]:
    """Messages for ASCII punctuation next to Han or kana, e.g. `ASCII ',' next to Chinese text; use '，'`."""
    return [f"ASCII '{m.group()}' next to CJK text; use '{FULL_WIDTH[m.group()]}'"
            for m in _ASCII_PUNCT_BY_HAN.finditer(text)]


def untranslated(text: str) -> bool:
    """Whether a text of a CJK file is Latin-script prose without one CJK character: most likely not translated."""
    return not CJK_CHARACTER.search(text) and len(_LATIN_WORD.findall(_URL.sub("", text))) > MAX_LATIN_WORDS


def map_texts(model: Any, change: Callable[[str], str]) -> Any:
    """A copy of a frozen model tree with `change` applied to every piece of text in it."""
    if isinstance(model, str):
        return change(model)
    if isinstance(model, list):
        return [map_texts(item, change) for item in model]
    if isinstance(model, dict):
        return {key: map_texts(value, change) for key, value in model.items()}
    if dataclasses.is_dataclass(model):
        return dataclasses.replace(model, **{f.name: map_texts(getattr(model, f.name), change)
                                             for f in dataclasses.fields(model)})
    return model
