#!/usr/bin/env python3
"""fuzz/gen-extreme.py — valid-syntax extreme workloads against a sanitizer
build of sim/sim.

Each generated workload sets keys at the ends of their documented ranges
(from `sim --help-config`) in odd combinations: tiny and huge sizes, zero
think times, many tasks, every op at once, dax with every op, fsx logs
reaching past the file or empty.  Each runs for a short simulated time with
-j1 -r1 under a wall-clock limit.  Allowed outcomes: 0 (ran), 2 (refused
with one line), 3 (a model error ended the job: counted and listed as a
finding, the run itself was orderly).  Anything else — a crash, a sanitizer
report, a hang past the limit — fails, and the workload is kept in WORK/.

With --batch (fuzz/extreme-batch, built by fuzz/run.sh) many workloads run
in one sanitizer process, each through sim/sim's whole command line with a
LeakSanitizer check after it; a workload that fails there is rerun alone in
a fresh --sim, and only a failure that repeats alone counts (one that does
not is printed as "fine alone" and counted as a failure too: state leaking
between runs of one process is a bug of its own).

usage: gen-extreme.py --sim PATH [--batch PATH] [--count N] [--seed S]
                      [--work DIR] [--timeout S]
"""
import argparse, os, random, re, subprocess, sys, time

OPS = ["mmap_read", "mmap_write", "read", "write", "readahead", "dio_read",
       "dio_write", "punch_hole", "zero_range", "collapse_range",
       "insert_range", "fallocate", "truncate", "fsync", "madvise_dontneed"]


def keys_of(sim):
    """(section, key, type, range) from --help-config."""
    out = subprocess.run([sim, "--help-config"], capture_output=True,
                         text=True).stdout
    sec, rows = None, []
    for line in out.splitlines():
        m = re.match(r"^\[(\w+)\]", line)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r"^  (\w+)\s+(\w+)\s+(.*?)\s{2,}(\S+)\s", line)
        if m and sec:
            rows.append((sec, m.group(1), m.group(2), m.group(4)))
    return rows


def extreme(rng, typ, rng_text):
    lo, _, hi = rng_text.partition("..")
    if typ in ("int", "size", "time") and rng_text != "-":
        return rng.choice([v for v in (lo, hi) if v] or ["1"])
    if typ == "dist":
        return rng.choice(["fixed:0", "fixed:1", "exp:1ns", "uniform:0-1",
                           "zipf:0.99", "pareto:1,1"])
    return None


def workload(rng, rows, fsxdir, i):
    g = {"strategies": rng.choice(["lockless", "lockless, i_data_sem",
                                   "i_mmap_sem, invalidate_lock"]),
         "replicas": "1",
         # short: extreme workloads are about reaching states, and a long
         # one under ASan costs seconds (64 tasks x 200us of 100 ns ops)
         "duration": rng.choice(["1us", "5us", "20us", "20us", "100us"])}
    if rng.random() < 0.3:
        g["mount"] = rng.choice(["dax", "data=journal", "nojournal, nodelalloc",
                                 "data=writeback"])
    for sec, key, typ, r in rows:
        if sec == "global" and key not in ("strategies", "replicas", "duration",
                                           "seed", "mount", "fs_size") \
                and rng.random() < 0.15:
            v = extreme(rng, typ, r)
            if v:
                g[key] = v
    size = rng.choice(["4K", "8K", "64K", "1M", "16M"])
    ops = rng.sample(OPS, rng.randint(1, len(OPS)))
    job = {"file": "data", "ops": ", ".join(ops),
           "numjobs": rng.choice(["1", "2", "64", "512"]),
           "think": rng.choice(["fixed:0", "exp:1ns", "exp:1us", "fixed:1"]),
           "len": rng.choice(["fixed:1", "fixed:4K", "uniform:1-1M", "fixed:16M"])}
    text = "[global]\n" + "".join("%s = %s\n" % kv for kv in g.items())
    text += "\n[data]\ntype = file\nsize = %s\n" % size
    text += "\n[w]\n" + "".join("%s = %s\n" % kv for kv in job.items())
    if rng.random() < 0.2:
        log = os.path.join(fsxdir, "g%d.fsxops" % i)
        with open(log, "w") as f:
            if rng.random() < 0.5:      # past the file, or empty
                f.write("write 0x%x 0x1000 0x0\nmapread 0x%x 0x1000 0x%x\n"
                        % (rng.choice([0, 1 << 20, 1 << 30]),
                           rng.choice([0, 1 << 24]), 1 << 20))
        text += "\n[fsx]\nfile = data\nops_file = %s\n" % log
    return text


