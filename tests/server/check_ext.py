#!/usr/bin/python3
"""The rcan extension on the wire (docs/RCAN-EXTENSION.md), checked
against a running server.

  check_ext.py --port P --bus VCAN --kind rcand-serve|socketcand
  check_ext.py --port P --port-b Q --bus VCAN --kind pycan

socketcand (a plain server: socketcand 0.6.1, or the test server, which
speaks its bytes): `< rcan 1 confirm state >` in NO_BUS
gets `< error unknown command >` and the session goes on (open, rawmode,
echo, a frame both ways).
rcand-serve: the answer `< rcan 1 confirm state >`, a second `< rcan >` is
an unknown command; after rawmode's `< ok >` come `< bittiming 0 0 >` and
`< state error-active 0 0 >` (a vcan); a send is confirmed with
`< sent 1 TS >` and is not forwarded back as a `< frame >`; a malformed
send is `< failed 1 invalid >` in its place in the order; a frame from
another sender on the bus still comes as a `< frame >`; the state follows
`ip link set BUS down`/`up`, and a send while it is down is
`< failed 1 down >` with the session kept.
pycan: python-can's socketcand interface, which never asks, through a
recording proxy to each of two servers (rcand serve with the extension,
a plain socketcand): the bytes both ways are the same, timestamps masked.
Prints one line per check; exit status 0 when all passed.
"""
import argparse
import re
import socket
import struct
import subprocess
import sys
import time

FMT = "=IB3x8s"
fails = 0


