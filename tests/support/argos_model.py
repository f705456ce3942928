"""Build a real Argos Translate package (`.argosmodel`) offline, for tests and benchmarks.

The package has the format argostranslate installs and translates with: a zip holding one folder with
`metadata.json`, a CTranslate2 Transformer in `model/`, `sentencepiece.model`, and a rule-based sentence
splitter at `minisbd/<from_code>.onnx` so that stock `argostranslate.translate.translate()` never downloads
MiniSBD's model. The network weights are random (seeded), so translations are gibberish, except for a few
weights set by hand so that `</s>` wins once the output reaches about 1.2 x the source length: decoding
terminates at a realistic length, as with a real model.

How `</s>` is timed (all models are pre-norm, without final layer norms, so the residual stream reaches the
cross-attention and the output projection unnormalised):
  * the encoder's position table holds a ramp `RAMP * p` in residual dimension `_ENC_RAMP`, which no layer
    writes to;
  * in the last decoder layer, cross-attention head 0 has zero query weights, so it attends uniformly to the
    source and its value `_V0` copies the ramp: the mean source position `(S - 1) / 2`; its output projection
    writes `-2.4 * RAMP * mean` into `_DEC_SOURCE`;
  * the decoder's position table holds `RAMP * t` in `_DEC_RAMP`;
  * the `</s>` row of the output projection reads only those two dimensions, so its logit is
    `EOS_GAIN * (t - 1.2 * (S - 1))`: very negative until the output is ~1.2 x the source, then dominant.

Environment: argostranslate reads its settings and creates folders when first imported. Callers set
`argos_env(tmp_dir)` in `os.environ` *before* importing argostranslate (`install_package` imports it).
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Bump when the build changes, so cached packages from an older build are not reused.
BUILD_VERSION = 2

#: Decoder/encoder ramp per position (small, so it does not dominate the random residual stream).
RAMP = 0.1
#: Output length / source length at which `</s>` takes over.
LENGTH_RATIO = 1.2
#: Change of the `</s>` logit per decoded token (nats): the switch happens within one token.
EOS_STEP = 12.0
#: SentencePiece pieces trained on the corpus (the CTranslate2 vocabulary is padded up to the model size).
SENTENCEPIECE_VOCAB = 1550
#: Rows of the position tables: the longest source (ctranslate2 truncates at 1024) or output.
MAX_POSITIONS = 1024
#: Decoder token embeddings dominate its residual stream, so each output token depends on the previous one
#: and the gibberish varies (at scale 1 beam search repeats one token).
DECODER_EMBEDDING_SCALE = 6.0


@dataclass(frozen=True)
class ModelSize:
    """Shape of the random Transformer."""

    encoder_layers: int
    decoder_layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int  #: CTranslate2 vocabulary size; SentencePiece pieces plus never-emitted filler tokens


SIZES = {
    # Fast enough for every test session.
    "tiny": ModelSize(encoder_layers=2, decoder_layers=2, d_model=64, heads=4, ffn=256, vocab=2000),
    # The compute of a real Argos model (OpenNMT-py Transformer base, 32k vocabulary), for benchmarks.
    "base": ModelSize(encoder_layers=6, decoder_layers=6, d_model=512, heads=8, ffn=2048, vocab=32000),
}

# Residual dimensions reserved for the length mechanism (the last ones; sinusoids elsewhere).
_ENC_RAMP = -1
_DEC_RAMP = -1
_DEC_SOURCE = -2
_V0 = 0  # first value dimension of cross-attention head 0

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "fa": "Persian",
    "ur": "Urdu",
    "tr": "Turkish",
    "ru": "Russian",
    "zh": "Chinese",
}

ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ug", "ku", "sd"})

#: Arabic news sentences (written for these tests) used to train SentencePiece and to build articles.
ARABIC_SENTENCES = [
    "أعلنت وزارة الصحة صباح اليوم عن افتتاح مستشفى جديد في وسط المدينة.",
    "قال المتحدث باسم الحكومة إن المشروع سيوفر أكثر من ألف فرصة عمل للشباب.",
    "ارتفعت أسعار الخبز والخضروات في الأسواق المحلية خلال الأسبوع الماضي.",
    "هل تستطيع البلدية إصلاح الطرق قبل بداية فصل الشتاء؟",
    "وصل وفد من المنظمة الدولية إلى العاصمة لبحث أوضاع اللاجئين.",
    "أكد رئيس الوزراء أن الانتخابات ستجري في موعدها المحدد.",
    "شارك آلاف الطلاب في مسيرة سلمية للمطالبة بتحسين التعليم.",
    "سجلت محطة الأرصاد درجة حرارة بلغت ٤٣٫٥ درجة مئوية يوم الأحد.",
    "قالت الشرطة إن التحقيق في الحادث ما زال جارياً، ولم تعلن أي اعتقالات.",
    "افتتح المعرض الدولي للكتاب أبوابه أمام الزوار بمشاركة مئتي دار نشر.",
    "أوضح الخبراء أن نقص المياه يهدد المحاصيل الزراعية في الجنوب.",
    "فاز المنتخب الوطني على منافسه بثلاثة أهداف مقابل هدف واحد.",
    "طالب السكان بتوفير الكهرباء بشكل منتظم بعد انقطاعات متكررة.",
    "وقعت الحكومة اتفاقية مع شركة أجنبية لبناء محطة للطاقة الشمسية.",
    "قال مدير المدرسة: «سنبدأ العام الدراسي الجديد في الموعد المقرر».",
    "تراجعت معدلات البطالة بنسبة ٢٫٣ في المئة مقارنة بالعام السابق؛ وفق التقرير الرسمي.",
    "نظمت جمعية محلية حملة لتنظيف الشاطئ بمشاركة المتطوعين.",
    "أشار التقرير إلى زيادة عدد السياح الذين زاروا البلاد هذا الصيف.",
    "ناقش البرلمان مشروع قانون جديد لحماية البيانات الشخصية.",
    "هل ستنخفض أسعار الوقود في الأشهر المقبلة؟ يتساءل المواطنون.",
    "أعلنت الجامعة عن منح دراسية للطلاب المتفوقين من المناطق الريفية.",
    "استقبل الرئيس نظيره الزائر في القصر الجمهوري وبحثا التعاون الاقتصادي.",
    "حذرت السلطات من عاصفة رملية قد تضرب المنطقة مساء الغد.",
    "قالت الطبيبة إن اللقاح آمن وفعال، ودعت الأهالي إلى تطعيم أطفالهم.",
    "بلغت قيمة الصادرات ١٥ مليار دولار خلال الربع الأول من العام.",
    "تستمر أعمال الترميم في المسجد القديم منذ ثلاثة أشهر.",
    "أكد الوزير أن الحكومة ستدعم المزارعين بقروض ميسرة.",
    "اندلع حريق في مستودع قرب الميناء دون أن يسفر عن إصابات.",
    "شهدت العاصمة ازدحاماً مرورياً كبيراً بسبب الأمطار الغزيرة.",
    "قال الشاهد: «رأيت الدخان يتصاعد من النافذة ثم سمعت صوت انفجار».",
    "تعهدت الدول المانحة بتقديم مساعدات إنسانية عاجلة للمتضررين من الفيضانات.",
    "أعلن النادي عن تعاقده مع مدرب جديد لمدة موسمين.",
    "يعاني المستشفى المركزي من نقص في الأدوية والمعدات الطبية.",
    "تظاهر العمال أمام مقر الشركة للمطالبة بزيادة الأجور.",
    "افتتحت البلدية حديقة عامة جديدة للأطفال في الحي الشمالي.",
    "قال المحلل الاقتصادي إن التضخم قد يتراجع في النصف الثاني من العام.",
    "أطلقت وكالة الفضاء قمراً صناعياً جديداً لمراقبة الطقس.",
    "يبدأ مهرجان السينما الأسبوع المقبل بعرض عشرين فيلماً من دول عربية.",
    "أكدت المحكمة الحكم الصادر بحق المتهمين في قضية الفساد.",
    "دعا الأمين العام للأمم المتحدة إلى وقف فوري لإطلاق النار.",
]

#: English news sentences, so the SentencePiece model covers both sides of the pair.
ENGLISH_SENTENCES = [
    "The health ministry announced this morning that a new hospital will open downtown.",
    "A government spokesman said the project would create more than a thousand jobs.",
    "Prices of bread and vegetables rose in local markets last week.",
    "Can the municipality repair the roads before winter begins?",
    "A delegation from the international organization arrived in the capital.",
    "The prime minister confirmed that the elections will be held on schedule.",
    "Thousands of students joined a peaceful march calling for better education.",
    "The weather station recorded a temperature of 43.5 degrees on Sunday.",
    "Police said the investigation into the accident is still under way.",
    "The international book fair opened its doors with two hundred publishers.",
    "Experts explained that water shortages threaten crops in the south.",
    "The national team beat its rival by three goals to one.",
    "Residents demanded a regular electricity supply after repeated outages.",
    "The government signed an agreement with a foreign company to build a solar plant.",
    'The school principal said: "We will start the new year on time."',
    "Unemployment fell by 2.3 percent compared with the previous year, the report said.",
    "A local association organized a campaign to clean the beach with volunteers.",
    "The report pointed to an increase in the number of tourists this summer.",
    "Parliament discussed a new bill to protect personal data.",
    "Will fuel prices fall in the coming months? Citizens are asking.",
    "The university announced scholarships for outstanding students from rural areas.",
    "The president received his visiting counterpart and discussed economic cooperation.",
    "Authorities warned of a sandstorm that may hit the region tomorrow evening.",
    "The doctor said the vaccine is safe and effective.",
    "Exports were worth 15 billion dollars in the first quarter of the year.",
    "Restoration work on the old mosque has continued for three months.",
    "The minister stressed that the government will support farmers with easy loans.",
    "A fire broke out in a warehouse near the port without causing injuries.",
    "Heavy rain caused major traffic jams in the capital.",
    "The witness said he saw smoke rising from the window.",
    "Donor countries pledged urgent humanitarian aid to flood victims.",
    "The club announced it had signed a new coach for two seasons.",
    "The central hospital suffers from a shortage of medicines and equipment.",
    "Workers protested in front of the company headquarters demanding higher wages.",
    "The municipality opened a new public park for children in the northern district.",
    "The economic analyst said inflation may ease in the second half of the year.",
    "The space agency launched a new satellite to monitor the weather.",
    "The film festival starts next week with twenty films from Arab countries.",
    "The court upheld the verdict against the defendants in the corruption case.",
    "The UN secretary-general called for an immediate ceasefire.",
]


def argos_env(tmp_dir: Path | str) -> dict[str, str]:
    """Environment that keeps argostranslate inside `tmp_dir` (packages, data, config, cache).

    Set these in `os.environ` before the first `import argostranslate`: its settings module reads them
    at import time and creates its folders then (under `~` when they are unset).
    """
    root = Path(tmp_dir)
    return {
        "ARGOS_PACKAGES_DIR": str(root / "packages"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
    }


def install_package(path: Path | str) -> Path:
    """Install a `.argosmodel` with argostranslate's own installer; returns the installed package folder."""
    import argostranslate.package  # imported here: the caller has set argos_env() first

    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        top = archive.namelist()[0].split("/", 1)[0]
    argostranslate.package.install_from_path(path)
    return Path(argostranslate.settings.package_data_dir) / top


