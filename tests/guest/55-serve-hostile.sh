#!/bin/sh
# matrix: server
# rcand serve against hostile clients, with a well-behaved client checked
# after each: an endless element (closed, alone), bad hex and malformed
# commands (ignored), byte-at-a-time writes (served: the daemon closed
# these), a raw-mode client that never reads while the bus floods (its
# frames are dropped and counted, the server neither stalls nor grows),
# 1,000 connections at once (all served; the server's memory is measured),
# and one past the limit (refused, the others go on).
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh
SERVER=tests/helper/rcand-serve

PY=/usr/bin/python3
ktap_plan 8
ulimit -n 4096

setup() {
	load_rcan && add_vcan rsh0 &&
		server srv 29590 -i rsh0 --no-beacon --stats "$T/srv.stats" \
			--max-clients 1010 --status-socket "$T/status.sock" \
			--client-buffer 16384
}
if setup; then
	ktap_ok "rcand serve starts with a limit of 1010 clients"
else
	ktap_fail "rcand serve starts with a limit of 1010 clients"
	show_log srv
	ktap_finish
fi
SRVPID=$(pid_of srv)

cat >"$T/hostile.py" <<'PYEOF'
import os, re, socket, struct, sys, time
PORT, BUS, PID = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
what = sys.argv[1]
TOTAL = 12000

def rss_kb():
    for l in open("/proc/%d/status" % PID):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])

