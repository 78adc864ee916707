"""Reads the committed soft-label export with `safetensors.numpy` alone and writes expected.json:
per sample, its index (decoded from key.sample), its view index (decoded from key.view) and the
logits and features as floats. SoftLabelExportTests checks kdflow serves exactly these.

Regenerate (after a deliberate format change):
  rm -rf Tests/KDCacheTests/Fixtures/soft-labels
  KDFLOW_WRITE_SOFT_LABEL_FIXTURE=$PWD/Tests/KDCacheTests/Fixtures/soft-labels \
      swift test --filter SoftLabelExportTests/exportMatchesTheFixturePythonReadAndServesItsValues
  pip install numpy safetensors && python3 Tests/KDCacheTests/Fixtures/read_soft_labels.py
"""
import json
import pathlib

import numpy as np
from safetensors.numpy import load_file

here = pathlib.Path(__file__).parent
manifest = json.loads((here / "soft-labels" / "manifest.json").read_text())
assert manifest["format"] == "kdflow-soft-labels" and manifest["version"] == 1
rows = []
for shard in manifest["shards"]:
    t = load_file(str(here / "soft-labels" / shard["file"]))
    samples = t["key.sample"][:, -8:].copy().view("<i8")[:, 0]
    views = t["key.view"][:, 4:12].copy().view("<i8")[:, 0]
    assert (samples == t["sample.index"]).all()
    for i in range(len(samples)):
        rows.append({"sample_index": int(samples[i]), "view_index": int(views[i]),
                     "logits": [float(x) for x in t["logits"][i].astype(np.float32)],
                     "features": [float(x) for x in t["features"][i].astype(np.float32)]})
(here / "expected.json").write_text(json.dumps(rows, indent=1) + "\n")
print(f"{len(rows)} rows from {len(manifest['shards'])} shards")