def sample_arabic_article(n_sentences: int = 30, seed: int = 0, per_paragraph: int = 3) -> str:
    """An Arabic article of `n_sentences` corpus sentences (order and pairing vary with `seed`).

    Sentences are joined two by two (with `و` "and") when more are asked for than the corpus holds, so
    articles for different seeds differ and stock argos' paragraph cache cannot serve them.
    """
    rng = np.random.default_rng(seed)
    sentences = []
    while len(sentences) < n_sentences:
        order = rng.permutation(len(ARABIC_SENTENCES))
        for i in range(0, len(order) - 1, 2):
            first = ARABIC_SENTENCES[order[i]].rstrip(".؟?!")
            second = ARABIC_SENTENCES[order[i + 1]]
            sentences.append(f"{first}، و{second}" if rng.random() < 0.5 else ARABIC_SENTENCES[order[i]])
            if len(sentences) == n_sentences:
                break
    paragraphs = [" ".join(sentences[i : i + per_paragraph]) for i in range(0, n_sentences, per_paragraph)]
    return "\n\n".join(paragraphs)


def build_package(
    out_dir: Path | str, from_code: str = "ar", to_code: str = "en", size: str = "tiny", seed: int = 0
) -> Path:
    """Build (or reuse from `out_dir`) a `.argosmodel` for `from_code` -> `to_code`; returns its path.

    Deterministic for (`from_code`, `to_code`, `size`, `seed`). The file name carries those and
    BUILD_VERSION, so a previous build in `out_dir` is returned as is.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    shape = SIZES[size]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"translate-{from_code}_{to_code}-{size}-s{seed}-b{BUILD_VERSION}.argosmodel"
    if target.exists():
        return target

    package_name = f"translate-{from_code}_{to_code}-1_0"
    with tempfile.TemporaryDirectory(dir=out_dir) as work:
        root = Path(work) / package_name
        root.mkdir()
        sp_model = train_sentencepiece(ARABIC_SENTENCES + ENGLISH_SENTENCES, shape.vocab)
        (root / "sentencepiece.model").write_bytes(sp_model)
        pieces = _pieces(sp_model)
        _write_ctranslate2_model(root / "model", shape, pieces, from_code, to_code, seed)
        (root / "minisbd").mkdir()
        (root / "minisbd" / f"{from_code}.onnx").write_bytes(build_sentence_splitter_onnx(from_code))
        metadata = {
            "package_version": "1.0",
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": LANGUAGE_NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": LANGUAGE_NAMES.get(to_code, to_code),
            "type": "translate",
            "links": [],
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2, ensure_ascii=False))
        (root / "README.md").write_text(
            f"Test model {from_code} -> {to_code} ({size}, seed {seed}): random weights, gibberish output.\n"
        )
        partial = Path(work) / "package.zip"
        with zipfile.ZipFile(partial, "w") as archive:
            for file in sorted(root.rglob("*")):
                name = file.relative_to(Path(work)).as_posix() + ("/" if file.is_dir() else "")
                entry = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # same bytes for a seed
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = ((0o40755 << 16) | 0x10) if file.is_dir() else (0o644 << 16)
                archive.writestr(entry, b"" if file.is_dir() else file.read_bytes(), compresslevel=1)
        shutil.move(partial, target)
    return target


# --- SentencePiece -------------------------------------------------------------------------------------


def train_sentencepiece(lines: list[str], max_vocab: int) -> bytes:
    """A BPE SentencePiece model trained in memory on `lines`.

    SENTENCEPIECE_VOCAB pieces give ~1.4 tokens per word on the corpus (a real model's ratio on real text);
    a unigram model on so small a corpus stops at ~650 pieces and ~2.9 tokens per word.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=min(max_vocab, SENTENCEPIECE_VOCAB),
        model_type="bpe",
        character_coverage=1.0,
        num_threads=1,  # deterministic
        minloglevel=2,
    )
    return buffer.getvalue()


def _pieces(sp_model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


# --- CTranslate2 model ---------------------------------------------------------------------------------


def _write_ctranslate2_model(
    model_dir: Path, shape: ModelSize, pieces: list[str], from_code: str, to_code: str, seed: int
) -> None:
    from ctranslate2.converters import Converter

    class RandomTransformerConverter(Converter):
        def _load(self):
            return _random_transformer_spec(shape, pieces, from_code, to_code, seed)

    RandomTransformerConverter().convert(str(model_dir), quantization="int8", force=True)


def _sinusoids(positions: int, dim: int) -> np.ndarray:
    position = np.arange(positions, dtype=np.float32)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(0, dim, 2, dtype=np.float32) / dim)
    table = np.zeros((positions, dim), dtype=np.float32)
    table[:, 0::2] = np.sin(position * rates)
    table[:, 1::2] = np.cos(position * rates)
    return table


def _is_arabic_script(piece: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in piece)


def _random_transformer_spec(shape: ModelSize, pieces: list[str], from_code: str, to_code: str, seed: int):
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng([seed, zlib.crc32(f"{from_code}-{to_code}".encode())])  # pairs differ
    d, ffn, heads = shape.d_model, shape.ffn, shape.heads
    head_dim = d // heads

    def matrix(rows: int, cols: int, scale: float = 1.0) -> np.ndarray:
        return (rng.standard_normal((rows, cols), dtype=np.float32) * (scale / np.sqrt(cols))).astype(
            np.float32
        )

    def bias(size: int) -> np.ndarray:
        return (rng.standard_normal(size, dtype=np.float32) * 0.02).astype(np.float32)

    def set_linear(linear, rows: int, cols: int, keep_out: tuple[int, ...] = ()) -> None:
        linear.weight = matrix(rows, cols)
        linear.bias = bias(rows)
        for dim in keep_out:  # the layer does not write to these residual dimensions
            linear.weight[dim] = 0.0
            linear.bias[dim] = 0.0

    def set_norm(norm) -> None:
        norm.gamma = np.ones(d, dtype=np.float32)
        norm.beta = np.zeros(d, dtype=np.float32)

    def fill_layer(layer, reserved: tuple[int, ...], cross: bool) -> None:
        set_norm(layer.self_attention.layer_norm)
        set_linear(layer.self_attention.linear[0], 3 * d, d)
        set_linear(layer.self_attention.linear[1], d, d, reserved)
        if cross:
            set_norm(layer.attention.layer_norm)
            set_linear(layer.attention.linear[0], d, d)
            set_linear(layer.attention.linear[1], 2 * d, d)
            set_linear(layer.attention.linear[2], d, d, reserved)
        set_norm(layer.ffn.layer_norm)
        set_linear(layer.ffn.linear_0, ffn, d)
        set_linear(layer.ffn.linear_1, d, ffn, reserved)

    spec = transformer_spec.TransformerSpec.from_config(
        (shape.encoder_layers, shape.decoder_layers), heads, pre_norm=True, no_final_norm=True
    )
    vocab = list(pieces) + [f"<filler_{i}>" for i in range(shape.vocab - len(pieces))]
    vocab_size = len(vocab)
    if vocab_size != shape.vocab:
        raise ValueError(f"SentencePiece gave {len(pieces)} pieces, more than the {shape.vocab} of {shape}")

    enc_ramp, dec_ramp, dec_source = _ENC_RAMP % d, _DEC_RAMP % d, _DEC_SOURCE % d

    # Encoder: embeddings, positions (sinusoids + the ramp), layers that leave the ramp alone.
    encoder = spec.encoder
    encoder.embeddings[0].weight = matrix(vocab_size, d)
    encoder.embeddings[0].weight[:, enc_ramp] = 0.0
    positions = _sinusoids(MAX_POSITIONS, d)
    positions[:, enc_ramp] = RAMP * np.arange(MAX_POSITIONS, dtype=np.float32)
    encoder.position_encodings.encodings = positions
    for layer in encoder.layer:
        fill_layer(layer, (enc_ramp,), cross=False)

    # Decoder: same, with its own ramp and the dimension receiving the source length.
    decoder = spec.decoder
    decoder.embeddings.weight = matrix(vocab_size, d, scale=DECODER_EMBEDDING_SCALE)
    decoder.embeddings.weight[:, [dec_ramp, dec_source]] = 0.0
    positions = _sinusoids(MAX_POSITIONS, d)
    positions[:, dec_ramp] = RAMP * np.arange(MAX_POSITIONS, dtype=np.float32)
    positions[:, dec_source] = 0.0
    decoder.position_encodings.encodings = positions
    for layer in decoder.layer:
        fill_layer(layer, (dec_ramp, dec_source), cross=True)

    # Length head: last decoder layer, cross-attention head 0, zero queries -> uniform over the source.
    attention = decoder.layer[-1].attention
    attention.linear[0].weight[:head_dim] = 0.0
    attention.linear[0].bias[:head_dim] = 0.0
    value_row = d + _V0  # fused [keys; values]: values start at row d
    attention.linear[1].weight[value_row] = 0.0
    attention.linear[1].weight[value_row, enc_ramp] = 1.0
    attention.linear[1].bias[value_row] = 0.0
    output = attention.linear[2]
    output.weight[:, _V0] = 0.0
    output.weight[dec_source, _V0] = -2.0 * LENGTH_RATIO  # mean position is (S - 1) / 2

    # Output projection: random rows of moderate scale; `</s>` reads only the two length dimensions;
    # special and filler tokens, and pieces in the other script than the target's, are never produced.
    projection = decoder.projection
    projection.weight = matrix(vocab_size, d, scale=0.5)
    projection.bias = np.zeros(vocab_size, dtype=np.float32)
    eos = vocab.index("</s>")
    gain = EOS_STEP / RAMP
    projection.weight[eos] = 0.0
    projection.weight[eos, [dec_ramp, dec_source]] = gain
    # eos logit = EOS_STEP * (t - 1.2 (S - 1)); it wins from t = 1.2 (S - 1) + 1, i.e. ~1.2 S tokens.
    projection.bias[eos] = -0.5 * EOS_STEP
    arabic_target = to_code in ARABIC_SCRIPT_LANGUAGES
    other_script = [
        i
        for i, piece in enumerate(pieces)
        if i != eos and _is_arabic_script(piece) != arabic_target and any(char.isalpha() for char in piece)
    ]
    never = (
        [vocab.index(token) for token in ("<unk>", "<s>")]
        + other_script
        + list(range(len(pieces), vocab_size))
    )
    projection.weight[never] = 0.0
    projection.bias[never] = -1.0e4

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


