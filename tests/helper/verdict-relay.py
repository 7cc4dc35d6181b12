#!/usr/bin/python3
"""A TCP relay in front of `rcand serve` that makes it a server that
gives no verdict (docs/RCAN-EXTENSION.md, rcand's 10 s deadline), for
tests/guest/58-serve-extension.sh.

  verdict-relay.py PORT TARGET_PORT LOG [--hold-sessions N]

Every connection to 127.0.0.1:PORT is relayed to 127.0.0.1:TARGET_PORT,
byte for byte both ways, except that in the first N sessions (default 1)
the server's verdicts, `< sent ... >` and `< failed ... >`, are held back
for good. Everything else passes: the `< rcan >` answer, the replies to
rcand's `< echo >` heartbeats, state, frames of other senders. So the
session stays alive and the frames reach the remote bus, and only rcand's
verdict deadline can settle them.

Why not a queue that holds the frames (netem on the served vcan): rcand
serve itself fails a frame whose copy does not come back in 3 s past its
bus time (`failed lost`), so rcand's deadline never fires against it; a
stopped rcand serve stops the heartbeat replies too, and rcand's 5 s
dead-server timeout fires first.

LOG gets one line per event: "session N", "held N ELEMENT" (N: the
session). LOG.ready is made once the port listens.
"""
import socket
import sys
import threading

lock = threading.Lock()
sessions = 0


def log(line):
    with lock:
        with open(LOG, "a") as f:
            f.write(line + "\n")


def shut_both(srv, cli):
    """Either side's end ends the other direction too."""
    for s in (srv, cli):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def up(cli, srv):
    """The client's bytes, as they are."""
    try:
        while True:
            d = cli.recv(65536)
            if not d:
                break
            srv.sendall(d)
    except OSError:
        pass
    shut_both(srv, cli)


def down(srv, cli, n, hold):
    """The server's bytes, whole elements at a time when holding."""
    buf = b""
    try:
        while True:
            d = srv.recv(65536)
            if not d:
                break
            if not hold:
                cli.sendall(d)
                continue
            buf += d
            out = []
            while b">" in buf:
                i = buf.index(b">") + 1
                el, buf = buf[:i], buf[i:]
                w = el.lstrip(b" \r\n\t<").split()
                if w and w[0] in (b"sent", b"failed"):
                    log("held %d %s" % (n, el.strip().decode(errors="replace")))
                else:
                    out.append(el)
            if out:
                cli.sendall(b"".join(out))
    except OSError:
        pass
    shut_both(srv, cli)


def relay(cli, n):
    try:
        srv = socket.create_connection(("127.0.0.1", TARGET))
    except OSError as e:
        log("session %d: %s" % (n, e))
        cli.close()
        return
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t = threading.Thread(target=up, args=(cli, srv), daemon=True)
    t.start()
    down(srv, cli, n, n <= HOLD)
    t.join()
    srv.close()
    cli.close()


def main():
    global LOG, TARGET, HOLD, sessions
    port = int(sys.argv[1])
    TARGET = int(sys.argv[2])
    LOG = sys.argv[3]
    HOLD = 1
    if sys.argv[4:5] == ["--hold-sessions"]:
        HOLD = int(sys.argv[5])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    open(LOG + ".ready", "w").close()
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sessions += 1
        log("session %d" % sessions)
        threading.Thread(target=relay, args=(c, sessions),
                         daemon=True).start()


if __name__ == "__main__":
    main()
