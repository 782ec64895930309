#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the alerts of one capture of tests/test_docker.sh.

  check_alerts.py KIND LABEL ACTIONS STAMPED [READBACK]

KIND: falco (the official rule files) or default (rules/default_rules.yaml).
ACTIONS: the test's actions, one per line: id, start, end (wall clock,
seconds), exit status, marker, separated by tabs. STAMPED: the capture's
stdout as stamp.py wrote it ("<arrival time>\\t<JSON alert>"). READBACK: the
alerts of `scapcli -r` over the capture's -w file (JSON lines), optional.

Environment: CTR, PRIV (the two containers' names), IMAGE_REPO.
Prints one line per assertion (ok/FAIL), then a summary; exit 1 on any FAIL.
"""
import calendar
import json
import os
import sys
import time

kind, label, actions_path, stamped_path = sys.argv[1:5]
readback_path = sys.argv[5] if len(sys.argv) > 5 else None
CTR = os.environ["CTR"]
PRIV = os.environ["PRIV"]
REPO = os.environ.get("IMAGE_REPO", "scapkit-test")
MAX_LATENCY = float(os.environ.get("MAX_LATENCY", "1.0"))

# action -> where it runs, the rules that must fire exactly once for it
# (per rule set), and the rules that must not fire for it.
EXPECT = {
    "tty_shell": ("ctr", {"falco": ["Terminal shell in container"],
                          "default": ["Terminal shell in container"]}),
    "drop_exec": ("ctr", {"falco": ["Drop and execute new binary in container"], "default": []}),
    "debugfs": ("priv", {"falco": ["Debugfs Launched in Privileged Container"], "default": []}),
    "read_shadow": ("ctr", {"falco": ["Read sensitive file untrusted"],
                            "default": ["Read sensitive file by unexpected program"]}),
    "write_etc": ("ctr", {"falco": ["Write below etc"], "default": ["Write below etc or root"]}),
    "pkg_mgr": ("ctr", {"falco": ["Launch Package Management Process in Container"],
                        "default": ["Package management process in container"]}),
    "history_rm": ("ctr", {"falco": ["Delete or rename shell history"],
                           "default": ["Delete or rename shell history"]}),
    # nsenter from the host: Falco's rule lets nsenter on the host through;
    # a renamed copy (scapkit-nsjoin) is an unexpected program.
    "nsenter": ("host", {"falco": [], "default": ["Namespace change by unexpected program"]}),
    "nsjoin": ("host", {"falco": ["Change thread namespace"],
                        "default": ["Namespace change by unexpected program"]}),
    # both rules match the privileged container's start; with Falco's
    # default rule_matching (first) only the first in load order alerts
    "priv_start": ("priv", {"falco": ["Launch Privileged Container"], "default": []}),
    "mount_priv": ("priv", {"falco": ["Mount Launched in Privileged Container"],
                            "default": ["Mount in privileged container"]}),
}
MUST_NOT = {("nsenter", "falco"): {"Change thread namespace": "the rule excepts container.id=host and "
                                                              "proc.name=nsenter"},
            ("priv_start", "falco"): {"Launch Excessively Capable Container": "rule_matching first: "
                                      "Launch Privileged Container, loaded before it, alerts for the event"}}
# the same actions on the host: no container-scoped rule may fire
HOST_ONLY = {"h_tty_shell", "h_drop_exec", "h_debugfs", "h_pkg_mgr", "h_mount", "h_pid1"}

npass = nfail = 0
fails = []


def ok(msg):
    global npass
    npass += 1
    print(f"ok   {label}: {msg}")


def ko(msg):
    global nfail
    nfail += 1
    fails.append(msg)
    print(f"FAIL {label}: {msg}")


def evt_time(a):
    t = a.get("time", "")
    try:
        return calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) + int(t[20:29]) / 1e9
    except (ValueError, IndexError):
        return None


def scoped(a):
    tags = a.get("tags", [])
    return "container" in tags and "host" not in tags


alerts = []  # (arrival, alert, raw line)
bad = 0
with open(stamped_path, encoding="utf-8") as f:
    for line in f:
        arr, _, raw = line.rstrip("\n").partition("\t")
        if not raw.startswith("{"):
            continue
        try:
            a = json.loads(raw)
        except json.JSONDecodeError:
            bad += 1
            continue
        alerts.append((float(arr), a, raw))
if bad:
    ko(f"{bad} stdout lines are not JSON")

actions = []
with open(actions_path, encoding="utf-8") as f:
    for line in f:
        p = line.rstrip("\n").split("\t")
        if len(p) >= 5:
            actions.append((p[0], float(p[1]), float(p[2]), p[3], p[4]))

latencies = []


def in_window(a, t0, t1):
    t = evt_time(a)
    return t is not None and t0 <= t <= t1


for aid, t0, t1, rc, marker in actions:
    if aid in HOST_ONLY:
        hits = [a for _, a, _ in alerts if in_window(a, t0, t1) and scoped(a)]
        if hits:
            ko(f"{aid} (on the host): container-scoped rule(s) fired: " +
               "; ".join(f"{a['rule']} [{a['output_fields'].get('proc.cmdline', '')}]" for a in hits[:4]))
        else:
            ok(f"{aid} (on the host): no container-scoped rule fired")
        continue
    if aid not in EXPECT:
        continue
    where, rules = EXPECT[aid]
    for rule in rules[kind]:
        hits = [(arr, a) for arr, a, raw in alerts
                if a.get("rule") == rule and in_window(a, t0, t1) and (not marker or marker in raw)]
        if len(hits) != 1:
            seen = sorted({a["rule"] for _, a, _ in alerts if in_window(a, t0, t1)})
            ko(f"{aid}: '{rule}' fired {len(hits)} times, expected exactly 1 (rules seen in the action's "
               f"window: {', '.join(seen) or 'none'})")
            if not hits:
                continue
        else:
            ok(f"{aid}: '{rule}' fired once")
        arr, a = hits[0]
        of = a.get("output_fields", {})
        want = {"ctr": {"container.name": CTR, "container.image.repository": REPO, "container.privileged": "false"},
                "priv": {"container.name": PRIV, "container.image.repository": REPO, "container.privileged": "true"},
                "host": {"container.name": "host"}}[where]
        wrong = [f"{k}={of.get(k, '(absent)')!s} (expected {v})" for k, v in want.items() if of.get(k) != v]
        if wrong:
            ko(f"{aid}: '{rule}': " + ", ".join(wrong) + f"; container.id={of.get('container.id', '?')}")
        else:
            ok(f"{aid}: '{rule}': " + ", ".join(f"{k}={v}" for k, v in want.items()))
        et = evt_time(a)
        if et is not None:
            latencies.append((arr - et, arr - t0, aid, rule))
    for rule, why in MUST_NOT.get((aid, kind), {}).items():
        hits = [a for _, a, raw in alerts if a.get("rule") == rule and in_window(a, t0, t1) and marker in raw]
        if hits:
            ko(f"{aid}: '{rule}' must not fire ({why}); it fired {len(hits)} times with container.id="
               f"{hits[0]['output_fields'].get('container.id', '?')}, container.name="
               f"{hits[0]['output_fields'].get('container.name', '?')}")
        else:
            ok(f"{aid}: '{rule}' did not fire ({why})")

# streaming: each expected alert on stdout within MAX_LATENCY s of its event
if latencies:
    worst = max(latencies)
    slow = [l for l in latencies if l[0] > MAX_LATENCY]
    if slow:
        ko(f"streaming: {len(slow)} of {len(latencies)} alerts reached stdout more than {MAX_LATENCY} s after "
           f"their event (worst {worst[0]:.3f} s: {worst[2]} '{worst[3]}')")
    else:
        ok(f"streaming: {len(latencies)} alerts, each on stdout within {MAX_LATENCY} s of its event "
           f"(worst {worst[0] * 1000:.0f} ms after the event, {worst[1] * 1000:.0f} ms after the action began)")
    print(f"info {label}: latency event->stdout: " + ", ".join(f"{aid}/{rule.split()[0]} {d * 1000:.0f} ms"
                                                              for d, _, aid, rule in sorted(latencies, key=lambda x: x[2])))

# the -w capture, read back with the same rules, gives the same alerts
if readback_path is not None:
    def key(a):
        return json.dumps({k: v for k, v in a.items() if k != "hostname"}, sort_keys=True)
    live = sorted(key(a) for _, a, _ in alerts)
    rb = []
    with open(readback_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("{"):
                rb.append(key(json.loads(line)))
    rb.sort()
    if live == rb:
        ok(f"-w capture read back: the same {len(rb)} alerts")
    else:
        from collections import Counter
        cl, cr = Counter(live), Counter(rb)
        only_live = list((cl - cr).elements())
        only_rb = list((cr - cl).elements())
        ko(f"-w capture read back: {len(rb)} alerts, live {len(live)}; {len(only_live)} only live, "
           f"{len(only_rb)} only in the read-back")
        for k in only_live[:3]:
            print(f"     only live: {k[:300]}")
        for k in only_rb[:3]:
            print(f"     only read back: {k[:300]}")

print(f"{label}: {npass} passed, {nfail} failed")
sys.exit(1 if nfail else 0)
