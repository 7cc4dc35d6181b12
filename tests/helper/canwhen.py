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
"""
import errno
import socket
import struct
import sys

FMT = "=IB3x8s"
SO_TIMESTAMPNS = 35


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
            ts = 0.0
            for lvl, typ, val in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("=qq", val[:16])
                    ts = sec + nsec / 1e9
            f.write("%.9f %d\n" % (ts, i))


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
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