SIM_ARGS = ["-q", "-j1", "-o", "/dev/null"]


def sane(rc, err):
    """An allowed outcome: ran (0), refused with one line (2), or a model
    error that ended its job in order (3); no sanitizer report."""
    clean = "ERROR: AddressSanitizer" not in err and \
        "runtime error" not in err and "LeakSanitizer" not in err
    return rc in (0, 2, 3) and clean and (rc != 2 or err.count("\n") == 1)


def run_one(sim, path, env, timeout):
    """One workload in a fresh sim/sim: (exit status or "hang", stderr)."""
    try:
        p = subprocess.run([sim] + SIM_ARGS + [path], capture_output=True,
                           text=True, env=env, timeout=timeout)
        return p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        return "hang", ""


def run_batch(batch, paths, env, timeout):
    """Runs paths through extreme-batch (one process for many workloads)
    until one fails.  Yields (path, exit status, stderr); a workload that
    ended the process yields ("crash" or "hang", its report) and the rest
    of the list goes to a fresh process."""
    todo = list(paths)
    while todo:
        p = subprocess.Popen([batch, str(int(timeout))] + SIM_ARGS,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=env)
        out, _ = p.communicate("".join(t + "\n" for t in todo))
        cur = None
        for line in out.splitlines():
            if line.startswith("> "):
                cur = line[2:]
                continue
            path, _, rc = line.rpartition(" ")
            with open(path + ".err") as f:
                err = f.read()
            os.unlink(path + ".err")
            todo.remove(path)
            cur = None
            yield path, int(rc), err
        if cur is not None:
            with open(cur + ".err") as f:
                err = f.read()
            os.unlink(cur + ".err")
            todo.remove(cur)
            yield cur, "hang" if p.returncode == -14 else \
                "crash (%s)" % p.returncode, err
        elif p.returncode != 0:
            raise SystemExit("gen-extreme: extreme-batch failed (%s)"
                             % p.returncode)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--batch", help="extreme-batch: many workloads per "
                    "process (a failure is confirmed in a fresh --sim)")
    ap.add_argument("--chunk", type=int, default=200)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="gen-extreme")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--max-seconds", type=float, default=0,
                    help="stop generating after this long (0: never); the "
                    "summary counts what ran")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    work = os.path.abspath(a.work)
    rng = random.Random(a.seed)
    rows = keys_of(a.sim)
    counts = {0: 0, 2: 0, 3: 0}
    bad = 0
    start = time.monotonic()
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    i = 0
    while i < a.count:
        if a.max_seconds and time.monotonic() - start > a.max_seconds:
            break
        n = min(a.chunk if a.batch else 1, a.count - i)
        paths = []
        for k in range(i, i + n):
            path = os.path.join(work, "w%d.cfg" % k)
            with open(path, "w") as f:
                f.write(workload(rng, rows, work, k))
            paths.append(path)
        i += n
        if a.batch:
            results = run_batch(a.batch, paths, env, a.timeout)
        else:
            results = ((t,) + run_one(a.sim, t, env, a.timeout)
                       for t in paths)
        for path, rc, err in results:
            if a.batch and not sane(rc, err):
                # confirm alone: the batch process may carry state
                rc2, err2 = run_one(a.sim, path, env, a.timeout)
                if sane(rc2, err2):
                    print("gen-extreme: %s: exit %s in the batch, fine "
                          "alone\n%s" % (path, rc, err[-2000:]))
                    rc, err = "batch-only " + str(rc), err
                else:
                    rc, err = rc2, err2
            if sane(rc, err):
                counts[rc] += 1
                if rc == 3:
                    if counts[3] <= 20:
                        print("gen-extreme: model error in %s: %s"
                              % (path, err.strip()))
                else:
                    os.unlink(path)
                    log = re.sub(r"w(\d+)\.cfg$", r"g\1.fsxops", path)
                    if os.path.exists(log):
                        os.unlink(log)
            else:
                bad += 1
                print("gen-extreme: FAIL %s: exit %s\n%s"
                      % (path, rc, err[-2000:]))
            sys.stdout.flush()
        if a.batch:
            print("gen-extreme: %d workloads so far (%.0f s)"
                  % (i, time.monotonic() - start))
            sys.stdout.flush()
    secs = time.monotonic() - start
    print("gen-extreme: %d workloads: %d ran, %d refused, %d model errors, "
          "%d failures (%.0f s, %.2f workloads/s)"
          % (i, counts[0], counts[2], counts[3], bad, secs,
             i / secs if secs else 0))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
