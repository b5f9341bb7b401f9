import Foundation
import Persistence
import QianxueCore
import SQLKit

/// The statements of `ProvinceActivity`, one per step. Every value inlined in them is made here
/// (days, terms, county codes checked to be digits, numbers), none comes from a request.
struct ActivitySQL: Sendable {
    let seed: Int64
    let calendar: SchoolCalendar
    let term: AcademicTerm
    /// Region code prefix of the schools whose usage is written as raw rows.
    let region: String

    init(seed: UInt64, calendar: SchoolCalendar, term: AcademicTerm, region: String) {
        self.seed = Int64(seed % 1_000_000_007)
        self.calendar = calendar
        self.term = term
        self.region = region
    }

    /// The tables the steps write or join (analysed afterwards; the province generator does not).
    static let tables = [
        "schools", "users", "classes", "memberships", "assessment_attempts", Rollups.literacy, Rollups.usage, Rollups.teacherWeeks, Rollups.teacherWeekSeen, Rollups.enrolment,
        "companion_sessions", "companion_messages", "companion_usage", "student_safety_flags", "inference_requests",
        "inference_usage_daily", "assistant_drafts", "assistant_draft_versions", "pd_completions",
    ]

    // MARK: Random numbers as SQL expressions

    /// Uniform in (0, 1): a hash of the seed, a text key and a salt.
    func u(_ key: String, _ salt: Int) -> String {
        "(((hashtextextended(\(key), \(seed * 1000 + Int64(salt))) & 4503599627370495)::float8 + 0.5) / 4503599627370496.0)"
    }

    /// Standard normal (Box–Muller on two of the uniforms).
    func n(_ key: String, _ salt: Int) -> String {
        "(sqrt(-2.0 * ln(\(u(key, salt)))) * cos(2.0 * pi() * \(u(key, salt + 500))))"
    }

    /// An id for a key: the same key gives the same row on every run.
    func id(_ kind: String, _ key: String) -> String { "md5('\(seed):\(kind):' || \(key))::uuid" }

    /// An element of a SQL array literal picked by a uniform.
    func pick(_ array: String, _ uniform: String) -> String { "(\(array))[1 + floor(\(uniform) * cardinality(\(array)))::int]" }

    static func array(_ values: [String]) -> String { "ARRAY[" + values.map { "'\($0)'" }.joined(separator: ", ") + "]::text[]" }

    /// A local time (Asia/Shanghai) on a day, `minutes` after midnight plus `seconds`, as timestamptz.
    static func local(_ day: String, minutes: String, seconds: String = "0") -> String {
        "((\(day))::date + make_interval(mins => \(minutes), secs => \(seconds)))::timestamp AT TIME ZONE 'Asia/Shanghai'"
    }

    var weeksValues: String {
        "(VALUES " + calendar.weeks.map { "('\($0.monday)', \($0.ramp)::float8, \(Self.array($0.days)))" }.joined(separator: ", ") + ")"
    }

    var daysValues: String {
        "(VALUES " + calendar.days.map { "('\($0)', \(calendar.ramp(of: $0))::float8)" }.joined(separator: ", ") + ")"
    }

    static let band = Rollups.bandOfGrade

    /// A float8 rounded to hundredths: its text is the shortest form (`0.29`, `-0.5`, `1`), as
    /// `JSONEncoder` writes the `Double` it decodes to.
    static func hundredths(_ x: String) -> String { "(round((\(x)) * 100.0) / 100.0)" }

    /// Companion sessions per student and school day, by band (guided for the youngest, with consent).
    static func sessionRate(_ band: String) -> String {
        "(CASE \(band) WHEN 'primary-lower' THEN 0.004::float8 WHEN 'primary-upper' THEN 0.012::float8 ELSE 0.02::float8 END)"
    }

    static func localeFactor(_ locale: String) -> String { "(CASE WHEN \(locale) = 'rural' THEN 0.7::float8 ELSE 1.3::float8 END)" }
    static func offlineShare(_ locale: String) -> String { "(CASE WHEN \(locale) = 'rural' THEN 0.12::float8 ELSE 0.03::float8 END)" }

    static let usageColumns = UsageCounts.columns.joined(separator: ", ")
    static let usageUpsert = "ON CONFLICT (school_id, day) DO UPDATE SET "
        + UsageCounts.columns.map { "\($0) = \(Rollups.usage).\($0) + excluded.\($0)" }.joined(separator: ", ")

    // MARK: Steps

