#!/usr/bin/env python3
"""Build Tollgate's default price catalog from the pinned LiteLLM snapshot.

Reads LiteLLM's model_prices_and_context_window.json (MIT, Copyright (c) 2023 Berri AI),
keeps the `chat` and `embedding` entries and, of each, only the keys Tollgate prices with
(LiteLLMCatalog in Sources/TollgateCore/Pricing): litellm_provider, mode, max_input_tokens,
max_output_tokens, supports_function_calling, supports_vision, the six per-token rate keys with their `_batches` twins and
`_above_{N}k_tokens` tiers, and tiered_pricing. Numbers keep their exact digits (read as
decimal.Decimal, written as its str, never through float). A top-level "_tollgate" object
records the source and its SHA-256.

Usage:
    scripts/build-default-catalog.py [SNAPSHOT] [OUTPUT]

Defaults: ../shared/data/litellm-prices/model_prices_and_context_window.json (relative to
the repository root) and Sources/TollgateCLI/Resources/default-prices.json.
"""

import decimal
import hashlib
import json
import os
import re
import sys

SOURCE_NAME = "litellm 1.109.1 snapshot"
MODES = ("chat", "embedding")
BASE_RATE_KEYS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "cache_creation_input_token_cost_above_1hr",
    "output_cost_per_reasoning_token",
)
RATE_KEY = re.compile(
    r"^(?:" + "|".join(re.escape(k) for k in BASE_RATE_KEYS) + r")(?:_above_[0-9]+k_tokens)?(?:_batches)?$"
)
PLAIN_KEYS = (
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "max_output_tokens",
    "supports_function_calling",
    "supports_vision",
)


def keep_entry_key(key):
    return key in PLAIN_KEYS or key == "tiered_pricing" or RATE_KEY.match(key) is not None


def filter_band(band):
    if not isinstance(band, dict):
        return band
    return {k: v for k, v in band.items() if k == "range" or k in BASE_RATE_KEYS}


def filter_entry(entry):
    kept = {}
    for key, value in entry.items():
        if not keep_entry_key(key):
            continue
        if key == "tiered_pricing" and isinstance(value, list):
            value = [filter_band(b) for b in value]
        kept[key] = value
    return kept


def emit(value):
    """Compact JSON with numbers written from their exact decimal text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, decimal.Decimal):
        text = str(value)
        if not value.is_finite():
            raise ValueError("non-finite number %r" % text)
        return text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(emit(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(emit(k) + ": " + emit(v) for k, v in value.items()) + "}"
    raise TypeError("cannot emit %r" % (value,))


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    source = argv[1] if len(argv) > 1 else os.path.join(
        repo, "..", "shared", "data", "litellm-prices", "model_prices_and_context_window.json"
    )
    output = argv[2] if len(argv) > 2 else os.path.join(
        repo, "Sources", "TollgateCLI", "Resources", "default-prices.json"
    )
    with open(source, "rb") as f:
        raw = f.read()
    sha256 = hashlib.sha256(raw).hexdigest()
    catalog = json.loads(raw.decode("utf-8"), parse_float=decimal.Decimal, parse_int=int)

    lines = []
    meta = {
        "source": SOURCE_NAME,
        "sha256": sha256,
        "file": "litellm/model_prices_and_context_window_backup.json",
        "license": "MIT License, Copyright (c) 2023 Berri AI (https://github.com/BerriAI/litellm)",
        "filter": "mode in {chat, embedding}; price, limit, capability (tools, vision), provider and mode keys only",
    }
    lines.append("  " + emit("_tollgate") + ": " + emit(meta))
    kept = 0
    for key, entry in catalog.items():
        if key == "sample_spec" or key.startswith("_") or not isinstance(entry, dict):
            continue
        if entry.get("mode") not in MODES:
            continue
        lines.append("  " + emit(key) + ": " + emit(filter_entry(entry)))
        kept += 1

    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    print("wrote %d entries (%s, sha256 %s) to %s" % (kept, SOURCE_NAME, sha256, output))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