def check(name, ok, detail=""):
    global fails
    print("%s %s%s" % ("ok" if ok else "FAIL", name,
                       "" if ok else ": %r" % (detail,)))
    if not ok:
        fails += 1


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""

    def send(self, text):
        self.s.sendall(text.encode())

    def element(self, timeout=3.0):
        """The next whole element, or None."""
        end = time.monotonic() + timeout
        while True:
            m = re.match(rb"\s*(<[^>]*>)", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m.group(1).decode()
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d

    def until(self, pattern, timeout=3.0):
        """Elements up to the first that matches; (match or None, seen)."""
        seen = []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            e = self.element(end - time.monotonic())
            if e is None:
                break
            seen.append(e)
            if re.fullmatch(pattern, e):
                return e, seen
        return None, seen

    def quiet(self, t=0.5):
        """Everything that comes within t seconds."""
        seen = []
        while True:
            e = self.element(t)
            if e is None:
                return seen
            seen.append(e)


def socketcand(a):
    c = Conn(a.port)
    check("< hi >", c.element() == "< hi >")
    c.send("< rcan 1 confirm state >")
    e = c.element()
    check("< rcan > in NO_BUS: < error unknown command >",
          e == "< error unknown command >", e)
    c.send("< open %s >" % a.bus)
    check("the session goes on: < open > < ok >", c.element() == "< ok >")
    c.send("< rawmode >")
    check("< rawmode > < ok >", c.element() == "< ok >")
    can = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    can.bind((a.bus,))
    can.settimeout(3)
    c.send("< send 321 1 AA >< echo >")
    e = c.element()
    check("< echo > answered, nothing of the extension", e == "< echo >", e)
    f = can.recv(16)
    check("the send reached the bus",
          struct.unpack(FMT, f)[0] == 0x321, f)
    can.send(struct.pack(FMT, 0x123, 1, b"\x11".ljust(8, b"\0")))
    e = c.element()
    check("a frame from the bus", e is not None and e.startswith(
        "< frame 123 "), e)


def rcand_serve(a):
    c = Conn(a.port)
    check("< hi >", c.element() == "< hi >")
    c.send("< rcan 1 confirm state >")
    e = c.element()
    check("< rcan 1 confirm state > answered in kind",
          e == "< rcan 1 confirm state >", e)
    c.send("< rcan 1 confirm >")
    e = c.element()
    check("a second < rcan >: < error unknown command >",
          e == "< error unknown command >", e)
    c.send("< open %s >" % a.bus)
    check("< open > < ok >", c.element() == "< ok >")
    c.send("< rawmode >")
    got = [c.element() for _ in range(3)]
    check("rawmode: < ok >, then the bus's bit timing and state",
          got == ["< ok >", "< bittiming 0 0 >",
                  "< state error-active 0 0 >"], got)
    can = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    can.bind((a.bus,))
    can.settimeout(3)
    t0 = time.time()
    c.send("< send 321 1 AA >")
    e, seen = c.until(r"< sent .* >")
    m = re.fullmatch(r"< sent (\d+) (\d+)\.(\d{6}) >", e or "")
    check("a send is confirmed: < sent 1 SEC.USEC >",
          m is not None and m.group(1) == "1", seen)
    if m:
        ts = int(m.group(2)) + int(m.group(3)) / 1e6
        check("its time is when the bus had it (%.3f s after the write)" %
              (ts - t0), t0 - 0.01 <= ts <= time.time() + 0.01, ts)
    f = can.recv(16)
    check("the send reached the bus", struct.unpack(FMT, f)[0] == 0x321, f)
    # in order: good, malformed, good
    c.send("< send 322 1 01 >< send 12x 1 01 >< send 323 1 02 >< echo >")
    seen = c.quiet(0.8)
    check("good, malformed, good: sent 1, failed 1 invalid, sent 1 (and"
          " the echo), no own frame forwarded",
          [re.sub(r" \d+\.\d{6} >", " T >", e) for e in seen
           if not e.startswith("< echo")] ==
          ["< sent 1 T >", "< failed 1 invalid >", "< sent 1 T >"] and
          "< echo >" in seen, seen)
    can.send(struct.pack(FMT, 0x124, 1, b"\x22".ljust(8, b"\0")))
    e, seen = c.until(r"< frame .* >")
    check("another sender's frame still comes as < frame >",
          e is not None and e.startswith("< frame 124 "), seen)
    subprocess.run(["ip", "link", "set", a.bus, "down"], check=True)
    e, seen = c.until(r"< state .* >")
    check("the bus set down: < state stopped 0 0 >",
          e == "< state stopped 0 0 >", seen)
    c.send("< send 325 1 05 >< echo >")
    seen = c.quiet(0.8)
    check("a send while it is down: < failed 1 down >, the session stays",
          "< failed 1 down >" in seen and "< echo >" in seen, seen)
    subprocess.run(["ip", "link", "set", a.bus, "up"], check=True)
    e, seen = c.until(r"< state .* >")
    check("the bus set up: < state error-active 0 0 >",
          e == "< state error-active 0 0 >", seen)
    c.send("< send 326 1 06 >")
    e, seen = c.until(r"< sent .* >")
    check("sends are confirmed again", e is not None, seen)


def pycan_session(port, bus):
    """python-can's socketcand interface through a recording proxy: the
    bytes each way, timestamps masked."""
    import threading
    import can

    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    rec = {"c2s": b"", "s2c": b""}

    def pipe(src, dst, key):
        while True:
            try:
                d = src.recv(65536)
            except OSError:
                d = b""
            if not d:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            rec[key] += d
            dst.sendall(d)

    def accept():
        cl, _ = lst.accept()
        sv = socket.create_connection(("127.0.0.1", port))
        t = threading.Thread(target=pipe, args=(sv, cl, "s2c"), daemon=True)
        t.start()
        pipe(cl, sv, "c2s")
        t.join(2)

    th = threading.Thread(target=accept, daemon=True)
    th.start()
    b = can.Bus(interface="socketcand", host="127.0.0.1",
                port=lst.getsockname()[1], channel=bus)
    raw = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    raw.bind((bus,))
    b.send(can.Message(arbitration_id=0x321, data=[1, 2, 3],
                       is_extended_id=False))
    b.send(can.Message(arbitration_id=0x1ABCDEF0, data=b"\xde\xad",
                       is_extended_id=True))
    time.sleep(0.3)
    raw.send(struct.pack(FMT, 0x555, 2, b"\xca\xfe".ljust(8, b"\0")))
    got = b.recv(2)
    time.sleep(0.2)
    b.shutdown()
    th.join(3)
    raw.close()
    ts = re.compile(rb"\d+\.\d{6}")
    return (got is not None and got.arbitration_id == 0x555,
            ts.sub(b"T", rec["c2s"]), ts.sub(b"T", rec["s2c"]))


def pycan(a):
    x = pycan_session(a.port, a.bus)
    y = pycan_session(a.port_b, a.bus)
    check("python-can gets its frame from both servers", x[0] and y[0],
          (x[0], y[0]))
    check("python-can's session: the same bytes to both servers (%d)" %
          len(x[1]), x[1] == y[1], (x[1], y[1]))
    check("python-can's session: the same bytes from both servers (%d)" %
          len(x[2]), x[2] == y[2], (x[2], y[2]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bus", required=True)
    ap.add_argument("--kind", choices=["rcand-serve", "socketcand", "pycan"],
                    required=True)
    ap.add_argument("--port-b", type=int,
                    help="pycan: the other server, compared with --port")
    a = ap.parse_args()
    if a.kind == "socketcand":
        socketcand(a)
    elif a.kind == "pycan":
        pycan(a)
    else:
        rcand_serve(a)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
