#!/usr/bin/env python3
"""bench/bench-explore.py — what --explore buys, for `make bench` only.

For punch_heavy.cfg and every regression scenario (workloads/regress/, not
the shrunk *-min.cfg ones), for each racy strategy (one whose expect line
is not `none`; for punch_heavy.cfg: lockless and i_data_sem), one core:

  plain     replicas in order (sim/sim -s S --replay 1:R, one process
            each), the first that shows a violation: its index, the
            simulated time to it (replicas before it x duration + its
            first detection), and the wall and CPU time of those runs
            summed (what one process running them in order takes);
  explore   sim/sim -j1 -s S -r 1 --explore N --explore-stop, at the
            scenario's duration and at a short one (1 ms): the first
            violating schedule, the simulated time the search spent to it,
            the wall time from process start to it and the process CPU
            time by then (host.exploration, first_found_wall_s and
            first_found_cpu_s); schedules/s of a 20-schedule search (wall,
            and per CPU second);
  shrink    sim/sim --shrink of the first violating schedule (short
            duration, else scenario duration): the reproducer's tasks,
            ops, delays, events, and the shrinking time.

Timings on a shared machine are noise: the load average is printed, and
CPU seconds next to wall seconds (CPU is what one idle core would take).
The table is printed at the end; nothing is enforced (exit 0) unless a
sim/sim run fails.

Environment (all optional):
  BENCH_EXPLORE_SCHEDULES=200   N (schedules per search)
  BENCH_EXPLORE_REPLICAS=16     K (plain replicas tried)
  BENCH_EXPLORE_SHORT=1ms       the short duration ("" to skip it)
  BENCH_EXPLORE_CFGS="punch_heavy regress/punch-write-fault"  a subset
  BENCH_EXPLORE_STRATEGIES="lockless"   only these strategies
  BENCH_EXPLORE_SHRINK=1        0: no shrinking
  FAULTLINE_BUILDDIR, FAULTLINE_SRCDIR   set by the make wrapper
"""
import glob
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time


def cpu_children():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(cmd, cwd=None):
    cpu0 = cpu_children()
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    cpu = cpu_children() - cpu0
    if p.returncode not in (0, 1):
        sys.stderr.write("bench-explore: %s failed (%d):\n%s\n" %
                         (" ".join(cmd), p.returncode, p.stdout[-2000:]))
        sys.exit(1)
    return p.stdout, wall, cpu, p.returncode


SEED = "1"     # the workloads' seed; every scenario uses seed = 1


def load_json(path):
    with open(path) as f:
        return json.load(f)


def racy_strategies(path):
    """Strategies whose expect line is not `none` (regress headers)."""
    out = []
    with open(path) as f:
        for line in f:
            m = re.match(r"[;#]\s*expect\s+([A-Za-z_]+):\s*(.*)", line)
            if m and m.group(2).strip() != "none":
                out.append(m.group(1))
    return out


def duration_of(sim, cfg):
    text, _, _, _ = run([sim, "--dump-config", cfg])
    sec = None
    for line in text.splitlines():
        if line.startswith("["):
            sec = line.strip("[] ")
        m = re.match(r"duration\s*=\s*(\S+)", line)
        if m and sec == "global":
            return m.group(1)
    return "?"


def ns(text):
    m = re.match(r"([0-9.]+)(ns|us|ms|s)$", text)
    mult = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
    return float(m.group(1)) * mult[m.group(2)] if m else 0.0


def fmt_ms(v):
    return "-" if v is None else "%.3f" % (v / 1e6)


def plain(sim, cfg, strategy, replicas, dur):
    """Replicas 0, 1, ... each by --replay (one job per process), until one
    shows a violation: the time to it is what one process running those
    replicas in order takes (their wall and CPU summed)."""
    wall = cpu = 0.0
    for r in range(replicas):
        text, w, c, _ = run([sim, "-s", strategy, "-r", str(replicas),
                             "--replay", "%s:%d" % (SEED, r), cfg])
        wall += w
        cpu += c
        ts = [float(x) for x in re.findall(r"first at ([0-9.]+) ms", text)]
        if ts:
            return {"replica": r, "sim": r * ns(dur) + min(ts) * 1e6,
                    "wall": wall, "cpu": cpu}
    return None


def explore(sim, cfg, strategy, n, duration, tmp):
    out = os.path.join(tmp, "explore.json")
    cmd = [sim, "-q", "-j1", "-s", strategy, "-r", "1", "--explore", str(n),
           "--explore-stop", "-o", out]
    if duration:
        cmd.append("--duration=" + duration)
    cmd.append(cfg)
    _, wall, cpu, _ = run(cmd)
    j = load_json(out)
    g = j["exploration"]["strategies"][0]
    h = j["host"]["exploration"]
    r = {"run": g["schedules_run"], "cpu": cpu, "first": None}
    if g["first"]:
        r["first"] = {"schedule": g["first"]["schedule"],
                      "sim": g["first"]["search_time_ns"],
                      "wall": h["strategies"][0]["first_found_wall_s"],
                      "cpu": h["strategies"][0]["first_found_cpu_s"],
                      "replay": g["first"]["replay"]}
    return r


def rate(sim, cfg, strategy, duration, tmp):
    """Schedules per second of a search that does not stop (20 schedules;
    wall and per CPU second)."""
    out = os.path.join(tmp, "rate.json")
    cmd = [sim, "-q", "-j1", "-s", strategy, "-r", "1", "--explore", "20",
           "-o", out]
    if duration:
        cmd.append("--duration=" + duration)
    cmd.append(cfg)
    _, wall, cpu, _ = run(cmd)
    h = load_json(out)["host"]["exploration"]
    return {"wall": h["schedules_per_s"], "cpu": 20 / cpu if cpu else 0}