class C:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        self.buf = b""
    def send(self, b):
        self.s.sendall(b.encode() if isinstance(b, str) else b)
    def el(self, t=5):
        end = time.monotonic() + t
        while True:
            m = re.match(rb"\s*(<[^<>]*>)", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m.group(1).decode()
            if time.monotonic() > end:
                return None
            self.s.settimeout(max(0.01, end - time.monotonic()))
            try:
                d = self.s.recv(65536)
            except (socket.timeout, OSError):
                return None
            if not d:
                return None
            self.buf += d
    def raw(self):
        assert self.el() == "< hi >"
        self.send("< open %s >< rawmode >" % BUS)
        return self.el() == "< ok >" and self.el() == "< ok >"
    def closed(self, t=5):
        self.s.settimeout(t)
        try:
            while True:
                if not self.s.recv(65536):
                    return True
        except socket.timeout:
            return False
        except OSError:
            return True

def good():
    """A well-behaved client still gets its echo and a frame."""
    c = C()
    ok = c.raw()
    c.send("< echo >")
    ok = ok and c.el() == "< echo >"
    cs = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    cs.bind((BUS,))
    cs.send(struct.pack("=IB3x8s", 0x42, 1, b"\x42"))
    cs.close()
    e = c.el()
    c.s.close()
    return ok and e is not None and e.startswith("< frame 042 ") and e.endswith(" 42 >")

def out(ok, msg):
    print(("ok " if ok else "FAIL ") + msg)
    sys.exit(0 if ok else 1)

if what == "endless":
    c = C(); c.raw()
    c.send("< send " + "A" * 20000)
    out(c.closed() and good(), "endless element closes that client only")
if what == "badhex":
    c = C(); c.raw()
    c.send("< send 12x 1 zz >< send 123 2 GG HH >< send -1 1 1 >< sendfd x >"
           "< add x y >< muxfilter 0 0 1 300 >< isotpconf >< \x01\x02 >< echo >")
    e = []
    while True:
        x = c.el()
        if x is None or x == "< echo >":
            e.append(x)
            break
        e.append(x)
    out(e[-1] == "< echo >" and good(), "bad hex ignored, session stays: %r" % e)
if what == "bytewise":
    c = C()
    c.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    msg = "< open %s >< rawmode >< echo >" % BUS
    for ch in msg:
        c.send(ch)
        time.sleep(0.002)
    e = [c.el(), c.el(), c.el(), c.el()]
    out(e == ["< hi >", "< ok >", "< ok >", "< echo >"] and good(),
        "byte-at-a-time writes are served: %r" % e)
if what == "noreader":
    lazy = C()
    # a small receive window, set before the handshake's data
    lazy.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    lazy.raw()
    r0 = rss_kb()
    cs = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
    cs.bind((BUS,))
    reader = C(); reader.raw()
    n = 0
    got = 0
    t0 = time.monotonic()
    # 4,000 frames/s, a busy 500 kbit/s bus
    while n < TOTAL:
        due = t0 + n / 4000.0
        if due > time.monotonic():
            time.sleep(max(0.0, due - time.monotonic()))
        try:
            cs.send(struct.pack("=IB3x8s", 0x100, 8, struct.pack(">Q", n)))
            n += 1
        except OSError:
            time.sleep(0.001)
        if n % 100 == 0:
            reader.s.setblocking(False)
            try:
                while True:
                    d = reader.s.recv(1 << 20)
                    if not d:
                        break
                    got += d.count(b"< frame")
            except BlockingIOError:
                pass
            reader.s.setblocking(True)
    end = time.monotonic() + 30
    reader.s.settimeout(1)
    while got < TOTAL and time.monotonic() < end:
        try:
            d = reader.s.recv(1 << 20)
        except socket.timeout:
            continue
        got += d.count(b"< frame")
    r1 = rss_kb()
    print("# server RSS %d kB -> %d kB with a client that never reads" % (r0, r1))
    out(got == TOTAL and r1 - r0 < 8192 and good(),
        "a client that never reads: the reader next to it got %d of %d, server grew %d kB" % (got, TOTAL, r1 - r0))
if what == "many":
    r0 = rss_kb()
    cs = []
    for i in range(1000):
        c = C()
        cs.append(c)
    ok = all(c.el() == "< hi >" for c in cs)
    for c in cs[:500]:
        c.send("< open %s >< rawmode >" % BUS)
    ok = ok and all(c.el() == "< ok >" and c.el() == "< ok >" for c in cs[:500])
    r1 = rss_kb()
    print("# server RSS %d kB idle, %d kB with 1000 clients (500 in raw mode): %.1f kB per client"
          % (r0, r1, (r1 - r0) / 1000.0))
    # past the limit, a new client takes the place of the oldest one idle
    # in NO_BUS for a second (the 500 that never opened a bus)
    time.sleep(1.0)
    extra = [C() for _ in range(12)]
    served = sum(1 for c in extra if c.el(3) == "< hi >")
    for c in extra + cs[:10]:
        c.s.close()
    time.sleep(0.5)
    g = good()
    for c in cs:
        c.s.close()
    out(ok and served == len(extra) and g and r1 - r0 < 1000 * 64,
        "1000 clients served, %d past the limit took idle ones' places, the others go on" % served)
PYEOF

for t in endless badhex bytewise; do
	if $PY "$T/hostile.py" $t 29590 rsh0 "$SRVPID" >"$T/h-$t.log" 2>&1; then
		ktap_ok "$(tail -n 1 "$T/h-$t.log" | sed 's/^ok //')"
	else
		ktap_fail "hostile: $t" "$(cat "$T/h-$t.log")"
	fi
done
if $PY "$T/hostile.py" noreader 29590 rsh0 "$SRVPID" >"$T/h-noreader.log" 2>&1; then
	ktap_diag "$(grep '^#' "$T/h-noreader.log" | sed 's/^# //')"
	ktap_ok "$(tail -n 1 "$T/h-noreader.log" | sed 's/^ok //')"
else
	ktap_fail "hostile: a client that never reads" "$(cat "$T/h-noreader.log")"
fi
kill -USR1 "$SRVPID"
sleep 0.5
ktap_check "the client that never read: its dropped frames were counted (slow_drops)" \
	grep -qE 'event=(end|snapshot).*slow_drops=[1-9]' "$T/srv.stats"
if $PY "$T/hostile.py" many 29590 rsh0 "$SRVPID" >"$T/h-many.log" 2>&1; then
	ktap_diag "$(grep '^#' "$T/h-many.log" | sed 's/^# //')"
	ktap_ok "$(tail -n 1 "$T/h-many.log" | sed 's/^ok //')"
else
	ktap_fail "hostile: 1000 clients" "$(cat "$T/h-many.log")"
fi
ktap_check "rcand serve is still running" alive srv
ktap_finish
