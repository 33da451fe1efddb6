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

usage: gen-extreme.py --sim PATH [--count N] [--seed S] [--work DIR]
"""
import argparse, os, random, re, subprocess, sys

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
         "replicas": "1", "duration": rng.choice(["1us", "50us", "200us"])}
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
        text += "\n[fsx]\nfile = data\nfsx = %s\n" % log
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="gen-extreme")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rng = random.Random(a.seed)
    rows = keys_of(a.sim)
    counts = {0: 0, 2: 0, 3: 0}
    bad = 0
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    for i in range(a.count):
        path = os.path.join(a.work, "w%d.cfg" % i)
        with open(path, "w") as f:
            f.write(workload(rng, rows, a.work, i))
        try:
            p = subprocess.run([a.sim, "-q", "-j1", "-o", "/dev/null", path],
                               capture_output=True, text=True, env=env,
                               timeout=a.timeout)
            rc, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            rc, err = "hang", ""
        sane = "ERROR: AddressSanitizer" not in err and \
            "runtime error" not in err and "LeakSanitizer" not in err
        if rc in counts and sane and (rc != 2 or err.count("\n") == 1):
            counts[rc] += 1
            if rc == 3:
                print("gen-extreme: model error in %s: %s" % (path, err.strip()))
            else:
                os.unlink(path)
        else:
            bad += 1
            print("gen-extreme: FAIL %s: exit %s\n%s" % (path, rc, err[-2000:]))
    print("gen-extreme: %d workloads: %d ran, %d refused, %d model errors, "
          "%d failures" % (a.count, counts[0], counts[2], counts[3], bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
