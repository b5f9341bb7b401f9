#!/usr/bin/env python3
"""Secrets never logged: greps logs for passwords and bearer tokens.

    secrets_scan.py [--tests DIR] [--secrets FILE]... [--min-passwords N] LOG...
    secrets_scan.py --self-check [--tests DIR]

What it looks for, in every line of every LOG:
  - the test passwords: string literals the Swift tests under --tests use as passwords
    (`static let password = "…"`, `password: "…"`, `"newPassword": "…"`, `hasher.hash("…")`,
    `echo '…' | … --password-stdin`); fewer than --min-passwords found means the extraction broke;
  - the secrets in each --secrets FILE: a TSV with a `password` column (the demo seed's
    demo-logins.tsv, ops/fuzz's staff-logins.tsv) or one secret per line (tokens, passwords);
  - any bearer token: `Bearer <16+ token characters>`, and any word shaped like the tokens
    AccountService mints (Digest.randomToken: 32 random bytes, base64url without padding, i.e.
    43 characters of [A-Za-z0-9_-] with upper case, lower case and a digit among them).
Prints FILE:LINE and what was found (the secret itself shortened), and exits 1 on any hit.
--self-check plants a minted-shaped token, a `Bearer` header and a test password in a file of its
own and fails unless all three are found, so that a scan which can no longer find anything fails.
"""
import argparse
import csv
import os
import re
import secrets
import base64
import sys
import tempfile

TOKEN_CHARS = "A-Za-z0-9_-"
# Exactly 43 token characters, not part of a longer run.
MINTED = re.compile(rf"(?<![{TOKEN_CHARS}])[{TOKEN_CHARS}]{{43}}(?![{TOKEN_CHARS}])")
BEARER = re.compile(r"[Bb]earer[ \t]+([A-Za-z0-9._~+/=-]{16,})")

LITERAL_PATTERNS = [
    re.compile(r"""[Pp]assword\w*"?\s*[:=]\s*"([^"\\\n]{8,})\""""),
    re.compile(r"""\b(?:hash|verify)\(\s*"([^"\\\n]{8,})\""""),
    re.compile(r"""echo\s+'([^'\n]{8,})'\s*\|[^\n]*--password-stdin"""),
]


def minted_shaped(word):
    return (any(c.isdigit() for c in word) and any(c.isupper() for c in word)
            and any(c.islower() for c in word))


def test_passwords(tests_dir):
    found = set()
    for root, _, files in os.walk(tests_dir):
        for name in files:
            if not name.endswith(".swift"):
                continue
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
            for pattern in LITERAL_PATTERNS:
                found.update(m.group(1) for m in pattern.finditer(text))
    return found


def file_secrets(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    lines = [l for l in text.splitlines() if l.strip()]
    if lines and "\t" in lines[0] and "password" in lines[0].split("\t"):
        return {row["password"] for row in csv.DictReader(lines, delimiter="\t") if row.get("password")}
    return {l.strip() for l in lines}


def shorten(secret):
    return secret[:4] + "…" + f"({len(secret)} chars)"


def scan(logs, known):
    # Longest first, so that a password containing another is named whole.
    known = sorted((s for s in known if len(s) >= 8), key=len, reverse=True)
    hits = []
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                for s in known:
                    if s in line:
                        hits.append(f"{path}:{number}: a known secret {shorten(s)}")
                        break
                for m in BEARER.finditer(line):
                    hits.append(f"{path}:{number}: a bearer token {shorten(m.group(1))}")
                for m in MINTED.finditer(line):
                    if minted_shaped(m.group(0)) and m.group(0) not in known:
                        hits.append(f"{path}:{number}: a word shaped like a minted token {shorten(m.group(0))}")
    return hits


def minted_like():
    while True:
        t = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        if minted_shaped(t):
            return t


def self_check(passwords):
    planted_password = sorted(passwords)[0]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "planted.log")
        with open(path, "w") as f:
            f.write("2026-01-01T00:00:00+0000 info qianxue: request method=GET route=/v1/me status=200\n")
            f.write(f"2026-01-01T00:00:00+0000 error qianxue: request failed token={minted_like()}\n")
            f.write(f"headers: [Authorization: Bearer {minted_like()}.x]\n")
            f.write(f'body: {{"password": "{planted_password}"}}\n')
            f.write("2026-01-01T00:00:00+0000 info qianxue: aTestNameOfFortyThreeCharactersWithNoDigits\n")
        hits = scan([path], passwords)
    lines = {h.split(":")[1] for h in hits}
    if lines != {"2", "3", "4"}:
        print("secrets-scan: the self-check failed: planted secrets on lines 2, 3 and 4, found:\n  "
              + "\n  ".join(hits or ["nothing"]), file=sys.stderr)
        return 1
    print(f"secrets-scan: self-check passed (a planted token, a Bearer header and a test password found, "
          f"a 43-letter name left alone)")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tests", default="Tests")
    p.add_argument("--secrets", action="append", default=[])
    p.add_argument("--min-passwords", type=int, default=8)
    p.add_argument("--self-check", action="store_true")
    p.add_argument("logs", nargs="*")
    args = p.parse_args()

    passwords = test_passwords(args.tests)
    if len(passwords) < args.min_passwords:
        print(f"secrets-scan: found {len(passwords)} test passwords in {args.tests}, expected at least "
              f"{args.min_passwords}: the extraction no longer matches how the tests write them", file=sys.stderr)
        return 1
    if args.self_check:
        return self_check(passwords)

    known = set(passwords)
    for path in args.secrets:
        known |= file_secrets(path)
    missing = [l for l in args.logs if not os.path.isfile(l)]
    if missing or not args.logs:
        print(f"secrets-scan: no log to scan: {' '.join(missing) or '(none given)'}", file=sys.stderr)
        return 1
    hits = scan(args.logs, known)
    lines = sum(1 for l in args.logs for _ in open(l, encoding="utf-8", errors="replace"))
    if hits:
        print(f"secrets-scan: FAILED: {len(hits)} secret(s) in the logs:", file=sys.stderr)
        for h in hits[:50]:
            print("  " + h, file=sys.stderr)
        return 1
    print(f"secrets-scan: no secret in {len(args.logs)} logs ({lines} lines; {len(passwords)} test passwords, "
          f"{len(known) - len(passwords)} run secrets, bearer and minted-token shapes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
