#!/usr/bin/env python3
"""bench/bench-main.py — the main job's figures, for `make bench` only.

Runs `sim/sim -q -jN -o OUT.json workloads/punch_heavy.cfg` for N = 1, 2
(the issue's default run: 4 strategies x 8 replicas x 100 ms = 32 jobs)
and prints, from each results.json `host` object (docs/results-json.md)
and the child's rusage: wall time, simulated events/s in total and per
core (per worker thread, and per CPU second actually used), the speed-up
over -j1, and the memory each concurrent job needs (jemalloc heap peak of
one job + its task stacks) next to the process peak RSS.  It also checks
that every run wrote the same results.json once `host` is removed (the
runner's determinism promise); a difference is the one failure (exit 1).
Targets (speed-up >= 1.8x, <= 64 MiB per job) are reported, not enforced:
timings on a shared machine are noise, so the load average is printed
with every run.

Environment (all optional):
  BENCH_MAIN_DURATION=20ms   shorter jobs for a quick check (default: the
                             workload's own duration, 100 ms)
  BENCH_MAIN_JOBS="1 2"      the -j values to run (the first is the base)
  BENCH_MAIN_REPEAT=1        runs per -j value; the fastest one counts
  BENCH_MAIN_CFG=FILE.cfg    another workload (default punch_heavy.cfg)
  FAULTLINE_BUILDDIR, FAULTLINE_SRCDIR   set by the make wrapper
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20
TARGET_SPEEDUP = 1.8
TARGET_JOB_BYTES = 64 * MIB


def cpu_children():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(sim, cfg, jobs, duration, out):
    cmd = [sim, "-q", "-j%d" % jobs, "-o", out]
    if duration:
        cmd.append("--duration=%s" % duration)
    cmd.append(cfg)
    load0 = os.getloadavg()[0]
    cpu0 = cpu_children()
    t0 = time.monotonic()
    subprocess.run(cmd, check=True)
    wall = time.monotonic() - t0
    cpu = cpu_children() - cpu0
    load1 = os.getloadavg()[0]
    with open(out, "rb") as f:
        raw = f.read()
    host = json.loads(raw)["host"]
    return {"cmd": " ".join(cmd), "host": host, "cpu_s": cpu,
            "outer_wall_s": wall, "load": max(load0, load1),
            "nohost": strip_host(raw, out)}


def strip_host(raw, name):
    """The file's bytes without the top-level host object (the last key)."""
    cut = raw.rfind(b',\n  "host": {')
    if cut < 0:
        sys.exit("bench-main: %s has no top-level host object" % name)
    return raw[:cut]


def mib(b):
    return "-" if b is None else "%.1f" % (b / MIB)


def main():
    build = os.environ.get("FAULTLINE_BUILDDIR", ".")
    src = os.environ.get("FAULTLINE_SRCDIR", build)
    sim = os.path.join(build, "sim", "sim")
    cfg = os.environ.get("BENCH_MAIN_CFG",
                         os.path.join(src, "workloads", "punch_heavy.cfg"))
    duration = os.environ.get("BENCH_MAIN_DURATION", "")
    jobs = [int(j) for j in os.environ.get("BENCH_MAIN_JOBS", "1 2").split()]
    repeat = max(1, int(os.environ.get("BENCH_MAIN_REPEAT", "1")))
    ncpu = os.cpu_count() or 1

    print("main job: %s%s, -j %s, best of %d; %d cores, load %.2f %.2f %.2f"
          % (os.path.basename(cfg),
             " --duration=%s" % duration if duration else "",
             ",".join(map(str, jobs)), repeat, ncpu, *os.getloadavg()))
    best = {}
    with tempfile.TemporaryDirectory(prefix="bench-main.") as tmp:
        for r in range(repeat):
            for j in jobs:
                out = os.path.join(tmp, "j%d-%d.json" % (j, r))
                res = run_once(sim, cfg, j, duration, out)
                print("  run %d: %s  -> %.2f s wall, %.2f s cpu, load %.2f"
                      % (r + 1, res["cmd"].replace(out, "OUT.json"),
                         res["host"]["wall_s"], res["cpu_s"], res["load"]))
                if j not in best or res["host"]["wall_s"] < best[j]["host"]["wall_s"]:
                    best[j] = res
                ref = best[jobs[0]]["nohost"]
                if res["nohost"] != ref:
                    print("FAIL: -j%d results.json differs from -j%d outside host"
                          % (j, jobs[0]))
                    return 1

    base = best[jobs[0]]["host"]["wall_s"]
    print()
    print("%4s %8s %10s %12s %12s %10s %8s %9s %9s %9s"
          % ("-j", "wall s", "cpu s", "M events/s", "M ev/s/core",
             "M ev/cpu-s", "speedup", "heap MiB", "job MiB", "RSS MiB"))
    for j in jobs:
        h, b = best[j]["host"], best[j]
        threads = h["threads"]
        cpu = b["cpu_s"]
        ev_total = h["events_per_s"] * h["wall_s"]
        print("%4d %8.2f %10.2f %12.3f %12.3f %10.3f %7.2fx %9s %9s %9s"
              % (j, h["wall_s"], cpu, h["events_per_s"] / 1e6,
                 h["events_per_s"] / threads / 1e6,
                 ev_total / cpu / 1e6 if cpu > 0 else 0,
                 base / h["wall_s"], mib(h["job_heap_peak_bytes"]),
                 mib(h["job_peak_bytes"]), mib(h["peak_rss_bytes"])))
    print("  (jobs run: %d; M ev/s/core = events/s / worker threads; "
          "M ev/cpu-s = events per CPU second used, load-independent;"
          % best[jobs[0]]["host"]["jobs_run"])
    print("   job MiB = heap peak of one job (jemalloc thread.peak) + its "
          "task stacks = what each concurrent job needs)")

    verdicts = []
    if len(jobs) > 1:
        j2 = jobs[1]
        sp = base / best[j2]["host"]["wall_s"]
        verdicts.append("speed-up -j%d -> -j%d: %.2fx (target >= %.1fx: %s)"
                        % (jobs[0], j2, sp, TARGET_SPEEDUP,
                           "met" if sp >= TARGET_SPEEDUP else "MISSED"))
        rss = [best[j]["host"]["peak_rss_bytes"] for j in jobs]
        verdicts.append("peak RSS -j%d %s MiB, -j%d %s MiB: +%s MiB for "
                        "the extra concurrent job(s)"
                        % (jobs[0], mib(rss[0]), j2, mib(rss[1]),
                           mib(rss[1] - rss[0])))
    job = max(best[j]["host"]["job_peak_bytes"] or 0 for j in jobs)
    if best[jobs[0]]["host"]["job_peak_bytes"] is None:
        verdicts.append("per-job memory: no jemalloc in this build")
    else:
        verdicts.append("per concurrent job: %s MiB (target <= 64 MiB: %s)"
                        % (mib(job), "met" if job <= TARGET_JOB_BYTES
                           else "MISSED"))
    verdicts.append("results.json identical for -j %s (host aside): yes"
                    % ",".join(map(str, jobs)))
    load = max(best[j]["load"] for j in jobs)
    if load > ncpu * 0.75:
        verdicts.append("NOTE: load average %.1f on %d cores during the "
                        "runs: wall times and speed-up are not final"
                        % (load, ncpu))
    for v in verdicts:
        print(v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
