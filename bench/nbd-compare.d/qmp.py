#!/usr/bin/env python3
"""Minimal QMP client over a unix socket, for bench/nbd-compare (standard library only).

  qmp.py SOCK cmd '<json: {"execute": ..., "arguments": ...}>' [...]   one reply per line; an error reply exits 1
  qmp.py SOCK wait-ready JOB_ID [TIMEOUT_S]                           polls query-jobs until the job is ready
"""
import json
import socket
import sys
import time


class QMP:
    def __init__(self, path, connect_timeout=10.0):
        deadline = time.time() + connect_timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.f = self.s.makefile("rwb", buffering=0)
        greeting = self._read()
        if "QMP" not in greeting:
            sys.exit("not a QMP greeting: %r" % greeting)
        r = self.execute({"execute": "qmp_capabilities"})
        if "return" not in r:
            sys.exit("qmp_capabilities failed: %r" % r)

    def _read(self):
        line = self.f.readline()
        if not line:
            raise EOFError("QMP socket closed")
        return json.loads(line)

    def execute(self, cmd):
        self.f.write((json.dumps(cmd) + "\n").encode())
        while True:
            msg = self._read()
            if "event" in msg:
                print("EVENT " + json.dumps(msg), file=sys.stderr)
                continue
            return msg


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sock, mode = sys.argv[1], sys.argv[2]
    q = QMP(sock)
    if mode == "cmd":
        for arg in sys.argv[3:]:
            r = q.execute(json.loads(arg))
            print(json.dumps(r))
            if "error" in r:
                sys.exit(1)
    elif mode == "wait-ready":
        job = sys.argv[3]
        timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 300
        t0 = time.time()
        while True:
            jobs = {j["id"]: j for j in q.execute({"execute": "query-jobs"})["return"]}
            j = jobs.get(job)
            if j is None:
                sys.exit("job %s not found" % job)
            if j["status"] == "ready":
                print("job %s ready after %.1f s: %s" % (job, time.time() - t0, json.dumps(j)))
                return
            if j["status"] in ("concluded", "null", "aborting") or "error" in j:
                sys.exit("job %s failed: %s" % (job, json.dumps(j)))
            if time.time() - t0 > timeout:
                sys.exit("timeout waiting for job %s to be ready: %s" % (job, json.dumps(j)))
            time.sleep(0.2)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
