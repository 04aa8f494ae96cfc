"""The book's evaluation of its review QA system (NLP with Transformers, ch. 7), on SubjQA electronics test.

Run: python benchmarks/subjqa_eval.py [--out DIR] [--limit N] [--no-reader] [--book-pipeline-loop]

1. Retriever: BM25 (InMemoryDocumentStore(use_bm25=True) over the 1,615 electronics reviews) with the
   book's per-product filters `{"item_id": [l.meta["item_id"]], "split": ["test"]}`; recall@k for
   k = 1, 3, 5, 10, 20, once the book's way (an `EvalDocuments` node, the queries re-run for each k)
   and once with `Pipeline.eval` at k = 20 and smaller k simulated; plus the recall@k plot.
2. Reader on gold contexts: the book's `EvalAnswers(skip_incorrect_retrieval=False)` loop, the reader
   (FARMReader on ../shared/models/minilm-l6-squad, return_no_answer=True, max_seq_len 384, doc_stride
   128, as the book) reading each question's own review; top-1 EM/F1 over the answerable questions.
3. Whole pipeline: `Pipeline.eval` of BM25 (top_k 10) -> reader (top_k 4), with the isolated reader run;
   top-1 EM/F1 over all questions (no-answer questions count when the reader's first answer is ""), and
   the book's figures (answerable questions whose answer is in the retrieved reviews) from the same rows.
   `--book-pipeline-loop` also runs the book's EvalDocuments -> reader -> EvalAnswers loop.
Labels: `subjqa_to_squad(test.csv)` -> `load_squad`, grouped with
`get_all_labels_aggregated(aggregate_by_meta=["item_id"])` as the book does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hayrick import Pipeline
from hayrick.datasets import load_squad, load_subjqa_documents, subjqa_to_squad, write_squad
from hayrick.evaluation.plots import plot_reader_scores, plot_recall_at_k
from hayrick.nodes import BM25Retriever, EvalAnswers, EvalDocuments
from hayrick.schema import MultiLabel
from hayrick.stores import InMemoryDocumentStore

REPO = Path(__file__).resolve().parents[1]
KS = (1, 3, 5, 10, 20)


def shared() -> Path:
    for candidate in (REPO.parent / "shared", REPO / "shared"):
        if (candidate / "datasets" / "subjqa" / "electronics").is_dir():
            return candidate
    sys.exit("../shared/datasets/subjqa/electronics not found")


def book_filters(label: MultiLabel) -> dict:
    return {"item_id": [label.meta["item_id"]], "split": ["test"]}


def load(shared_dir: Path, limit: int | None) -> tuple[InMemoryDocumentStore, list[MultiLabel]]:
    folder = shared_dir / "datasets" / "subjqa" / "electronics"
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents(load_subjqa_documents(folder))
    with tempfile.TemporaryDirectory() as tmp:
        squad_path = write_squad(subjqa_to_squad(folder / "test.csv"), Path(tmp) / "test.json")
        _, labels = load_squad(squad_path)
    labels = [
        label.model_copy(update={"meta": {**label.meta, "item_id": label.document.meta["title"]}}) for label in labels
    ]
    store.write_labels(labels, index="label")
    labels_agg = store.get_all_labels_aggregated(index="label", open_domain=True, aggregate_by_meta=["item_id"])
    return store, labels_agg[:limit] if limit else labels_agg


def with_filters(labels: list[MultiLabel]) -> list[MultiLabel]:
    """The same MultiLabels with the book's filters on their labels, which Pipeline.eval applies per query."""
    return [MultiLabel([l.model_copy(update={"filters": book_filters(ml)}) for l in ml.labels]) for ml in labels]


def retriever_book_loop(store: InMemoryDocumentStore, labels: list[MultiLabel]) -> dict[int, float]:
    """The book's `evaluate_retriever`: a new EvalDocuments pipeline per k, every query run again."""
    recall = {}
    for k in KS:
        eval_retriever = EvalDocuments()
        p = Pipeline()
        p.add_node(component=BM25Retriever(document_store=store), name="ESRetriever", inputs=["Query"])
        p.add_node(component=eval_retriever, name="EvalRetriever", inputs=["ESRetriever"])
        for l in labels:
            p.run(query=l.query, labels=l, params={"ESRetriever": {"top_k": k, "filters": book_filters(l)}})
        recall[k] = eval_retriever.recall
    return recall


def reader_book_loop(reader, labels: list[MultiLabel]) -> EvalAnswers:
    """The book's `evaluate_reader`: the reader alone on each question's review."""
    eval_reader = EvalAnswers(skip_incorrect_retrieval=False)
    pipe = Pipeline()
    pipe.add_node(component=reader, name="QAReader", inputs=["Query"])
    pipe.add_node(component=eval_reader, name="EvalReader", inputs=["QAReader"])
    for l in labels:
        docs = list({label.document.id: label.document for label in l.labels}.values())
        pipe.run(query=l.query, documents=docs, labels=l, params={"QAReader": {"top_k": 4}})
    return eval_reader


