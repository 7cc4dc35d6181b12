#!/usr/bin/python3
"""Print the make-bench table from bench.json (one JSON object per line)."""
import json
import sys


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    runs = [r for r in rows if r.get("mode") == "path"]
    ceil = {r["rate"]: r for r in runs if r["label"] == "ceiling"}
    # The yardstick for rcand's CPU: canbench flat out on vcan0 writes one
    # frame per system call and reads one per poll() + read(); a bridge
    # without batching does both for every frame.
    flat = ceil.get(0, {})
    bridge_us = flat.get("send_cpu_us_per_frame", 0) + flat.get("recv_cpu_us_per_frame", 0)
    print("Whole path: vcan <-> test server <-> TCP loopback <-> rcand <-> rcan.ko <-> rcan0")
    print("(QEMU software emulation: compare ratios and per-frame costs, not absolutes)\n")
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
                     r["lost"], r.get("server_can_drops", 0) + r.get("vcan_backlog_drops", 0),
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
    print("\nCeiling (the guest's own vcan, no network):")
    for rate, c in sorted(ceil.items(), key=lambda x: x[0] or 10**9):
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
