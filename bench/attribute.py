#!/usr/bin/python3
"""Where did the frames of the many-buses case go (bench/run-guest.sh).

  attribute.py snapshot N        the counters of vcanb0..N-1 and rcanb0..N-1
                                 and the backlog drops, as one JSON object
  attribute.py attribute N LABEL DIR
                                 one JSON line: per bus and direction, every
                                 frame sent either delivered or counted at
                                 the place it was lost

Each direction is followed hop by hop, and each hop's loss is what went in
minus what came out, from that hop's own counters, so the losses add up to
the frames sent minus the frames delivered:

RX (remote vcan -> server -> TCP -> rcand -> rcan.ko -> reader on rcanbN)
  remote_vcan    sent - what reached the server's CAN socket (frames it
                 took + its SO_RXQ_OVFL drops): the vcan's loopback (its
                 rx_dropped, the CPU backlog's drops, show why)
  server_socket  the server's CAN socket queue full (SO_RXQ_OVFL)
  tcp            frames the server wrote to TCP - frames rcand parsed
  rcand          frames rcand dropped itself (its own counter)
  rcand_to_kernel frames rcand put in FRAMES_RX - what rcan.ko counted
                 (rx_packets + rx_dropped): a message lost on the way
  rcan           rcan.ko's rx_dropped
  reader         the reader's socket queue full (SO_RXQ_OVFL in canbench)
  unaccounted    what rcan.ko delivered - the reader's frames and drops

TX (writer on rcanbN -> rcan.ko -> rcand -> TCP -> server -> remote vcan)
  before_rcan    sent - what rcan.ko counted (tx_packets + tx_dropped)
  rcan_rcand_tcp what rcan.ko counted - the sends the server read (frames
                 rcan.ko or rcand failed, or TCP lost; negative when failed
                 frames had reached the server after all)
  server         sends the server read - those it wrote to the CAN socket
  remote_vcan    written to the remote vcan - what the reader got or its
                 socket dropped
  reader         the reader's socket queue full
"""
import json
import os
import re
import sys

KEYS = ["rx_packets", "rx_dropped", "rx_errors", "tx_packets", "tx_dropped",
        "tx_errors"]


def devstats(dev):
    base = "/sys/class/net/%s/statistics/" % dev
    try:
        return {k: int(open(base + k).read()) for k in KEYS}
    except OSError:
        return None


def snapshot(n):
    backlog = 0
    for line in open("/proc/net/softnet_stat"):
        backlog += int(line.split()[1], 16)
    cpu = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    out = {"backlog_drops": backlog, "lo": devstats("lo"),
           "cpu_ticks": sum(cpu), "idle_ticks": cpu[3] + cpu[4]}
    for i in range(n):
        for dev in ("vcanb%d" % i, "rcanb%d" % i):
            out[dev] = devstats(dev)
    print(json.dumps(out))


def server_snapshots(path):
    """bus -> [first snapshot, last snapshot] of its session."""
    snaps = {}
    for line in open(path):
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if f.get("event") != "snapshot" or f.get("bus", "-") == "-":
            continue
        snaps.setdefault(f["bus"], []).append(f)
    return snaps


def rcand_counters(path):
    """rcand's own counters, from the line it logs when a session ends."""
    last = None
    try:
        for line in open(path):
            m = re.search(r"rx (\d+), tx (\d+), tx failed (\d+), rx dropped (\d+)", line)
            if m:
                last = [int(x) for x in m.groups()]
    except OSError:
        pass
    if not last:
        return None
    return dict(zip(["rx", "tx", "tx_failed", "rx_dropped"], last))


def tcp_bytes(path, port):
    """Bytes the server's sockets got acked, bytes the clients' sockets
    received, and the segments both sides retransmitted."""
    sent = received = retrans = 0
    server_side = False
    for line in open(path):
        if not line[:1].isspace():
            f = line.split()
            server_side = len(f) >= 4 and f[3].endswith(":%d" % port)
            continue
        for kv in line.split():
            k, _, v = kv.partition(":")
            if k == "bytes_acked" and server_side:
                sent += int(v)
            elif k == "bytes_received" and not server_side:
                received += int(v)
            elif k == "retrans":
                retrans += int(v.partition("/")[2] or 0)
    return sent, received, retrans


def delta(a, b, key):
    return (b or {}).get(key, 0) - (a or {}).get(key, 0)


