#!/usr/bin/python3
"""Print the make-bench table from bench.json (one JSON object per line)."""
import json
import sys


def rtt_table(runs, ceil):
    rtt = [r for r in runs if r["label"] == "rtt"]
    if not rtt:
        return
    print("\nRound trip on the TCP path (netem on lo, the server's port only; the vcan"
          "\ntraffic is not delayed); lat: one way, sender to reader; us/frame: CPU"
          "\nper delivered frame, rcand and the whole guest's kernel:")
    hdr = "%-4s %4s %6s %9s %6s %6s %4s %9s %7s %8s %8s %9s %10s"
    print(hdr % ("dir", "rtt", "rate/s", "delivered", "lost", "remote", "ooo", "frames/s",
                 "vs vcan", "p50 ms", "p99 ms", "rcand us", "kernel us"))
    for r in rtt:
        c = ceil.get(r["rate"])
        ratio = (r["delivered_per_s"] / c["delivered_per_s"]) if c and c["delivered_per_s"] else 0
        n = max(r["delivered"], 1)
        print(hdr % (r["dir"], r["rtt_ms"], r["rate"] or "max",
                     "%d/%d" % (r["delivered"], r["offered"]), r["lost"],
                     (r.get("server_can_drops") or 0) + r.get("vcan_backlog_drops", 0),
                     r["out_of_order"], r["delivered_per_s"], "%.2f" % ratio,
                     "%.1f" % (r["lat_p50_us"] / 1000), "%.1f" % (r["lat_p99_us"] / 1000),
                     "%.1f" % (r["rcand_cpu_s"] * 1e6 / n),
                     "%.0f" % (r["kernel_cpu_s"] * 1e6 / n)))
    for rate, c in sorted(ceil.items(), key=lambda x: x[0] or 10**9):
        print("  vcan ceiling, rate %-5s %6.0f frames/s  p50 %.1f ms  p99 %.1f ms" % (
            rate or "max", c["delivered_per_s"], c["lat_p50_us"] / 1000, c["lat_p99_us"] / 1000))
    # distance should cost nothing: flat out at each round trip against 0 ms
    # (the mean of each round trip's runs: RCAN_BENCH_RTTS may repeat them)
    for d in ("tx", "rx"):
        flat = {}
        for r in rtt:
            if r["dir"] == d and r["rate"] == 0:
                flat.setdefault(r["rtt_ms"], []).append(r["delivered_per_s"])
        if flat.get(0):
            lan = sum(flat[0]) / len(flat[0])
            print("  %s flat out against 0 ms (%s frames/s): %s" % (
                d, "/".join(str(v) for v in flat[0]), ", ".join(
                    "%d ms %.2f (%s)" % (k, sum(v) / len(v) / lan, "/".join(str(x) for x in v))
                    for k, v in sorted(flat.items()) if k)))


# The flooded remote's wire: tbf counts 16 bytes (CAN_MTU) per frame, so
# 500 kbit/s carries 3,906 frames/s; on a real bus an 8-byte standard
# frame is 111 bits, 135 with worst-case stuffing (4,505..3,704 frames/s).
def flood_table(rows):
    for r in rows:
        if r.get("label") != "flood":
            continue
        wire = r["bitrate"] / (16 * 8)
        print("\nFlood of a realistic remote (tbf 500 kbit/s, 10 frames of queue), bitrate"
              "\n%d on the rcan netdev, %d frames flat out, rcand options: %s"
              % (r["bitrate"], r["offered"], r["rcand_options"] or "(defaults)"))
        print("  server: %s" % r.get("server", "test"))
        print("  delivered %d/%d, lost %d, out of order %d; session drops %s (the server"
              "\n  closed on ENOBUFS; rcand saw %d sessions closed by the server); tbf dropped %d"
              % (r["delivered"], r["offered"], r["lost"], r["out_of_order"],
                 "-" if r.get("session_drops_enobufs") is None else r["session_drops_enobufs"],
                 r["rcand_disconnects"], r["tbf_drops"]))
        print("  rate %.0f frames/s = %.2f of the wire rate (%.0f frames/s: tbf's 16 bytes"
              "\n  per frame; a real bus: %.0f with worst-case stuffing); run took %.1f s"
              % (r["delivered_per_s"], r["delivered_per_s"] / wire, wire,
                 r["bitrate"] / 135, r["wall_s"]))
        if "pacer_bursts" in r:
            print("  rcand paced %d bursts; the bus idled %.2f s of the %.2f s of sending while"
                  "\n  frames waited (a wake-up after a burst's time, or a wait for echoes)"
                  % (r["pacer_bursts"], r["pacer_idle_ms"] / 1000, r["write_s"]))


