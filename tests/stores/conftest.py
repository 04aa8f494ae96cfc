from tests.nodes.embedders.conftest import minilm_path

__all__ = ["minilm_path"]
