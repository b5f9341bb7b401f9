import Foundation

/// The checks that tell personal data from a number that only looks like it.
enum PIIChecks {
    /// GB 11643-1999: 17 digits, a check digit (0–9 or X) from the ISO 7064 MOD 11-2 sum, and a
    /// birth date that exists and is not in the future.
    static func isResidentID(_ text: String) -> Bool {
        let chars = text.uppercased().filter { $0 != " " && $0 != "-" }
        guard chars.count == 18 else { return false }
        let digits = chars.prefix(17).compactMap(\.wholeNumberValue)
        guard digits.count == 17, let last = chars.last else { return false }
        return checkCharacter(digits) == last && hasValidBirthDate(digits)
    }

    static func checkCharacter(_ digits: [Int]) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    /// Digits 7–14 (the first 17 digits of an ID number) as a real date between 1900 and today.
    static func hasValidBirthDate(_ digits: [Int]) -> Bool {
        guard digits.count >= 14 else { return false }
        let number = { (from: Int, count: Int) in digits[from..<(from + count)].reduce(0) { $0 * 10 + $1 } }
        let year = number(6, 4), month = number(10, 2), day = number(12, 2)
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        return (year, month, day) <= (today.year ?? 2100, today.month ?? 12, today.day ?? 31)
    }

    /// 16–19 digits passing the Luhn check. An 18-digit number shaped like an ID number (a birth
    /// date where an ID number has one) is left to the ID check, so that an ID number with a wrong
    /// check digit is never taken for a card.
    static func isBankCard(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.count == text.filter({ $0 != " " && $0 != "-" }).count, (16...19).contains(digits.count) else {
            return false
        }
        if digits.count == 18, (1...8).contains(digits[0]), hasValidBirthDate(digits) { return false }
        return luhn(digits)
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }

    /// An address pattern may start a few words early ("我家住在中华北路12号"): start after the
    /// last word that introduces it.
    static func trimAddressLead(_ range: NSRange, _ text: String) -> NSRange {
        let markers: Set<Character> = ["在", "住", "是", "到", "址", ":", "，", ",", "。", " "]
        let chars = Array(text)
        guard let keyword = chars.firstIndex(where: { streetOrEstate.contains($0) }) else { return range }
        guard let cut = chars[..<keyword].lastIndex(where: { markers.contains($0) }) else { return range }
        let dropped = String(chars[...cut]).utf16.count
        return NSRange(location: range.location + dropped, length: range.length - dropped)
    }

    /// Characters that end the name of a street, an estate or a village.
    static let streetOrEstate: Set<Character> = ["路", "街", "道", "巷", "弄", "同", "区", "园", "寓", "厦", "村", "苑", "寨", "屯", "县", "市", "省", "镇", "乡"]

    /// What follows "我家住在" is an address only with something finer than a city.
    static func looksLikeHomeAddress(_ text: String) -> Bool {
        let fine: [String] = ["村", "组", "路", "街", "巷", "弄", "号", "小区", "栋", "幢", "单元", "室", "寨", "屯", "楼"]
        return fine.contains { text.contains($0) }
    }
}
