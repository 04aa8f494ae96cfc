"""Tiny randomly initialised seq2seq checkpoints (BART), saved to a folder, for the generator tests."""

from __future__ import annotations

from pathlib import Path

from tests.nodes.readers.tiny_models import bpe_tokenizer


def build_tiny_bart(folder: Path, seed: int = 0) -> Path:
    """A 1-layer BART (d_model 16) with a byte-level BPE tokenizer, saved with `save_pretrained`."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizerFast

    torch.manual_seed(seed)
    bpe = bpe_tokenizer(folder / "bpe")
    tokenizer = BartTokenizerFast(vocab=str(folder / "bpe" / "vocab.json"), merges=str(folder / "bpe" / "merges.txt"))
    config = BartConfig(
        vocab_size=len(bpe), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id, forced_bos_token_id=None, forced_eos_token_id=None,
    )  # fmt: skip
    model = BartForConditionalGeneration(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_tiny_rag(folder: Path, dpr_folder: Path, seed: int = 0) -> Path:
    """A RAG checkpoint of a tiny DPR question encoder (from `dpr_folder`) and a tiny BART, saved to `folder`.

    The question encoder is the one the tiny DensePassageRetriever tests use, so documents embedded by its
    passage encoder have the dimension RAG scores them in.
    """
    import torch
    from transformers import (
        AutoTokenizer,
        BartForConditionalGeneration,
        BartTokenizerFast,
        DPRQuestionEncoder,
        RagConfig,
        RagTokenForGeneration,
        RagTokenizer,
    )

    torch.manual_seed(seed)
    bart_folder = build_tiny_bart(folder / "bart", seed=seed)
    question_encoder = DPRQuestionEncoder.from_pretrained(dpr_folder)
    generator = BartForConditionalGeneration.from_pretrained(bart_folder)
    config = RagConfig.from_question_encoder_generator_configs(
        question_encoder.config, generator.config, n_docs=2, max_combined_length=48, title_sep=" / ", doc_sep=" // "
    )
    model = RagTokenForGeneration(config=config, question_encoder=question_encoder, generator=generator)
    model.save_pretrained(folder)
    RagTokenizer(
        question_encoder=AutoTokenizer.from_pretrained(dpr_folder), generator=BartTokenizerFast.from_pretrained(bart_folder)
    ).save_pretrained(folder)
    return folder


def build_tiny_bigbird_pegasus(folder: Path, seed: int = 0, max_positions: int = 256) -> Path:
    """A 1-layer BigBird-Pegasus (d_model 16, block size 4) with the tiny BPE tokenizer, saved to `folder`."""
    import torch
    from transformers import (
        BartTokenizerFast,
        BigBirdPegasusConfig,
        BigBirdPegasusForConditionalGeneration,
    )

    torch.manual_seed(seed)
    bpe = bpe_tokenizer(folder / "bpe")
    tokenizer = BartTokenizerFast(vocab=str(folder / "bpe" / "vocab.json"), merges=str(folder / "bpe" / "merges.txt"),
                                  model_max_length=max_positions)  # fmt: skip
    config = BigBirdPegasusConfig(
        vocab_size=len(bpe), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=max_positions,
        attention_type="block_sparse", block_size=4, num_random_blocks=1, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )  # fmt: skip
    BigBirdPegasusForConditionalGeneration(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
