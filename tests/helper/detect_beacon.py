#!/usr/bin/python3
"""Find socketcand servers by their beacon, as python-can's detect_beacon().

  detect_beacon.py [TIMEOUT_MS]

Prints one line per bus found: interface host port channel. python-can's
own detect_beacon() is used where the installed python-can has it (4.3
and later). Debian 12's python3-can (4.1) has none, so otherwise this does
what the protocol reference says it does: bind UDP port 42000 without
SO_REUSEADDR, read each beacon with recv(1024) for up to 3.1 s, parse its
XML with ElementTree, and turn every Bus element into a config with the
host and port of the beacon's URL. A beacon it cannot parse is an error,
as it would be for python-can's users.
"""
import importlib.metadata
import select
import socket
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

PORT = 42000


def detect(timeout_ms):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", PORT))
    end = time.monotonic() + timeout_ms / 1000.0
    found = []
    try:
        while not found:
            left = end - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([s], [], [], left)
            if not ready:
                continue
            root = ET.fromstring(s.recv(1024).decode("ascii"))
            url = urllib.parse.urlparse(root.find("URL").text)
            for bus in root.iter("Bus"):
                found.append({"interface": "socketcand",
                              "host": url.hostname, "port": url.port,
                              "channel": bus.attrib["name"]})
    finally:
        s.close()
    return found


def main():
    timeout_ms = int(sys.argv[1]) if len(sys.argv) > 1 else 3100
    # importing can takes seconds in an emulated guest: only where the
    # installed version has detect_beacon()
    try:
        ver = importlib.metadata.version("python-can").split(".")
        has = tuple(int(x) for x in ver[:2]) >= (4, 3)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        has = False
    detect_beacon, how = detect, "the reference's detect_beacon()"
    if has:
        try:
            from can.interfaces.socketcand import detect_beacon
            how = "python-can's detect_beacon()"
        except ImportError:
            pass
    configs = detect_beacon(timeout_ms)
    print("# by %s" % how)
    for c in configs:
        print(c["interface"], c["host"], c["port"], c["channel"])
    return 0 if configs else 1


if __name__ == "__main__":
    sys.exit(main())
