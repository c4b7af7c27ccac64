"""The ONNX graph of a BERT encoder (all-MiniLM-L6-v2), built from its safetensors with numpy only.

No PyTorch: the graph is written op by op with ``onnx.helper`` and the weights are read with
``safetensors.numpy``. Inputs ``input_ids``, ``attention_mask``, ``token_type_ids`` (int64,
``[batch, seq]``), output ``last_hidden_state`` (float32, ``[batch, seq, hidden]``) — the names and
shapes of a ``transformers`` export, so fastembed's mean pooling + L2 normalisation apply unchanged.

The computation is Hugging Face's ``BertModel`` (absolute positions, post-LayerNorm, GELU with erf,
attention mask added as the float32 minimum to masked keys); outputs agree with it to about 1e-6.
"""

import json
from pathlib import Path

import numpy as np

GRAPH_VERSION = 1  # bump when the graph changes, so cached builds are not reused
OPSET = 17  # LayerNormalization; every onnxruntime >= 1.12 runs it
IR_VERSION = 8  # the IR version of opset 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"


class _Graph:
    """Collects nodes and initializers, naming intermediate values uniquely."""

    def __init__(self):
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes, self.inits, self._n = [], [], 0

    def const(self, name: str, array) -> str:
        self.inits.append(self.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], output: str | None = None, **attrs) -> str:
        self._n += 1
        output = output or f"{op_type.lower()}_{self._n}"
        self.nodes.append(self.helper.make_node(op_type, inputs, [output], name=f"{op_type}_{self._n}", **attrs))
        return output


def _config(folder: Path) -> dict:
    cfg = json.loads((folder / "config.json").read_text())
    if cfg.get("model_type", "bert") != "bert" or cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{folder}: only BERT with absolute positions is supported")
    if cfg.get("hidden_act", "gelu") != "gelu":
        raise ValueError(f"{folder}: hidden_act {cfg['hidden_act']!r} is not supported (gelu only)")
    if cfg["hidden_size"] % cfg["num_attention_heads"]:
        raise ValueError(f"{folder}: hidden_size is not a multiple of num_attention_heads")
    return cfg


def build_model(folder: Path):
    """The ``onnx.ModelProto`` of the BERT encoder in `folder` (config.json + model.safetensors)."""
    from onnx import TensorProto, checker, helper
    from safetensors.numpy import load_file

    folder = Path(folder)
    cfg = _config(folder)
    raw = load_file(str(folder / "model.safetensors"))
    w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in raw.items() if v.dtype.kind == "f"}
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    head_dim, eps = hidden // heads, float(cfg.get("layer_norm_eps", 1e-12))
    g = _Graph()

    def param(name: str, transpose: bool = False) -> str:
        return g.const(name, w[name].T if transpose else w[name])

    def array(name: str, value, dtype=np.float32) -> str:  # a small constant
        return g.const(name, np.array(value, dtype=dtype))

    def layer_norm(x: str, prefix: str) -> str:
        return g.op("LayerNormalization", [x, param(f"{prefix}.weight"), param(f"{prefix}.bias")], axis=-1, epsilon=eps)

    def linear(x: str, prefix: str) -> str:  # torch Linear: x @ W.T + b
        return g.op("Add", [g.op("MatMul", [x, param(f"{prefix}.weight", transpose=True)]), param(f"{prefix}.bias")])

    # Embeddings: word + absolute position (0..seq-1) + token type, then LayerNorm.
    words = g.op("Gather", [param("embeddings.word_embeddings.weight"), "input_ids"])
    types = g.op("Gather", [param("embeddings.token_type_embeddings.weight"), "token_type_ids"])
    # Positions 0..seq-1 are the first `seq` rows of the table: a Slice with 1-D bounds only (a Range +
    # Gather is rewritten by onnxruntime's optimiser into a Slice with scalar bounds, which then fails).
    seq = g.op(
        "Slice", [g.op("Shape", ["input_ids"]), array("seq_start", [1], np.int64), array("seq_end", [2], np.int64)]
    )
    table = param("embeddings.position_embeddings.weight")
    pos = g.op("Slice", [table, array("pos_start", [0], np.int64), seq, array("pos_axes", [0], np.int64)])
    x = layer_norm(g.op("Add", [g.op("Add", [words, types]), pos]), "embeddings.LayerNorm")

    # Additive key mask [batch, 1, 1, seq]: 0 where attended, float32 min where padded.
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask = g.op("Unsqueeze", [mask, array("mask_axes", [1, 2], np.int64)])
    one = array("one", 1.0)
    mask = g.op("Mul", [g.op("Sub", [one, mask]), array("mask_min", np.finfo(np.float32).min)])

    split = array("split_heads", [0, 0, heads, head_dim], np.int64)  # Reshape: 0 keeps that dimension
    merge = array("merge_heads", [0, 0, hidden], np.int64)
    scale = array("attn_scale", 1.0 / np.sqrt(head_dim))
    half, sqrt2 = array("half", 0.5), array("sqrt2", np.sqrt(2.0))

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"

        q, k, v = (
            g.op("Transpose", [g.op("Reshape", [linear(x, f"{p}.attention.self.{name}"), split])], perm=perm)
            for name, perm in (("query", [0, 2, 1, 3]), ("key", [0, 2, 3, 1]), ("value", [0, 2, 1, 3]))
        )
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merge])
        x = layer_norm(
            g.op("Add", [linear(context, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm"
        )

        h = linear(x, f"{p}.intermediate.dense")
        h = g.op("Mul", [g.op("Mul", [h, half]), g.op("Add", [g.op("Erf", [g.op("Div", [h, sqrt2])]), one])])  # GELU
        x = layer_norm(g.op("Add", [linear(h, f"{p}.output.dense"), x]), f"{p}.output.LayerNorm")

    g.nodes.append(helper.make_node("Identity", [x], [OUTPUT], name="output"))
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "seq"]) for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", "seq", hidden])],
        g.inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION, producer_name="outreach.onnx_bert"
    )
    checker.check_model(model)
    return model


def export(folder: Path, path: Path) -> Path:
    """Build the graph of the model in `folder` and write it to `path` (about 90 MB, under 2 s)."""
    import onnx

    onnx.save_model(build_model(folder), str(path))
    return Path(path)
