#!/usr/bin/env python3
"""tests/trace-check.py TRACE.json [--ops] [--violations] [--window FROM_US:TO_US]

Checks a --trace file the way Perfetto's JSON importer needs it: every
event has a name, ph, pid, tid and a numeric ts; complete ("X") events have
a duration >= 0 and nest on their track (pid, tid): sorted by begin (longer
first on a tie), each one ends before the enclosing one does, so none is
dropped; instants ("i") have a scope; every track with an event has a
thread_name.  --ops: there are op spans (cat "op"); --violations: there are
violation instants (cat "violation"); --window: every event lies in
[FROM, TO] (microseconds).  Prints one line of counts, exits 1 with the
first problem on stderr.  Times are compared exactly (decimal, not float).
"""
import json
import sys
from collections import defaultdict
from decimal import Decimal


def fail(msg):
    print("trace-check: " + msg, file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) < 2:
        fail("usage: trace-check.py TRACE.json [--ops] [--violations] "
             "[--window FROM:TO]")
    path = argv[1]
    want_ops = "--ops" in argv
    want_viol = "--violations" in argv
    window = None
    if "--window" in argv:
        a, b = argv[argv.index("--window") + 1].split(":")
        window = (Decimal(a), Decimal(b))
    with open(path) as f:
        doc = json.load(f, parse_float=Decimal)
    events = doc.get("traceEvents")
    if not isinstance(events, list) or not events:
        fail("no traceEvents array")
    spans = defaultdict(list)
    named = set()
    used = set()
    counts = defaultdict(int)
    for i, e in enumerate(events):
        for k in ("name", "ph", "pid", "tid"):
            if k not in e:
                fail("event %d has no %s: %r" % (i, k, e))
        ph = e["ph"]
        counts[ph] += 1
        if ph == "M":
            if e["name"] == "thread_name":
                named.add((e["pid"], e["tid"]))
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, Decimal)):
            fail("event %d has no numeric ts: %r" % (i, e))
        track = (e["pid"], e["tid"])
        counts["cat:" + str(e.get("cat"))] += 1
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, Decimal)) or dur < 0:
                fail("event %d: X without a duration >= 0: %r" % (i, e))
            spans[track].append((Decimal(ts), Decimal(ts) + Decimal(dur), e))
            used.add(track)
            end = Decimal(ts) + Decimal(dur)
        elif ph == "i":
            if e.get("s") not in ("t", "p", "g"):
                fail("event %d: instant without a scope: %r" % (i, e))
            if e.get("s") == "t":
                used.add(track)
            end = Decimal(ts)
        else:
            fail("event %d: unexpected ph %r" % (i, ph))
        if window and (Decimal(ts) < window[0] or end > window[1]):
            fail("event %d outside the window %s:%s: %r"
                 % (i, window[0], window[1], e))
    for track in sorted(used):
        if track not in named:
            fail("track pid %s tid %s has events but no thread_name" % track)
    for track, ss in spans.items():
        ss.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for b, e_, ev in ss:
            while stack and stack[-1][1] <= b:
                stack.pop()
            if stack and e_ > stack[-1][1]:
                fail("track pid %s tid %s: %r [%s, %s] overlaps %r [%s, %s] "
                     "without nesting" % (track[0], track[1], ev["name"], b,
                                          e_, stack[-1][2]["name"],
                                          stack[-1][0], stack[-1][1]))
            stack.append((b, e_, ev))
    if want_ops and not counts["cat:op"]:
        fail("no op spans (cat op)")
    if want_viol and not counts["cat:violation"]:
        fail("no violation instants (cat violation)")
    print("trace-check: %d events, %d tracks, %d X, %d i, %d op, %d violation; "
          "every track nests" % (len(events), len(named), counts["X"],
                                 counts["i"], counts["cat:op"],
                                 counts["cat:violation"]))


if __name__ == "__main__":
    main(sys.argv)
