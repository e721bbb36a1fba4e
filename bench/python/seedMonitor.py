"""The seed's Python monitor work, timed by itself, for the benchmark comparisons.

Line protocol on stdin/stdout (one JSON object per line), so the Node benchmark can
interleave rounds with its own (A B A B) while this process stays warm:

  {"cmd": "init", "pid": 123, "diskPath": "/work"}    -> {"ok": true, "psutil": "5.9.4"}
  {"cmd": "tick", "n": 200, "oneshot": false}           -> {"cpuS": .., "wallS": .., "n": 200}
  {"cmd": "load", "values": [..]}                       -> {"ok": true, "n": 1000}
  {"cmd": "stats", "n": 200}                            -> {"cpuS": .., "wallS": .., "n": 200, "perCallWallS": [..]}
  {"cmd": "quit"}

A tick is what the seed's collector does (psutil.cpu_percent, virtual_memory,
disk_usage, net_io_counters, and the process' cpu_percent / memory_info) plus
num_fds and num_threads, which our tick also reports. One Process object is kept,
unlike the seed (which makes a new one per tick, so its process CPU is always 0).
"""
import json
import statistics
import sys
import time

try:
    import psutil
except ImportError:  # reported to the caller, which skips the psutil row
    psutil = None

state = {}


def tick(proc, disk_path, oneshot):
    psutil.cpu_percent()
    psutil.virtual_memory()
    psutil.disk_usage(disk_path)
    psutil.net_io_counters()
    if oneshot:
        with proc.oneshot():
            proc.cpu_percent()
            proc.memory_info()
            proc.num_fds()
            proc.num_threads()
    else:
        proc.cpu_percent()
        proc.memory_info()
        proc.num_fds()
        proc.num_threads()


def summarize(values):
    # The seed's analyzer figures, plus the percentiles ours reports.
    return (
        statistics.mean(values),
        statistics.median(values),
        statistics.stdev(values),
        statistics.quantiles(values, n=100, method="inclusive"),
        min(values),
        max(values),
    )


def handle(msg):
    cmd = msg.get("cmd")
    if cmd == "init":
        if psutil is None:
            return {"ok": False, "error": "psutil is not installed for /usr/bin/python3 (apt-get install python3-psutil)"}
        state["proc"] = psutil.Process(int(msg["pid"]))
        state["disk"] = msg.get("diskPath", "/")
        tick(state["proc"], state["disk"], False)  # baselines for the cpu_percent calls
        return {"ok": True, "psutil": psutil.__version__}
    if cmd == "tick":
        n = int(msg["n"])
        oneshot = bool(msg.get("oneshot", False))
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            tick(state["proc"], state["disk"], oneshot)
        return {"cpuS": time.process_time() - c0, "wallS": time.perf_counter() - w0, "n": n}
    if cmd == "load":
        state["values"] = [float(v) for v in msg["values"]]
        return {"ok": True, "n": len(state["values"])}
    if cmd == "stats":
        n = int(msg["n"])
        values = state["values"]
        per = []
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            t = time.perf_counter()
            summarize(values)
            per.append(time.perf_counter() - t)
        return {"cpuS": time.process_time() - c0, "wallS": time.perf_counter() - w0, "n": n, "perCallWallS": per}
    return {"ok": False, "error": "unknown command %r" % (cmd,)}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        msg = json.loads(line)
        if msg.get("cmd") == "quit":
            break
        try:
            out = handle(msg)
        except Exception as e:  # one sentence back to the caller, not a trace
            out = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