def attribute(n, label, d):
    port = 29540
    net1 = json.load(open(os.path.join(d, label + ".net1")))
    net2 = json.load(open(os.path.join(d, label + ".net2")))
    srv = server_snapshots(os.path.join(d, label + ".stats"))
    rows = []
    tot = {}
    for i in range(n):
        vb, rb = "vcanb%d" % i, "rcanb%d" % i
        s = srv.get(vb, [{}])
        s1, s2 = s[0], s[-1]

        def sd(key, s1=s1, s2=s2):
            return int(s2.get(key, 0)) - int(s1.get(key, 0))
        rc = rcand_counters(os.path.join(d, "%s-rcand%d.log" % (label, i))) or {}
        rx = json.load(open(os.path.join(d, "%s.rx%d" % (label, i))))
        tx = json.load(open(os.path.join(d, "%s.tx%d" % (label, i))))
        vcan_rxdrop = delta(net1[vb], net2[vb], "rx_dropped")
        k_rx = delta(net1[rb], net2[rb], "rx_packets")
        k_rxdrop = delta(net1[rb], net2[rb], "rx_dropped")
        k_tx = delta(net1[rb], net2[rb], "tx_packets")
        k_txdrop = delta(net1[rb], net2[rb], "tx_dropped")

        srv_seen = sd("frames_to_client") + sd("can_drops")
        rcand_rx = rc.get("rx")
        r = {
            "sent": rx["offered"], "delivered": rx["delivered"],
            "out_of_order": rx["out_of_order"],
            "remote_vcan": rx["offered"] - srv_seen,
            "server_socket": sd("can_drops"),
            "tcp": (sd("frames_to_client") - rcand_rx - rc.get("rx_dropped", 0))
            if rcand_rx is not None else None,
            "rcand": rc.get("rx_dropped"),
            "rcand_to_kernel": (rcand_rx - k_rx - k_rxdrop)
            if rcand_rx is not None else None,
            "rcan": k_rxdrop,
            "reader": rx["receiver_socket_drops"],
            "unaccounted": k_rx - rx["delivered"] - rx["receiver_socket_drops"],
            "lat_p50_us": rx["lat_p50_us"], "lat_p99_us": rx["lat_p99_us"],
            "frames_per_s": rx["delivered_per_s"], "send_s": rx.get("write_s", rx["send_s"]),
        }
        if rcand_rx is None:
            # without rcand's counters TCP, rcand and the hop to the
            # kernel are one: what the server wrote minus what rcan.ko got
            r["tcp_rcand"] = sd("frames_to_client") - k_rx - k_rxdrop
        t = {
            "sent": tx["offered"], "delivered": tx["delivered"],
            "out_of_order": tx["out_of_order"],
            "before_rcan": tx["offered"] - k_tx - k_txdrop,
            "rcan_rcand_tcp": k_tx + k_txdrop - sd("sends_received"),
            "rcan_tx_dropped": k_txdrop,
            "rcand_tx_failed": rc.get("tx_failed"),
            "server": sd("sends_received") - sd("sends_written"),
            "remote_vcan": sd("sends_written") - tx["delivered"] -
            tx["receiver_socket_drops"],
            "reader": tx["receiver_socket_drops"],
            "lat_p50_us": tx["lat_p50_us"], "lat_p99_us": tx["lat_p99_us"],
            "frames_per_s": tx["delivered_per_s"], "send_s": tx.get("write_s", tx["send_s"]),
        }
        row = {"bus": i, "rx": r, "tx": t, "vcan_rx_dropped": vcan_rxdrop,
               "server_session_ended": s2.get("end", "-") != "-",
               "server_can_rcvbuf": int(s2.get("can_rcvbuf", 0)),
               "rcand": rc}
        rows.append(row)
        for dirn, v in (("rx", r), ("tx", t)):
            for k, x in v.items():
                if isinstance(x, int) and not k.startswith(("lat_", "frames_per", "send_s")):
                    tot.setdefault(dirn, {})
                    tot[dirn][k] = tot[dirn].get(k, 0) + x
    sent, received, retrans = tcp_bytes(os.path.join(d, label + ".ss2"), port)
    sent1, received1, retrans1 = tcp_bytes(os.path.join(d, label + ".ss1"), port)
    lists = []
    for f in (label + ".list1", label + ".list2"):
        try:
            lists.append(json.load(open(os.path.join(d, f))))
        except (OSError, ValueError):
            lists.append(None)
    print(json.dumps({
        "label": label, "dir": "both", "buses": n, "rate_per_bus": 500,
        "frames_per_bus": rows[0]["rx"]["sent"] if rows else 0,
        "totals": tot, "per_bus": rows,
        "tcp_server_bytes_sent": sent - sent1,
        "tcp_client_bytes_received": received - received1,
        "tcp_retransmits": retrans - retrans1,
        "backlog_drops": net2["backlog_drops"] - net1["backlog_drops"],
        "lo_rx_dropped": delta(net1.get("lo"), net2.get("lo"), "rx_dropped"),
        "vcan_rx_dropped": sum(b["vcan_rx_dropped"] for b in rows),
        "guest_cpu_busy": 1 - (net2["idle_ticks"] - net1["idle_ticks"]) /
        max(net2["cpu_ticks"] - net1["cpu_ticks"], 1),
        "send_s_max": max(max(b["rx"]["send_s"], b["tx"]["send_s"]) for b in rows),
        "rx_frames_per_s": sum(b["rx"]["frames_per_s"] for b in rows),
        "tx_frames_per_s": sum(b["tx"]["frames_per_s"] for b in rows),
        "netdev_max_backlog": int(open("/proc/sys/net/core/netdev_max_backlog").read()),
        "rmem_default": int(open("/proc/sys/net/core/rmem_default").read()),
        "rcand_list_after": lists[1],
    }))


def main():
    if sys.argv[1] == "snapshot":
        snapshot(int(sys.argv[2]))
    else:
        attribute(int(sys.argv[2]), sys.argv[3], sys.argv[4])


if __name__ == "__main__":
    main()
