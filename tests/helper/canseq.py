#!/usr/bin/python3
"""Sequenced CAN traffic for the rcand guest tests.

  canseq.py send IFACE COUNT [--eff] [--rate N]
      COUNT frames, id 0x100 + (i % 0x100) (or EFF 0x1000000 + ...), 8 data
      bytes: the big-endian 32-bit sequence number i, then ~i. ENOBUFS (a full
      queue) is waited out, never skipped. Prints "sent COUNT" at the end.
  canseq.py check LOG COUNT [--one-gap]
      a candump -L log holds exactly frames 0..COUNT-1, in order, once each.
      --one-gap: or all but one run of consecutive frames, the rest in
      order; prints "lost N" (0 when none was lost).
"""
import errno
import socket
import struct
import sys
import time

FMT = "=IB3x8s"


def frame(i, eff):
    cid = (0x1000000 if eff else 0x100) + (i % 0x100)
    if eff:
        cid |= socket.CAN_EFF_FLAG
    data = struct.pack(">II", i, ~i & 0xFFFFFFFF)
    return struct.pack(FMT, cid, 8, data)


def send(iface, count, eff=False, rate=0):
    s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    s.bind((iface,))
    start = time.monotonic()
    for i in range(count):
        if rate:
            due = start + i / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
        f = frame(i, eff)
        while True:
            try:
                s.send(f)
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)
    print("sent %d" % count, flush=True)
    return 0


def check(log, count, one_gap=False):
    seen = 0
    gaps = 0
    bad = 0
    got = 0
    missing = 0
    with open(log) as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or "#" not in w[2]:
                continue
            cid, data = w[2].split("#", 1)
            if len(data) != 16:
                continue
            i = int(data[:8], 16)
            inv = int(data[8:], 16)
            if inv != ~i & 0xFFFFFFFF:
                continue
            got += 1
            if i != seen:
                if bad < 5:
                    print("# frame %d where %d was expected" % (i, seen))
                if i > seen and one_gap and not gaps:
                    gaps += 1
                    missing += i - seen
                    seen = i + 1
                    continue
                bad += 1
                if i > seen:
                    missing += i - seen
                seen = i + 1
                continue
            want = (0x1000000 if len(cid) == 8 else 0x100) + (i % 0x100)
            if int(cid, 16) != want:
                print("# frame %d has id %s" % (i, cid))
                bad += 1
            seen += 1
    if seen < count and one_gap and not gaps:
        gaps += 1  # the gap is at the end
        missing += count - seen
        seen = count
    whole = bad == 0 and seen == count and got + missing == count
    if one_gap:
        print("lost %d" % missing)
    if not whole:
        print("# %d frames received of %d, %d missing in gaps, %d out of order"
              % (got, count, missing, bad))
    return 0 if whole else 1


def main(argv):
    if len(argv) >= 4 and argv[1] == "send":
        eff = "--eff" in argv
        rate = 0
        if "--rate" in argv:
            rate = float(argv[argv.index("--rate") + 1])
        return send(argv[2], int(argv[3]), eff, rate)
    if len(argv) in (4, 5) and argv[1] == "check":
        if len(argv) == 5 and argv[4] != "--one-gap":
            print(__doc__, file=sys.stderr)
            return 2
        return check(argv[2], int(argv[3]), len(argv) == 5)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
