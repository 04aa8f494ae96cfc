"""Tiny randomly initialised QA models of each architecture the readers support, saved to a folder.

Each builder writes a model (hidden size 32, 2 layers) and its fast tokenizer with `save_pretrained`
and returns the folder, so readers load it through the real `from_pretrained` path. BERT-likes get a
WordPiece vocab written to the folder (`BertTokenizerFast(vocab_file)`); RoBERTa-likes a byte-level
BPE trained offline with the `tokenizers` library and saved as a `RobertaTokenizerFast`.
"""

from __future__ import annotations

from pathlib import Path

_WORDS_TEXT = (
    "the a an is was of in on and to at for it by with from as that this who what where when which how "
    "berlin paris rome germany france italy capital city country river lives live carla john mary "
    "battery life screen sound bass great good bad long short reading night light weeks week days "
    "one two three four five hundred year years old new built founded called named large small "
    "play ##ing ##s ##ed ##er ##ly"
)
WORDS = _WORDS_TEXT.split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCTUATION = list(".,?!;:'\"()-")
CORPUS = [
    "Berlin is the capital of Germany. Paris is the capital of France. Rome is the capital of Italy.",
    "Carla lives in Berlin and John lives in Paris. Mary was born in Rome in one year.",
    "The battery life is great, the screen is good and the bass is long. Reading at night is good.",
    "Who lives in Berlin? What is the capital of France? Where does Mary live? How long is the battery life?",
]
ARCHITECTURES = ["bert", "distilbert", "roberta", "roberta-prelayernorm", "electra", "minilm"]


def write_wordpiece_vocab(folder: Path) -> Path:
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    vocab = SPECIAL + PUNCTUATION + letters + ["##" + ch for ch in letters] + [w for w in WORDS if w not in letters]
    path = folder / "vocab.txt"
    path.write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    return path


def bpe_tokenizer(folder: Path):
    """A byte-level BPE (RoBERTa style) trained on a tiny corpus, as a RobertaTokenizerFast."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import RobertaTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        CORPUS * 3, vocab_size=400, min_frequency=1, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        show_progress=False,
    )
    folder.mkdir(parents=True, exist_ok=True)
    bpe.save_model(str(folder))
    return RobertaTokenizerFast(vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"))


def build_tiny_model(arch: str, folder: Path, seed: int = 0) -> Path:
    """Writes a tiny `arch` QA model and its tokenizer to `folder` and returns it."""
    import torch
    import transformers as tf

    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    common = {"num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 37, "hidden_size": 32}
    if arch in ("roberta", "roberta-prelayernorm"):
        tokenizer = bpe_tokenizer(folder / "bpe")
        config_cls, model_cls = {
            "roberta": (tf.RobertaConfig, tf.RobertaForQuestionAnswering),
            "roberta-prelayernorm": (tf.RobertaPreLayerNormConfig, tf.RobertaPreLayerNormForQuestionAnswering),
        }[arch]
        config = config_cls(
            vocab_size=len(tokenizer), max_position_embeddings=514, pad_token_id=1, bos_token_id=0, eos_token_id=2,
            type_vocab_size=1, **common,
        )
    else:
        vocab = write_wordpiece_vocab(folder)
        if arch == "distilbert":
            tokenizer = tf.DistilBertTokenizerFast(str(vocab))
            config = tf.DistilBertConfig(vocab_size=len(tokenizer), dim=32, n_layers=2, n_heads=2, hidden_dim=37)
            model_cls = tf.DistilBertForQuestionAnswering
        elif arch == "electra":
            tokenizer = tf.ElectraTokenizerFast(str(vocab))
            config = tf.ElectraConfig(vocab_size=len(tokenizer), embedding_size=16, **common)
            model_cls = tf.ElectraForQuestionAnswering
        elif arch in ("bert", "minilm"):
            tokenizer = tf.BertTokenizerFast(str(vocab))
            if arch == "minilm":  # MiniLM: a BERT with a narrow, deep-ish shape and a bigger FFN ratio
                common = {**common, "hidden_size": 32, "num_attention_heads": 4, "intermediate_size": 128}
            config = tf.BertConfig(vocab_size=len(tokenizer), **common)
            model_cls = tf.BertForQuestionAnswering
        else:
            raise ValueError(f"unknown architecture {arch!r}; choose from {ARCHITECTURES}")
    model = model_cls(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder
