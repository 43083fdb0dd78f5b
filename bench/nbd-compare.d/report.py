#!/usr/bin/env python3
"""Summarise bench/nbd-compare's fio JSON results: medians over rounds, tandem's ratios to each peer,
the goals of the performance issue, round by round. Writes summary.json and prints the tables (markdown).

  report.py RESULTS_DIR SERVERS(comma) WORKLOADS(comma) ROUNDS
Files read: RESULTS_DIR/runs/SERVER.WORKLOAD.rN.json (fio --output-format=json) and .cpu (key=value).
"""
import json
import os
import statistics
import sys

LABELS = {
    "tandem": "tandem pair (mirrored)",
    "nbdkit-memory": "nbdkit memory 1G",
    "nbdkit-file": "nbdkit file 1G (unmirrored)",
    "nbdkit-file-sync": "nbdkit file 1G, every write forced (unmirrored)",
    "qsd-mirror": "qsd + write-blocking mirror -> nbdkit",
}
# the processes of each server, as bench/nbd-compare names them in the .cpu files
PROCS = {
    "tandem": ["tandem-primary", "tandem-secondary"],
    "nbdkit-memory": ["nbdkit-memory"],
    "nbdkit-file": ["nbdkit-file"],
    "nbdkit-file-sync": ["nbdkit-file-sync"],
    "qsd-mirror": ["qemu-storage-daemon", "qsd-target-nbdkit"],
}
WL_LABELS = {"randwrite": "4K randwrite QD32", "randread": "4K randread QD32", "write64k": "64K seqwrite QD32",
             "randwrite-qd1": "4K randwrite QD1"}


def load_run(path):
    with open(path) as f:
        j = json.load(f)
    job = j["jobs"][0]
    op = "read" if job["read"]["total_ios"] > 0 else "write"
    d = job[op]
    pct = d["clat_ns"].get("percentile", {})

    def p(key):
        for k, v in pct.items():
            if abs(float(k) - key) < 1e-6:
                return v / 1e6  # ms
        return None

    return {"iops": d["iops"], "mbps": d["bw_bytes"] / 1e6, "p50_ms": p(50), "p99_ms": p(99), "p999_ms": p(99.9),
            "ios": d["total_ios"], "errors": job.get("error", 0)}


def load_cpu(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.strip().split("=", 1)
                try:
                    out[k] = float(v)
                except ValueError:
                    out[k] = v
    return out


def paired_rounds(summary, workload, peer):
    """tandem's and the peer's runs of one workload, round by round, where both have figures."""
    mine = (summary["servers"].get("tandem", {}).get(workload) or {}).get("rounds") or []
    theirs = {x["round"]: x for x in (summary["servers"].get(peer, {}).get(workload) or {}).get("rounds") or []
              if "iops" in x}
    return [(x, theirs[x["round"]]) for x in mine if "iops" in x and x["round"] in theirs and theirs[x["round"]]["iops"]]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=0):
    if x is None:
        return "-"
    return f"{x:,.{nd}f}"


