import Foundation

/// The patterns of personal data, and the checks a match must pass. They run on text whose
/// full-width characters were folded in place, so "１３８…" and "QQ：" are found too.
struct PIIDetectors: @unchecked Sendable {
    // NSRegularExpression is immutable once built and safe to share between threads.
    private let idNumber: NSRegularExpression
    private let mobile: NSRegularExpression
    private let landline: NSRegularExpression
    private let email: NSRegularExpression
    private let cardRun: NSRegularExpression
    private let cardGrouped: NSRegularExpression
    private let qq: NSRegularExpression
    private let wechat: [NSRegularExpression]
    private let addresses: [NSRegularExpression]
    private let labelledAddress: NSRegularExpression

    static let shared = PIIDetectors()

    // no digit (nor a decimal point after one) right before, no digit right after
    private static let before = #"(?<![0-9])(?<![0-9]\.)"#
    private static let after = #"(?![0-9])"#
    private static let numeral = "0-9一二三四五六七八九十零〇百"

    private init() {
        func re(_ p: String) -> NSRegularExpression { try! NSRegularExpression(pattern: p, options: [.caseInsensitive]) }
        let b = Self.before, a = Self.after, n = Self.numeral
        idNumber = re(b + #"[1-8][0-9]{5}[ -]?(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][ -]?[0-9]{3}[0-9X]"# + #"(?![0-9A-Z])"#)
        mobile = re(#"(?<![0-9+])(?<![0-9]\.)(?:(?:\+|00)?86[ -]?|\(\+?86\)[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}"# + a)
        landline = re(b + #"(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}"# + a)
        email = re(#"[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}"#)
        cardRun = re(b + #"[0-9]{16,19}"# + a)
        cardGrouped = re(#"(?<![0-9][ -]?)(?<![0-9]\.)[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![ -]?[0-9])"#)
        qq = re(#"(?:qq|扣扣)(?:群号|群|号码|号|账号|帐号)?\s*(?:是|为|:|=)?\s*([1-9][0-9]{4,11})"# + a)
        let wechatID = #"([A-Z][-_A-Z0-9]{5,19})(?![-_A-Z0-9])"#
        wechat = [
            re(#"(?:微信号码|微信号|微信id|微信|v信|薇信)\s*(?:是|为|:|=)?\s*"# + wechatID),
            re(#"(?<![A-Z])(?:wechat|weixin|wx|vx)(?:\s*(?:id|号))?\s*(?:是|为|:|=)\s*"# + wechatID),
        ]
        addresses = [
            // …省…市…区/县…镇…路/街…号 (…栋…单元…室)
            re(#"(?:\p{Han}{2,8}(?:省|自治区))?(?:\p{Han}{2,8}(?:市|自治州|州|地区))?(?:\p{Han}{1,8}(?:区|县|旗))?"#
                + #"(?:\p{Han}{1,8}(?:镇|乡|街道))?[\p{Han}0-9]{1,12}(?:路|街|大道|巷|胡同|弄)"#
                + "[\(n)]+(?:-[\(n)]+)?号(?:院)?(?:[\(n)A-Z]+(?:栋|幢|号楼|座|单元|楼|层|室|号))*"),
            // …小区/花园/村…栋/单元/组…室
            re(#"[\p{Han}A-Z0-9]{1,12}(?:小区|花园|公寓|大厦|新村|家园|苑|村|寨|屯)\p{Han}{0,3}?"#
                + "[\(n)A-Z]+(?:栋|幢|号楼|座|单元|组)(?:[\(n)]+(?:栋|幢|号楼|单元|楼|层|室|号|户))*"),
            // bare 3栋2单元501室
            re("[\(n)]+(?:栋|幢|号楼)[\(n)]+单元(?:[\(n)]+(?:室|号)?)?"),
            // 门牌号是 12-3
            re(#"门牌号?码?\s*(?:是|为|:)?\s*(?=[\p{Han}A-Z-]{0,10}[0-9])[\p{Han}A-Z0-9-]{1,20}"#),
        ]
        labelledAddress = re(#"(?:我家住在|我家在|我住在|家住|家庭住址|家庭地址|住址|收货地址)\s*(?:是|为|:)?\s*([\p{Han}0-9A-Z-]{4,30})"#)
    }

    /// For each pattern of `addresses`, the strings of which every match contains at least one.
    private static let addressNeeds: [[String]] = [["号"], ["栋", "幢", "号楼", "座", "单元", "组"], ["单元"], ["门牌"]]

    static func detect(in folded: String) -> [PIICandidate] { shared.detect(in: folded) }

    func detect(in folded: String) -> [PIICandidate] {
        let s = folded as NSString
        var found: [PIICandidate] = []
        func each(_ re: NSRegularExpression, group: Int = 0, _ body: (NSRange, String) -> Void) {
            for m in re.matches(in: folded, range: NSRange(location: 0, length: s.length)) {
                let r = m.range(at: group)
                if r.location != NSNotFound, r.length > 0 { body(r, s.substring(with: r)) }
            }
        }
        // A pattern runs only where the text has what every match of it must contain (most
        // messages have no digit, no @ and no Latin letter): the same findings, far fewer scans.
        var digit = false, at = false, latin = false
        for u in folded.utf8 {
            switch u {
            case 0x30...0x39: digit = true
            case 0x40: at = true
            case 0x41...0x5A, 0x61...0x7A: latin = true
            default: break
            }
        }
        if digit {
            each(idNumber) { r, v in if PIIChecks.isResidentID(v) { found.append(PIICandidate(range: r, kind: .idNumber)) } }
            each(mobile) { r, _ in found.append(PIICandidate(range: r, kind: .phone)) }
            each(landline) { r, _ in found.append(PIICandidate(range: r, kind: .phone)) }
        }
        if at { each(email) { r, _ in found.append(PIICandidate(range: r, kind: .email)) } }
        if digit {
            for re in [cardRun, cardGrouped] {
                each(re) { r, v in if PIIChecks.isBankCard(v) { found.append(PIICandidate(range: r, kind: .bankCard)) } }
            }
            each(qq, group: 1) { r, _ in found.append(PIICandidate(range: r, kind: .qq)) }
        }
        // every WeChat id starts with a Latin letter (ignoring case, ICU also takes ſ and the Kelvin sign for one)
        if latin || folded.unicodeScalars.contains(where: { $0 == "\u{17F}" || $0 == "\u{212A}" }) {
            for re in wechat { each(re, group: 1) { r, _ in found.append(PIICandidate(range: r, kind: .wechat)) } }
        }
        for (re, needs) in zip(addresses, Self.addressNeeds) where needs.contains(where: { folded.contains($0) }) {
            each(re) { r, v in found.append(PIICandidate(range: PIIChecks.trimAddressLead(r, v), kind: .address)) }
        }
        if folded.contains("住") || folded.contains("地址") || folded.contains("家在") {
            each(labelledAddress, group: 1) { r, v in
                if PIIChecks.looksLikeHomeAddress(v) { found.append(PIICandidate(range: r, kind: .address)) }
            }
        }
        return found
    }
}