def buses_table(r):
    t = r["totals"]
    print("\n%d buses from one server (%s), %d frames/s per bus each way at once,"
          "\n%d frames per bus and direction; where every frame that did not arrive"
          "\nwas lost (bench/attribute.py):"
          % (r["buses"], "--daemon-io: socketcand's I/O" if "daemonio" in r["label"]
             else "the test server's batched I/O", r["rate_per_bus"], r["frames_per_bus"]))
    rx, tx = t.get("rx", {}), t.get("tx", {})
    print("  RX %d/%d delivered, %d out of order; lost at: remote vcan %d, server's CAN"
          "\n     socket %d, TCP %s, rcand %s, rcand to rcan.ko %s, rcan rx_dropped %d,"
          "\n     reader %d, unaccounted %d"
          % (rx.get("delivered", 0), rx.get("sent", 0), rx.get("out_of_order", 0),
             rx.get("remote_vcan", 0), rx.get("server_socket", 0),
             rx.get("tcp", "-"), rx.get("rcand", "-"), rx.get("rcand_to_kernel", "-"),
             rx.get("rcan", 0), rx.get("reader", 0), rx.get("unaccounted", 0)))
    print("  TX %d/%d delivered, %d out of order; lost at: before rcan.ko %d, rcan.ko/rcand/"
          "\n     TCP %d (rcan tx_dropped %d, rcand tx failed %s), server %d, remote vcan %d,"
          "\n     reader %d"
          % (tx.get("delivered", 0), tx.get("sent", 0), tx.get("out_of_order", 0),
             tx.get("before_rcan", 0), tx.get("rcan_rcand_tcp", 0),
             tx.get("rcan_tx_dropped", 0), tx.get("rcand_tx_failed", "-"),
             tx.get("server", 0), tx.get("remote_vcan", 0), tx.get("reader", 0)))
    print("  rates: RX %.0f, TX %.0f frames/s in all (%d offered each way); the guest's"
          "\n  CPUs were %.0f%% busy; the slowest sender took %.1f s for its %.1f s of frames"
          % (r.get("rx_frames_per_s", 0), r.get("tx_frames_per_s", 0),
             r["buses"] * r["rate_per_bus"], 100 * r.get("guest_cpu_busy", 0),
             r.get("send_s_max", 0), r["frames_per_bus"] / r["rate_per_bus"]))
    print("  TCP: %d bytes acked by the server's sockets, %d received by rcand's,"
          "\n  %s segments retransmitted; the remote vcans dropped %s (rx_dropped), the"
          "\n  CPU backlogs %d (netdev_max_backlog %s), lo %s; per bus RX delivered: %s"
          % (r["tcp_server_bytes_sent"], r["tcp_client_bytes_received"],
             r.get("tcp_retransmits", "-"), r.get("vcan_rx_dropped", "-"),
             r["backlog_drops"], r.get("netdev_max_backlog", "-"),
             r.get("lo_rx_dropped", "-"),
             " ".join(str(b["rx"]["delivered"]) for b in r["per_bus"])))
    print("  the server's CAN sockets' receive buffers: %s bytes"
          % "/".join(sorted({str(b.get("server_can_rcvbuf", "-")) for b in r["per_bus"]})))
    p99 = [b["rx"]["lat_p99_us"] for b in r["per_bus"]] + \
        [b["tx"]["lat_p99_us"] for b in r["per_bus"]]
    if p99:
        print("  worst p99 latency of any bus and direction: %.1f ms" % (max(p99) / 1000))


def coalesce_table(runs):
    co = [r for r in runs if r["label"] == "coalesce"]
    if not co:
        return
    print("\nRX coalescing (ethtool -C rcan0 rx-usecs N rx-frames M; 0 0 is the default):"
          "\nlatency one way, sender to reader; us/frame: CPU per delivered frame")
    hdr = "%8s %9s %6s %9s %6s %8s %8s %9s %10s"
    print(hdr % ("rx-usecs", "rx-frames", "rate/s", "delivered", "lost", "p50 ms", "p99 ms",
                 "rcand us", "kernel us"))
    for r in co:
        n = max(r["delivered"], 1)
        print(hdr % (r["rx_usecs"], r["rx_frames"], r["rate"],
                     "%d/%d" % (r["delivered"], r["offered"]), r["lost"],
                     "%.1f" % (r["lat_p50_us"] / 1000), "%.1f" % (r["lat_p99_us"] / 1000),
                     "%.1f" % (r["rcand_cpu_s"] * 1e6 / n),
                     "%.0f" % (r["kernel_cpu_s"] * 1e6 / n)))


