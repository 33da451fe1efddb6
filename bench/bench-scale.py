#!/usr/bin/env python3
"""bench/bench-scale.py — what a job costs as the disk, the file and the
task count grow; for `make bench` only.

Every figure is one `sim/sim -q -j1 -r 1 -s i_mmap_sem` run of
workloads/punch_heavy.cfg with `--set` of the key under test, everything
else the workload's own; CPU is the child's user+sys (resource.wait4),
`heap` the job's jemalloc peak from results.json's host object, `RSS` the
child's peak resident set.  Tables:

  1. set-up vs fs_size (1G .. 1T; --duration 1us: the set-up alone);
  2. set-up vs the data file's size (4M .. 100G, fs_size 1T);
  3. events per CPU-second vs the data file's size (4M .. 100G, fs_size 1T,
     --duration BENCH_SCALE_DURATION), the set-up's CPU and events (a
     --duration 1us run of the same settings) subtracted;
  4. events per CPU-second vs mapping tasks ([mapper] numjobs 6 .. 4096, the key's maximum);
  5. with an MPI build (sim/sim --help mentions mpirun): mpirun -n 2 vs -j2
     on the whole workload, wall time and identical results.

Targets are printed, not enforced (a shared machine's timings are noise;
the load average is printed): set-up time and heap flat within 2x from
fs_size 1G to 1T; events per CPU-second within 1.5x from a 4 MiB to a
100 GiB file.  The one failure (exit 1) is a run that does not finish or
does not write its results.

Environment (optional):
  BENCH_SCALE_DURATION=20ms   simulated time of the events-per-second runs
  BENCH_SCALE_TASKS="6 60 600 4096"
  BENCH_SCALE_MPI=0           skip table 5
  FAULTLINE_BUILDDIR, FAULTLINE_SRCDIR   set by the make wrapper
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20


def run(sim, cfg, sets, duration, out, extra=()):
    """One sim/sim run: (cpu_s, wall_s, max_rss_bytes, results dict)."""
    argv = [sim, "-q", "-j1", "-r", "1", "-s", "i_mmap_sem",
            "--duration", duration, "-o", out]
    for s in sets:
        argv += ["--set", s]
    argv += list(extra) + [cfg]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace").strip()
    p.stderr.close()
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        sys.exit("bench-scale: %s failed (status %d): %s"
                 % (" ".join(argv), status, err.splitlines()[-1:] or ""))
    with open(out) as f:
        res = json.load(f)
    return ru.ru_utime + ru.ru_stime, wall, ru.ru_maxrss * 1024, res


def events(res):
    return sum(s.get("events", 0) for s in res["strategies"])


def spread(vals):
    vals = [v for v in vals if v > 0]
    return max(vals) / min(vals) if vals else float("nan")


def main():
    build = os.environ.get("FAULTLINE_BUILDDIR", ".")
    src = os.environ.get("FAULTLINE_SRCDIR", ".")
    sim = os.path.join(build, "sim", "sim")
    cfg = os.path.join(src, "workloads", "punch_heavy.cfg")
    dur = os.environ.get("BENCH_SCALE_DURATION", "20ms")
    tasks = [int(t) for t in
             os.environ.get("BENCH_SCALE_TASKS", "6 60 600 4096").split()]
    tmp = tempfile.mkdtemp(prefix="bench-scale-")
    out = os.path.join(tmp, "r.json")
    print("bench-scale: %s, load average %.2f %.2f %.2f"
          % (cfg, *os.getloadavg()))
    try:
        print("\n1. set-up vs fs_size (data.size 64M, --duration 1us)")
        print("%8s %9s %10s %10s" % ("fs_size", "CPU s", "heap MiB",
                                      "RSS MiB"))
        cpu, heap = [], []
        for fs in ["1G", "16G", "256G", "1T"]:
            c, _, rss, res = run(sim, cfg, ["global.fs_size=" + fs], "1us",
                                 out)
            h = res["host"]["job_heap_peak_bytes"]
            cpu.append(c)
            heap.append(h)
            print("%8s %9.3f %10.1f %10.1f" % (fs, c, h / MIB, rss / MIB))
        print("   spread 1G..1T: CPU x%.2f, heap x%.2f (target: within 2x)"
              % (spread(cpu), spread(heap)))

        print("\n2. set-up vs file size (fs_size 1T, --duration 1us)")
        print("%8s %9s %10s %10s" % ("size", "CPU s", "heap MiB",
                                      "RSS MiB"))
        cpu, heap = [], []
        for sz in ["4M", "64M", "1G", "16G", "100G"]:
            c, _, rss, res = run(sim, cfg, ["global.fs_size=1T",
                                            "data.size=" + sz], "1us", out)
            h = res["host"]["job_heap_peak_bytes"]
            cpu.append(c)
            heap.append(h)
            print("%8s %9.3f %10.1f %10.1f" % (sz, c, h / MIB, rss / MIB))
        print("   spread 4M..100G: CPU x%.2f, heap x%.2f (target: within 2x)"
              % (spread(cpu), spread(heap)))

        print("\n3. events per CPU-second vs file size (fs_size 1T, %s)"
              % dur)
        print("%8s %12s %9s %12s" % ("size", "events", "CPU s", "events/CPU-s"))
        rates = []
        for sz in ["4M", "64M", "1G", "16G", "100G"]:
            sets = ["global.fs_size=1T", "data.size=" + sz]
            c0, _, _, r0 = run(sim, cfg, sets, "1us", out)
            c, _, _, res = run(sim, cfg, sets, dur, out)
            ev = events(res) - events(r0)
            c = max(c - c0, 1e-6)
            rates.append(ev / c)
            print("%8s %12d %9.3f %12.0f" % (sz, ev, c, ev / c))
        print("   spread 4M..100G: x%.2f (target: within 1.5x)"
              % spread(rates))

        print("\n4. events per CPU-second vs mapping tasks (%s)" % dur)
        print("%8s %12s %9s %12s %10s" % ("mappers", "events", "CPU s",
                                          "events/CPU-s", "heap MiB"))
        for n in tasks:
            sets = ["mapper.numjobs=%d" % n]
            c0, _, _, r0 = run(sim, cfg, sets, "1us", out)
            c, _, _, res = run(sim, cfg, sets, dur, out)
            ev = events(res) - events(r0)
            c = max(c - c0, 1e-6)
            print("%8d %12d %9.3f %12.0f %10.1f"
                  % (n, ev, c, ev / c,
                     res["host"]["job_heap_peak_bytes"] / MIB))

        mpirun = shutil.which("mpirun")
        helptext = subprocess.run([sim, "--help"], capture_output=True,
                                  text=True).stdout
        if os.environ.get("BENCH_SCALE_MPI", "1") == "0":
            print("\n5. mpirun: skipped (BENCH_SCALE_MPI=0)")
        elif not mpirun or "mpirun" not in helptext:
            print("\n5. mpirun -n 2 vs -j2: not an MPI build "
                  "(./configure --with-mpi)")
        else:
            print("\n5. mpirun -n 2 vs -j2 (the whole workload, %s)" % dur)
            a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
            t0 = time.monotonic()
            subprocess.run([sim, "-q", "-j2", "--duration", dur, "-o", a,
                            cfg], check=True, stdout=subprocess.DEVNULL)
            tj = time.monotonic() - t0
            t0 = time.monotonic()
            subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe",
                            "-n", "2", sim, "-q", "-j1", "--duration", dur,
                            "-o", b, cfg], check=True,
                           stdout=subprocess.DEVNULL)
            tm = time.monotonic() - t0
            same = [json.load(open(x)) for x in (a, b)]
            for r in same:
                r.pop("host", None)
            print("   -j2: %.2f s wall; mpirun -n 2: %.2f s wall (x%.2f); "
                  "results %s" % (tj, tm, tm / tj,
                                  "identical" if same[0] == same[1]
                                  else "DIFFER"))
            if same[0] != same[1]:
                return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
