"""ops/bench/load's bookkeeping: one record per phase, the step test, and the verdict.

    python3 ops/lib/bench_load.py record RESULTS NAME RATE CHAT_RATE CONNS MIX_OUT CHAT_OUT
    python3 ops/lib/bench_load.py holds RESULTS          exit 0 if the last step held
    python3 ops/lib/bench_load.py verdict RESULTS SERVER_LOG   exit 1 if the surge rule was broken

MIX_OUT and CHAT_OUT are the lines ops/bench/load.lua wrote. Standard library only.
"""

import json
import sys

MEDIAN_RATIO, P99_RATIO, CHAT_RATIO = 1.5, 3.0, 2.0
# Below these the ratios only measure the timer's grain and the shared machine's noise.
MEDIAN_SLACK_MS, P99_SLACK_MS, CHAT_SLACK_MS = 2.0, 20.0, 50.0


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def statuses(part):
    return {k: v for k, v in part["counts"].items() if " " not in k}


def socket_errors(part):
    return sum(part["socket"].values())


def ms(us):
    return us / 1000.0


def row(r):
    def fmt(part, offered):
        got = part["requests"] / part["seconds"] if part["seconds"] else 0
        st = " ".join(f"{k}:{v}" for k, v in sorted(statuses(part).items()))
        errs = socket_errors(part)
        extra = (f" socket-errors:{errs}" if errs else "") + (f" no-retry-after:{part['missingRetryAfter']}" if part["missingRetryAfter"] else "") \
            + (f" stream-errors:{part['streamErrors']}" if part["streamErrors"] else "")
        lat = part["latencyUs"]
        return f"{offered:>7.1f} {got:>7.1f}/s  p50 {ms(lat['p50']):7.1f}  p90 {ms(lat['p90']):7.1f}  p99 {ms(lat['p99']):7.1f} ms  [{st}]{extra}"
    return f"{r['phase']:<13} mix  {fmt(r['mix'], r['rate'])}\n{'':<13} chat {fmt(r['chat'], r['chatRate'])}"


def record(args):
    results, name, rate, chat_rate, conns, mix_out, chat_out = args
    r = {"phase": name, "rate": float(rate), "chatRate": float(chat_rate), "connections": int(conns),
         "mix": load(mix_out)[-1], "chat": load(chat_out)[-1]}
    with open(results, "a") as f:
        f.write(json.dumps(r) + "\n")
    print(row(r), flush=True)


def clean(part):
    """Every answer a success: no refusal, no error, no socket error, no error event in a stream."""
    bad = {k: v for k, v in statuses(part).items() if not k.startswith("2")}
    return not bad and socket_errors(part) == 0 and part["streamErrors"] == 0


def holds(args):
    r = load(args[0])[-1]
    mix, chat = r["mix"], r["chat"]
    arrived = mix["requests"] / mix["seconds"] >= 0.95 * r["rate"]
    chats_arrived = chat["requests"] / chat["seconds"] >= 0.85 * r["chatRate"]
    fast = ms(mix["latencyUs"]["p99"]) <= 500
    ok = arrived and chats_arrived and fast and clean(mix) and clean(chat)
    if not ok:
        why = [w for w, bad in [("the offered rate was not reached", not arrived), ("the chats fell behind", not chats_arrived),
                                ("p99 over 500 ms", not fast), ("answers other than 2xx", not (clean(mix) and clean(chat)))] if bad]
        print(f"    the step at {r['rate']:.0f}/s did not hold: {', '.join(why)}")
    sys.exit(0 if ok else 1)