    /// The enrolment rollup counted again from the users table for every school (as a rebuild does).
    func enrolment(on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("DELETE FROM \(unsafeRaw: Rollups.enrolment)").run()
        return try await count(sql, """
            WITH ins AS (
                INSERT INTO \(Rollups.enrolment) (school_id, band, students)
                SELECT school_id, \(Self.band("grade")), COUNT(*) FROM users
                WHERE role = 'student' AND school_id IS NOT NULL GROUP BY 1, 2
                RETURNING 1)
            SELECT COUNT(*) AS n FROM ins
            """)
    }

    /// Every student of the county's generated schools finishes one adaptive test in `term`, on a
    /// school day of its October (or May) window: the attempt as `AssessmentService` stores it, and
    /// its levels added to the literacy rollup. Abilities differ by locale and band around a school
    /// effect; `gain` is the change since the earlier term (less in rural schools).
    func literacy(term: AcademicTerm, gain: Double, window: [String], county: String, on sql: any SQLDatabase) async throws -> Int {
        precondition(!window.isEmpty && county.allSatisfy(\.isNumber))
        let t = term.description
        let dims: [(code: String, offset: Double, salt: Int)] = [("HM", 0.2, 11), ("ET", 0.05, 12), ("TA", 0, 13), ("SD", -0.3, 14)]
        func level(_ x: String) -> String { "(CASE WHEN \(x) < -0.5 THEN 'U' WHEN \(x) < 0.8 THEN 'A' ELSE 'C' END)" }
        // Items by dimension: balanced over four (or three, when the band's test had no system-design item).
        let items = [
            "CASE WHEN no_sd THEN n / 3 + (CASE WHEN n % 3 > 0 THEN 1 ELSE 0 END) ELSE n / 4 + (CASE WHEN n % 4 > 0 THEN 1 ELSE 0 END) END",
            "CASE WHEN no_sd THEN n / 3 + (CASE WHEN n % 3 > 1 THEN 1 ELSE 0 END) ELSE n / 4 + (CASE WHEN n % 4 > 1 THEN 1 ELSE 0 END) END",
            "CASE WHEN no_sd THEN n / 3 ELSE n / 4 + (CASE WHEN n % 4 > 2 THEN 1 ELSE 0 END) END",
            "CASE WHEN no_sd THEN 0 ELSE n / 4 END",
        ]
        let dimColumns = zip(dims, items).map { d, count in
            "\(count) AS n_\(d.code), \(Self.hundredths("0.75 * theta + \(d.offset) + 0.45 * \(n("kt", d.salt))")) AS t_\(d.code)"
        }.joined(separator: ",\n")
        let seColumns = dims.map { d in
            "\(Self.hundredths("least(0.95, 1.0 / sqrt(0.45 * n_\(d.code)::float8 + 1.0) + 0.06 * (\(u("kt", d.salt + 20)) - 0.5))")) AS se_\(d.code)"
        }.joined(separator: ",\n")
        let levelColumns = dims.map { d in "CASE WHEN n_\(d.code) = 0 THEN '-' ELSE \(level("t_\(d.code)")) END AS l_\(d.code)" }
            .joined(separator: ",\n")
        // One dimension's result as `LiteracyProfile.DimensionResult` encodes it: the prior (θ 0, SE 1)
        // and no level when the attempt had no item of it.
        let dimJSON = dims.map { d in
            """
            '{"dimension":"\(d.code)","estimate":{"theta":' || (CASE WHEN n_\(d.code) = 0 THEN '0' ELSE t_\(d.code)::text END) \
            || ',"se":' || (CASE WHEN n_\(d.code) = 0 THEN '1' ELSE se_\(d.code)::text END) \
            || '},"itemCount":' || n_\(d.code) || ',"indicative":' || (CASE WHEN n_\(d.code) = 0 OR se_\(d.code) > 0.5 THEN 'true' ELSE 'false' END) \
            || (CASE WHEN n_\(d.code) = 0 THEN '' ELSE ',"level":"' || l_\(d.code) || '"' END) || '}'
            """
        }.joined(separator: " || ',' || ")
        let result = """
            '{"attemptID":"' || upper(id::text) || '","kind":"adaptive","finishedAt":"' \
            || to_char(fin AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') \
            || '","profile":{"overall":{"theta":' || t_all::text || ',"se":' || se_all::text || '},"level":"' || l_all \
            || '","itemCount":' || n || ',"dimensions":[' || \(dimJSON) || ']},"pendingTeacherScores":0}'
            """
        return try await count(sql, """
            WITH st AS (
                SELECT u.id AS sid, u.id::text AS k, u.school_id, s.id::text AS sk, COALESCE(s.locale, 'urban') AS locale,
                       \(Self.band("u.grade")) AS band
                FROM users u JOIN schools s ON s.id = u.school_id
                WHERE u.role = 'student' AND s.synthetic = true AND s.county_code = '\(county)'
            ), g AS MATERIALIZED (
                SELECT sid, school_id, band, k || ':\(t)' AS kt,
                       (CASE WHEN locale = 'rural' THEN -0.3 ELSE 0.15 END) + 0.3 * \(n("sk", 1))
                       + (CASE band WHEN 'primary-lower' THEN -0.35 WHEN 'primary-upper' THEN -0.1 WHEN 'senior' THEN 0.15 ELSE 0.0 END)
                       + 0.85 * \(n("k", 2))
                       + \(gain) * (CASE WHEN locale = 'rural' THEN 0.8 ELSE 1.0 END) + 0.25 * \(n("k || ':\(t)'", 3)) AS theta,
                       12 + floor(14 * \(u("k || ':\(t)'", 4)))::int AS n,
                       (band = 'primary-lower' AND \(u("k || ':\(t)'", 5)) < 0.6) AS no_sd,
                       \(pick(Self.array(window), u("k || ':\(t)'", 6))) AS day,
                       (510 + floor(450 * \(u("k || ':\(t)'", 7))))::int AS minute,
                       floor(60 * \(u("k || ':\(t)'", 8)))::int AS second,
                       (25 + floor(35 * \(u("k || ':\(t)'", 9))))::int AS per_item
                FROM st
            ), d AS MATERIALIZED (
                SELECT sid, school_id, band, kt, n, no_sd, per_item, \(id("attempt", "kt")) AS id,
                       \(Self.local("day", minutes: "minute", seconds: "second")) AS fin,
                       \(Self.hundredths("0.92 * theta")) AS t_all,
                       \(Self.hundredths("greatest(0.27, 1.0 / sqrt(0.5 * n::float8 + 1.0) + 0.04 * (\(u("kt", 10)) - 0.5))")) AS se_all,
                       \(dimColumns)
                FROM g
            ), e AS MATERIALIZED (
                SELECT d.*, \(seColumns) FROM d
            ), r AS MATERIALIZED (
                SELECT e.*, \(level("t_all")) AS l_all, \(levelColumns) FROM e
            ), ins AS (
                INSERT INTO assessment_attempts (id, student_id, school_id, band, kind, form_id, status, state, current_item,
                                                 answered, max_items, result, started_at, finished_at)
                SELECT id, sid, school_id, band, 'adaptive', NULL, 'finished', '{}', NULL, n, 25, \(result),
                       fin - make_interval(secs => n * per_item), fin
                FROM r
                RETURNING 1
            ), lit AS (
                INSERT INTO \(Rollups.literacy) (school_id, term, band, dimension, level, students)
                SELECT school_id, '\(t)', band, v.dimension, v.level, COUNT(*)
                FROM r CROSS JOIN LATERAL (VALUES ('\(Rollups.overall)', l_all), ('HM', l_HM), ('ET', l_ET), ('TA', l_TA), ('SD', l_SD))
                     AS v(dimension, level)
                GROUP BY school_id, band, v.dimension, v.level
                ON CONFLICT (school_id, term, band, dimension, level)
                DO UPDATE SET students = \(Rollups.literacy).students + excluded.students
            )
            SELECT COUNT(*) AS n FROM ins
            """)
    }