def book_pipeline_figures(result) -> dict[str, float]:
    """EvalAnswers' figures (answerable questions whose retrieval was correct) from Pipeline.eval's rows."""
    docs = result["Retriever"]
    answerable = docs.groupby("multilabel_id")["gold_document_ids"].first().map(len) > 0
    retrieved = docs.groupby("multilabel_id")["answer_match"].max() > 0
    keep = answerable & retrieved
    top_1 = result.query_metrics("Reader")
    kept = top_1.loc[keep[keep].index]
    return {"top_1_em": kept["exact_match_top_1"].mean(), "top_1_f1": kept["f1_top_1"].mean(), "queries": len(kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hayrick-subjqa-eval")
    parser.add_argument("--limit", type=int, help="evaluate only the first N questions (quick runs)")
    parser.add_argument("--no-reader", action="store_true", help="retriever figures only")
    parser.add_argument("--book-pipeline-loop", action="store_true", help="also run the book's node loop (slow)")
    args = parser.parse_args()
    shared_dir = shared()

    start = time.perf_counter()
    store, labels = load(shared_dir, args.limit)
    n_no_answer = sum(l.no_answer for l in labels)
    print(f"SubjQA electronics: {store.get_document_count()} reviews; test: {len(labels)} MultiLabels "
          f"({n_no_answer} no-answer) [{time.perf_counter() - start:.1f} s]")  # fmt: skip

    # 1. Retriever
    start = time.perf_counter()
    book_recall = retriever_book_loop(store, labels)
    book_s = time.perf_counter() - start
    retrieval = Pipeline()
    retrieval.add_node(BM25Retriever(document_store=store), "Retriever", ["Query"])
    start = time.perf_counter()
    result = retrieval.eval(with_filters(labels), params={"Retriever": {"top_k": max(KS)}})
    eval_s = time.perf_counter() - start
    print(f"\nBM25 retriever, per-product filters ({len(KS)} book loops: {book_s:.1f} s; "
          f"one Pipeline.eval: {eval_s:.1f} s)")  # fmt: skip
    print(f"{'k':>4}{'recall (book loop)':>20}{'recall (eval)':>15}{'mrr':>8}{'map':>8}{'ndcg':>8}")
    simulated = {}
    for k in KS:
        m = result.calculate_metrics(simulated_top_k_retriever=k, document_scope="answer")["Retriever"]
        simulated[k] = m["recall_single_hit"]
        print(f"{k:>4}{book_recall[k]:>20.4f}{m['recall_single_hit']:>15.4f}{m['mrr']:>8.4f}{m['map']:>8.4f}{m['ndcg']:>8.4f}")
    plot = plot_recall_at_k({"BM25": book_recall}, args.out / "subjqa_recall_at_k.png")
    print(f"plot: {plot}")
    if args.no_reader:
        return

    # 2. Reader on gold contexts
    from hayrick.nodes.readers import FARMReader

    reader = FARMReader(str(shared_dir / "models" / "minilm-l6-squad"), use_gpu=True, progress_bar=False,
                        max_seq_len=384, doc_stride=128, return_no_answer=True, top_k=4)  # fmt: skip
    start = time.perf_counter()
    eval_reader = reader_book_loop(reader, labels)
    print(f"\nReader on gold contexts (book loop, {time.perf_counter() - start:.1f} s): answerable questions "
          f"{eval_reader.has_answer_count}: top-1 EM {eval_reader.top_1_em:.4f}, top-1 F1 {eval_reader.top_1_f1:.4f}; "
          f"no-answer questions {eval_reader.no_answer_count}: "
          f"top-1 no-answer accuracy {eval_reader.top_1_no_answer:.4f}")  # fmt: skip

    # 3. Whole pipeline
    qa = Pipeline()
    qa.add_node(BM25Retriever(document_store=store), "Retriever", ["Query"])
    qa.add_node(reader, "Reader", ["Retriever"])
    start = time.perf_counter()
    qa_result = qa.eval(with_filters(labels), params={"Retriever": {"top_k": 10}, "Reader": {"top_k": 4}},
                        add_isolated_node_eval=True)  # fmt: skip
    print(f"\nPipeline.eval, BM25 top_k 10 -> reader top_k 4 ({time.perf_counter() - start:.1f} s), all questions:")
    for mode in ("integrated", "isolated"):
        m = qa_result.calculate_metrics(eval_mode=mode)["Reader"]
        print(f"  {mode:<10} top-1 EM {m['exact_match_top_1']:.4f}  top-1 F1 {m['f1_top_1']:.4f}  "
              f"top-4 EM {m['exact_match']:.4f}  top-4 F1 {m['f1']:.4f}")  # fmt: skip
    book = book_pipeline_figures(qa_result)
    print(f"  book's figures (answerable questions with the answer retrieved, {book['queries']}): "
          f"top-1 EM {book['top_1_em']:.4f}, top-1 F1 {book['top_1_f1']:.4f}")  # fmt: skip
    scores = {"Reader (gold contexts)": {"EM": eval_reader.top_1_em, "F1": eval_reader.top_1_f1},
              "QA pipeline (top-1)": {"EM": book["top_1_em"], "F1": book["top_1_f1"]}}  # fmt: skip
    if args.book_pipeline_loop:
        eval_retriever, eval_answers = EvalDocuments(), EvalAnswers()
        p = Pipeline()
        p.add_node(component=BM25Retriever(document_store=store), name="ESRetriever", inputs=["Query"])
        p.add_node(component=eval_retriever, name="EvalRetriever", inputs=["ESRetriever"])
        p.add_node(component=reader, name="QAReader", inputs=["EvalRetriever"])
        p.add_node(component=eval_answers, name="EvalReader", inputs=["QAReader"])
        for l in labels:
            p.run(query=l.query, labels=l, params={"ESRetriever": {"top_k": 10, "filters": book_filters(l)},
                                                   "QAReader": {"top_k": 4}})  # fmt: skip
        print(f"  book's loop: top-1 EM {eval_answers.top_1_em:.4f}, top-1 F1 {eval_answers.top_1_f1:.4f} "
              f"({eval_answers.has_answer_count} answerable questions evaluated)")  # fmt: skip
    print(f"plot: {plot_reader_scores(scores, args.out / 'subjqa_reader_scores.png')}")
    print(f"saved rows: {qa_result.save(args.out / 'pipeline_eval')}")


if __name__ == "__main__":
    main()