def shrink(sim, cfg, strategy, key, duration, tmp):
    outp = os.path.join(tmp, "min.cfg")
    cmd = [sim, "-j1", "-s", strategy, "-r", "1", "--shrink", key,
           "--shrink-out", outp]
    if duration:
        cmd.append("--duration=" + duration)
    cmd.append(cfg)
    text, wall, cpu, rc = run(cmd, cwd=tmp)
    m = re.search(r"wrote .* \((\d+) tasks?, (\d+) ops?, (\d+) delays?, "
                  r"duration (\S+)\) in ([0-9.]+) s", text)
    if rc != 0 or not m:
        return None
    j = os.path.join(tmp, "min.json")
    run([sim, "-q", "-s", strategy, "-o", j, outp])
    events = load_json(j)["strategies"][0]["events"]
    return {"tasks": int(m.group(1)), "ops": int(m.group(2)),
            "delays": int(m.group(3)), "duration": m.group(4),
            "events": events, "wall": wall, "cpu": cpu}


def main():
    build = os.environ.get("FAULTLINE_BUILDDIR", ".")
    src = os.environ.get("FAULTLINE_SRCDIR", ".")
    sim = os.path.join(build, "sim", "sim")
    n = int(os.environ.get("BENCH_EXPLORE_SCHEDULES", "200"))
    replicas = int(os.environ.get("BENCH_EXPLORE_REPLICAS", "16"))
    short = os.environ.get("BENCH_EXPLORE_SHORT", "1ms")
    do_shrink = os.environ.get("BENCH_EXPLORE_SHRINK", "1") != "0"
    only = os.environ.get("BENCH_EXPLORE_STRATEGIES", "").split()
    names = os.environ.get("BENCH_EXPLORE_CFGS", "").split()
    if names:
        cfgs = [os.path.join(src, "workloads", c + ".cfg") for c in names]
    else:
        cfgs = [os.path.join(src, "workloads", "punch_heavy.cfg")] + sorted(
            c for c in glob.glob(os.path.join(src, "workloads", "regress",
                                              "*.cfg"))
            if not c.endswith("-min.cfg"))
    print("bench-explore: %d schedules per search, %d plain replicas, "
          "short duration %s, load %.1f" % (n, replicas, short or "-",
                                             os.getloadavg()[0]))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for cfg in cfgs:
            name = os.path.basename(cfg)[:-4]
            strategies = (["lockless", "i_data_sem"] if name == "punch_heavy"
                          else racy_strategies(cfg))
            dur = duration_of(sim, cfg)
            for s in strategies:
                if only and s not in only:
                    continue
                p = plain(sim, cfg, s, replicas, dur)
                e = explore(sim, cfg, s, n, None, tmp)
                es = explore(sim, cfg, s, n, short, tmp) if short else None
                rt = rate(sim, cfg, s, short or None, tmp)
                sh = None
                if do_shrink:
                    pick = (es, short) if es and es["first"] else (e, None)
                    if pick[0] and pick[0]["first"]:
                        key = pick[0]["first"]["replay"]
                        sh = shrink(sim, cfg, s, key, pick[1], tmp)
                        if not sh:
                            # the schedule's scripts do not reproduce it
                            # (same-time order): its plain job instead
                            sh = shrink(sim, cfg, s,
                                        ":".join(key.split()[0].split(":")[:2]),
                                        pick[1], tmp)
                rows.append((name, s, dur, p, e, es, rt, sh))
                print_row(rows[-1])
                sys.stdout.flush()
    print()
    print_table(rows, short)
    print("load average at the end: %.1f" % os.getloadavg()[0])


def cell_first(r):
    if not r or not r["first"]:
        return "none in %d" % (r["run"] if r else 0)
    f = r["first"]
    return "#%d %s ms %.3f s (%.3f)" % (f["schedule"], fmt_ms(f["sim"]),
                                        f["wall"], f["cpu"])


def print_row(row):
    name, s, dur, p, e, es, rt, sh = row
    print("  %s %s: plain %s; explore %s; short %s; %.1f sched/s (%.1f per CPU s); shrink %s"
          % (name, s,
             "none" if not p else "replica %d, %s ms sim, %.3f s wall, %.3f s cpu"
             % (p["replica"], fmt_ms(p["sim"]), p["wall"], p["cpu"]),
             cell_first(e), cell_first(es) if es else "-", rt["wall"], rt["cpu"],
             "-" if not sh else "%d tasks %d ops %d delays %d events in %.1f s"
             % (sh["tasks"], sh["ops"], sh["delays"], sh["events"], sh["wall"])))


def print_table(rows, short):
    head = ("scenario", "strategy", "dur", "plain: #rep sim ms wall s (cpu)",
            "explore: #sched sim ms wall s (cpu)",
            "explore %s" % (short or "-"), "sched/s (per cpu s)",
            "shrunk: tasks/ops/delays/events", "shrink s")
    lines = [head]
    for name, s, dur, p, e, es, rt, sh in rows:
        lines.append((
            name, s, dur,
            "none" if not p else "#%d %s ms %.3f s (%.3f)" % (
                p["replica"], fmt_ms(p["sim"]), p["wall"], p["cpu"]),
            cell_first(e),
            cell_first(es) if es else "-",
            "%.1f (%.1f)" % (rt["wall"], rt["cpu"]),
            "-" if not sh else "%d/%d/%d/%d" % (sh["tasks"], sh["ops"],
                                                sh["delays"], sh["events"]),
            "-" if not sh else "%.1f" % sh["wall"]))
    widths = [max(len(str(l[i])) for l in lines) for i in range(len(head))]
    for k, l in enumerate(lines):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(l, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


if __name__ == "__main__":
    main()
