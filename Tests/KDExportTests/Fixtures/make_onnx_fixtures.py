"""Regenerates onnx_reference.json, the ONNX Runtime side of KDExportTests (CI runs no Python).

Usage, from the repository root: python3 Tests/KDExportTests/Fixtures/make_onnx_fixtures.py
(pip-installs onnx and onnxruntime if missing).

1. Runs the Swift test `writeFilesForTheFixtureScript` with KDEXPORT_FIXTURE_DIR set: it writes
   every ExportCase's ONNX file as kdflow exports it, its input batch and kdflow's logits.
2. For each file: onnx.checker.check_model(full_check=True), then ONNX Runtime's logits, which
   are stored; prints the largest difference from kdflow's.
3. Serialises the messages of ProtobufWriterTests with onnx's generated protobuf classes and
   stores their bytes as hex.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "numpy", "onnx", "onnxruntime"])
    import numpy as np
    import onnx
    import onnxruntime as ort
from onnx import AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def runtime_logits(directory):
    subprocess.check_call(["swift", "build", "--build-tests"])
    subprocess.check_call(["swift", "test", "--skip-build", "--filter", "writeFilesForTheFixtureScript"],
                          env={**os.environ, "KDEXPORT_FIXTURE_DIR": directory})
    with open(os.path.join(directory, "cases.json")) as f:
        cases = json.load(f)
    reference = {}
    for name, case in sorted(cases.items()):
        path = os.path.join(directory, f"{name}.onnx")
        onnx.checker.check_model(onnx.load(path), full_check=True)
        x = np.array(case["input"], np.float32).reshape([int(d) for d in case["input_shape"]])
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        (logits,) = session.run(["logits"], {"input": x})
        kdflow = np.array(case["kdflow_logits"], np.float32).reshape(logits.shape)
        print(f"{name:20s} {os.path.getsize(path):9d} bytes  max |kdflow - ORT| = {np.abs(kdflow - logits).max():.2e}")
        reference[name] = {"shape": list(logits.shape), "logits": [float(v) for v in logits.ravel()]}
    return reference


def protobuf_bytes():
    floats = np.array([1, -2, 0.5, 3, 0, -0.25], "<f4").tobytes()
    node = NodeProto(input=["input", "w"], output=["logits"], name="fc.Gemm", op_type="Gemm",
                     attribute=[AttributeProto(name="transB", type=AttributeProto.INT, i=1)])
    graph = GraphProto(node=[node], name="tiny",
                       initializer=[TensorProto(name="w", dims=[2, 3], data_type=TensorProto.FLOAT, raw_data=floats)],
                       input=[helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3])],
                       output=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 2])])
    model = ModelProto(ir_version=9, producer_name="kdflow", graph=graph, opset_import=[OperatorSetIdProto(version=17)])
    messages = {
        "ints_attribute": AttributeProto(name="ints", type=AttributeProto.INTS,
                                         ints=[0, 1, 127, 128, 300, 16384, -1, 2**62]),
        "float_attribute": AttributeProto(name="epsilon", type=AttributeProto.FLOAT, f=1e-5),
        "model": model,
    }
    return {name: m.SerializeToString().hex() for name, m in messages.items()}


with tempfile.TemporaryDirectory() as directory:
    reference = {"onnxruntime": ort.__version__, "cases": runtime_logits(directory), "protobuf": protobuf_bytes()}
with open(os.path.join(HERE, "onnx_reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
    f.write("\n")
