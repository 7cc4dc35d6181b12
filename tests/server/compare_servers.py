#!/usr/bin/python3
"""Byte-for-byte comparison of two socketcand servers: the same scripted
sessions against each, the same frames put on the bus, and every byte each
server sent compared, with only the timestamps masked.

  compare_servers.py --bus VCAN --port-a P --port-b Q [--sessions a,b]

Used to hold rcand serve (one port) against a plain socketcand (the
other) in the guest: socketcand 0.6.1 built by hand, or the test server,
which has only the sessions raw, nobus and control (it serves no BCM or
ISO-TP mode; 50-serve-protocol holds those bytes of rcand serve to 0.6.1's). Prints one line per session: same, or both
streams. Exit status 0 when every session matched.
"""
import argparse
import re
import socket
import struct
import sys
import time

FMT = "=IB3x8s"
TS = re.compile(rb"\d+\.\d{6}")

# Each session: (commands written one element per step, frames put on the
# bus after each step as (id, data)). Only behaviour both servers have in
# common with 0.6.1 (no FD, no fragments, no full queue).
SESSIONS = {
    "raw": [
        ("< open {bus} >", []), ("< rawmode >", []),
        ("< echo >", [(0x123, b"\x11\x22"), (0x80000456, b""), (0x7FF, bytes(range(8)))]),
        ("< send 321 1 aa >", []), ("< send 12x 1 1 >", []), ("< frobnicate >", []),
        ("< rawmode >", []), ("< echo >", []),
    ],
    "nobus": [
        ("< echo >", []), ("< rawmode >", []), ("< send 123 0 >", []),
        ("< vcan0 B 1 2 >", []), ("< open nosuchbus >", []),
    ],
    "bcm": [
        ("< open {bus} >", []), ("< subscribe 0 0 234 >", []), ("< echo >", [(0x234, b"\x01\x02\x03")]),
        ("< filter 0 0 345 1 FF >", []), ("< echo >", [(0x345, b"\x01"), (0x345, b"\x01"), (0x345, b"\x02")]),
        ("< unsubscribe 234 >", []), ("< echo >", [(0x234, b"\x09")]),
        ("< add 1 >", []), ("< bcmmode >", []), ("< xyz >", []), ("< echo >", []),
    ],
    "control": [
        ("< open {bus} >", []), ("< controlmode >", []), ("< send 1 0 >", []),
        ("< statistics 0 >", []), ("< echo >", []), ("< rawmode >", []), ("< echo >", []),
    ],
    "isotp": [
        ("< open {bus} >", []), ("< isotpmode >", []), ("< sendpdu 11 >", []), ("< echo >", []),
        ("< isotpconf 7E0 7E8 0 0 0 >", []), ("< echo >", []), ("< isotpconf 7E0 7E8 0 0 0 >", []),
        ("< echo >", []),
    ],
}


def run(port, bus, steps):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    can = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    can.bind((bus,))
    out = b""
    s.settimeout(0.4)

    def drain():
        nonlocal out
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    return False
                out += d
        except socket.timeout:
            return True
        except OSError:
            return False

    drain()
    for cmd, frames in steps:
        try:
            s.sendall(cmd.format(bus=bus).encode())
        except OSError:
            break
        time.sleep(0.1)
        for cid, data in frames:
            can.send(struct.pack(FMT, cid, len(data), data.ljust(8, b"\0")))
        if not drain():
            out += b"<EOF>"
            break
    s.close()
    can.close()
    return TS.sub(b"T", out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bus", required=True)
    ap.add_argument("--port-a", type=int, required=True)
    ap.add_argument("--port-b", type=int, required=True)
    ap.add_argument("--sessions", default=",".join(SESSIONS),
                    help="the sessions to run, comma-separated")
    a = ap.parse_args()
    names = a.sessions.split(",")
    unknown = set(names) - set(SESSIONS)
    if unknown:
        ap.error("unknown sessions: %s" % ", ".join(sorted(unknown)))
    bad = 0
    for name in names:
        steps = SESSIONS[name]
        x = run(a.port_a, a.bus, steps)
        y = run(a.port_b, a.bus, steps)
        if x == y:
            print("same %s: %d bytes" % (name, len(x)))
        else:
            bad += 1
            print("DIFFERENT %s:\n  a: %r\n  b: %r" % (name, x, y))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
