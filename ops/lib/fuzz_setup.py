"""ops/fuzz's setup: signs in as every role over the API and writes one schemathesis config per role.

    python3 ops/lib/fuzz_setup.py BASE_URL DEMO_LOGINS_TSV STAFF_LOGINS_TSV OUT_DIR

BASE_URL is the running server; DEMO_LOGINS_TSV the file `qianxue seed demo` wrote; STAFF_LOGINS_TSV
the admin and bureau logins ops/fuzz created (username, password, role). Writes, for each role in
ROLES, OUT_DIR/ROLE.token (the bearer token) and OUT_DIR/ROLE.toml (a schemathesis config whose
dictionaries hold the seeded data's real IDs, so that generated requests reach the handlers instead of
stopping at a 404 for a random UUID: schools, classes, users, lessons, regions, and an assignment, a
draft, a companion session, a safety flag and an assessment attempt created here; the erasure
route gets only the imported pupils, see `spares`). Every dictionary
is bound with a probability below 1, so random values are still sent too. Also writes
OUT_DIR/roster.zip, a OneRoster package the server accepts (see fresh_people). Standard library only.
"""

import csv
import io
import json
import sys
import urllib.error
import urllib.request
import uuid
import zipfile

# The order ops/fuzz runs them in: the least privileged first, so that what an admin's run changes
# (exam mode, quotas, rules) cannot lock a later role out of the paths it should reach.
ROLES = ["student", "teacher", "school_admin", "bureau", "admin"]


def request(base, method, path, token=None, body=None, accept="application/json", content_type="application/json"):
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Accept", accept)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and "json" in r.headers.get("Content-Type", "") else raw)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw


def must(result, what):
    status, body = result
    if status >= 300:
        sys.exit(f"fuzz setup: {what} answered {status}: {body!r}"[:600])
    return body


def tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return [dict(zip(lines[0], row)) for row in lines[1:]]


def login(base, username, password):
    body = must(request(base, "POST", "/v1/auth/login", body={"username": username, "password": password}),
                f"signing in as {username}")
    return body["token"], body["user"]


