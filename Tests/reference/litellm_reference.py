#!/usr/bin/env python3
"""Independent reference costs for Tollgate's pricing, straight from the LiteLLM snapshot.

Usage: litellm_reference.py SNAPSHOT.json

Prints a JSON array of cases:
    {"model": ..., "mode": "standard"|"batch", "usage": {...},
     "expected_nano": N, "components": [{"kind", "tokens", "nano"}, ...]}
or  {"model": ..., "mode": ..., "usage": {...}, "unpriced": true, "reason": ...}

for every `chat` model (9 usage vectors each) and every `embedding` model (2 vectors).

This is deliberately separate code from the Swift implementation: it reads the raw
snapshot with the standard library JSON reader (floats as decimal.Decimal, never float) and
follows standards.md §4.3/§4.6 with Python's `decimal` at 60 digits of precision:

  * prompt count = uncached + cache reads + all cache writes (never output);
  * thresholds come from any `<rate key>_above_{N}k_tokens[_batches]` key; the highest one
    the prompt passes (strictly greater; `>=` for the xai provider) applies to the whole
    request, per token type that has an above-threshold key, base price otherwise;
  * tiered_pricing: band with lower < count <= upper; above every band the highest one
    below the count; a zero-token prompt the first band;
  * missing cache read / cache write rate -> input rate; missing 1h write -> 5m write;
    missing reasoning -> output; explicit 0 is a price;
  * batch: the `_batches` twin of the key actually used, else exactly half of it;
  * a model with no input, output or tiered price is unpriced, and so is a call with
    tokens of a type that has no rate at all;
  * total rounded once, half-even, to nano-USD; components by largest remainder.
"""

import decimal
import json
import re
import sys
from decimal import Decimal, ROUND_FLOOR, ROUND_HALF_EVEN

decimal.getcontext().prec = 60

RATE_KEYS = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
    "cache_write_1h": "cache_creation_input_token_cost_above_1hr",
    "reasoning": "output_cost_per_reasoning_token",
}
# Resolution order: a type's fallback is always resolved before it.
ORDER = ["input", "output", "cache_read", "cache_write", "cache_write_1h", "reasoning"]
FALLBACK = {"cache_read": "input", "cache_write": "input", "cache_write_1h": "cache_write", "reasoning": "output"}
THRESHOLD_KEY = re.compile(r"^(?P<base>.+)_above_(?P<n>[0-9]+)k_tokens(?:_batches)?$")

