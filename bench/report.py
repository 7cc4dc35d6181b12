#!/usr/bin/python3
"""Print the make-bench table from bench.json (one JSON object per line)."""
import json
import sys


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    runs = [r for r in rows if r.get("mode") == "path"]
    ceil = {r["rate"]: r for r in runs if r["label"] == "ceiling"}
    print("Whole path: vcan <-> test server <-> TCP loopback <-> rcand <-> rcan.ko <-> rcan0")
    print("(QEMU software emulation: compare ratios and per-frame costs, not absolutes)\n")
    hdr = "%-4s %8s %8s %9s %6s %5s %9s %7s %9s %9s %9s %10s"
    print(hdr % ("dir", "offered", "rate/s", "delivered", "lost", "ooo", "frames/s",
                 "vs vcan", "p50 ms", "p99 ms", "rcand us", "kernel us"))
    for r in runs:
        if r["label"] != "rcan":
            continue
        c = ceil.get(r["rate"])
        ratio = (r["delivered_per_s"] / c["delivered_per_s"]) if c and c["delivered_per_s"] else 0
        n = max(r["delivered"], 1)
        print(hdr % (r["dir"], r["offered"], r["rate"] or "max", r["delivered"],
                     r["lost"], r["out_of_order"], r["delivered_per_s"],
                     "%.2f" % ratio, "%.1f" % (r["lat_p50_us"] / 1000),
                     "%.1f" % (r["lat_p99_us"] / 1000),
                     "%.0f" % (r["rcand_cpu_s"] * 1e6 / n),
                     "%.0f" % (r["kernel_cpu_s"] * 1e6 / n)))
    print("\nCeiling (the guest's own vcan, no network):")
    for rate, c in sorted(ceil.items(), key=lambda x: x[0] or 10**9):
        print("  rate %-6s delivered %6d/%-6d %6.0f frames/s  p50 %.1f ms  p99 %.1f ms" % (
            rate or "max", c["delivered"], c["offered"], c["delivered_per_s"],
            c["lat_p50_us"] / 1000, c["lat_p99_us"] / 1000))
    for r in rows:
        if r.get("dir") == "echo":
            print("Echo round trip (send to own RECV_OWN_MSGS copy) on %s at 1k/s: p50 %.1f ms, p99 %.1f ms"
                  % (r["label"][5:], r["lat_p50_us"] / 1000, r["lat_p99_us"] / 1000))
    for r in rows:
        if r.get("label") == "syscalls":
            s = r["syscalls"]
            nl = s.get("sendmsg", 0) if r["dir"] == "rx" else s.get("recvmsg", 0)
            tcp = s.get("recvfrom", 0) if r["dir"] == "rx" else s.get("sendto", 0)
            print("rcand syscalls, %s, %d frames: %.3f netlink messages and %.3f TCP %s per frame, %.2f syscalls per frame in all"
                  % (r["dir"], r["frames"], nl / r["frames"], tcp / r["frames"],
                     "reads" if r["dir"] == "rx" else "writes", s.get("total", 0) / r["frames"]))
        if r.get("label") == "netdev-counters":
            print("rcan0 counters after all runs: %s" % r["rcan0"])


if __name__ == "__main__":
    main()