def rx_bridge_table(runs):
    rc = {r["rate"]: r for r in runs if r["label"] == "rx-rcan"}
    br = {r["rate"]: r for r in runs if r["label"] == "rx-bridge"}
    if not rc and not br:
        return
    print("\nRX from the daemon's bus: rcand (to rcan0) against socketcand's own client,"
          "\nsocketcandcl (bridging to a local vcan), one after the other in this boot;"
          "\nCPU: the client's own per delivered frame (rcand, or socketcandcl)")
    hdr = "%6s | %13s %6s %7s %8s | %13s %6s %7s %8s | %s"
    print(hdr % ("rate/s", "rcan", "lost", "p99 ms", "cpu us", "socketcandcl", "lost",
                 "p99 ms", "cpu us", "rcan >= bridge"))
    for rate in sorted(set(rc) | set(br)):
        a, b = rc.get(rate), br.get(rate)

        def cols(r):
            if not r:
                return ("-", "-", "-", "-")
            n = max(r["delivered"], 1)
            return ("%d/%d" % (r["delivered"], r["offered"]), r["lost"],
                    "%.1f" % (r["lat_p99_us"] / 1000), "%.1f" % (r["rcand_cpu_s"] * 1e6 / n))
        ok = "-" if not (a and b) else ("yes" if a["delivered"] >= b["delivered"] else "NO")
        print(hdr % ((rate,) + cols(a) + cols(b) + (ok,)))


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    servers = []
    for r in rows:
        srv = r.get("server", "test")
        if srv not in servers and (r.get("mode") == "path" or "server" in r):
            servers.append(srv)
    allruns = [r for r in rows if r.get("mode") == "path"]
    ceil = {r["rate"]: r for r in allruns if r["label"] == "ceiling"}
    rtt_ceil = {r["rate"]: r for r in allruns if r["label"] == "ceiling-rtt"}
    for r in rows:
        if r.get("label") == "setup":
            print("cases: %s; guest kernel %s; netdev_max_backlog %d; rcand's pacing options: %s"
                  % (r["cases"], r["kernel"], r["netdev_max_backlog"],
                     r["rcand_pacing_options"].strip() or "none"))
    print("(QEMU software emulation: compare ratios and per-frame costs, not absolutes)")
    for srv in servers or ["test"]:
        group = [r for r in rows if r.get("server", "test") == srv]
        if srv == "test":
            print("\n===== against the project's test server =====")
            print("Whole path: vcan <-> test server <-> TCP loopback <-> rcand <-> rcan.ko <-> rcan0")
        elif srv == "daemonio":
            print("\n===== against the test server's imitation of socketcand (--daemon-io) =====")
        else:
            info = next((r for r in rows if r.get("label") == "setup-socketcand"), {})
            print("\n===== against the real daemon: socketcand %s (%s) ====="
                  % (info.get("version", "?"), info.get("binary", "?")))
            print("Whole path: vcan <-> socketcand <-> TCP loopback <-> rcand <-> rcan.ko <-> rcan0;"
                  "\n\"remote\" counts only vcan0's backlog: socketcand reports no drops"
                  "\n(\"vs vcan\" is against the test server's run's ceiling, same boot)")
        report_group(group, ceil, rtt_ceil)


