import Foundation
import Persistence
import QianxueCore
import SQLKit

/// The companion steps of `ProvinceActivity`: rollups for the schools outside the region, raw
/// sessions, messages, minutes and ledger rows for the county's.
extension ActivitySQL {
    /// Companion use of the schools outside the region, straight into the daily rollup: per school
    /// day, about the sessions that the raw rows of the region have per student (by band, locale and
    /// week of the term), with their minutes, model requests, offline answers, tokens and flags.
    func companionRollups(on sql: any SQLDatabase) async throws -> Int {
        let kd = "sc.k || ':' || w.day"
        return try await count(sql, """
            WITH sc AS (
                SELECT s.id AS school_id, s.id::text AS k, COALESCE(s.locale, 'urban') AS locale,
                       SUM(e.students * \(Self.sessionRate("e.band"))) AS rate
                FROM schools s JOIN \(Rollups.enrolment) e ON e.school_id = s.id
                WHERE s.synthetic = true AND s.county_code NOT LIKE '\(region)%'
                GROUP BY s.id, s.locale
            ), x AS (
                SELECT sc.school_id, sc.locale, w.day, \(kd) AS kd,
                       greatest(0, floor(sc.rate * \(Self.localeFactor("sc.locale")) * w.ramp * (1 + 0.25 * \(n(kd, 60))) + \(u(kd, 61))))::int AS sessions
                FROM sc CROSS JOIN \(daysValues) AS w(day, ramp)
            ), y AS (
                SELECT x.*, sessions + floor(sessions * 2.4 * \(u("kd", 64)) + 0.5)::int AS requests,
                       floor(sessions * 0.0025 + \(u("kd", 66)))::int AS flags
                FROM x WHERE sessions > 0
            ), z AS (
                SELECT y.*, least(requests, floor(requests * \(Self.offlineShare("locale")) + \(u("kd", 65))))::int AS offline,
                       least(flags, floor(flags * 0.25 + \(u("kd", 67))))::int AS severe,
                       least(flags, floor(flags * 0.92 + \(u("kd", 68))))::int AS acknowledged
                FROM y
            ), ins AS (
                INSERT INTO \(Rollups.usage) (school_id, day, \(Self.usageColumns))
                SELECT school_id, day, sessions, 5 * sessions + floor(sessions * 6 * \(u("kd", 62)) + 0.5)::int, 0, requests, offline,
                       requests * (580 + floor(200 * \(u("kd", 70))))::int, requests * (160 + floor(60 * \(u("kd", 71))))::int,
                       flags, severe, acknowledged,
                       acknowledged * least(259200, greatest(60, round(5400 * exp(0.9 * \(n("kd", 69))))))::int
                FROM z
                \(Self.usageUpsert)
                RETURNING 1
            )
            SELECT COUNT(*) AS n FROM ins
            """)
    }