# --- Rule-based MiniSBD sentence splitter as ONNX --------------------------------------------------------
# MiniSBD feeds an ONNX session with `units` (character ids, int64 [batch, time]) and `features`
# (float [batch, time, n]) and takes the argmax over classes of the first output: 0 = inside, 1 = end of
# token, 2 = end of sentence. This graph marks 2 after a terminator followed by a space (or the end), and
# after a closing quote or bracket that follows a terminator and is followed by a space. The ONNX protobuf
# is written by hand (no `onnx` dependency).

_TERMINATORS = ".!?…؟۔。！？"
_CLOSERS = "”’»\"')]"


def build_sentence_splitter_onnx(lang: str) -> bytes:
    """The bytes of an ONNX model that MiniSBD loads as a sentence splitter for `lang`."""
    units = ["<PAD>", "<UNK>", " ", *list(_TERMINATORS), *list(_CLOSERS)]
    vocab_size = len(units)
    terminator = np.zeros(vocab_size, np.float32)
    separator = np.zeros(vocab_size, np.float32)
    closer = np.zeros(vocab_size, np.float32)
    for i, unit in enumerate(units):
        terminator[i] = unit in _TERMINATORS
        closer[i] = unit in _CLOSERS
        separator[i] = unit in (" ", "<PAD>")

    initializers = [
        _tensor("terminator", terminator),
        _tensor("separator", separator),
        _tensor("closer", closer),
        _tensor("one_i", np.array([1], np.int64)),
        _tensor("zero_i", np.array([0], np.int64)),
        _tensor("minus_one_i", np.array([-1], np.int64)),
        _tensor("big_i", np.array([2**62], np.int64)),
        _tensor("pad_end", np.array([0, 0, 0, 1], np.int64)),
        _tensor("pad_start", np.array([0, 1, 0, 0], np.int64)),
        _tensor("one_f", np.array(1.0, np.float32)),
        _tensor("zero_f", np.array(0.0, np.float32)),
        _tensor("class_axis", np.array([2], np.int64)),
        _tensor("class_weight", np.array([-1.0, 0.0, 1.0], np.float32)),
        _tensor("class_bias", np.array([1.0, 0.0, 0.0], np.float32)),
    ]
    nodes = [
        _node("Gather", ["terminator", "units"], ["is_term"]),
        _node("Gather", ["separator", "units"], ["is_sep"]),
        _node("Gather", ["closer", "units"], ["is_close"]),
        _node("Slice", ["is_sep", "one_i", "big_i", "one_i"], ["sep_after"]),
        _node("Pad", ["sep_after", "pad_end", "one_f"], ["next_is_sep"]),  # the end counts as a space
        _node("Slice", ["is_term", "zero_i", "minus_one_i", "one_i"], ["term_before"]),
        _node("Pad", ["term_before", "pad_start", "zero_f"], ["prev_is_term"]),
        _node("Mul", ["is_term", "next_is_sep"], ["end_at_terminator"]),
        _node("Mul", ["is_close", "prev_is_term"], ["close_after_term"]),
        _node("Mul", ["close_after_term", "next_is_sep"], ["end_at_closer"]),
        _node("Add", ["end_at_terminator", "end_at_closer"], ["is_end"]),
        _node("Unsqueeze", ["is_end", "class_axis"], ["is_end_3d"]),
        _node("Mul", ["is_end_3d", "class_weight"], ["weighted"]),
        _node("Add", ["weighted", "class_bias"], ["logits"]),
    ]
    graph = (
        b"".join(_field_bytes(1, node) for node in nodes)
        + _field_bytes(2, b"rule_based_sbd")
        + b"".join(_field_bytes(5, tensor) for tensor in initializers)
        + _field_bytes(11, _value_info("units", 7, ["batch", "time"]))
        + _field_bytes(11, _value_info("features", 1, ["batch", "time", "features"]))
        + _field_bytes(12, _value_info("logits", 1, ["batch", "time", 3]))
    )
    config = {
        "skip_newline": False,
        "max_seqlen": 1000,
        "no_ssplit": False,
        "batch_size": 32,
        "feat_funcs": [],
        "use_dictionary": False,
        "num_dict_feat": 0,
    }
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {unit: i for i, unit in enumerate(units)},
        "_id2unit": units,
    }
    metadata = {
        "lang_code": lang,
        "config": json.dumps(config),
        "vocab": json.dumps(vocab, ensure_ascii=False),
        "lexicon": "null",
    }
    opset = _field_bytes(1, b"") + _field_varint(2, 13)
    model = (
        _field_varint(1, 8)  # ir_version
        + _field_bytes(2, b"adaptdesk-tests")  # producer_name
        + _field_bytes(7, graph)
        + _field_bytes(8, opset)
        + b"".join(
            _field_bytes(14, _field_bytes(1, k.encode()) + _field_bytes(2, v.encode()))
            for k, v in metadata.items()
        )
    )
    return model


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 as two's complement
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field_varint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _field_bytes(number: int, payload: bytes | str) -> bytes:
    if isinstance(payload, str):
        payload = payload.encode()
    return _varint((number << 3) | 2) + _varint(len(payload)) + payload


def _tensor(name: str, array: np.ndarray) -> bytes:
    data_type = {np.dtype(np.float32): 1, np.dtype(np.int64): 7}[array.dtype]
    dims = b"".join(_field_varint(1, dim) for dim in array.shape)
    raw = array.astype(array.dtype.newbyteorder("<")).tobytes()  # ONNX raw_data is little-endian
    return dims + _field_varint(2, data_type) + _field_bytes(8, name) + _field_bytes(9, raw)


def _node(op_type: str, inputs: list[str], outputs: list[str]) -> bytes:
    return (
        b"".join(_field_bytes(1, name) for name in inputs)
        + b"".join(_field_bytes(2, name) for name in outputs)
        + _field_bytes(3, outputs[0])
        + _field_bytes(4, op_type)
    )


def _value_info(name: str, elem_type: int, dims: list[int | str]) -> bytes:
    shape = b"".join(
        _field_bytes(1, _field_bytes(2, dim) if isinstance(dim, str) else _field_varint(1, dim))
        for dim in dims
    )
    tensor_type = _field_varint(1, elem_type) + _field_bytes(2, shape)
    return _field_bytes(1, name) + _field_bytes(2, _field_bytes(1, tensor_type))