def report_group(rows, ceil, rtt_ceil):
    runs = [r for r in rows if r.get("mode") == "path"]
    # The yardstick for rcand's CPU: canbench flat out on vcan0 writes one
    # frame per system call and reads one per poll() + read(); a bridge
    # without batching does both for every frame.
    flat = ceil.get(0, {})
    bridge_us = flat.get("send_cpu_us_per_frame", 0) + flat.get("recv_cpu_us_per_frame", 0)
    print()
    if any(r["label"] == "rcan" for r in runs):
        hdr = "%-4s %8s %8s %9s %6s %7s %6s %5s %9s %7s %9s %9s %9s %10s %8s"
        print(hdr % ("dir", "offered", "rate/s", "delivered", "lost", "remote", "reader", "ooo", "frames/s",
                     "vs vcan", "p50 ms", "p99 ms", "rcand us", "kernel us", "x bridge"))
        for r in runs:
            if r["label"] != "rcan":
                continue
            c = ceil.get(r["rate"])
            ratio = (r["delivered_per_s"] / c["delivered_per_s"]) if c and c["delivered_per_s"] else 0
            n = max(r["delivered"], 1)
            rcand_us = r["rcand_cpu_s"] * 1e6 / n
            print(hdr % (r["dir"], r["offered"], r["rate"] or "max", r["delivered"],
                         r["lost"], (r.get("server_can_drops") or 0) + r.get("vcan_backlog_drops", 0),
                         r.get("receiver_socket_drops", "-"), r["out_of_order"],
                         r["delivered_per_s"],
                         "%.2f" % ratio, "%.1f" % (r["lat_p50_us"] / 1000),
                         "%.1f" % (r["lat_p99_us"] / 1000),
                         "%.1f" % rcand_us,
                         "%.0f" % (r["kernel_cpu_s"] * 1e6 / n),
                         "%.1f" % (bridge_us / rcand_us) if rcand_us else "-"))
        print("\nremote: of the lost frames, those dropped on the \"remote\" side before they"
              "\nreached TCP and rcan (the test server's CAN socket queue full, or vcan0's"
              "\nloopback backlog full: vcan0 rx_dropped); reader:"
              "\nthose the receiving program's own socket dropped (its queue full).")
        if bridge_us:
            print("\nx bridge: how many times less CPU per frame rcand used than a bridge that"
                  "\nwrites one frame per system call and reads one per poll()+read(): %.1f us"
                  "\nper frame here (canbench flat out on vcan0: %.1f us to send, %.1f us to"
                  "\nreceive). The target is 4 or more."
                  % (bridge_us, flat["send_cpu_us_per_frame"], flat["recv_cpu_us_per_frame"]))
        has_ceil = any(r.get("label") == "ceiling" for r in runs)
        if has_ceil:
            print("\nCeiling (the guest's own vcan, no network):")
        for rate, c in sorted(ceil.items(), key=lambda x: x[0] or 10**9):
            if not has_ceil:
                break
            print("  rate %-6s delivered %6d/%-6d %6.0f frames/s  p50 %.1f ms  p99 %.1f ms" % (
                rate or "max", c["delivered"], c["offered"], c["delivered_per_s"],
                c["lat_p50_us"] / 1000, c["lat_p99_us"] / 1000))
    fdc = [r for r in runs if r["label"] == "fd-ceiling"]
    fd = [r for r in runs if r["label"] == "fd-rcan"]
    if fd:
        c = fdc[0] if fdc else {}
        print("\nCAN FD, 64-byte frames flat out (test server in the PR #33 dialect, rcand --fd):")
        if c:
            print("  ceiling (vcan1 to itself)  %7.0f frames/s %10.0f bytes/s" % (
                c["delivered_per_s"], c["delivered_per_s"] * 64))
        for r in fd:
            ratio = r["delivered_per_s"] / c["delivered_per_s"] if c.get("delivered_per_s") else 0
            n = max(r["delivered"], 1)
            print("  %-2s delivered %6d/%-6d lost %5d  %7.0f frames/s %10.0f bytes/s  %.2f of vcan"
                  "  p50 %.1f ms  rcand %.1f us/frame" % (
                      r["dir"], r["delivered"], r["offered"], r["lost"], r["delivered_per_s"],
                      r["delivered_per_s"] * 64, ratio, r["lat_p50_us"] / 1000,
                      r["rcand_cpu_s"] * 1e6 / n))
    coalesce_table(runs)
    rtt_table(runs, rtt_ceil)
    rx_bridge_table(runs)
    flood_table(rows)
    for r in rows:
        if r.get("label", "").startswith("buses"):
            buses_table(r)
    for r in rows:
        if r.get("dir") == "echo":
            print("Echo round trip (send to own RECV_OWN_MSGS copy) on %s at 1k/s: p50 %.1f ms, p99 %.1f ms"
                  % (r["label"][5:], r["lat_p50_us"] / 1000, r["lat_p99_us"] / 1000))
    for r in rows:
        if r.get("label") == "syscalls":
            s = r["syscalls"]
            if r["dir"] == "rx":
                nl = s.get("sendmsg", 0)
                what = "netlink sends and %.3f TCP reads" % (s.get("recvfrom", 0) / r["frames"])
            else:
                nl = s.get("recvmsg", 0) + s.get("recvmmsg", 0)
                what = "netlink reads and %.3f TCP writes" % (s.get("sendto", 0) / r["frames"])
            top = sorted(((v, k) for k, v in s.items() if k != "total"), reverse=True)[:5]
            print("rcand syscalls, %s, %d frames: %.3f %s per frame, %.3f syscalls per frame in all (%s)"
                  % (r["dir"], r["frames"], nl / r["frames"], what,
                     s.get("total", 0) / r["frames"],
                     ", ".join("%s %.3f" % (k, v / r["frames"]) for v, k in top)))
        if r.get("label") == "netdev-counters":
            print("rcan0 counters after all runs: %s" % r["rcan0"])


if __name__ == "__main__":
    main()
