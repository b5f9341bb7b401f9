#!/usr/bin/env python3
"""Open-loop load of AI-literacy test answers through the gateway (reports issue, write side).

Each student (a bearer token per line of --tokens) answers the item their adaptive test waits on
once every N / rate seconds, staggered, on a keep-alive connection of their own; when their test
is finished (or before the first answer) they start the next one first. Times count from each
answer's due time, so a late start counts against it. Prints one JSON object: offered and achieved
rates, answer latency percentiles, starts, finished attempts, errors.

    answers.py --port 8080 --tokens tokens.txt --rate 500 --seconds 60
"""
import argparse
import asyncio
import json
import random
import sys
import time


class Connection:
    def __init__(self, port):
        self.port = port
        self.reader = None
        self.writer = None

    async def request(self, method, path, token, body):
        data = json.dumps(body, separators=(",", ":")).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode()
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(head + data)
                await self.writer.drain()
                return await self.response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.writer = None
                if attempt == 1:
                    raise

    async def response(self):
        line = await self.reader.readuntil(b"\r\n")
        status = int(line.split()[1])
        length, chunked, close = None, False, False
        while True:
            h = await self.reader.readuntil(b"\r\n")
            if h == b"\r\n":
                break
            name, _, value = h.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                body += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
        else:
            body = await self.reader.readexactly(length or 0)
        if close:
            self.writer.close()
            self.writer = None
        return status, body


def answer_for(item, rng):
    options = [o["id"] for o in item.get("options") or []]
    kind = item["type"]
    if kind == "single":
        return {"itemId": item["id"], "choice": rng.choice(options)}
    if kind == "multiple":
        k = rng.randint(1, max(1, len(options)))
        return {"itemId": item["id"], "choices": sorted(rng.sample(options, k))}
    if kind == "ordering":
        order = options[:]
        rng.shuffle(order)
        return {"itemId": item["id"], "order": order}
    return {"itemId": item["id"], "text": "我认为人工智能要由人来把关。"}


async def student(i, token, args, t0, interval, stats):
    rng = random.Random(i)
    conn = Connection(args.port)
    attempt, item = None, None
    due = t0 + interval * i / args.students_count
    end = t0 + args.seconds
    while due < end:
        now = time.monotonic()
        if due > now:
            await asyncio.sleep(due - now)
        try:
            if attempt is None:
                started = time.monotonic()
                status, body = await conn.request("POST", "/v1/assessment/attempts", token, {"kind": "adaptive"})
                stats["start_ms"].append((time.monotonic() - started) * 1000)
                if status not in (200, 201):
                    stats["errors"].append(f"start {status} {body[:160]!r}")
                    due += interval
                    continue
                view = json.loads(body)
                stats["starts"] += 1
                attempt, item = view["id"], view.get("item")
                if view["status"] == "finished" or item is None:
                    attempt = None
                    due += interval
                    continue
            status, body = await conn.request("POST", f"/v1/assessment/attempts/{attempt}/responses", token, answer_for(item, rng))
            done = time.monotonic()
            if status != 200:
                stats["errors"].append(f"answer {status} {body[:160]!r}")
                attempt = None
            else:
                stats["answer_ms"].append((done - due) * 1000)
                view = json.loads(body)
                if view["status"] == "finished":
                    stats["finished"] += 1
                    attempt, item = None, None
                else:
                    item = view.get("item")
        except Exception as e:  # a broken connection counts as an error, the student goes on
            stats["errors"].append(f"{type(e).__name__}: {e}")
            conn = Connection(args.port)
            attempt = None
        due += interval


def percentile(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(len(s) * p))], 2)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--rate", type=float, default=500)
    p.add_argument("--seconds", type=float, default=60)
    args = p.parse_args()
    tokens = [t.strip() for t in open(args.tokens) if t.strip()]
    args.students_count = len(tokens)
    interval = len(tokens) / args.rate
    stats = {"answer_ms": [], "start_ms": [], "errors": [], "starts": 0, "finished": 0}
    t0 = time.monotonic() + 1.0
    await asyncio.gather(*(student(i, t, args, t0, interval, stats) for i, t in enumerate(tokens)))
    elapsed = time.monotonic() - t0
    a = stats["answer_ms"]
    print(json.dumps({
        "students": len(tokens), "offered_per_s": args.rate, "seconds": round(elapsed, 1),
        "answers": len(a), "achieved_per_s": round(len(a) / args.seconds, 1),
        "p50_ms": percentile(a, 0.5), "p95_ms": percentile(a, 0.95), "p99_ms": percentile(a, 0.99), "max_ms": percentile(a, 1.0),
        "starts": stats["starts"], "start_p95_ms": percentile(stats["start_ms"], 0.95), "finished": stats["finished"],
        "errors": len(stats["errors"]), "first_errors": stats["errors"][:5],
    }))


if __name__ == "__main__":
    asyncio.run(main())
