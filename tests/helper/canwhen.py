#!/usr/bin/python3
"""When each sequenced frame (tests/helper/canseq.py) was seen, for the
rcan extension's guest tests (tests/guest/58-serve-extension.sh).

  canwhen.py log IFACE OUT
      every canseq frame on IFACE as "SEC.NSEC SEQ" lines in OUT, with the
      kernel's receive time (SO_TIMESTAMPNS); an interface set down and up
      again is read on (candump ends there). Runs until killed.
  canwhen.py after LOCAL REMOTE
      every frame in LOCAL (the local echoes) is in REMOTE (the remote
      bus), and was seen locally no earlier than on the remote bus;
      prints the figures, exit 0 when so.
  canwhen.py before LOCAL REMOTE
      the opposite, for a server without the extension: some frame was
      echoed locally before the remote bus had it.
  canwhen.py txstamp IFACE COUNT OUT
      sends canseq frames 0..COUNT-1 on IFACE one at a time, each once the
      last one's hardware TX timestamp (SO_TIMESTAMPING, the raw hardware
      time of the error queue) came, and writes them to OUT as
      "SEC.NSEC SEQ"; exit 1 when one has none within 10 s.
  canwhen.py remote-time TX REMOTE LOCAL
      every frame of TX (txstamp) has as its hardware TX time the time
      the remote bus had it (REMOTE, a log: rcand serve's SO_TIMESTAMP of
      the same copy is that time cut to the microsecond), exactly, to the
      microsecond; and no later than its local echo (LOCAL, a log).
  canwhen.py local-time TX REMOTE
      the contrast, for a server without the extension: no frame's
      hardware TX time is the remote bus's.
"""
import errno
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import canseq  # noqa: E402 (the frames of the other tests)

FMT = "=IB3x8s"
SO_TIMESTAMPNS = 35
SO_TIMESTAMPING = 37
SOF_TIMESTAMPING_TX_HARDWARE = 1 << 0
SOF_TIMESTAMPING_RAW_HARDWARE = 1 << 6
SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11


def log(iface, out):
    s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((iface,))
    with open(out, "w", buffering=1) as f:
        while True:
            try:
                data, anc, _, _ = s.recvmsg(16, socket.CMSG_SPACE(16))
            except OSError as e:
                if e.errno in (errno.ENETDOWN, errno.ENODEV, errno.EINTR):
                    continue
                raise
            if len(data) < 16:
                continue
            cid, dlc, payload = struct.unpack(FMT, data)
            if dlc != 8:
                continue
            i, inv = struct.unpack(">II", payload)
            if inv != ~i & 0xFFFFFFFF:
                continue
            sec, nsec = 0, 0
            for lvl, typ, val in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("=qq", val[:16])
            # exact: a float loses the nanoseconds of today's times
            f.write("%d.%09d %d\n" % (sec, nsec, i))


def txstamp(iface, count, out):
    s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING,
                 SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE |
                 SOF_TIMESTAMPING_OPT_TSONLY)
    s.bind((iface,))
    with open(out, "w", buffering=1) as f:
        for i in range(count):
            s.send(canseq.frame(i, False))
            due = time.monotonic() + 10
            ts = None
            while ts is None and time.monotonic() < due:
                try:
                    _, anc, _, _ = s.recvmsg(
                        64, 1024, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
                except BlockingIOError:
                    time.sleep(0.001)
                    continue
                for lvl, typ, val in anc:
                    if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPING:
                        # struct scm_timestamping: ts[2] is the raw hardware
                        ts = struct.unpack("=6q", val[:48])[4:6]
            if ts is None:
                print("frame %d: no hardware TX timestamp in 10 s" % i)
                return 1
            f.write("%d.%09d %d\n" % (ts[0], ts[1], i))
    print("sent %d with their hardware TX timestamps" % count)
    return 0


def read_ns(path):
    """SEQ -> the first time of it, in integer ns (exact)."""
    d = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and "." in w[0]:
                sec, frac = w[0].split(".")
                ns = int(sec) * 1000000000 + int(frac.ljust(9, "0")[:9])
                d.setdefault(int(w[1]), ns)
    return d


def remote_time(tx_path, remote_path, local_path):
    tx, remote = read_ns(tx_path), read_ns(remote_path)
    local = read_ns(local_path) if local_path else {}
    same = [i for i in tx if i in remote and
            tx[i] == remote[i] // 1000 * 1000]
    late = [i for i in tx if i in local and tx[i] > local[i]]
    for i in sorted(tx):
        print("# frame %d: hardware TX %d, remote bus %s, local echo %s" %
              (i, tx[i], remote.get(i), local.get(i)))
    print("%d frames with a hardware TX time, %d of them the remote bus's to"
          " the microsecond, %d later than their local echo" %
          (len(tx), len(same), len(late)))
    return same, late


def read(path):
    d = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 2:
                d.setdefault(int(w[1]), float(w[0]))
    return d


def main(argv):
    if len(argv) == 4 and argv[1] == "log":
        log(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] in ("after", "before"):
        local, remote = read(argv[2]), read(argv[3])
        early = [i for i in local if i in remote and local[i] < remote[i]]
        unknown = [i for i in local if i not in remote]
        lead = max([remote[i] - local[i] for i in early] or [0])
        print("%d echoed, %d on the remote bus, %d echoed before the remote"
              " bus had them (up to %.1f ms before), %d echoed but never on"
              " the remote bus" % (len(local), len(remote), len(early),
                                   lead * 1000, len(unknown)))
        if argv[1] == "after":
            return 0 if local and not early and not unknown else 1
        return 0 if early else 1
    if len(argv) == 5 and argv[1] == "txstamp":
        return txstamp(argv[2], int(argv[3]), argv[4])
    if len(argv) == 5 and argv[1] == "remote-time":
        tx = read_ns(argv[2])
        same, late = remote_time(argv[2], argv[3], argv[4])
        return 0 if tx and len(same) == len(tx) and not late else 1
    if len(argv) == 4 and argv[1] == "local-time":
        tx = read_ns(argv[2])
        same, _ = remote_time(argv[2], argv[3], None)
        return 0 if tx and not same else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
