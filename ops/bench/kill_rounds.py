"""The rounds of ops/bench/kill-rounds: writes under SIGKILL, then the check that none was lost or doubled.

    python3 ops/bench/kill_rounds.py --binary B --engine postgres|sqlite --rounds N --seed S --work DIR
                                     --username U --password P

The server runs with the environment it is given (DATABASE_URL or QIANXUE_DATA_DIR). PostgreSQL is read
with QIANXUE_KILL_PSQL, SQLite with Python's sqlite3. Standard library only.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

WRITERS = 4


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(port, method, path, body=None, headers=None, timeout=10):
    """(status, headers, json or None); raises OSError when there is no answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        h = {"Content-Type": "application/json", "Accept": "application/json"}
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        parsed = json.loads(raw) if raw and "json" in (r.getheader("Content-Type") or "") else None
        return r.status, dict(r.getheaders()), parsed
    finally:
        conn.close()


class Server:
    def __init__(self, binary, work):
        self.binary, self.work, self.proc, self.port = binary, work, None, None
        self.starts = []

    def start(self):
        self.port = free_port()
        log = open(os.path.join(self.work, "serve.log"), "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([self.binary, "serve", "--port", str(self.port)], stdout=log, stderr=log)
        while time.monotonic() - t0 < 120:
            if self.proc.poll() is not None:
                sys.exit(f"kill-rounds: the server exited with {self.proc.returncode} at start (log: {log.name})")
            try:
                if call(self.port, "GET", "/ready", timeout=2)[0] == 200:
                    self.starts.append(time.monotonic() - t0)
                    return
            except OSError:
                pass
            time.sleep(0.05)
        sys.exit("kill-rounds: the server did not become ready in 120 s")

    def kill(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM, as an operator stops it; a server still there after 30 s is reported and killed."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print("kill-rounds: the server did not stop within 30 s of SIGTERM; killed", file=sys.stderr)
                self.kill()


class Journal:
    """What each key was sent as and what the server answered for it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.bodies = {}  # key -> body
        self.acked = {}  # key -> school id from a 2xx answer
        self.unacked = set()

    def sent(self, key, body):
        with self.lock:
            self.bodies[key] = body
            self.unacked.add(key)

    def answered(self, key, school_id):
        with self.lock:
            if key in self.acked and self.acked[key] != school_id:
                raise AssertionError(f"key {key} answered with {school_id} after {self.acked[key]}")
            self.acked[key] = school_id
            self.unacked.discard(key)


def create(port, token, key, body, timeout=10):
    return call(port, "POST", "/v1/schools", body, {"Authorization": "Bearer " + token, "Idempotency-Key": key}, timeout)


def writer(port, token, journal, round_no, w, stop, counts):
    i = 0
    while not stop.is_set():
        key = f"kr-{round_no}-{w}-{i}"
        body = {"name": f"kill-round {round_no}-{w}-{i}", "countyCode": "520302", "stages": ["primary"], "locale": "urban"}
        i += 1
        journal.sent(key, body)
        try:
            status, _, doc = create(port, token, key, body)
        except OSError:
            counts["no answer"] += 1
            return  # the server is gone: this key is retried after the restart
        if status == 201:
            journal.answered(key, doc["id"])
            counts["acked"] += 1
        else:
            raise AssertionError(f"{key}: answered {status} {doc}")


def resend(port, token, journal, key, deadline):
    """Sends a key again until it is answered (201, or a replay); 409 'still running' waits and retries."""
    while True:
        try:
            status, headers, doc = create(port, token, key, journal.bodies[key])
        except OSError:
            status, headers, doc = None, {}, None
        if status == 201:
            journal.answered(key, doc["id"])
            return headers.get("Idempotent-Replayed") == "true"
        if time.monotonic() > deadline:
            raise AssertionError(f"{key}: no answer after the restart (last: {status} {doc})")
        time.sleep(0.2)


def stored(args):
    """name -> [ids] of the schools the rounds created, read from the database itself."""
    query = "SELECT name, id FROM schools WHERE name LIKE 'kill-round %'"
    rows = []
    if args.engine == "postgres":
        out = subprocess.run([os.environ["QIANXUE_KILL_PSQL"], os.environ["DATABASE_URL"], "-At", "-F", "\t", "-c", query],
                             check=True, capture_output=True, text=True).stdout
        rows = [line.split("\t") for line in out.splitlines() if line]
    else:
        db = sqlite3.connect(os.path.join(os.environ["QIANXUE_DATA_DIR"], "qianxue.sqlite"))
        rows = [(n, str(i)) for n, i in db.execute(query)]
        db.close()
    found = {}
    for name, sid in rows:
        found.setdefault(name, []).append(sid.lower())
    return found


def main():
    ap = argparse.ArgumentParser()
    for a in ["binary", "engine", "work", "username", "password"]:
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    server = Server(args.binary, args.work)
    journal = Journal()
    totals = {"acked": 0, "no answer": 0, "resent": 0, "replayed": 0, "rewritten": 0, "resent acked": 0}
    t_start = time.monotonic()
    server.start()
    status, _, doc = call(server.port, "POST", "/v1/auth/login", {"username": args.username, "password": args.password})
    if status != 200:
        sys.exit(f"kill-rounds: sign-in answered {status} {doc}")
    token = doc["token"]
    # For ops/test's scan of the logs (secrets never logged): the token this run must not see logged.
    with open(os.path.join(args.work, "token"), "w") as f:
        f.write(token + "\n")
    try:
        for r in range(1, args.rounds + 1):
            counts = {"acked": 0, "no answer": 0}
            stop = threading.Event()
            errors = []

            def run(w):
                try:
                    writer(server.port, token, journal, r, w, stop, counts)
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append(e)

            threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.2, 1.5))
            server.kill()
            stop.set()
            for t in threads:
                t.join()
            if errors:
                raise errors[0]
            server.start()
            # every unanswered key again, with its key; and a sample of answered ones
            pending = sorted(journal.unacked)
            replayed = rewritten = 0
            deadline = time.monotonic() + float(os.environ.get("QIANXUE_KILL_RESEND_SECONDS", "30"))
            for key in pending:
                if resend(server.port, token, journal, key, deadline):
                    replayed += 1
                else:
                    rewritten += 1
            acked_before = [k for k in journal.acked if k.startswith(f"kr-{r}-") and k not in pending]
            sample = rng.sample(acked_before, min(3, len(acked_before)))
            for key in sample:
                before = journal.acked[key]
                if not resend(server.port, token, journal, key, deadline) or journal.acked[key] != before:
                    raise AssertionError(f"{key}: an answered key was not replayed with its first answer")
            # then the database holds each acknowledged write once, with the answered id, and nothing twice
            found = stored(args)
            doubled = {n: ids for n, ids in found.items() if len(ids) > 1}
            if doubled:
                raise AssertionError(f"written twice: {doubled}")
            for key, sid in journal.acked.items():
                name = journal.bodies[key]["name"]
                if found.get(name) != [sid.lower()]:
                    raise AssertionError(f"{key}: answered {sid}, stored {found.get(name)}")
            if len(found) != len(journal.acked):
                raise AssertionError(f"{len(found)} schools stored for {len(journal.acked)} answered keys")
            for k, v in [("acked", counts["acked"]), ("no answer", counts["no answer"]), ("resent", len(pending)),
                         ("replayed", replayed), ("rewritten", rewritten), ("resent acked", len(sample))]:
                totals[k] += v
            print(f"round {r:3d}: {counts['acked']:4d} acknowledged before SIGKILL, {len(pending)} unanswered sent again "
                  f"({replayed} replayed: written before the kill; {rewritten} written now), "
                  f"{len(sample)} answered sent again (replayed), {len(found)} schools in all: ok", flush=True)
    except AssertionError as e:
        print(f"kill-rounds: FAILED in round {r} (--seed {args.seed}): {e}", file=sys.stderr)
        with open(os.path.join(args.work, "serve.log"), errors="replace") as log:
            tail = log.readlines()[-15:]
        print("kill-rounds: the server's log ends:\n" + "".join("    " + line for line in tail), file=sys.stderr)
        server.stop()
        return 1
    server.stop()
    starts = sorted(server.starts)
    print(f"kill-rounds: {args.rounds} rounds on {args.engine} (--seed {args.seed}) passed in {time.monotonic() - t_start:.0f} s: "
          f"{len(journal.acked)} writes acknowledged, none lost, none doubled; {totals['resent']} unanswered keys sent "
          f"again after SIGKILL ({totals['replayed']} replayed, {totals['rewritten']} written then); "
          f"{totals['resent acked']} answered keys replayed; server start p50 {starts[len(starts) // 2]:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
