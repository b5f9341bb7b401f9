import Foundation
import QianxueCore
import Testing

@Suite struct PlatformDayTests {
    /// The arithmetic day agrees with the time-zone database, at random instants and on both sides
    /// of every Shanghai midnight it tries.
    @Test func theDayAgreesWithTheCalendar() {
        var rng = SeededRandom(seed: 20261129)
        let calendar = PlatformCalendar.calendar
        func reference(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        for _ in 0..<5_000 {
            let t = Double.random(in: 600_000_000...4_200_000_000, using: &rng).rounded()
            let date = Date(timeIntervalSince1970: t)
            #expect(PlatformCalendar.day(of: date) == reference(date))
            let midnight = calendar.startOfDay(for: date)
            for edge in [midnight.addingTimeInterval(-1), midnight, midnight.addingTimeInterval(0.5)] {
                #expect(PlatformCalendar.day(of: edge) == reference(edge))
            }
        }
        // 16:00 UTC is midnight in Shanghai; a leap day; the first day of the arithmetic's range
        #expect(PlatformCalendar.day(of: Date(timeIntervalSince1970: 1_795_968_000)) == "2026-11-30")
        #expect(PlatformCalendar.day(of: Date(timeIntervalSince1970: 1_795_967_999)) == "2026-11-29")
        #expect(PlatformCalendar.day(of: Date(timeIntervalSince1970: 1_709_136_000)) == "2024-02-29")
    }

    @Test func randomUUIDsAreVersion4AndDistinct() {
        let ids = (0..<1_000).map { _ in UUID.random() }
        #expect(Set(ids).count == 1_000)
        for id in ids {
            #expect(id.lowercasedString == id.uuidString.lowercased())
            let text = id.lowercasedString
            #expect(text[text.index(text.startIndex, offsetBy: 14)] == "4")
            #expect("89ab".contains(text[text.index(text.startIndex, offsetBy: 19)]))
        }
    }
}
