#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check kmod/rcan.yaml, the family's YNL spec, against the code.

  ynl_check.py SPEC UAPI_HEADER GENL_C RX_C

Prints KTAP: one case per thing compared, failing with the differences.
  - every enum of the header (commands, each attribute set, flags) holds
    the spec's names in the spec's order;
  - every command the kernel takes has the spec's request attributes in
    its policy, with the spec's types and checks, and the permission flag
    the spec gives; the dump is where the spec says;
  - the frame policy (rcan_rx.c) is the spec's frame set;
  - the multicast group and the version are the spec's.
The C is read with regular expressions: it is written in one style
(clang-format), and a construct they do not know fails the check loudly.
"""
import re
import sys

import yaml

# Constants the policies use that come from kernel headers.
KERNEL_CONSTS = {
    "IFNAMSIZ": 16,
    "MAX_ERRNO": 4095,
    "CAN_STATE_BUS_OFF": 3,
    "CAN_MAX_DLEN": 8,
    "CANFD_MAX_DLEN": 64,
}

NLA_TYPES = {
    "NLA_U8": "u8",
    "NLA_U16": "u16",
    "NLA_U32": "u32",
    "NLA_U64": "u64",
    "NLA_FLAG": "flag",
    "NLA_NUL_STRING": "string",
    "NLA_BINARY": "binary",
    "NLA_NESTED": "nest",
}

results = []


def case(name, problems):
    results.append((name, problems))


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def header_defines(text):
    out = {}
    for m in re.finditer(r"^#define\s+(\w+)\s+(.+?)\s*$", text, re.M):
        val = re.sub(r"/\*.*?\*/", "", m.group(2)).strip()
        out[m.group(1)] = val
    return out


def evaluate(expr, defines):
    """An integer C expression of numbers, names and + - * << ( )."""
    expr = re.sub(r"\b(\d+)[uU][lL]*\b", r"\1", expr.strip())
    for _ in range(10):
        expr = re.sub(r"\b(\d+)[uU][lL]*\b", r"\1", expr)
        names = set(re.findall(r"[A-Za-z_]\w*", expr))
        if not names:
            break
        for n in names:
            if n in KERNEL_CONSTS:
                expr = re.sub(r"\b%s\b" % n, str(KERNEL_CONSTS[n]), expr)
            elif n in defines:
                expr = re.sub(r"\b%s\b" % n, "(%s)" % defines[n], expr)
            else:
                raise ValueError("unknown name %s in %r" % (n, expr))
    expr = re.sub(r"\b(\d+)[uU][lL]*\b", r"\1", expr)
    if not re.fullmatch(r"[\d\s+\-*()<>|]+", expr):
        raise ValueError("not a constant expression: %r" % expr)
    return eval(expr)  # digits and operators only, checked above


def header_enum(text, name):
    m = re.search(r"enum %s \{(.*?)\};" % name, text, re.S)
    if not m:
        return None
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    names = []
    for item in body.split(","):
        item = item.strip()
        if not item or item.startswith("__") or "=" in item:
            continue
        names.append(item)
    return names


def spec_const(spec, value, defines):
    if isinstance(value, int):
        return value
    for d in spec.get("definitions", []):
        if d["name"] == value and d["type"] == "const":
            return d["value"]
    raise ValueError("no const %r in the spec" % value)


def parse_policies(text, defines):
    """Every static const struct nla_policy array: {name: {ATTR: info}}."""
    out = {}
    pat = re.compile(
        r"(?:static )?const struct nla_policy (\w+)\[[^\]]*\] = \{(.*?)\n\};",
        re.S)
    for m in pat.finditer(text):
        body = re.sub(r"/\*.*?\*/", "", m.group(2), flags=re.S)
        body = " ".join(body.split())
        entries = {}
        for part in re.split(r"(?=\[RCAN_)", body):
            part = part.strip().rstrip(",").strip()
            if not part:
                continue
            em = re.fullmatch(r"\[(RCAN_\w+)\] = (.*)", part)
            if not em:
                raise ValueError("policy entry not understood: %r" % part)
            attr, val = em.group(1), em.group(2)
            info = {}
            tm = re.search(r"\b(%s)\b" % "|".join(NLA_TYPES), val)
            if not tm:
                raise ValueError("policy type not understood: %r" % val)
            info["type"] = NLA_TYPES[tm.group(0)]
            pm = re.match(r"NLA_POLICY_(\w+)\((.*)\)$", val)
            if pm:
                args = [a.strip() for a in pm.group(2).split(",")]
                kind = pm.group(1)
                if kind == "MASK":
                    info["mask"] = evaluate(args[1], defines)
                elif kind == "RANGE":
                    info["min"] = evaluate(args[1], defines)
                    info["max"] = evaluate(args[2], defines)
                elif kind == "MAX":
                    info["max"] = evaluate(args[1], defines)
                elif kind == "MIN":
                    info["min"] = evaluate(args[1], defines)
                else:
                    raise ValueError("policy macro not understood: %r" % val)
            lm = re.search(r"\.len = ([^,}]+)", val)
            if lm:
                info["max-len"] = evaluate(lm.group(1), defines)
            entries[attr] = info
        out[m.group(1)] = entries
    return out


def parse_ops(text):
    """The op table: {CMD: {policy, admin, dump}}."""
    m = re.search(r"static const struct genl_ops rcan_ops\[\] = \{(.*?)\n\};",
                  text, re.S)
    if not m:
        raise ValueError("no rcan_ops[] table")
    body = m.group(1)
    ops = {}
    mac = re.search(r"#define RCAN_OP\(.*?\)(.*?)\n\n", text, re.S)
    op_admin = bool(mac and "GENL_UNS_ADMIN_PERM" in mac.group(1))
    for om in re.finditer(
            r"RCAN_OP\(\s*(RCAN_CMD_\w+),\s*\w+,\s*(\w+),", body):
        ops[om.group(1)] = {"policy": om.group(2), "admin": op_admin,
                            "dump": False}
    for lm in re.finditer(r"\{([^{}]*?\.cmd = (RCAN_CMD_\w+)[^{}]*?)\}",
                          body, re.S):
        entry = lm.group(1)
        pol = re.search(r"\.policy = (\w+)", entry)
        ops[lm.group(2)] = {
            "policy": pol.group(1) if pol else None,
            "admin": "GENL_UNS_ADMIN_PERM" in entry,
            "dump": ".dumpit" in entry,
        }
    return ops


def spec_attr(spec, set_name, attr):
    for s in spec["attribute-sets"]:
        if s["name"] == set_name:
            for a in s["attributes"]:
                if a["name"] == attr:
                    return s, a
    raise ValueError("no attribute %s in set %s" % (attr, set_name))


def flags_mask(spec, enum_name, defines):
    for d in spec["definitions"]:
        if d["name"] == enum_name:
            return (1 << len(d["entries"])) - 1
    raise ValueError("no flags %s" % enum_name)


def compare_attr(spec, set_name, attr, info, defines):
    """Differences between one policy entry and the spec's attribute."""
    probs = []
    s, a = spec_attr(spec, set_name, attr)
    if a["type"] != info["type"]:
        probs.append("%s: policy %s, spec %s" % (attr, info["type"],
                                                  a["type"]))
    checks = dict(a.get("checks", {}))
    want = {}
    for k in ("min", "max", "max-len"):
        if k in checks:
            want[k] = spec_const(spec, checks[k], defines)
    if a.get("enum-as-flags"):
        want["mask"] = flags_mask(spec, a["enum"], defines)
    got = {k: v for k, v in info.items() if k != "type"}
    if got != want:
        probs.append("%s: policy checks %s, spec %s" % (attr, got, want))
    return probs


