"""Readers and writers of the data sets hayrick trains and evaluates on: SQuAD, SubjQA, DPR, store eval data.

```python
from hayrick.datasets import load_squad, load_subjqa_documents, subjqa_to_squad, write_squad

docs, labels = load_squad("../shared/datasets/squad/dev-v1.1.json")          # documents and gold labels
reviews = load_subjqa_documents("../shared/datasets/subjqa/electronics")      # 1,615 reviews
write_squad(subjqa_to_squad(".../subjqa/electronics/train.csv"), "train.json")  # FARMReader.train reads it
```

These modules import only `hayrick.schema` and `hayrick.errors`. Mining DPR hard negatives needs a
BM25 store and lives with the retrievers (`hayrick.nodes.retrievers.hard_negatives`).
"""

from hayrick.datasets.dpr import (
    contains_answer,
    dpr_passage,
    dpr_sample,
    read_dpr,
    write_dpr,
)
from hayrick.datasets.eval_data import split_eval_data, squad_eval_data
from hayrick.datasets.squad import (
    AnswerMismatch,
    SquadAnswer,
    SquadExample,
    load_squad,
    read_squad_examples,
    read_squad_json,
    squad_examples_from_dict,
    write_squad,
)
from hayrick.datasets.subjqa import (
    ANSWER_NOT_FOUND,
    SUBJQA_SPLITS,
    load_subjqa_documents,
    read_subjqa_rows,
    strip_answer_not_found,
    subjqa_to_squad,
)

__all__ = [
    "ANSWER_NOT_FOUND",
    "AnswerMismatch",
    "SUBJQA_SPLITS",
    "SquadAnswer",
    "SquadExample",
    "contains_answer",
    "dpr_passage",
    "dpr_sample",
    "load_squad",
    "load_subjqa_documents",
    "read_dpr",
    "read_squad_examples",
    "read_squad_json",
    "read_subjqa_rows",
    "split_eval_data",
    "squad_eval_data",
    "squad_examples_from_dict",
    "strip_answer_not_found",
    "subjqa_to_squad",
    "write_dpr",
    "write_squad",
]