def main():
    d, servers, wls, rounds = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), int(sys.argv[4])
    summary = {"servers": {}, "ratios": {}, "goals": {}}
    for s in servers:
        summary["servers"][s] = {}
        for w in wls:
            runs = []
            for r in range(1, rounds + 1):
                base = os.path.join(d, "runs", f"{s}.{w}.r{r}")
                if os.path.exists(base + ".json"):
                    try:
                        run = load_run(base + ".json")
                    except Exception as e:  # a fio run that failed leaves no usable JSON
                        run = {"error": str(e)}
                    run["round"] = r
                    run["cpu"] = load_cpu(base + ".cpu")
                    wall = run["cpu"].get("wall_s") or 0
                    if wall:
                        run["server_cores"] = sum(run["cpu"].get("cpu_s." + n, 0) for n in PROCS.get(s, [])) / wall
                        run["tandem_idle_cores"] = None if s == "tandem" else \
                            sum(run["cpu"].get("cpu_s." + n, 0) for n in PROCS["tandem"]) / wall
                        run["machine_busy_pct"] = run["cpu"].get("machine_busy_pct")
                        run["fio_cores"] = run["cpu"].get("cpu_s.fio", 0) / wall
                        run["other_cores"] = max(0.0, run["cpu"].get("cpu_s.other", 0) / wall)  # tick rounding can go below 0
                    runs.append(run)
            ok = [x for x in runs if "iops" in x]
            summary["servers"][s][w] = {
                "rounds": runs,
                "median": {k: med([x[k] for x in ok]) for k in ("iops", "mbps", "p50_ms", "p99_ms", "p999_ms", "server_cores", "machine_busy_pct", "fio_cores", "other_cores")} if ok else None,
            }

    print("| server | workload | IOPS | MB/s | p50 ms | p99 ms | p99.9 ms | server CPU | fio CPU | other CPU | IOPS per round |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for s in servers:
        for w in wls:
            e = summary["servers"][s][w]
            m = e["median"] or {}
            per = " / ".join(fmt(x.get("iops")) for x in e["rounds"])
            print(f"| {LABELS.get(s, s)} | {WL_LABELS.get(w, w)} | {fmt(m.get('iops'))} | {fmt(m.get('mbps'), 1)} | "
                  f"{fmt(m.get('p50_ms'), 2)} | {fmt(m.get('p99_ms'), 2)} | {fmt(m.get('p999_ms'), 2)} | "
                  f"{fmt(m.get('server_cores'), 2)} | {fmt(m.get('fio_cores'), 2)} | {fmt(m.get('other_cores'), 2)} | {per} |")
    idle = [x.get("tandem_idle_cores") for s in servers if s != "tandem" for w in wls
            for x in summary["servers"][s][w]["rounds"] if x.get("tandem_idle_cores") is not None]
    busy = [x.get("machine_busy_pct") for s in servers for w in wls
            for x in summary["servers"][s][w]["rounds"] if x.get("machine_busy_pct") is not None]
    print()
    if idle:
        summary["tandem_idle_cores_median"] = med(idle)
        print("CPU columns: cores used during the run (CPU seconds / wall seconds, median of rounds) by the server's "
              "processes, by fio, and by everything else (other processes on the machine, including the idle servers).")
        print(f"The idle tandem pair used {fmt(med(idle), 2)} cores (median) while the peers ran (all servers stay up).")
    if busy:
        summary["machine_busy_pct_median"] = med(busy)
        print(f"Whole machine busy during the runs: {fmt(med(busy))}% of {os.cpu_count()} cores (median), "
              f"which includes fio itself and anything else running.")

    if "tandem" in servers:
        print()
        print("tandem / peer (medians; IOPS ratio > 1 and p99 ratio < 1 favour tandem):")
        print()
        print("| peer | workload | IOPS ratio | p99 ratio |")
        print("| --- | --- | ---: | ---: |")
        for s in servers:
            if s == "tandem":
                continue
            summary["ratios"][s] = {}
            for w in wls:
                t = summary["servers"]["tandem"][w]["median"] or {}
                p = summary["servers"][s][w]["median"] or {}
                ri = t["iops"] / p["iops"] if t.get("iops") and p.get("iops") else None
                rp = t["p99_ms"] / p["p99_ms"] if t.get("p99_ms") and p.get("p99_ms") else None
                summary["ratios"][s][w] = {"iops": ri, "p99": rp}
                print(f"| {LABELS.get(s, s)} | {WL_LABELS.get(w, w)} | {fmt(ri, 2)}x | {fmt(rp, 2)}x |")

        goals = []
        # the performance goals, judged round by round (round r of tandem against round r of the peer): a goal
        # is met when it holds in every round, not in the medians
        for w, peer, factor, label in (("randwrite", "nbdkit-file", 1.0, "4K randwrite QD32 IOPS >= nbdkit file"),
                                       ("randwrite", "qsd-mirror", 3.0, "4K randwrite QD32 IOPS >= 3x qsd mirror"),
                                       ("write64k", "nbdkit-file", 0.5, "64K seqwrite >= 0.5x nbdkit file"),
                                       ("write64k", "qsd-mirror", 1.5, "64K seqwrite >= 1.5x qsd mirror"),
                                       ("randwrite-qd1", "nbdkit-file", 1.0, "4K randwrite QD1 IOPS >= nbdkit file")):
            pairs = paired_rounds(summary, w, peer)
            if pairs:
                ratios = [t["iops"] / p["iops"] for t, p in pairs]
                goals.append((label, all(r >= factor for r in ratios),
                              "per round " + " / ".join(f"{fmt(r, 2)}x" for r in ratios)))
        pairs = paired_rounds(summary, "randwrite", "qsd-mirror")
        if pairs:
            goals.append(("4K randwrite QD32 p99 <= qsd mirror p99", all(t["p99_ms"] <= p["p99_ms"] for t, p in pairs),
                          "per round " + " / ".join(f"{fmt(t['p99_ms'], 2)} vs {fmt(p['p99_ms'], 2)} ms"
                                                    for t, p in pairs)))
        if goals:
            print()
            print("Goals, round by round:")
            print()
            for name, met, detail in goals:
                summary["goals"][name] = {"met": met, "detail": detail}
                print(f"- {name}: **{'MET' if met else 'MISSED'}** ({detail})")

    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
