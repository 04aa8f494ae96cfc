"""Synthetic SQuAD-format data for the SQuAD reader tests and the reader training tests.

Every context says "the <thing> is <value> ." among filler sentences, and the answer is always the
word after "is".
"""

from __future__ import annotations

import json
import random
from pathlib import Path

THINGS = ["car", "dog", "cat", "house", "sky", "ball", "door", "lamp", "shirt", "cup", "book", "bike", "boat", "tree",
          "hat", "box"]
VALUES = ["red", "blue", "green", "yellow", "black", "white", "big", "small", "old", "new", "warm", "cold"]
FILLER = [
    "we saw a bird near the park today .",
    "they like to walk in the city .",
    "then we went home and it rained .",
    "my friend made tea for us .",
    "a man sang a song at night .",
]


def synthetic_squad(n: int, seed: int, unanswerable: int = 0) -> dict:
    """`n` questions "what is the X ?" whose answer is the word after "is" in the context.

    The last `unanswerable` questions ask about a thing the context does not mention (SQuAD 2.0 style).
    """
    rng = random.Random(seed)
    paragraphs = []
    for i in range(n):
        thing, value = rng.choice(THINGS), rng.choice(VALUES)
        before = " ".join(rng.sample(FILLER, rng.randint(0, 3)))
        after = " ".join(rng.sample(FILLER, rng.randint(0, 2)))
        fact = f"the {thing} is {value} ."
        context = " ".join(part for part in (before, fact, after) if part)
        start = context.index(fact) + len(f"the {thing} is ")
        if i >= n - unanswerable:
            other = rng.choice([t for t in THINGS if t != thing])
            qa = {"id": f"q{seed}-{i}", "question": f"what is the {other} ?", "answers": [],
                  "is_impossible": True, "plausible_answers": [{"text": value, "answer_start": start}]}
        else:
            qa = {"id": f"q{seed}-{i}", "question": f"what is the {thing} ?",
                  "answers": [{"text": value, "answer_start": start}], "is_impossible": False}
        paragraphs.append({"context": context, "qas": [qa]})
    return {"version": "synthetic", "data": [{"title": "synthetic", "paragraphs": paragraphs}]}


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