def fresh_people(package):
    """The package with every user and enrollment given a new sourcedId and every username a `fz.` prefix."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        for name in z.namelist():
            files[name] = z.read(name).decode("utf-8")
    old_ids = [r["sourcedId"] for name in ("users.csv", "enrollments.csv")
               for r in csv.DictReader(io.StringIO(files.get(name, "")))]
    namespace = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
    for name in files:
        for old in old_ids:
            files[name] = files[name].replace(old, str(uuid.uuid5(namespace, "qianxue-fuzz:" + old)))
    rows = list(csv.reader(io.StringIO(files["users.csv"])))
    column = rows[0].index("username")
    for row in rows[1:]:
        row[column] = "fz." + row[column]
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n" if "\r\n" in files["users.csv"] else "\n").writerows(rows)
    files["users.csv"] = text.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    base, demo_path, staff_path, out = sys.argv[1:5]
    base = base.rstrip("/")
    demo = tsv(demo_path)
    staff = tsv(staff_path)

    # One login per role; the school roles come from the first demo school, whose teacher's first
    # class the student sits in (the seed writes them in that order).
    first_school = demo[0]["school"]
    chosen = {}
    for row in staff + demo:
        if row["role"] in chosen:
            continue
        if row["role"] in ("school_admin", "teacher", "student") and row["school"] != first_school:
            continue
        chosen[row["role"]] = row
    missing = [r for r in ROLES if r not in chosen]
    if missing:
        sys.exit(f"fuzz setup: no login for {missing}")
    sessions = {role: login(base, chosen[role]["username"], chosen[role]["password"]) for role in ROLES}
    admin = sessions["admin"][0]
    teacher = sessions["teacher"][0]
    student, student_user = sessions["student"]

    # The seeded world, read as the admin.
    users = must(request(base, "GET", "/v1/users?pageSize=500", admin), "listing users")["items"]
    demo_names = {row["username"] for row in demo}
    demo_users = [u for u in users if u["username"] in demo_names]
    school_ids = sorted({u["schoolId"] for u in demo_users if u.get("schoolId")})
    class_ids = []
    for s in school_ids:
        page = must(request(base, "GET", f"/v1/schools/{s}/classes?pageSize=500", admin), "listing classes")
        class_ids += [c["id"] for c in page["items"]]
    units = must(request(base, "GET", "/v1/curriculum/units", admin), "listing units")["items"]
    lessons = [lesson["slug"] for unit in units for lesson in unit.get("lessons", [])]
    # A few of each band, not all: a dictionary draws uniformly and a hundred slugs would dilute it.
    by_band = {}
    for unit in units:
        for lesson in unit.get("lessons", []):
            by_band.setdefault(lesson["band"], []).append(lesson["slug"])
    lessons = [slug for slugs in by_band.values() for slug in slugs[:3]]
    pd_units = [u["unit"] for u in must(request(base, "GET", "/v1/me/pd", teacher), "listing PD units")["items"]]
    milestones = [m["code"] for m in must(request(base, "GET", f"/v1/schools/{school_ids[0]}/pilot", admin),
                                           "reading the pilot record")["milestones"]]
    counties = []
    for s in school_ids:
        school = must(request(base, "GET", f"/v1/schools/{s}", admin), "reading a school")
        counties.append(school["countyCode"])
    regions = sorted({"52", "5205", "5203"} | {c[:4] for c in counties} | set(counties))

    # Objects that only exist once someone acts: made here so that their routes see real IDs too.
    teacher_classes = must(request(base, "GET", "/v1/me/classes", teacher), "listing the teacher's classes")["items"]
    own_class = teacher_classes[0]["id"]
    band_lessons = by_band.get(teacher_classes[0]["band"]) or lessons
    assignment = must(request(base, "POST", "/v1/assignments", teacher,
                              {"classId": own_class, "lessonSlug": band_lessons[0], "companionMode": "guided"}),
                      "creating an assignment")["id"]
    draft = must(request(base, "POST", "/v1/assistant/drafts", teacher,
                         {"kind": "lessonPlan", "lessonSlug": band_lessons[0], "classId": own_class}),
                 "creating a draft")["id"]
    # The student run's companion routes go out as a second student of the same class: the first
    # one's run starts assessment attempts, and an attempt in progress locks the companion (423),
    # which would leave the chat and its stream untested. Both are under 14: a guardian's consent,
    # recorded by the school admin, opens the companion to them.
    classmates = [row for row in demo if row["role"] == "student" and row["school"] == first_school]
    companion_login = classmates[1]
    companion_token, companion_user = login(base, companion_login["username"], companion_login["password"])
    for who in (student_user, companion_user):
        must(request(base, "POST", f"/v1/students/{who['id']}/consent", sessions["school_admin"][0],
                     {"note": "fuzz setup"}), "recording a consent")
    # Several sessions: the run closes some of them early on, and a closed one only answers 409.
    open_sessions = [must(request(base, "POST", "/v1/companion/sessions", companion_token, {"assignmentId": assignment}),
                          "opening a companion session")["id"] for _ in range(4)]
    session = open_sessions[0]
    # A message the safety screen flags, so that the flag routes have a real flag.
    request(base, "POST", f"/v1/companion/sessions/{session}/messages", companion_token, {"content": "我不想活了，活着没意思"})
    flags = [f["id"] for f in must(request(base, "GET", "/v1/safety/flags", teacher), "listing flags")["items"]]
    attempt_login = classmates[2]
    attempt_token, _ = login(base, attempt_login["username"], attempt_login["password"])
    attempt = must(request(base, "POST", "/v1/assessment/attempts", attempt_token, {"kind": "adaptive"}),
                   "starting an assessment attempt")["id"]

    # A OneRoster package the importer accepts: the first demo school's export with its people
    # renamed and re-identified (so they are new people, not someone else's usernames), imported
    # once here; the zip serializer (ops/lib/fuzz_hooks.py) sends it again, and a re-import changes
    # nothing.
    status, exported = request(base, "GET", f"/v1/rostering/oneroster?school={school_ids[0]}", admin, accept="application/zip")
    if status != 200:
        sys.exit(f"fuzz setup: exporting the OneRoster package answered {status}")
    package = fresh_people(exported)
    must(request(base, "POST", "/v1/rostering/oneroster", admin, package, content_type="application/zip"),
         "importing the renamed package")
    with open(f"{out}/roster.zip", "wb") as f:
        f.write(package)
    # DELETE /v1/students/{id}/data erases whom it names: it gets the imported pupils (the `fz.`
    # people, in a school of their own), never the demo world's, which every other route keeps
    # reading. Half of them for the school admin's run — sent with the token of the imported school's
    # admin, activated here, since the demo school admin would only meet 404 — and half for the
    # admin's, so that each run erases someone rather than only meeting the other run's 410.
    imported = [u for u in must(request(base, "GET", "/v1/users?role=student&pageSize=500", admin), "listing pupils")["items"]
                if u["username"].startswith("fz.")]
    spares = sorted(u["id"] for u in imported)
    if len(spares) < 2:
        sys.exit(f"fuzz setup: the imported package gave {len(spares)} pupils to erase, not at least 2")
    fz_school = imported[0]["schoolId"]
    status, codes = request(base, "POST", f"/v1/schools/{fz_school}/activation-codes", admin, accept="text/csv")
    if status != 200:
        sys.exit(f"fuzz setup: issuing activation codes for the imported school answered {status}")
    code_rows = list(csv.DictReader(io.StringIO(codes.decode("utf-8") if isinstance(codes, bytes) else str(codes))))
    fz_admin = next((r for r in code_rows if r.get("role") == "school_admin"), None)
    if fz_admin is None:
        sys.exit("fuzz setup: the imported school has no school admin to activate")
    fz_password = "Fz-" + uuid.uuid4().hex
    must(request(base, "POST", "/v1/auth/activate",
                 body={"code": fz_admin["code"], "username": fz_admin["username"], "newPassword": fz_password}),
         "activating the imported school's admin")
    fz_admin_token, _ = login(base, fz_admin["username"], fz_password)

    user_ids = [u["id"] for u in demo_users]
    dictionaries = {
        "schools": school_ids,
        "classes": class_ids,
        "users": user_ids,
        "lessons": lessons,
        "pd": pd_units,
        "milestones": milestones,
        "regions": regions,
        "assignments": [assignment],
        "drafts": [draft],
        "sessions": open_sessions,
        "flags": flags or [session],
        "attempts": [attempt],
        "sourced": school_ids + class_ids + user_ids,
    }
    # Path parameters by route; the same `id` means a different kind of object on each.
    path_bindings = [
        (r"^/v1/schools/\{id\}", "id", "schools"),
        (r"^/v1/inference/quotas/schools/\{id\}", "id", "schools"),
        (r"^/v1/classes/\{id\}", "id", "classes"),
        (r"^/v1/(users|students)/\{id\}(?!/data$)", "id", "users"),
        (r"^/v1/students/\{id\}/data$", "id", "spares"),
        (r"^/v1/assignments/\{id\}", "id", "assignments"),
        (r"^/v1/companion/sessions/\{id\}", "id", "sessions"),
        (r"^/v1/assistant/drafts/\{id\}", "id", "drafts"),
        (r"^/v1/safety/flags/\{id\}", "id", "flags"),
        (r"^/v1/assessment/attempts/\{id\}", "id", "attempts"),
        (r"^/v1/curriculum/lessons/\{slug\}", "slug", "lessons"),
        (r"^/v1/curriculum/pd/\{slug\}", "slug", "pd"),
        (r"^/v1/(regions|inference/quotas/counties)/\{code\}", "code", "regions"),
        (r"^/v1/schools/\{id\}/pilot/milestones/\{code\}", "code", "milestones"),
        (r"^/ims/oneroster/", "sourcedId", "sourced"),
    ]
    # Query and body fields that name seeded objects, on every route that has them.
    global_bindings = {
        "query.school": "schools", "query.classId": "classes", "query.region": "regions",
        "query.lessonSlug": "lessons", "query.county": "regions",
        "body.classId": "classes", "body.lessonSlug": "lessons", "body.assignmentId": "assignments",
        "body.userId": "users", "body.sessionId": "sessions", "body.quizId": "drafts",
    }

    for role in ROLES:
        token = sessions[role][0]
        dictionaries["spares"] = spares[1::2] if role == "admin" else spares[0::2]
        lines = [f"# ops/fuzz: the seeded world's IDs for the {role} run (generated; see ops/lib/fuzz_setup.py)."]
        if role == "student":
            lines += ["[[operations]]", 'include-path-regex = "^/v1/companion/"',
                      f'headers = {{ Authorization = "Bearer {companion_token}" }}', ""]
        for name, values in dictionaries.items():
            lines += [f"[dictionaries.{name}]", "values = [" + ", ".join(toml_str(v) for v in values) + "]", ""]
        lines.append("[parameters]")
        for key, name in global_bindings.items():
            lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}')
        lines.append("")
        for regex, param, name in path_bindings:
            lines += ["[[operations]]", f"include-path-regex = {toml_str(regex)}",
                      f'parameters = {{ "path.{param}" = {{ dictionary = "{name}", probability = 0.7 }} }}']
            if name == "spares" and role == "school_admin":
                lines.append(f'headers = {{ Authorization = "Bearer {fz_admin_token}" }}')
            lines.append("")
        with open(f"{out}/{role}.toml", "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        with open(f"{out}/{role}.token", "w") as f:
            f.write(token)
    who = ", ".join(f"{r} ({chosen[r]['username']})" for r in ROLES)
    print(f"signed in as {who}; "
          f"{len(school_ids)} schools, {len(class_ids)} classes, {len(user_ids)} users, {len(flags)} flags, "
          f"{len(spares)} pupils to erase in the dictionaries")


if __name__ == "__main__":
    main()