CHAT_VECTORS = [
    ("standard", dict(inputUncached=1234, output=567)),
    ("standard", dict(inputUncached=1003, cacheRead=3001, cacheWrite5m=2017, cacheWrite1h=511, output=809, reasoning=307)),
    ("standard", dict(inputUncached=250000, cacheRead=10000, output=1000, reasoning=200)),
    ("batch", dict(inputUncached=1003, cacheRead=3001, cacheWrite5m=2017, cacheWrite1h=511, output=809, reasoning=307)),
    ("batch", dict(inputUncached=280001, cacheWrite5m=1000, output=2001, reasoning=3)),
    ("standard", dict(inputUncached=199000, cacheRead=1000, output=100)),
    ("standard", dict(output=51)),
    ("standard", dict(inputUncached=31000, cacheWrite1h=1000, output=7, reasoning=7)),
    ("batch", dict(inputUncached=7, cacheRead=1, output=3)),
]
EMBEDDING_VECTORS = [
    ("standard", dict(inputUncached=5003)),
    ("batch", dict(inputUncached=5003)),
]
USAGE_FIELDS = ["inputUncached", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning"]


def number(value):
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    raise ValueError("not a number: %r" % (value,))


def thresholds(entry):
    """{tokens: 'N' as written} for every above-threshold rate key of the entry."""
    found = {}
    for key in entry:
        m = THRESHOLD_KEY.match(key)
        if m and m.group("base") in RATE_KEYS.values() and entry[key] is not None:
            found[int(m.group("n")) * 1000] = m.group("n")
    return found


def choose_band(bands, prompt):
    bands = [b for b in (bands or []) if isinstance(b, dict) and "range" in b]
    if not bands:
        return None
    if prompt == 0:
        return bands[0]
    for band in bands:
        lo, hi = (Decimal(x) for x in band["range"])
        if lo < prompt <= hi:
            return band
    below = [b for b in bands if Decimal(b["range"][1]) < prompt]
    if below:
        best = below[0]
        for b in below[1:]:
            if Decimal(b["range"][1]) > Decimal(best["range"][1]):
                best = b
        return best
    return bands[0]


def rates_for(entry, prompt, mode):
    tiers = thresholds(entry)
    xai = entry.get("litellm_provider") == "xai"
    passed = [t for t in tiers if (prompt >= t if xai else prompt > t)]
    tier_n = tiers[max(passed)] if passed else None
    band = choose_band(entry.get("tiered_pricing"), prompt)

    rates = {}
    for name in ORDER:
        key = RATE_KEYS[name]
        standard = twin = None
        tier_key = "%s_above_%sk_tokens" % (key, tier_n) if tier_n is not None else None
        if tier_key is not None and number(entry.get(tier_key)) is not None:
            standard = number(entry[tier_key])
            twin = number(entry.get(tier_key + "_batches"))
        elif band is not None and number(band.get(key)) is not None:
            standard = number(band[key])
        elif number(entry.get(key)) is not None:
            standard = number(entry[key])
            twin = number(entry.get(key + "_batches"))
        if standard is None:
            rates[name] = rates.get(FALLBACK[name]) if name in FALLBACK else None
        elif mode == "batch":
            rates[name] = twin if twin is not None else standard / 2
        else:
            rates[name] = standard
    return rates


def is_priced(entry):
    return (
        number(entry.get("input_cost_per_token")) is not None
        or number(entry.get("output_cost_per_token")) is not None
        or bool(entry.get("tiered_pricing"))
    )


def reference_case(model, entry, mode, usage):
    case = {"model": model, "mode": mode, "usage": {f: usage.get(f, 0) for f in USAGE_FIELDS}}
    u = case["usage"]
    if not is_priced(entry):
        case.update(unpriced=True, reason="no input, output or tiered price")
        return case
    prompt = u["inputUncached"] + u["cacheRead"] + u["cacheWrite5m"] + u["cacheWrite1h"]
    rates = rates_for(entry, prompt, mode)
    reasoning = min(u["reasoning"], u["output"])
    lines = [
        ("inputUncached", u["inputUncached"], "input"),
        ("cacheRead", u["cacheRead"], "cache_read"),
        ("cacheWrite5m", u["cacheWrite5m"], "cache_write"),
        ("cacheWrite1h", u["cacheWrite1h"], "cache_write_1h"),
        ("outputText", u["output"] - reasoning, "output"),
        ("reasoning", reasoning, "reasoning"),
    ]
    billed = []
    for kind, tokens, rate_name in lines:
        if tokens <= 0:
            continue
        rate = rates[rate_name]
        if rate is None:
            case.update(unpriced=True, reason="no %s rate" % rate_name)
            return case
        billed.append((kind, tokens, Decimal(tokens) * rate * Decimal(10) ** 9))
    exact_nano = sum((v for _, _, v in billed), Decimal(0))
    total = int(exact_nano.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    floors = [int(v.to_integral_value(rounding=ROUND_FLOOR)) for _, _, v in billed]
    remainders = [v - f for (_, _, v), f in zip(billed, floors)]
    leftover = total - sum(floors)
    assert 0 <= leftover <= len(billed), (model, leftover)
    for i in sorted(range(len(billed)), key=lambda i: (-remainders[i], i))[:leftover]:
        floors[i] += 1
    case["expected_nano"] = total
    case["components"] = [{"kind": k, "tokens": t, "nano": n} for (k, t, _), n in zip(billed, floors)]
    return case


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: litellm_reference.py SNAPSHOT.json\n")
        return 2
    with open(argv[1], "rb") as f:
        catalog = json.loads(f.read().decode("utf-8"), parse_float=Decimal)
    cases = []
    for model, entry in catalog.items():
        if model == "sample_spec" or model.startswith("_") or not isinstance(entry, dict):
            continue
        vectors = {"chat": CHAT_VECTORS, "embedding": EMBEDDING_VECTORS}.get(entry.get("mode"))
        for mode, usage in vectors or []:
            cases.append(reference_case(model, entry, mode, usage))
    json.dump(cases, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