def main():
    spec_path, hdr_path, genl_path, rx_path = sys.argv[1:5]
    spec = yaml.safe_load(open(spec_path))
    hdr = open(hdr_path).read()
    genl = open(genl_path).read()
    rx = open(rx_path).read()
    defines = header_defines(hdr)

    # the version and the group
    probs = []
    if str(spec.get("version")) != defines.get("RCAN_GENL_VERSION"):
        probs.append("version: spec %s, header %s" %
                     (spec.get("version"), defines.get("RCAN_GENL_VERSION")))
    if defines.get("RCAN_GENL_NAME") != '"%s"' % spec["name"]:
        probs.append("family name differs")
    groups = [g["name"] for g in spec["mcast-groups"]["list"]]
    if ['"%s"' % g for g in groups] != [defines.get("RCAN_GENL_MCGRP_EVENTS")]:
        probs.append("multicast groups: spec %s" % groups)
    case("family name, version and multicast group", probs)

    # enums, in order
    ops = spec["operations"]
    want = ["RCAN_CMD_UNSPEC"] + [c_name(ops["name-prefix"], o["name"])
                                  for o in ops["list"]]
    got = header_enum(hdr, "rcan_cmd")
    case("enum rcan_cmd is the spec's operations, in order",
         [] if got == want else ["header %s\n spec %s" % (got, want)])
    enum_of = {"attr": "rcan_attr", "frame": "rcan_frame_attr",
               "stats": "rcan_stats_attr", "bittiming": "rcan_bittiming_attr"}
    for s in spec["attribute-sets"]:
        got = header_enum(hdr, enum_of[s["name"]])
        unspec = c_name(s["name-prefix"], "unspec")
        want = [unspec] + [c_name(s["name-prefix"], a["name"])
                           for a in s["attributes"]]
        case("enum %s is the spec's set %s, in order" % (enum_of[s["name"]],
                                                        s["name"]),
             [] if got == want else ["header %s\n spec %s" % (got, want)])
    for d in spec["definitions"]:
        probs = []
        if d["type"] == "flags":
            for i, e in enumerate(d["entries"]):
                n = c_name(d["name-prefix"], e)
                v = defines.get(n)
                if v is None or evaluate(v, defines) != 1 << i:
                    probs.append("%s is %s, spec bit %d" % (n, v, i))
        else:
            n = "RCAN_" + d["name"].upper().replace("-", "_")
            v = defines.get(n)
            if v is None or evaluate(v, defines) != d["value"]:
                probs.append("%s is %s, spec %s" % (n, v, d["value"]))
        case("definition %s" % d["name"], probs)

    # the op table and the policies
    policies = parse_policies(genl, defines)
    policies.update(parse_policies(rx, defines))
    table = parse_ops(genl)
    spec_cmds = set()
    for o in ops["list"]:
        cmd = c_name(ops["name-prefix"], o["name"])
        probs = []
        if "do" not in o:
            if cmd in table:
                probs.append("the kernel takes it, the spec has no do")
            case("%s: event only" % cmd, probs)
            continue
        spec_cmds.add(cmd)
        op = table.get(cmd)
        if not op:
            case("%s: in the op table" % cmd, ["missing"])
            continue
        admin = "uns-admin-perm" in o.get("flags", [])
        if op["admin"] != admin:
            probs.append("permission: table %s, spec %s" % (op["admin"], admin))
        if op["dump"] != ("dump" in o):
            probs.append("dump: table %s, spec %s" % (op["dump"], "dump" in o))
        pol = policies.get(op["policy"])
        if pol is None:
            probs.append("policy %s not found" % op["policy"])
        else:
            req = o["do"].get("request", {}).get("attributes", [])
            want_attrs = {c_name("rcan-attr-", a) for a in req}
            if set(pol) != want_attrs:
                probs.append("policy %s takes %s, spec %s" %
                             (op["policy"], sorted(pol), sorted(want_attrs)))
            for a in req:
                n = c_name("rcan-attr-", a)
                if n in pol:
                    probs += compare_attr(spec, o["attribute-set"], a, pol[n],
                                          defines)
        case("%s: policy, permission and dump as the spec says" % cmd, probs)
    extra = set(table) - spec_cmds
    case("the op table has no command the spec lacks",
         ["%s" % sorted(extra)] if extra else [])

    # the frame policy
    probs = []
    fpol = policies.get("rcan_frame_policy")
    if fpol is None:
        probs.append("rcan_frame_policy not found")
    else:
        for s in spec["attribute-sets"]:
            if s["name"] != "frame":
                continue
            names = [a["name"] for a in s["attributes"] if a["type"] != "pad"]
            want_attrs = {c_name(s["name-prefix"], n) for n in names}
            if set(fpol) != want_attrs:
                probs.append("takes %s, spec %s" % (sorted(fpol),
                                                     sorted(want_attrs)))
            for n in names:
                cn = c_name(s["name-prefix"], n)
                if cn in fpol:
                    probs += compare_attr(spec, "frame", n, fpol[cn], defines)
    case("rcan_frame_policy is the spec's frame set", probs)

    print("TAP version 13")
    print("1..%d" % len(results))
    failed = 0
    for i, (name, problems) in enumerate(results, 1):
        for p in problems:
            for line in str(p).splitlines():
                print("# " + line)
        print("%s %d %s" % ("not ok" if problems else "ok", i, name))
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
