"""Generators: answers written by a sequence-to-sequence model from the retrieved documents (Haystack 1.x's).

- `Seq2SeqGenerator`: any `AutoModelForSeq2SeqLM` (BART, T5, ...) or `EncoderDecoderModel` checkpoint;
  an input converter (`register_input_converter`) turns the query and documents into its input.
- `RAGenerator`: Hugging Face RAG checkpoints (`RagTokenForGeneration`, `RagSequenceForGeneration`),
  the documents scored by the checkpoint's own question encoder.

Both return `Answer`s of `type="generative"` and run in `GenerativeQAPipeline(generator, retriever)`.
"""

from hayrick.lazy_imports import lazy_exports

_EXPORTS = {
    "BaseGenerator": ".base",
    "Seq2SeqGenerator": ".seq2seq",
    "register_input_converter": ".seq2seq",
    "default_input_converter": ".seq2seq",
    "RAGenerator": ".rag",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
