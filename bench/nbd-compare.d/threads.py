#!/usr/bin/env python3
"""Per-thread CPU of a process over an interval, for bench/nbd-compare's diagnostic run.

  threads.py snap PID OUT.json                       CPU ticks of every thread of PID now
  threads.py diff BEFORE.json AFTER.json [JSTACK]   CPU seconds and cores per thread between the two snapshots,
                                                    busiest first; full Java thread names from a jstack dump
"""
import json
import os
import re
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def snap(pid):
    out = {"t": time.time(), "threads": {}}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        fields = s[s.rindex(")") + 2:].split()
        out["threads"][tid] = [name, int(fields[11]) + int(fields[12])]  # utime + stime
    return out


def main():
    if sys.argv[1] == "snap":
        with open(sys.argv[3], "w") as f:
            json.dump(snap(sys.argv[2]), f)
        return
    a, b = (json.load(open(p)) for p in sys.argv[2:4])
    names = {}
    if len(sys.argv) > 4 and os.path.exists(sys.argv[4]):
        for m in re.finditer(r'^"([^"]+)".*?nid=(0x[0-9a-f]+)', open(sys.argv[4]).read(), re.M):
            names[str(int(m.group(2), 16))] = m.group(1)
    wall = b["t"] - a["t"]
    rows = []
    for tid, (name, ticks) in b["threads"].items():
        d = (ticks - a["threads"].get(tid, [name, 0])[1]) / HZ
        rows.append((d, tid, names.get(tid, name)))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows)
    print(f"over {wall:.1f} s: {total:.2f} CPU s = {total / wall:.2f} cores in all")
    print(f"{'cpu_s':>7} {'cores':>6}  tid      thread")
    for d, tid, name in rows:
        if d >= 0.05:
            print(f"{d:7.2f} {d / wall:6.2f}  {tid:<8} {name}")


if __name__ == "__main__":
    main()
