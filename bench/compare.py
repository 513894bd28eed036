"""The table of bench/compare.sh: per point, the gateway's CPU per request, throughput, added p99 (gateway minus
direct, same point, same run) and peak RSS, for the old and the new binary, from <old|new>-<round>.jsonl."""

import glob
import json
import os
import sys


def load(directory):
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, "*-*.jsonl"))):
        name = os.path.basename(path)[:-len(".jsonl")]
        which, _, round_ = name.partition("-")
        points = {}
        for line in open(path):
            r = json.loads(line)
            if r.get("kind") != "wrk" or r.get("warmup"):
                continue
            points.setdefault((r["mode"], int(r["conc"])), {})[r["label"]] = r
        runs.setdefault(which, []).append((round_, points))
    return runs


def main(directory):
    runs = load(directory)
    if not runs.get("old") or not runs.get("new"):
        sys.exit(f"no old-*.jsonl and new-*.jsonl results in {directory}")
    keys = sorted({k for _, points in runs["old"] for k in points}, key=lambda k: (["nonstream", "stream", "paced"].index(k[0])
                                                                                   if k[0] in ("nonstream", "stream", "paced") else 9, k[1]))
    print("| point | CPU ms/req old (each run) | new (each run) | mean old → new | req/s old → new | added p99 ms old → new | peak RSS MB old → new | other cores (max) |")
    print("|---|---|---|---|---|---|---|---|")
    for key in keys:
        def series(which, f):
            return [f(points[key]) for _, points in runs[which] if key in points and "tollgate" in points[key]]
        cpu = {w: series(w, lambda p: p["tollgate"]["cpu_ms_per_req"]) for w in ("old", "new")}
        rps = {w: series(w, lambda p: p["tollgate"]["rps"]) for w in ("old", "new")}
        added = {w: series(w, lambda p: p["tollgate"]["p99_ms"] - p["direct"]["p99_ms"] if "direct" in p else float("nan")) for w in ("old", "new")}
        rss = {w: series(w, lambda p: p["tollgate"]["hwm_kb"] / 1024) for w in ("old", "new")}
        other = max(series("old", lambda p: p["tollgate"]["other_cores"]) + series("new", lambda p: p["tollgate"]["other_cores"]))
        mean = lambda xs: sum(xs) / len(xs)
        print(f"| {key[0]} c={key[1]} | {', '.join(f'{x:.3f}' for x in cpu['old'])} | {', '.join(f'{x:.3f}' for x in cpu['new'])} "
              f"| {mean(cpu['old']):.3f} → {mean(cpu['new']):.3f} | {mean(rps['old']):,.0f} → {mean(rps['new']):,.0f} "
              f"| +{mean(added['old']):.2f} → +{mean(added['new']):.2f} | {max(rss['old']):.1f} → {max(rss['new']):.1f} | {other:.2f} |")
    print()
    print("CPU ms/req = the gateway's utime+stime during the run / requests. other cores > 0.25: that run shared the machine.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tollgate-compare")
