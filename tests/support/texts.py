"""Long news-like texts and ordinary edits of them, for the diff tests and its benchmark."""

from __future__ import annotations

import difflib
import random
import re

from workflow.domain.diff import Chunk

ENGLISH_SAMPLE = (
    "the council said on Tuesday that its budget for schools and roads would rise next year after months of "
    "talks with unions, residents and the regional government, while the mayor warned that flooding along "
    "the river had cost the city more than expected and that repairs to bridges, housing and the old market "
    "must come first; officials told reporters a review of contracts found delays, missing reports and "
    "costs nobody had approved, and the opposition asked for an inquiry into who signed them and why"
)
ARABIC_SAMPLE = (
    "قال المجلس البلدي يوم الثلاثاء إن ميزانية المدارس والطرق سترتفع العام المقبل بعد أشهر من المحادثات مع "
    "النقابات والسكان والحكومة الإقليمية، فيما حذر رئيس البلدية من أن الفيضانات على ضفاف النهر كلفت المدينة "
    "أكثر مما كان متوقعا وأن إصلاح الجسور والمساكن والسوق القديم يأتي أولا؛ وأبلغ مسؤولون الصحفيين أن مراجعة "
    "العقود كشفت تأخيرات وتقارير مفقودة وتكاليف لم يوافق عليها أحد، وطالبت المعارضة بتحقيق فيمن وقعها ولماذا"
)
ENGLISH, ARABIC = ENGLISH_SAMPLE.split(), ARABIC_SAMPLE.split()


def difflib_word_diff(old: str, new: str) -> list[Chunk]:
    """The algorithm word_diff replaced (quadratic on long texts): the oracle for ordinary edits."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            chunks.append(Chunk("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("delete", "".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("insert", "".join(b[j1:j2])))
    return chunks


_TOKEN = re.compile(r"\s+|[^\s]+")
_WORD = re.compile(r"([^\s]+)( ?)")


def news_text(words: int, seed: int, vocabulary: list[str] = ENGLISH) -> str:
    """`words` words drawn from a news vocabulary, in sentences and paragraphs, the same for the same seed."""
    pick = random.Random(seed)
    parts: list[str] = []
    for _ in range(words):
        parts.append(pick.choice(vocabulary))
        parts.append("\n" if pick.random() < 0.02 else " ")
    return "".join(parts[:-1])


def edited(text: str, share: float, seed: int, vocabulary: list[str] = ENGLISH) -> str:
    """`text` with about `share` of its words replaced, deleted or followed by an inserted word."""
    pick = random.Random(seed)

    def change(match: re.Match) -> str:
        word, space, roll = match.group(1), match.group(2), pick.random()
        if roll >= share:
            return word + space
        if roll < share / 3:
            return pick.choice(vocabulary) + "s" + space  # replaced by a word the text may not have
        if roll < 2 * share / 3:
            return f"{word} {pick.choice(vocabulary)}{space}"
        return ""  # deleted, with the space after it

    return _WORD.sub(change, text)
