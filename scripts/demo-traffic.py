#!/usr/bin/python3
"""A small vehicle bus for the demo: several ids at their own periods, with
values that change the way signals do (rpm ramps, speed follows, a counter
rolls, a J1939-style extended id once a second).

  demo-traffic.py IFACE SECONDS
"""
import math
import socket
import struct
import sys
import time

CAN_EFF_FLAG = 0x80000000
FMT = "=IB3x8s"

# (id, period in s, payload builder of time t and counter n)
SIGNALS = [
    (0x0C0, 0.010, lambda t, n: struct.pack(">HBB", int(800 + 2200 * (1 + math.sin(t / 2)) / 2), n & 0xFF, 0)),
    (0x1A0, 0.020, lambda t, n: struct.pack(">HH", int(3600 * (1 + math.sin(t / 4))), n & 0xFFFF)),
    (0x3E8, 0.100, lambda t, n: struct.pack(">bbBB", 85, 40 + int(t) % 5, 0x11, n & 0xFF)),
    (0x7DF, 0.500, lambda t, n: bytes([0x02, 0x01, 0x0C, 0, 0, 0, 0, 0])),
    (0x18FEF100 | CAN_EFF_FLAG, 1.0, lambda t, n: struct.pack(">BHBBBBB", 0xFF, int(t * 256) & 0xFFFF, 0, 0, 0, 0, 0xFF)),
]


def main():
    iface, seconds = sys.argv[1], float(sys.argv[2])
    s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    s.bind((iface,))
    start = time.monotonic()
    due = [start] * len(SIGNALS)
    count = [0] * len(SIGNALS)
    while True:
        now = time.monotonic()
        if now - start > seconds:
            break
        for i, (cid, period, build) in enumerate(SIGNALS):
            if now >= due[i]:
                data = build(now - start, count[i])
                try:
                    s.send(struct.pack(FMT, cid, len(data), data.ljust(8, b"\0")))
                except OSError:
                    pass
                count[i] += 1
                due[i] += period
        time.sleep(max(0.0, min(due) - time.monotonic()))


if __name__ == "__main__":
    main()
