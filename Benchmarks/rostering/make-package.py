#!/usr/bin/env python3
"""Writes a synthetic OneRoster 1.2 CSV package for the import benchmark.

    Benchmarks/rostering/make-package.py OUT_DIR --students 100000 [--schools 20] [--seed 42]

One row per student in users, roles, demographics and enrollments; a teacher per class of 45;
schools in real Guizhou counties (their 6-digit code as the org identifier). Deterministic.
"""
import argparse, csv, os, random

HEADERS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "users": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus",
}
COUNTIES = ["520102", "520302", "520402", "520502", "520602", "522301", "522601", "522701", "520201"]
STAMP = "2026-09-01T00:00:00.000Z"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--students", type=int, default=100000)
    ap.add_argument("--schools", type=int, default=20)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    files = {n: open(os.path.join(a.out, f"{n}.csv"), "w", newline="", encoding="utf-8") for n in HEADERS}
    w = {n: csv.writer(f, lineterminator="\r\n") for n, f in files.items()}
    for n, h in HEADERS.items():
        w[n].writerow(h.split(","))
    w["academicSessions"].writerow(["T2026-1", "active", STAMP, "2026-2027 秋季学期", "term", "2026-09-01", "2027-01-31", "", "2027"])
    w["courses"].writerow(["C-AI", "active", STAMP, "", "人工智能", "AI", "", "S0", "", ""])
    per_school = a.students // a.schools
    s_no = 0
    for sc in range(a.schools):
        org = f"S{sc}"
        w["orgs"].writerow([org, "active", STAMP, f"基准测试学校{sc}", "school", COUNTIES[sc % len(COUNTIES)], ""])
        count = per_school + (1 if sc < a.students % a.schools else 0)
        for k in range(0, count, 45):
            grade = 1 + (k // 45) % 12
            cls = f"{org}-K{k // 45}"
            w["classes"].writerow([cls, "active", STAMP, f"{grade}-{k // 45 + 1}", f"{grade:02d}", "C-AI", f"{grade}-{k // 45 + 1}", "homeroom", "", org, "T2026-1", "", "", ""])
            t = f"{cls}-T"
            w["users"].writerow([t, "active", STAMP, "true", f"tea{sc}.{k // 45}", "", "老师", "王", "", "", "", "", "", "", "", "", "", "", "", "", org, ""])
            w["roles"].writerow([f"R-{t}", "active", STAMP, t, "primary", "teacher", "", "", org, ""])
            w["enrollments"].writerow([f"E-{t}", "active", STAMP, cls, org, t, "teacher", "true", "", ""])
            for i in range(k, min(k + 45, count)):
                u = f"U{s_no}"
                s_no += 1
                w["users"].writerow([u, "active", STAMP, "true", f"stu{s_no}", "", "同学", rnd.choice("李张刘陈杨黄"), "", "", "", "", "", "", f"{grade:02d}", "", "", "", "", "", org, ""])
                w["roles"].writerow([f"R-{u}", "active", STAMP, u, "primary", "student", "", "", org, ""])
                w["enrollments"].writerow([f"E-{u}", "active", STAMP, cls, org, u, "student", "false", "", ""])
                w["demographics"].writerow([u, "active", STAMP, f"{2020 - grade}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"] + [""] * 12)
    with open(os.path.join(a.out, "manifest.csv"), "w", newline="", encoding="utf-8") as m:
        m.write("propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,1.2\r\n")
        for n in sorted(list(HEADERS) + ["userProfiles", "categories", "classResources", "courseResources", "lineItemLearningObjectiveIds",
                                         "lineItemScoreScales", "lineItems", "resources", "resultLearningObjectiveIds", "resultScoreScales",
                                         "results", "scoreScales", "userResources"]):
            m.write(f"file.{n},{'bulk' if n in HEADERS else 'absent'}\r\n")
        m.write("source.systemName,QianxueBenchmark\r\nsource.systemCode,bench\r\n")
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
