#!/usr/bin/python3
"""A scripted socketcand for rcand's fault tests: it speaks just enough of
the protocol (hi, open, rawmode, echo, send), records every byte a client
sends, and misbehaves on the first session on purpose.

  fake-socketcand.py PORT WIRELOG [--first MODE] [--frame ELEMENT]...

MODE for the first session, after the handshake:
  normal     nothing special
  garbage    after the first echo: a frame, then bytes that are no element
  oversize   after the first echo: a frame, then an element over 8290 bytes
  refuse     answer < open > with < error could not open bus > and close
  vanish     answer < ok > < ok > and close (an allowed bus that does not exist)
  stall      stop answering (but keep the connection open)
  burst:N    after the first echo: N sequenced EFF frames (see canseq.py)
Every later session is normal. --frame elements are sent to each session
once it is in raw mode. The count of sessions is written to WIRELOG.sessions.
"""
import socket
import sys
import threading
import time

lock = threading.Lock()
sessions = 0


def elements(conn, buf):
    """Yield complete elements' inner text; buf is a one-item list."""
    while True:
        while b">" not in buf[0]:
            try:
                d = conn.recv(65536)
            except OSError:
                return
            if not d:
                return
            with lock:
                with open(WIRE, "ab") as f:
                    f.write(d)
            buf[0] += d
        i = buf[0].index(b">")
        el, buf[0] = buf[0][:i + 1], buf[0][i + 1:]
        j = el.find(b"<")
        if j >= 0:
            yield el[j + 1:-1].strip().decode(errors="replace")


def serve(conn, n):
    mode = FIRST if n == 1 else "normal"
    buf = [b""]
    try:
        talk(conn, mode, buf)
    except OSError:
        pass
    conn.close()


def talk(conn, mode, buf):
    conn.sendall(b"< hi >")
    raw = False
    for el in elements(conn, buf):
        w = el.split()
        if not w:
            continue
        if w[0] == "open":
            if mode == "refuse":
                conn.sendall(b"< error could not open bus >")
                break
            conn.sendall(b"< ok >")
        elif w[0] == "rawmode":
            conn.sendall(b"< ok >")
            if mode == "vanish":
                break
            raw = True
            for fr in FRAMES:
                conn.sendall(fr.encode())
            if mode == "stall":
                time.sleep(3600)
        elif not raw and w[0] != "open":
            # as socketcand 0.6.1 before open: anything else (rcand's
            # < rcan > question included) is an unknown command
            conn.sendall(b"< error unknown command >")
        elif w[0] == "echo" and raw:
            conn.sendall(b"< echo >")
            # misbehave once the client has its session up
            if mode == "garbage":
                conn.sendall(b"< frame 123 1.000001 11 >this is no element< ok >")
            elif mode == "oversize":
                conn.sendall(b"< frame 123 1.000001 11 >< " + b"A" * 9000 + b" >")
            elif mode.startswith("burst:"):
                burst(conn, int(mode[6:]))
            mode = "normal"


def burst(conn, count):
    """count sequenced frames as canseq.py check expects them, RAW format."""
    chunk = []
    for i in range(count):
        chunk.append("< frame %08X 1700000000.%06d %08X%08X >" % (
            0x1000000 + i % 0x100, i % 1000000, i, ~i & 0xFFFFFFFF))
        if len(chunk) == 200:
            conn.sendall("".join(chunk).encode())
            chunk = []
    if chunk:
        conn.sendall("".join(chunk).encode())


def main():
    global WIRE, FIRST, FRAMES, sessions
    port = int(sys.argv[1])
    WIRE = sys.argv[2]
    FIRST = "normal"
    FRAMES = []
    a = sys.argv[3:]
    while a:
        if a[0] == "--first":
            FIRST = a[1]
        elif a[0] == "--frame":
            FRAMES.append(a[1])
        a = a[2:]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    open(WIRE + ".ready", "w").close()
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with lock:
            sessions += 1
            n = sessions
            with open(WIRE + ".sessions", "w") as f:
                f.write("%d\n" % n)
        threading.Thread(target=serve, args=(c, n), daemon=True).start()


if __name__ == "__main__":
    main()