    /// The county's companion use as raw rows — sessions with their notice, the student's messages
    /// and the companion's answers, each student's active minutes that day, the ledger's requests,
    /// safety flags with their acknowledgement — and the daily rollup counted from them as a rebuild
    /// would. A student uses the companion at most once a week (the weekly AI lesson), on one of the
    /// week's school days, with the probability of their band, school locale and week of the term.
    func companionRaw(county: String, on sql: any SQLDatabase) async throws -> Int {
        precondition(county.allSatisfy(\.isNumber))
        let lesson = LessonPick(sql: self, band: "band", uniform: u("kw", 27))
        try await sql.raw("""
            CREATE TEMP TABLE qx_sessions ON COMMIT DROP AS
            WITH st AS (
                SELECT u.id AS sid, u.id::text AS k, u.school_id, COALESCE(s.locale, 'urban') AS locale, s.county_code,
                       \(unsafeRaw: Self.band("u.grade")) AS band
                FROM users u JOIN schools s ON s.id = u.school_id
                WHERE u.role = 'student' AND s.synthetic = true AND s.county_code = '\(unsafeRaw: county)'
            ), sw AS (
                SELECT st.*, w.days, st.k || ':' || w.week AS kw
                FROM st CROSS JOIN \(unsafeRaw: weeksValues) AS w(week, ramp, days)
                WHERE \(unsafeRaw: u("st.k || ':' || w.week", 20))
                      < \(unsafeRaw: Self.sessionRate("band")) * \(unsafeRaw: Self.localeFactor("locale")) * w.ramp * cardinality(w.days)
            ), s AS (
                SELECT \(unsafeRaw: id("session", "kw")) AS id, sid, school_id, county_code, locale, band, kw,
                       \(unsafeRaw: pick("days", u("kw", 21))) AS day,
                       (480 + floor(510 * \(unsafeRaw: u("kw", 22))))::int AS minute,
                       CASE WHEN \(unsafeRaw: u("kw", 23)) < 0.3 THEN 1 WHEN \(unsafeRaw: u("kw", 23)) < 0.65 THEN 2
                            WHEN \(unsafeRaw: u("kw", 23)) < 0.85 THEN 3 ELSE 4 END AS turns,
                       (1 + floor(4 * \(unsafeRaw: u("kw", 24))))::int AS gap,
                       (\(unsafeRaw: u("kw", 25)) < \(unsafeRaw: Self.offlineShare("locale"))) AS offline,
                       (\(unsafeRaw: u("kw", 26)) < 0.0025) AS flagged,
                       (\(unsafeRaw: u("kw", 33)) < 0.25) AS severe,
                       CASE WHEN \(unsafeRaw: u("kw", 34)) < 0.92
                            THEN least(259200, greatest(60, round(5400 * exp(0.9 * \(unsafeRaw: n("kw", 35))))))::int END AS ack_seconds,
                       \(unsafeRaw: lesson.slug) AS lesson_slug, \(unsafeRaw: lesson.title) AS lesson_title
                FROM sw
            )
            SELECT s.*, \(unsafeRaw: Self.local("day", minutes: "minute")) AS opened_at FROM s
            """).run()
        try await sql.raw("""
            CREATE TEMP TABLE qx_turns ON COMMIT DROP AS
            SELECT s.id AS session_id, s.sid, s.school_id, s.county_code, s.day, s.offline, s.band, s.kw || ':' || j AS kt, j,
                   s.opened_at + make_interval(secs => 30 + (j - 1) * s.gap * 60) AS asked_at,
                   s.opened_at + make_interval(secs => 38 + (j - 1) * s.gap * 60 + floor(12 * \(unsafeRaw: u("s.kw || ':' || j", 30)))::int) AS answered_at,
                   (300 + 150 * j + floor(200 * \(unsafeRaw: u("s.kw || ':' || j", 31))))::int AS prompt_tokens,
                   (120 + floor(140 * \(unsafeRaw: u("s.kw || ':' || j", 32))))::int AS completion_tokens
            FROM qx_sessions s CROSS JOIN LATERAL generate_series(1, s.turns) AS j
            """).run()
        try await sql.raw("""
            INSERT INTO companion_sessions (id, student_id, school_id, assignment_id, lesson_slug, mode, mode_reason, status, summary,
                                            created_at, closed_at, last_message_at)
            SELECT id, sid, school_id, NULL, lesson_slug, CASE WHEN band IN ('primary-lower', 'primary-upper') THEN 'guided' ELSE 'open' END,
                   NULL, 'closed', NULL, opened_at,
                   opened_at + make_interval(secs => 30 + (turns - 1) * gap * 60 + 600),
                   opened_at + make_interval(secs => 30 + (turns - 1) * gap * 60)
            FROM qx_sessions
            """).run()
        let notice = "'你好！我是黔学学伴，一个人工智能（AI）学习伙伴，不是真人。我们一起学习《' || lesson_title || "
            + "'》。请注意：你的老师可以查看我们的对话。不要告诉我你的身份证号、电话或家庭住址。'"
            + " || CASE WHEN band IN ('primary-lower', 'primary-upper') THEN '这次我们按课堂活动一步一步来。' ELSE '' END"
        try await sql.raw("""
            INSERT INTO companion_messages (id, session_id, seq, role, content, ai_generated, created_at)
            SELECT \(unsafeRaw: id("message", "kw || ':1'")), id, 1, 'notice', \(unsafeRaw: notice), false, opened_at FROM qx_sessions
            """).run()
        let question = pick(Self.array(Self.questions), u("kt", 36))
        let answer = pick(Self.array(Self.answers), u("kt", 37))
        try await sql.raw("""
            INSERT INTO companion_messages (id, session_id, seq, role, content, ai_generated, provider, model, finish_reason,
                                            prompt_tokens, completion_tokens, created_at)
            SELECT \(unsafeRaw: id("message", "kt || ':s'")), session_id, 2 * j, 'student', \(unsafeRaw: question), false,
                   NULL, NULL, NULL, NULL, NULL, asked_at
            FROM qx_turns
            UNION ALL
            SELECT \(unsafeRaw: id("message", "kt || ':c'")), session_id, 2 * j + 1, 'companion', \(unsafeRaw: answer), true,
                   \(unsafeRaw: Self.provider("offline")), \(unsafeRaw: Self.model("offline")), 'stop', prompt_tokens, completion_tokens, answered_at
            FROM qx_turns
            """).run()
        try await sql.raw("""
            INSERT INTO companion_usage (id, student_id, day, active_minutes, last_minute, run_start_minute)
            SELECT \(unsafeRaw: id("usage", "kw")), sid, day, (turns - 1) * gap + 5, minute + (turns - 1) * gap, minute FROM qx_sessions
            """).run()
        try await sql.raw("""
            INSERT INTO student_safety_flags (id, student_id, school_id, session_id, message_id, category, severity, rule_id, status,
                                              escalated, created_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by,
                                              resolution_note, alert_attempts, alert_delivered_at)
            SELECT \(unsafeRaw: id("flag", "s.kw")), s.sid, s.school_id, s.id, \(unsafeRaw: id("message", "s.kw || ':1:s'")),
                   CASE WHEN s.severe THEN 'selfHarm' WHEN \(unsafeRaw: u("s.kw", 38)) < 0.7 THEN 'bullying' ELSE 'selfHarm' END,
                   CASE WHEN s.severe THEN 'high' ELSE 'medium' END,
                   CASE WHEN s.severe THEN 'selfharm.intent.zh' WHEN \(unsafeRaw: u("s.kw", 38)) < 0.7 THEN 'bullying.disclosure.zh'
                        ELSE 'selfharm.despair.zh' END,
                   CASE WHEN s.ack_seconds IS NULL THEN 'open' WHEN \(unsafeRaw: u("s.kw", 39)) < 0.3 THEN 'resolved' ELSE 'acknowledged' END,
                   s.severe, s.opened_at + interval '30 seconds',
                   s.opened_at + make_interval(secs => 30 + s.ack_seconds), t.id,
                   CASE WHEN s.ack_seconds IS NOT NULL AND \(unsafeRaw: u("s.kw", 39)) < 0.3
                        THEN s.opened_at + make_interval(secs => 30 + s.ack_seconds + 3600) END,
                   CASE WHEN s.ack_seconds IS NOT NULL AND \(unsafeRaw: u("s.kw", 39)) < 0.3 THEN t.id END,
                   CASE WHEN s.ack_seconds IS NOT NULL AND \(unsafeRaw: u("s.kw", 39)) < 0.3 THEN '已与学生和班主任谈话，家长已知悉。' END,
                   0, NULL
            FROM qx_sessions s
            LEFT JOIN LATERAL (SELECT id FROM users WHERE school_id = s.school_id AND role = 'teacher' ORDER BY id LIMIT 1) t ON true
            WHERE s.flagged
            """).run()
        try await ledger(from: """
            SELECT \(id("request", "'companion:' || kt")) AS id, sid AS user_id, school_id, county_code, day, 'companion' AS purpose, offline,
                   prompt_tokens, completion_tokens, answered_at AS created_at,
                   CASE WHEN offline THEN 15 ELSE 1500 + completion_tokens * 25 END AS duration_ms
            FROM qx_turns
            """, on: sql)
        return try await count(sql, """
            WITH ins AS (
                INSERT INTO \(Rollups.usage) (school_id, day, \(Self.usageColumns))
                SELECT s.school_id, s.day, COUNT(*), SUM((s.turns - 1) * s.gap + 5), 0, SUM(s.turns),
                       SUM(CASE WHEN s.offline THEN s.turns ELSE 0 END), SUM(t.prompt_tokens), SUM(t.completion_tokens),
                       SUM(CASE WHEN s.flagged THEN 1 ELSE 0 END), SUM(CASE WHEN s.flagged AND s.severe THEN 1 ELSE 0 END),
                       SUM(CASE WHEN s.flagged AND s.ack_seconds IS NOT NULL THEN 1 ELSE 0 END),
                       SUM(CASE WHEN s.flagged THEN COALESCE(s.ack_seconds, 0) ELSE 0 END)
                FROM qx_sessions s JOIN (
                    SELECT session_id, SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens
                    FROM qx_turns GROUP BY session_id) t ON t.session_id = s.id
                GROUP BY s.school_id, s.day
                \(Self.usageUpsert)
                RETURNING 1)
            SELECT (SELECT COUNT(*) FROM qx_sessions) + (SELECT 2 * COUNT(*) FROM qx_turns) AS n
            """)
    }
}