def verdict(args):
    results, server_log = args
    rs = load(results)
    before = next(r for r in rs if r["phase"] == "before")
    surge = next(r for r in rs if r["phase"] == "surge")
    after = [r for r in rs if r["phase"].startswith("after")]
    problems = []

    # The surge: only 429/503 with Retry-After added to what the sustainable load gets.
    for part in ("mix", "chat"):
        base, s = before[part], surge[part]
        added = {k: v for k, v in statuses(s).items() if k not in statuses(base) and k not in ("429", "503")}
        if added:
            problems.append(f"surge ({part}): answers the sustainable load never got: {added}")
        if s["missingRetryAfter"]:
            problems.append(f"surge ({part}): {s['missingRetryAfter']} answers 429/503 without Retry-After")
        if socket_errors(s):
            problems.append(f"surge ({part}): socket errors (refused, reset or timed out): {s['socket']}")
        if s["streamErrors"] > base["streamErrors"]:
            problems.append(f"surge ({part}): {s['streamErrors']} streams ended with an error event")
    refused = sum(v for k, v in statuses(surge["mix"]).items() if k in ("429", "503")) \
        + sum(v for k, v in statuses(surge["chat"]).items() if k in ("429", "503"))
    total = surge["mix"]["requests"] + surge["chat"]["requests"]

    # Recovery: the first window from which every later one is back near the baseline.
    b50, b99 = ms(before["mix"]["latencyUs"]["p50"]), ms(before["mix"]["latencyUs"]["p99"])
    c50 = ms(before["chat"]["latencyUs"]["p50"])

    def within(m50, m99, k50):
        return (m50 <= max(b50 * MEDIAN_RATIO, b50 + MEDIAN_SLACK_MS) and m99 <= max(b99 * P99_RATIO, b99 + P99_SLACK_MS)
                and k50 <= max(c50 * CHAT_RATIO, c50 + CHAT_SLACK_MS))

    def figures(r):
        return ms(r["mix"]["latencyUs"]["p50"]), ms(r["mix"]["latencyUs"]["p99"]), ms(r["chat"]["latencyUs"]["p50"])

    def middle(xs):
        xs = sorted(xs)
        return xs[len(xs) // 2]

    # Back to normal: the first window that is, provided the windows from it on are too, taken
    # together (the median of each figure over them): one window of a noisy neighbour's build later
    # on is the machine, not the server.
    recovered_at = None
    for i, r in enumerate(after):
        rest = [figures(x) for x in after[i:]]
        if within(*figures(r)) and within(*(middle(col) for col in zip(*rest))):
            recovered_at = r["phase"].split("+")[1]
            break
    if recovered_at is None:
        problems.append("latency did not return to normal within the windows after the surge")
    else:
        end = int(recovered_at.rstrip("s"))
        if end > 60:
            problems.append(f"latency returned to normal only in the window ending {recovered_at} after the surge (rule: 60 s)")
    with open(server_log, errors="replace") as f:
        failed = sum(1 for line in f if "request failed" in line)

    s_mix = surge["mix"]
    print("\nVerdict")
    print(f"  sustainable {before['rate']:.0f} requests/s (+ {before['chatRate']:.1f} chats/s); "
          f"surge offered {surge['rate']:.0f}/s, achieved {s_mix['requests'] / s_mix['seconds']:.0f}/s, "
          f"{refused} of {total} answers refused (429/503 with Retry-After)")
    print(f"  latency before: median {b50:.1f} ms, p99 {b99:.1f} ms, chat median {c50:.1f} ms; "
          f"during the surge: median {ms(s_mix['latencyUs']['p50']):.1f} ms, p99 {ms(s_mix['latencyUs']['p99']):.1f} ms; "
          f"back to normal in the window ending {recovered_at or 'never'}")
    by_kind = {}
    for part in ("mix", "chat"):
        for k, v in surge[part]["counts"].items():
            if " " in k and not k.split(" ")[1].startswith("2"):
                by_kind[k] = by_kind.get(k, 0) + v
    if by_kind:
        print("  refused during the surge, by kind: " + ", ".join(f"{k} ×{v}" for k, v in sorted(by_kind.items(), key=lambda x: -x[1])))
    print(f"  the server logged {failed} requests answered 5xx (the refusals included)")
    for p in problems:
        print(f"  BROKEN: {p}")
    print("ops/bench/load: " + ("the surge rule holds" if not problems else "FAILED: the surge rule is broken"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    {"record": record, "holds": holds, "verdict": verdict}[sys.argv[1]](sys.argv[2:])