    /// Teachers' weeks with the assistant, for every generated school: an active teacher writes one
    /// to three drafts that week (after school). Their drafts, model requests and active weeks go to
    /// the rollups; in the region, drafts, their first versions and ledger rows are written too.
    func drafts(on sql: any SQLDatabase) async throws -> Int {
        let kd = "kw || ':' || j"
        let lesson = LessonPick(sql: self, band: "band", uniform: u(kd, 49))
        try await sql.raw("""
            CREATE TEMP TABLE qx_drafts ON COMMIT DROP AS
            WITH t AS (
                SELECT u.id AS tid, u.id::text AS k, u.school_id, COALESCE(s.locale, 'urban') AS locale, s.county_code,
                       c.id AS class_id, COALESCE(\(unsafeRaw: Self.band("c.grade")), 'junior') AS band
                FROM users u JOIN schools s ON s.id = u.school_id
                LEFT JOIN LATERAL (
                    SELECT c.id, c.grade FROM memberships m JOIN classes c ON c.id = m.class_id
                    WHERE m.user_id = u.id AND m.role = 'teacher' ORDER BY c.id LIMIT 1) c ON true
                WHERE u.role = 'teacher' AND s.synthetic = true
            ), tw AS (
                SELECT t.*, w.week, w.days, t.k || ':' || w.week AS kw
                FROM t CROSS JOIN \(unsafeRaw: weeksValues) AS w(week, ramp, days)
                WHERE \(unsafeRaw: u("t.k || ':' || w.week", 40)) < (CASE WHEN locale = 'rural' THEN 0.16 ELSE 0.28 END) * w.ramp
            ), dr AS (
                SELECT \(unsafeRaw: id("draft", kd)) AS id, tid, school_id, county_code, class_id, band, week, locale,
                       \(unsafeRaw: pick("days", u(kd, 42))) AS day,
                       (900 + floor(360 * \(unsafeRaw: u(kd, 43))))::int AS minute, floor(60 * \(unsafeRaw: u(kd, 44)))::int AS second,
                       CASE WHEN \(unsafeRaw: u(kd, 45)) < 0.65 THEN 'lessonPlan' ELSE 'differentiation' END AS kind,
                       (\(unsafeRaw: u(kd, 46)) < \(unsafeRaw: Self.offlineShare("locale"))) AS offline,
                       (1400 + floor(1600 * \(unsafeRaw: u(kd, 47))))::int AS prompt_tokens,
                       (700 + floor(1300 * \(unsafeRaw: u(kd, 48))))::int AS completion_tokens,
                       \(unsafeRaw: lesson.slug) AS lesson_slug, \(unsafeRaw: lesson.title) AS lesson_title,
                       \(unsafeRaw: kd) AS kd
                FROM tw CROSS JOIN LATERAL generate_series(1, 1 + floor(3 * \(unsafeRaw: u("kw", 41)))::int) AS j
            )
            SELECT dr.*, \(unsafeRaw: Self.local("day", minutes: "minute", seconds: "second")) AS created_at FROM dr
            """).run()
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Rollups.usage) (school_id, day, \(unsafeRaw: Self.usageColumns))
            SELECT school_id, day, 0, 0, COUNT(*), COUNT(*), SUM(CASE WHEN offline THEN 1 ELSE 0 END),
                   SUM(prompt_tokens), SUM(completion_tokens), 0, 0, 0, 0
            FROM qx_drafts GROUP BY school_id, day
            \(unsafeRaw: Self.usageUpsert)
            """).run()
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Rollups.teacherWeekSeen) (user_id, week) SELECT DISTINCT tid, week FROM qx_drafts
            ON CONFLICT (user_id, week) DO NOTHING
            """).run()
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Rollups.teacherWeeks) (school_id, week, teachers)
            SELECT school_id, week, COUNT(DISTINCT tid) FROM qx_drafts GROUP BY school_id, week
            ON CONFLICT (school_id, week) DO UPDATE SET teachers = \(unsafeRaw: Rollups.teacherWeeks).teachers + excluded.teachers
            """).run()
        // The region's raw rows.
        let inRegion = "county_code LIKE '\(region)%'"
        let content = "'# ' || CASE WHEN kind = 'lessonPlan' THEN '教案' ELSE '分层教学设计' END || '：' || lesson_title || chr(10) || chr(10) || "
            + "'一、教学目标：理解本课的核心概念，并能联系贵州本地的例子说明。' || chr(10) || "
            + "'二、教学过程：导入（5分钟）—探究活动（20分钟）—交流分享（10分钟）—小结（5分钟）。' || chr(10) || "
            + "'三、评价：课堂观察与小测验。（由人工智能助教生成，须经教师审核后使用）'"
        try await sql.raw("""
            INSERT INTO assistant_drafts (id, kind, lesson_slug, class_id, school_id, owner_id, band, state, version, title, content,
                                          provider, model, created_at, updated_at)
            SELECT id, kind, lesson_slug, class_id, school_id, tid, band, 'draft', 1,
                   CASE WHEN kind = 'lessonPlan' THEN '教案' ELSE '分层教学设计' END || '：' || lesson_title, \(unsafeRaw: content),
                   \(unsafeRaw: Self.provider("offline")), \(unsafeRaw: Self.model("offline")), created_at, created_at
            FROM qx_drafts WHERE \(unsafeRaw: inRegion)
            """).run()
        try await sql.raw("""
            INSERT INTO assistant_draft_versions (id, draft_id, version, state, content, author, author_id, created_at)
            SELECT \(unsafeRaw: id("draft-version", "kd")), id, 1, 'draft', \(unsafeRaw: content), 'ai', tid, created_at
            FROM qx_drafts WHERE \(unsafeRaw: inRegion)
            """).run()
        try await ledger(from: """
            SELECT \(id("request", "'draft:' || kd")) AS id, tid AS user_id, school_id, county_code, day,
                   CASE WHEN kind = 'lessonPlan' THEN 'lesson-plan' ELSE 'differentiation' END AS purpose, offline,
                   prompt_tokens, completion_tokens, created_at + interval '1 second' * (20 + completion_tokens / 40) AS created_at,
                   (20 + completion_tokens / 40) * 1000 AS duration_ms
            FROM qx_drafts WHERE \(inRegion)
            """, on: sql)
        return try await count(sql, "SELECT COUNT(*) AS n FROM qx_drafts")
    }

    /// Teachers' professional-development units (`pd_completions`): about half of the urban teachers
    /// and a third of the rural ones finished one to five units between six months before the term
    /// and its last day.
    func training(on sql: any SQLDatabase) async throws -> Int {
        let units = Self.array(["pd-human-centred", "pd-ai-ethics", "pd-ai-foundations", "pd-ai-pedagogy", "pd-professional-growth"])
        let start = PlatformCalendar.day(calendar.first, plus: -183) ?? calendar.first
        let span = max(1, PlatformCalendar.days(from: start, through: calendar.last).count) * 86_400
        return try await count(sql, """
            WITH t AS (
                SELECT u.id AS tid, u.id::text AS k, u.school_id, s.county_code,
                       CASE WHEN \(u("u.id::text", 50)) < (CASE WHEN s.locale = 'rural' THEN 0.38 ELSE 0.55 END)
                            THEN 1 + floor(5 * power(\(u("u.id::text", 51)), 1.5))::int ELSE 0 END AS units
                FROM users u JOIN schools s ON s.id = u.school_id
                WHERE u.role = 'teacher' AND s.synthetic = true
            ), ins AS (
                INSERT INTO pd_completions (id, user_id, unit_slug, school_id, region_code, note, completed_at)
                SELECT \(id("pd", "t.k || ':' || x.unit")), t.tid, x.unit, t.school_id, t.county_code, NULL,
                       ('\(start)'::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       + make_interval(secs => floor(\(span) * \(u("t.k || ':' || x.unit", 52))))
                FROM t CROSS JOIN LATERAL (
                    SELECT unit FROM unnest(\(units)) AS unit ORDER BY hashtextextended(t.k || unit, \(seed)) LIMIT t.units) x
                WHERE t.units > 0
                RETURNING 1)
            SELECT COUNT(*) AS n FROM ins
            """)
    }

    // MARK: Helpers

    /// Ledger rows for requests (`id, user_id, school_id, county_code, day, purpose, offline,
    /// prompt_tokens, completion_tokens, created_at, duration_ms`) and the ledger's own daily rows
    /// per school and per county, as `SQLInferenceLedger.record` writes them.
    func ledger(from requests: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TEMP TABLE qx_requests ON COMMIT DROP AS \(unsafeRaw: requests)").run()
        try await sql.raw("""
            INSERT INTO inference_requests (id, user_id, school_id, day, purpose, provider, model, prompt_tokens, completion_tokens,
                                            first_token_ms, duration_ms, outcome, created_at)
            SELECT id, user_id, school_id, day, purpose, \(unsafeRaw: Self.provider("offline")), \(unsafeRaw: Self.model("offline")),
                   prompt_tokens, completion_tokens, CASE WHEN offline THEN 5 ELSE 400 + completion_tokens END, duration_ms, 'completed', created_at
            FROM qx_requests
            """).run()
        try await sql.raw("""
            INSERT INTO inference_usage_daily (school_key, day, requests, prompt_tokens, completion_tokens, refused, failed)
            SELECT key, day, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), 0, 0 FROM (
                SELECT school_id::text AS key, day, prompt_tokens, completion_tokens FROM qx_requests
                UNION ALL
                SELECT 'county:' || county_code, day, prompt_tokens, completion_tokens FROM qx_requests) r
            GROUP BY key, day
            ON CONFLICT (school_key, day) DO UPDATE SET requests = inference_usage_daily.requests + excluded.requests,
                prompt_tokens = inference_usage_daily.prompt_tokens + excluded.prompt_tokens,
                completion_tokens = inference_usage_daily.completion_tokens + excluded.completion_tokens
            """).run()
        try await sql.raw("DROP TABLE qx_requests").run()
    }

    /// The provider (and model) a request was answered by: the offline one when `offline`.
    static func provider(_ offline: String) -> String { "CASE WHEN \(offline) THEN 'offline' ELSE 'openai-compatible' END" }
    static func model(_ offline: String) -> String { "CASE WHEN \(offline) THEN 'qianxue-offline' ELSE 'qwen2.5-7b-instruct' END" }

    func count(_ sql: any SQLDatabase, _ text: String) async throws -> Int {
        try await sql.raw("\(unsafeRaw: text)").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    static let questions = [
        "人工智能是怎么认出图片里的东西的？", "为什么推荐的视频总是差不多？", "训练数据少了会怎么样？", "这个分类器为什么会认错？",
        "什么是过拟合，可以举个例子吗？", "语音助手是怎么听懂方言的？", "我可以用人工智能帮我写作文吗？", "侗族大歌的声部可以让机器来学吗？",
        "这道题的第一步应该怎么想？", "数据里缺了一些人，结果会不公平吗？", "生成的图片怎么看出是假的？", "决策树是怎么一步一步分类的？",
    ]

    static let answers = [
        "我们一步一步来想：先看看它是根据哪些特征来判断的。你能说出两个特征吗？",
        "这是个好问题！推荐系统会根据你以前看过的内容来猜你喜欢什么。想一想，这样做有什么好处和问题？",
        "数据太少时，模型只能记住见过的例子，遇到新的情况就容易出错。我们可以用课上的例子试一试。",
        "可以先把你的想法说出来，我给你一个提示：比较一下训练时的数据和现在的数据有什么不同。",
        "人工智能可以帮你整理思路，但作业要用你自己的话来写。要不要先列一个提纲？",
        "机器先把声音变成数字，再和学过的例子比较。方言的例子越多，它听得越准。",
    ]
}

/// A lesson of the band picked by a uniform: its slug and title, as SQL expressions.
struct LessonPick {
    let slug: String
    let title: String

    static let lessons: [(band: String, slug: String, title: String)] = [
        ("primary-lower", "pl-find-ai-around-us", "找一找：身边的人工智能"),
        ("primary-lower", "pl-machines-see-hear-speak", "机器的眼睛、耳朵和嘴巴"),
        ("primary-lower", "pl-miao-silver-sorting", "银饰和蜡染分一分：认识分类"),
        ("primary-upper", "pu-decision-tree-sorting", "一问一答来分类：简单决策树"),
        ("primary-upper", "pu-training-a-pattern-classifier", "教电脑认图案：训练和测试一个分类器"),
        ("primary-upper", "pu-finding-features-batik-embroidery", "找特征：蜡染和苗绣卡片怎么分"),
        ("junior", "jr-supervised-learning-basics", "从例子中学习：认识监督学习"),
        ("junior", "jr-training-validation-overfitting", "背答案还是学方法：训练集、验证集与过拟合"),
        ("junior", "jr-speech-recognition-basics", "机器怎样听懂话：语音识别入门"),
        ("senior", "sr-neurons-and-training", "神经网络的直觉：神经元、权重与训练"),
        ("senior", "sr-data-pipeline", "数据流水线：从问题到上线的每一站"),
        ("senior", "sr-evaluation-metrics", "评估指标：为什么只看准确率不够"),
    ]

    init(sql: ActivitySQL, band: String, uniform: String) {
        func column(_ value: (String, String, String) -> String) -> String {
            let cases: String = ["primary-lower", "primary-upper", "junior"].map { (b: String) -> String in
                let own = Self.lessons.filter { $0.band == b }
                return "WHEN '\(b)' THEN \(sql.pick(ActivitySQL.array(own.map { value($0.band, $0.slug, $0.title) }), uniform))"
            }.joined(separator: " ")
            let senior = Self.lessons.filter { $0.band == "senior" }
            return "(CASE \(band) \(cases) ELSE \(sql.pick(ActivitySQL.array(senior.map { value($0.band, $0.slug, $0.title) }), uniform)) END)"
        }
        slug = column { _, slug, _ in slug }
        title = column { _, _, title in title }
    }
}
