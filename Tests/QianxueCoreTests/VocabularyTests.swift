import Foundation
import QianxueCore
import Testing

@Suite struct VocabularyTests {
    @Test func gradesMapToTheirBands() {
        #expect(Grade("1")?.band == .primaryLower)
        #expect(Grade("3")?.band == .primaryLower)
        #expect(Grade("4")?.band == .primaryUpper)
        #expect(Grade("9")?.band == .junior)
        #expect(Grade("12")?.band == .senior)
        #expect(Grade("v2")?.band == .vocational)
        #expect(Grade("H4")?.band == .higher)
    }

    @Test(arguments: ["0", "13", "V4", "H5", "X1", "", "7.5", "grade 7"])
    func invalidGradesAreRejected(_ text: String) {
        #expect(Grade(text) == nil)
    }

    @Test func regionCodesKnowTheirLevelAndParent() throws {
        let county = try #require(RegionCode("520302"))
        #expect(county.level == .county)
        #expect(county.parent == RegionCode("5203"))
        #expect(county.parent?.parent == RegionCode("52"))
        #expect(RegionCode("520300") == RegionCode("5203"))
        #expect(RegionCode("520000") == RegionCode("52"))
        #expect(RegionCode("5203")!.contains(county))
        #expect(!RegionCode("5201")!.contains(county))
        #expect(RegionCode("52a") == nil)
        #expect(RegionCode("5") == nil)
    }

    @Test func termsFollowTheSchoolYear() throws {
        let shanghai = PlatformCalendar.calendar
        let sept = shanghai.date(from: DateComponents(year: 2026, month: 9, day: 1))!
        let jan = shanghai.date(from: DateComponents(year: 2027, month: 1, day: 20))!
        let mar = shanghai.date(from: DateComponents(year: 2027, month: 3, day: 2))!
        #expect(AcademicTerm(containing: sept).description == "2026-2027-1")
        #expect(AcademicTerm(containing: jan).description == "2026-2027-1")
        #expect(AcademicTerm(containing: mar).description == "2026-2027-2")
        #expect(AcademicTerm("2026-2027-1") != nil)
        #expect(AcademicTerm("2026-2028-1") == nil)
        #expect(AcademicTerm("2026-2027-3") == nil)
    }

    @Test func aTermRunsFromMidnightInShanghaiToTheNextTermsFirstMidnight() throws {
        let autumn = try #require(AcademicTerm("2026-2027-1")), spring = try #require(AcademicTerm("2026-2027-2"))
        #expect((autumn.firstDay, autumn.lastDay) == ("2026-09-01", "2027-01-31"))
        #expect((spring.firstDay, spring.lastDay) == ("2027-02-01", "2027-08-31"))
        #expect(autumn.end == spring.start)
        // 2026-08-31 16:00 UTC is midnight of 1 September in Guizhou.
        #expect(autumn.start == Date(timeIntervalSince1970: 1_788_192_000))
        #expect(AcademicTerm(containing: autumn.start) == autumn)
        #expect(AcademicTerm(containing: autumn.end.addingTimeInterval(-1)) == autumn)
        #expect(AcademicTerm(containing: spring.end) == AcademicTerm("2027-2028-1"))
    }

    @Test func aDayIsACalendarDayInShanghai() {
        // 2026-11-29 17:30 UTC is already 30 November in Guizhou.
        let instant = Date(timeIntervalSince1970: 1_795_973_400)
        #expect(PlatformCalendar.day(of: instant) == "2026-11-30")
        #expect(PlatformCalendar.parseDay("2027-02-29") == nil)
        #expect(PlatformCalendar.parseDay("2028-02-29") != nil)
    }

    @Test func pageTokensRoundTripAndForgeriesAreRefused() throws {
        let token = PageQuery.token(after: "teacher.wang")
        let page = try PageQuery(size: 10, token: token)
        #expect(page.after == "teacher.wang")
        #expect(page.size == 10)
        #expect(throws: AppError.self) { try PageQuery(size: 501) }
        #expect(throws: AppError.self) { try PageQuery(size: 0) }
        #expect(throws: AppError.self) { try PageQuery(token: "garbage") }
        #expect(try PageQuery().size == 50)
    }

    @Test func problemTypesHaveStableSlugsAndStatuses() {
        #expect(ProblemType.notFound.rawValue == "not-found")
        #expect(ProblemType.notFound.status == 404)
        #expect(ProblemType.rateLimited.status == 429)
        #expect(ProblemType.overloaded.status == 503)
        #expect(ProblemType.examLocked.status == 423)
        #expect(Set(ProblemType.allCases.map(\.rawValue)).count == ProblemType.allCases.count)
    }
}

@Suite struct DigestTests {
    @Test func sha256HexMatchesTheKnownVector() {
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.hex([0x00, 0x0f, 0xff]) == "000fff")
    }

    @Test func randomTokensAreURLSafeAndDistinct() {
        let a = Digest.randomToken(), b = Digest.randomToken()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}
