"""APISettings: Haystack 1.x's environment variables, defaults, and refusals."""

from __future__ import annotations

import pytest

from hayrick.api.settings import APISettings
from hayrick.errors import PipelineConfigError


def test_defaults_are_haystacks() -> None:
    settings = APISettings()
    assert settings.query_pipeline_name == "query"
    assert settings.indexing_pipeline_name == "indexing"
    assert settings.concurrent_request_per_worker == 4
    assert settings.pipeline_yaml_path is None


def test_from_env_reads_haystack_variable_names() -> None:
    settings = APISettings.from_env({
        "PIPELINE_YAML_PATH": "p.yml", "QUERY_PIPELINE_NAME": "search", "INDEXING_PIPELINE_NAME": "ingest",
        "FILE_UPLOAD_PATH": "/tmp/up", "CONCURRENT_REQUEST_PER_WORKER": "16", "MAX_UPLOAD_SIZE": "1_000",
    })  # fmt: skip
    assert (settings.pipeline_yaml_path, settings.query_pipeline_name, settings.indexing_pipeline_name) == (
        "p.yml", "search", "ingest")  # fmt: skip
    assert settings.file_upload_path == "/tmp/up"
    assert settings.concurrent_request_per_worker == 16
    assert settings.max_upload_size == 1000


def test_overrides_win_over_env_and_none_is_ignored() -> None:
    settings = APISettings.from_env({"CONCURRENT_REQUEST_PER_WORKER": "16"}, concurrent_request_per_worker=2,
                                    query_pipeline_name=None)  # fmt: skip
    assert settings.concurrent_request_per_worker == 2
    assert settings.query_pipeline_name == "query"


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_bad_numbers_in_env_are_refused_with_the_variable_named(value: str) -> None:
    with pytest.raises(PipelineConfigError, match="CONCURRENT_REQUEST_PER_WORKER"):
        APISettings.from_env({"CONCURRENT_REQUEST_PER_WORKER": value})


def test_invalid_init_is_refused() -> None:
    with pytest.raises(PipelineConfigError, match="max_upload_size must be an int >= 1"):
        APISettings(max_upload_size=True)  # type: ignore[arg-type]


def test_log_level_is_read_and_checked() -> None:
    assert APISettings.from_env({"LOG_LEVEL": "warning"}).log_level == "warning"
    with pytest.raises(PipelineConfigError, match="LOG_LEVEL"):
        APISettings.from_env({"LOG_LEVEL": "loud"})
