"""Questions paired with answers.

Four shapes of paper:
- numbered ("Vraag 1" / "Antwoord 1", the Aanhangsel): pair by number;
- a reply that repeats each question block, then answers it (schriftelijk overleg, memorie van
  antwoord): a block is a question when its text already stood earlier in the paper (the
  repetition) or when it has the typographic style of the repeated blocks and the answers differ
  in style; the answer is what follows up to the next question;
- a memorie van antwoord that restates each question in its own words ("De leden van de
  CDA-fractie vroegen naar ...") and answers in the same and following blocks;
- questions only (voorlopig verslag): every block a fractie asks, with an empty answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.model import FURNITURE_KINDS, Block, QAPair
from pipeline.parse.structure.fracties import askers, members_with_party
from pipeline.parse.structure.letters import signature
from pipeline.parse.structure.text import squash
from pipeline.parse.textsim import words

PROSE_KINDS = frozenset({"paragraph", "list_item", "table"})
#: Types that may hold questions without answers.
REPORT_TYPES = frozenset({"voorlopig verslag", "nader voorlopig verslag", "verslag", "eindverslag",
                          "verslag van een schriftelijk overleg", "verslag van een nader schriftelijk overleg"})

#: Types that answer questions asked in an earlier paper.
ANSWER_TYPES = frozenset({"memorie van antwoord", "nadere memorie van antwoord", "nota naar aanleiding van het verslag"})
#: Types that may hold questions with their answers in prose. Any other type (a motie, a bill, an
#: unknown paper such as a besluitenlijst that repeats "Besluit: ..." lines) only has numbered pairs.
PROSE_QA_TYPES = REPORT_TYPES | ANSWER_TYPES | {"brief"}

_COMMITTEE_SPEAKS = re.compile(r"^(?:De|Het)\s+(?:leden\s+van\s+de\s+)?(?:vaste\s+|bijzondere\s+)?commissie\b")
_LETTER_HEADING = re.compile(r"^BRIEF\s+VAN\b")
_SENTENCE = re.compile(r"(?<=[.?!:])\s+(?=[A-Z0-9(«“‘])")
_ASKING = re.compile(r"\b(?:vragen|vroegen|vraagt|vroeg|willen weten|wil weten|verzoeken|verzoekt)\b|\?$")
_LABEL_HEAD = re.compile(r"(?P<kind>Vraag|Vragen|Antwoord|Antwoorden)(?:\s+op\s+(?:de\s+)?vra(?:ag|gen))?"
                         r"\s+(?P<n>\d+)[a-z]?\b")
_LABEL_MORE = re.compile(r"\s*(?P<sep>,|&|en\b|t/m|tot en met|[-–])?\s*(?P<n>\d+)[a-z]?\b")
_LABEL_END = re.compile(r"\s*[.:]?\s*")
_RANGE = frozenset({"t/m", "tot en met", "-", "–"})
_ASKED = re.compile(r"Vragen van (?:het lid|de leden)\s+(?P<who>.+?)\s+aan\s+(?:de|het)\s")
_ANSWERED = re.compile(r"Antwoord van\s+(?P<who>.+?)(?:\s*\((?:ontvangen|mede namens)|,\s*mede namens)")
_NOTE_MARK = re.compile(r"(?<=[^\W\d_])\d{1,2}\b")  # "Kamer2," -> "Kamer,"
SHINGLE = 4  # words per shingle when looking for a repeated block
MIN_WORDS = 8  # a shorter block is repeated only as the continuation of a repeated one
MIN_SHARE = 0.75  # share of a block's shingles seen earlier for it to count as repeated


def _words(block: Block) -> list[str]:
    return words(_NOTE_MARK.sub("", block.text))


def _shingles(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]


StyleKey = tuple[bool, bool, int]  # italic, bold, indent in steps of 5 pt
Groups = list[tuple[list[int], list[int]]]  # (question blocks, answer blocks) per pair


def _style_key(block: Block) -> StyleKey:
    return block.style.italic, block.style.bold, round(block.style.indent / 5)


def _prose(blocks: Sequence[Block]) -> list[int]:
    """Indexes of the blocks that may be question or answer text."""
    return [i for i, b in enumerate(blocks) if b.kind in PROSE_KINDS and not signature(b)]


# -- numbered questions (Aanhangsel) ---------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    """A question or answer label ("Vraag 3, 4 en 5", "Antwoord op vraag 2 en 3", "Vragen 3 t/m 5")."""

    kind: str  # "Vraag" or "Antwoord"
    numbers: tuple[int, ...]
    end: int  # where the text after the label starts


def parse_label(text: str) -> Label | None:
    """The label `text` opens with, all its numbers consumed: listed with commas, "en" or "&",
    ranged with "t/m", "tot en met" or a dash, or (a comma missing as printed, "9 10 en 11") the
    next number after a space. None when a sentence goes on ("Vraag 5 gaat over ...")."""
    head = _LABEL_HEAD.match(text)
    if not head:
        return None
    numbers, end = [int(head["n"])], head.end()
    while (more := _LABEL_MORE.match(text, end)) is not None:
        number, sep = int(more["n"]), more["sep"]
        if sep in _RANGE and number > numbers[-1]:
            numbers += range(numbers[-1] + 1, number + 1)
        elif sep in (",", "&", "en") or (sep is None and number == numbers[-1] + 1):
            numbers.append(number)
        else:  # "Vraag 2 15 procent ...": the text starts with a number
            break
        end = more.end()
    end = _LABEL_END.match(text, end).end()
    if text[end:end + 1].islower():
        return None
    return Label("Vraag" if head["kind"].startswith("Vra") else "Antwoord", tuple(numbers), end)


def _askers_of_aanhangsel(text: str) -> str:
    match = _ASKED.search(text)
    if not match:
        return ""
    return ", ".join(f"{name} ({party})" if party else name for name, party in members_with_party(match.group("who")))


def numbered_pairs(blocks: Sequence[Block]) -> list[QAPair]:
    """ "Vraag n" with "Antwoord n"; who asked and answered from the heading lines."""
    all_text = squash(" ".join(b.text for b in blocks))
    asked_by = _askers_of_aanhangsel(all_text)
    answered = _ANSWERED.search(all_text)
    answered_by = answered.group("who") if answered else ""
    texts: dict[tuple[str, int], list[str]] = {}
    pages: dict[int, int] = {}
    current: list[tuple[str, int]] = []
    for block in blocks:
        text = squash(block.text)
        if label := parse_label(text):
            current = [(label.kind, n) for n in label.numbers]
            for key in current:
                texts.setdefault(key, [])
                if key[0] == "Vraag":
                    pages.setdefault(key[1], block.page)
            text = text[label.end:]
        elif block.kind not in PROSE_KINDS or signature(block):
            continue
        for key in current if text else ():
            texts[key].append(text)
    return [
        QAPair(seq=n, asked_by=asked_by, question="\n\n".join(texts[("Vraag", n)]),
               answer="\n\n".join(texts.get(("Antwoord", n), [])), answered_by=answered_by, page=pages[n])
        for n in sorted(pages)
    ]


# -- repeated questions (schriftelijk overleg, memorie van antwoord) ------------------------------

@dataclass
class _Repetition:
    """Which prose blocks repeat earlier text, and which earlier block each one repeats."""

    source: dict[int, int] = field(default_factory=dict)  # repeated block -> block it repeats

    @classmethod
    def find(cls, blocks: Sequence[Block]) -> _Repetition:
        """Blocks are read in order; the answers of a reply (from a repeated block up to a signature
        or heading) are never taken as the source of a repetition."""
        found = cls()
        seen: dict[tuple[str, ...], int] = {}
        in_answer: set[int] = set()
        previous: list[str] = []
        in_reply = after_question = False
        for i, block in enumerate(blocks):
            if block.kind == "heading" or signature(block):  # a reply (or a letter) ends here
                in_reply = False
                continue
            if block.kind not in PROSE_KINDS:
                continue
            tokens = _words(block)
            if len(tokens) >= MIN_WORDS:
                source = cls._source(tokens, seen, in_answer)
            else:  # a short piece only continues a repeated block: "beëindigd?" after its page break
                source = cls._source(previous[-SHINGLE:] + tokens, seen, in_answer) if after_question else None
            if source is not None:
                found.source[i] = source
                in_reply = after_question = True
            else:
                for shingle in _shingles(tokens):
                    seen.setdefault(shingle, i)
                if in_reply:
                    in_answer.add(i)
                after_question = False
            previous = tokens
        return found

    @staticmethod
    def _source(tokens: list[str], seen: dict[tuple[str, ...], int], in_answer: set[int]) -> int | None:
        shingles = _shingles(tokens)
        owners = [seen[s] for s in shingles if s in seen and seen[s] not in in_answer]
        if not shingles or len(owners) < MIN_SHARE * len(shingles):
            return None
        return Counter(owners).most_common(1)[0][0]


def _question_style(blocks: Sequence[Block], repeated: set[int], others: list[int]) -> StyleKey | None:
    """The style of the repeated blocks when it sets them apart from the answers, else None."""
    if not repeated or not others:
        return None
    q_key, q_count = Counter(_style_key(blocks[i]) for i in repeated).most_common(1)[0]
    a_key, a_count = Counter(_style_key(blocks[i]) for i in others).most_common(1)[0]
    if q_key != a_key and q_count >= 0.8 * len(repeated) and a_count >= 0.6 * len(others):
        return q_key
    return None


def _fractie_context(blocks: Sequence[Block], prose: Sequence[int]) -> dict[int, list[str]]:
    """For each prose block the fracties asking in it, or else in the nearest block before it."""
    context: dict[int, list[str]] = {}
    current: list[str] = []
    for i in prose:
        current = askers(blocks[i].text) or current
        context[i] = current
    return context


def _group(blocks: Sequence[Block], start: int, is_question: Callable[[int], bool]) -> Groups:
    """(question blocks, answer blocks) runs from `start`; a signature closes the running answer."""
    groups: Groups = []
    questions: list[int] = []
    answers: list[int] = []
    for i in range(start, len(blocks)):
        block = blocks[i]
        if signature(block):
            if questions:
                groups.append((questions, answers))
            questions, answers = [], []
        elif block.kind not in PROSE_KINDS:
            continue
        elif is_question(i):
            if answers:
                groups.append((questions, answers))
                questions, answers = [], []
            questions.append(i)
        elif questions:
            answers.append(i)
    if questions:
        groups.append((questions, answers))
    return groups


def _pairs(blocks: Sequence[Block], groups: Groups, context: dict[int, list[str]], sources: dict[int, int],
           answered_by: str) -> list[QAPair]:
    """One pair per group, asked by the fracties named in its question, else by those of the context
    of the block it repeats."""
    pairs = []
    for seq, (questions, answers) in enumerate(groups, start=1):
        question = "\n\n".join(squash(blocks[i].text) for i in questions)
        who = askers(question)
        if not who:
            first = questions[0]
            who = context.get(sources.get(first, first), [])
        pairs.append(QAPair(
            seq=seq, asked_by=", ".join(who), question=question,
            answer="\n\n".join(squash(blocks[i].text) for i in answers),
            answered_by=answered_by, page=blocks[questions[0]].page,
        ))
    return pairs


def repeated_pairs(blocks: Sequence[Block], answered_by: str = "") -> list[QAPair]:
    """Pairs from a reply that repeats the question blocks; [] when nothing is repeated."""
    prose = _prose(blocks)
    repetition = _Repetition.find(blocks)
    if not repetition.source:
        return []
    start = min(repetition.source)
    repeated = set(repetition.source)
    others = [i for i in prose if i > start and i not in repeated]
    style = _question_style(blocks, repeated, others)

    def is_question(i: int) -> bool:
        return i in repeated or (style is not None and _style_key(blocks[i]) == style)

    groups = _group(blocks, start, is_question)
    return _pairs(blocks, groups, _fractie_context(blocks, prose), repetition.source, answered_by)


def styled_pairs(blocks: Sequence[Block], answered_by: str = "") -> list[QAPair]:
    """Pairs when nothing is repeated but the blocks a fractie asks stand in their own style."""
    prose = _prose(blocks)
    asking = [i for i in prose if askers(blocks[i].text)]
    if not asking:
        return []
    q_key, q_count = Counter(_style_key(blocks[i]) for i in asking).most_common(1)[0]
    rest = [i for i in prose if _style_key(blocks[i]) != q_key]
    if q_count < 0.8 * len(asking) or not rest or q_key == (False, False, 0):
        return []
    groups = _group(blocks, asking[0], lambda i: _style_key(blocks[i]) == q_key)
    return [p for p in _pairs(blocks, groups, _fractie_context(blocks, prose), {}, answered_by) if p.answer]


def _units(blocks: Sequence[Block]) -> list[list[int]]:
    """Runs of prose blocks opened by a block in which a fractie asks, up to the next one, a heading
    or a signature. With letters in the paper only their text counts (not the covering report)."""
    in_letter = not any(_LETTER_HEADING.match(squash(b.text)) for b in blocks)
    units: list[list[int]] = []
    current: list[int] | None = None
    for i, block in enumerate(blocks):
        text = squash(block.text)
        if _LETTER_HEADING.match(text):
            in_letter, current = True, None
        elif block.kind == "heading" or signature(block):
            current = None
        elif block.kind in PROSE_KINDS and in_letter:
            if askers(text):
                current = [i]
                units.append(current)
            elif _COMMITTEE_SPEAKS.match(text):  # "De commissie ziet ... tegemoet": no fractie's
                current = None
            elif current is not None:
                current.append(i)
    return units


def question_blocks(blocks: Sequence[Block]) -> list[QAPair]:
    """Each question block (a fractie asking, with the blocks that continue it), with no answer."""
    return [
        QAPair(seq=n, asked_by=", ".join(askers(blocks[unit[0]].text)),
               question="\n\n".join(squash(blocks[i].text) for i in unit), answer="", page=blocks[unit[0]].page)
        for n, unit in enumerate(_units(blocks), start=1)
    ]


def _asks(sentence: str) -> bool:
    return bool(askers(sentence) or _ASKING.search(sentence))


def paraphrased_pairs(blocks: Sequence[Block], answered_by: str = "") -> list[QAPair]:
    """A memorie van antwoord that restates each question in its own words, then answers:
    "De leden van de CDA-fractie vroegen naar X. <answer>"; the answer runs to the next question."""
    pairs = []
    for unit in _units(blocks):
        first = squash(blocks[unit[0]].text)
        sentences = _SENTENCE.split(first)
        cut = next((n for n, sentence in enumerate(sentences) if not _asks(sentence)), len(sentences))
        answer = [" ".join(sentences[cut:])] if cut < len(sentences) else []
        answer += [squash(blocks[i].text) for i in unit[1:]]
        if answer:
            pairs.append(QAPair(seq=len(pairs) + 1, asked_by=", ".join(askers(first)),
                                question=" ".join(sentences[:cut]), answer="\n\n".join(answer),
                                answered_by=answered_by, page=blocks[unit[0]].page))
    return pairs


def extract_qa(blocks: Sequence[Block], document_type: str, answered_by: str = "") -> list[QAPair]:
    """The question/answer pairs of a paper, by the first shape that fits it."""
    body = [b for b in blocks if b.kind not in FURNITURE_KINDS]
    labels = ((b, parse_label(squash(b.text))) for b in body)
    if any(label and (label.end == len(squash(b.text)) or b.kind == "label") for b, label in labels):
        return numbered_pairs(body)
    if document_type not in PROSE_QA_TYPES:
        return []
    pairs = repeated_pairs(body, answered_by) or styled_pairs(body, answered_by)
    if not pairs and document_type in ANSWER_TYPES:
        pairs = paraphrased_pairs(body, answered_by)
    if not pairs and document_type in REPORT_TYPES:
        pairs = question_blocks(body)
    return pairs
