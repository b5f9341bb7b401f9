"""ops/bench/load's setup: signs in the seeded world and writes the request templates wrk sends.

    python3 ops/lib/bench_setup.py BASE_URL DEMO_LOGINS_TSV STAFF_LOGINS_TSV OUT_DIR

The world is the one ops/fuzz uses (`qianxue seed demo` plus an admin and a prefecture's bureau user,
see ops/lib/serve.sh), and the HTTP helpers are ops/lib/fuzz_setup.py's. Every demo user and both
staff users sign in once; every student gets a guardian's consent (the demo students are under 14),
each class an assignment in guided mode, each student an open companion session.

Writes OUT_DIR/mix.tsv (reads and sign-ins drawn by weight, spread over all the users so that each
stays under its own rate limit at the sustainable rate) and OUT_DIR/chat.tsv (one line per student:
a message to their own session, answered as a stream). Format: see ops/bench/load.lua.
Standard library only.
"""

import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_setup import login, must, request, tsv  # noqa: E402

# Share of the mix (per cent) by kind of request; each kind is spread evenly over the users who make it.
MIX = {
    "curriculum-units": 12, "curriculum-lesson": 14, "curriculum-search": 6,
    "my-assignments": 18, "my-classes": 5, "me": 5,
    "registry-classes": 8, "registry-students": 8, "registry-users": 6,
    "report-usage": 5, "report-pilot": 3, "report-literacy": 3,
    "login": 2,
}
# The reports sit behind rollups and a hash-chained audit write per pull; sign-ins cost a bcrypt
# verification (cost 12, about a quarter of a core-second): both are small shares, as in real use.
POOL = 2400


def main():
    base, demo_path, staff_path, out = sys.argv[1:5]
    base = base.rstrip("/")
    demo = tsv(demo_path)
    staff = tsv(staff_path)
    people = []  # (row, token, user)
    for row in staff + demo:
        token, user = login(base, row["username"], row["password"])
        people.append((row, token, user))
    by_role = {}
    for p in people:
        by_role.setdefault(p[0]["role"], []).append(p)
    admin = by_role["admin"][0][1]

    units = must(request(base, "GET", "/v1/curriculum/units", admin), "listing units")["items"]
    slugs = [lesson["slug"] for unit in units for lesson in unit.get("lessons", [])]
    lines = {kind: [] for kind in MIX}

    def add(kind, method, path, token, body=""):
        lines[kind].append((method, path, token, body))

    everyone = [p[1] for p in people]
    for i, token in enumerate(everyone):
        add("curriculum-units", "GET", "/v1/curriculum/units", token)
        add("curriculum-lesson", "GET", f"/v1/curriculum/lessons/{slugs[(i * 7) % len(slugs)]}", token)
        q = ["侗族大歌", "人工智能", "遵义会议", "数据", "苗族银饰"][i % 5]
        add("curriculum-search", "GET", "/v1/curriculum/search?q=" + urllib.parse.quote(q), token)
        add("me", "GET", "/v1/me", token)

    consent_by_school = {p[0]["school"]: p[1] for p in by_role["school_admin"]}
    chats = []
    for row, token, user in by_role["teacher"]:
        classes = must(request(base, "GET", "/v1/me/classes", token), "listing a teacher's classes")["items"]
        add("my-classes", "GET", "/v1/me/classes", token)
        for c in classes:
            add("registry-students", "GET", f"/v1/classes/{c['id']}/students", token)
            band = [lesson["slug"] for unit in units for lesson in unit.get("lessons", []) if lesson["band"] == c["band"]] or slugs
            must(request(base, "POST", "/v1/assignments", token,
                         {"classId": c["id"], "lessonSlug": band[0], "companionMode": "guided"}), "creating an assignment")
    for row, token, user in by_role["school_admin"]:
        school = user["schoolId"]
        add("registry-classes", "GET", f"/v1/schools/{school}/classes", token)
        add("registry-users", "GET", f"/v1/users?school={school}&pageSize=50", token)
    for row, token, user in by_role["student"]:
        must(request(base, "POST", f"/v1/students/{user['id']}/consent", consent_by_school[row["school"]],
                     {"note": "ops/bench/load"}), "recording a consent")
        add("my-assignments", "GET", "/v1/me/assignments", token)
        mine = must(request(base, "GET", "/v1/me/assignments", token), "listing a student's assignments")["items"]
        session = must(request(base, "POST", "/v1/companion/sessions", token, {"assignmentId": mine[0]["id"]}),
                       "opening a companion session")["id"]
        body = json.dumps({"content": "这一课讲了什么？我应该先想哪一个问题？"}, ensure_ascii=False)
        chats.append(("chat", "POST", f"/v1/companion/sessions/{session}/messages", token, body))
    for row, token, user in by_role["bureau"] + by_role["admin"]:
        region = "5205" if row["role"] == "bureau" else "52"
        add("report-usage", "GET", f"/v1/reports/usage?region={region}", token)
        add("report-pilot", "GET", f"/v1/reports/pilot-programme?region={region}", token)
        add("report-literacy", "GET", f"/v1/reports/literacy?region={region}", token)
    for row, token, user in people:
        if row["role"] in ("student", "teacher"):
            add("login", "POST", "/v1/auth/login", "",
                json.dumps({"username": row["username"], "password": row["password"]}))

    with open(f"{out}/mix.tsv", "w", encoding="utf-8") as f:
        for kind, share in MIX.items():
            weight = max(1, round(POOL * share / 100 / len(lines[kind])))
            for method, path, token, body in lines[kind]:
                f.write("\t".join([kind, str(weight), method, path, token, body]) + "\n")
    with open(f"{out}/chat.tsv", "w", encoding="utf-8") as f:
        for kind, method, path, token, body in chats:
            f.write("\t".join([kind, "1", method, path, token, body]) + "\n")
    os.chmod(f"{out}/mix.tsv", 0o600)
    os.chmod(f"{out}/chat.tsv", 0o600)
    print(f"signed in {len(people)} users; {sum(len(v) for v in lines.values())} request templates, "
          f"{len(chats)} companion sessions")


if __name__ == "__main__":
    main()
