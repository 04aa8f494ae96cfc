"""FARMReader(backend="onnxruntime"): the exported model answers as the torch model does, on every
architecture of the tiny models; the export is cached and reused; bad combinations are clear errors."""

from __future__ import annotations

import sys
import time

import pytest

from tests.optional import need

need("onnxruntime")
need("onnx")

from hayrick import Document
from hayrick.errors import ComponentError
from hayrick.nodes.readers import FARMReader

SMALL = {"use_gpu": False, "progress_bar": False, "max_seq_len": 64, "doc_stride": 16, "max_query_length": 16}
DOCS = [
    Document("Carla lives in Berlin and John lives in Paris. Mary was born in Rome in one year."),
    Document("The battery life is great, the screen is good and the bass is long. Reading at night is good."),
]
QUERIES = ["Who lives in Berlin?", "How long is the battery life?"]


def answers(reader: FARMReader) -> list[list[tuple[str, int, float]]]:
    out = reader.predict_batch(QUERIES, DOCS, top_k=3)["answers"]
    return [[(a.answer, a.offsets_in_document[0].start, a.score) for a in per_query] for per_query in out]


@pytest.mark.parametrize("arch", ["bert", "distilbert", "roberta", "electra"])
def test_onnx_answers_equal_torch_answers(tiny_model_dir, tmp_path, monkeypatch, arch):
    monkeypatch.setenv("HAYRICK_CACHE", str(tmp_path))
    path = tiny_model_dir(arch)
    torch_answers = answers(FARMReader(path, **SMALL))
    onnx_reader = FARMReader(path, backend="onnxruntime", **SMALL)
    assert type(onnx_reader.model).__name__ == "OnnxQAModel"
    got = answers(onnx_reader)
    assert [[(a, s) for a, s, _ in q] for q in got] == [[(a, s) for a, s, _ in q] for q in torch_answers]
    for mine, theirs in zip(got, torch_answers):
        assert [score for *_, score in mine] == pytest.approx([score for *_, score in theirs], abs=1e-4)


def test_the_export_is_cached_by_model_and_options_and_reused(tiny_model_dir):
    path = tiny_model_dir("bert")
    first = FARMReader(path, backend="onnxruntime", **SMALL)
    exported = first.model.path
    assert exported.parent == path / "onnx" and exported.is_file()
    stamp = exported.stat().st_mtime_ns
    time.sleep(0.01)
    again = FARMReader(path, backend="onnxruntime", **SMALL)
    assert again.model.path == exported and exported.stat().st_mtime_ns == stamp  # not exported again
    int8 = FARMReader(path, backend="onnxruntime", quantize=True, **SMALL)
    assert int8.model.path != exported and "int8" in int8.model.path.name
    assert [a.answer for a in int8.predict(QUERIES[0], DOCS, top_k=3)["answers"]]  # it runs and answers


def test_a_read_only_model_folder_is_left_alone(tiny_model_dir, tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir("bert"), folder, ignore=shutil.ignore_patterns("onnx"))
    folder.chmod(0o555)
    monkeypatch.setenv("HAYRICK_CACHE", str(tmp_path / "cache"))
    try:
        reader = FARMReader(str(folder), backend="onnxruntime", **SMALL)
    finally:
        folder.chmod(0o755)
    assert not (folder / "onnx").exists()
    assert reader.model.path.is_relative_to(tmp_path / "cache" / "onnx")


def test_bad_backend_and_what_onnx_cannot_do(tiny_model_dir, tmp_path, monkeypatch):
    path = tiny_model_dir("bert")
    with pytest.raises(ComponentError, match="backend must be one of torch, onnxruntime"):
        FARMReader(path, backend="tensorrt", **SMALL)
    reader = FARMReader(path, backend="onnxruntime", **SMALL)
    with pytest.raises(ValueError, match="backend='torch'"):
        reader.save(tmp_path / "saved")
    with pytest.raises(ValueError, match="backend='torch'"):
        reader.train(data_dir=tmp_path, train_filename="train.json")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ImportError, match=r"hayrick\[onnx\]"):
        FARMReader(path, backend="onnxruntime", **SMALL)


def test_onnx_reader_in_a_pipeline_and_yaml_round_trip(tiny_model_dir, tmp_path):
    from hayrick import Pipeline

    reader = FARMReader(tiny_model_dir("bert"), backend="onnxruntime", **SMALL)
    pipe = Pipeline()
    pipe.add_node(component=reader, name="Reader", inputs=["Query"])
    result = pipe.run(query=QUERIES[0], documents=DOCS)
    assert result["answers"] and result["answers"][0].answer
    pipe.save(tmp_path / "p.yml")
    loaded = Pipeline.load(tmp_path / "p.yml")
    assert loaded.get_node("Reader").backend == "onnxruntime"
    assert [a.answer for a in loaded.run(query=QUERIES[0], documents=DOCS)["answers"]] == [
        a.answer for a in result["answers"]
    ]
