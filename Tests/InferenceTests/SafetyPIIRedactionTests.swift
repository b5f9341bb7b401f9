import Inference
import Testing

@Suite struct SafetyPIIRedactionTests {
    let redactor = PIIRedactor()

    @Test func aValidIDNumberAndAPhoneNumberBecomePlaceholdersWhileAWrongCheckDigitStays() {
        // given
        let text = "我的身份证号是520102201003151236，电话13812345678。同桌写的是520102201003151230。"

        // when
        let r = redactor.redact(text)

        // then
        #expect(r.text == "我的身份证号是[身份证号]，电话[电话]。同桌写的是520102201003151230。")
        #expect(r.findings.map(\.kind) == [.idNumber, .phone])
        #expect(!r.text.contains("520102201003151236"))
        #expect(!r.text.contains("13812345678"))
    }

    @Test func anIDNumberWithXAndSpacesIsFoundButNotAnImpossibleBirthDate() {
        // given: a valid check digit X; then an otherwise valid number born on 13/45
        let valid = "身份证 110105 19491231 002x"
        let impossibleDate = "编号110105194913450019"

        // when / then
        #expect(redactor.redact(valid).text == "身份证 [身份证号]")
        #expect(redactor.redact(impossibleDate).text == impossibleDate)
    }

    @Test(arguments: [
        ("+86 138-1234-5678", "[电话]"),
        ("打０８５１－８５５５１２３４找我", "打[电话]找我"),
        ("(0851)85551234", "[电话]"),
        ("手机１３８１２３４５６７８", "手机[电话]"),
    ])
    func mobileAndLandlineNumbersInTheirUsualSpellingsBecomePlaceholders(_ text: String, _ expected: String) {
        #expect(redactor.redact(text).text == expected)
    }

    @Test func digitsInsideALongerRunAreNeverHalfReplaced() {
        // given: an order number that contains a mobile number and a Luhn-valid 16-digit tail
        let text = "订单号 99138123456780021234 和 12346222020200001235"

        // when
        let r = redactor.redact(text)

        // then
        #expect(r.text == text)
        #expect(r.findings.isEmpty)
    }

    @Test func bankCardNumbersNeedToPassTheLuhnCheck() {
        // given
        let valid = "卡号 6222 0202 0000 1235，另一张622848001234567894"
        let invalid = "卡号 6222020200001234"

        // when
        let r = redactor.redact(valid)

        // then
        #expect(r.text == "卡号 [银行卡号]，另一张[银行卡号]")
        #expect(redactor.redact(invalid).text == invalid)
    }

    @Test func qqAndWeChatIdsAreReplacedOnlyWhenLabelled() {
        // given
        let labelled = "加我QQ：12345678，微信号 xiaoming_2010，邮箱 xm2010@qq.com"
        let unlabelled = "这道题答案是12345678，我用微信学习"

        // when
        let r = redactor.redact(labelled)

        // then
        #expect(r.text == "加我QQ：[QQ号]，微信号 [微信号]，邮箱 [邮箱]")
        #expect(r.findings.map(\.kind) == [.qq, .wechat, .email])
        #expect(redactor.redact(unlabelled).text == unlabelled)
        #expect(redactor.redact("WeChat account settings").findings.isEmpty)
    }

    @Test(arguments: [
        ("我家住在贵州省贵阳市南明区中华南路12号3栋2单元501室，快来玩", "我家住在[住址]，快来玩"),
        ("我住阳光小区3栋2单元501室", "我住[住址]"),
        ("我家住在花溪区青岩镇龙井村三组", "我家住在[住址]"),
        ("我家门牌号是12-3", "我家[住址]"),
    ])
    func recognisableHomeAddressesBecomeAPlaceholder(_ text: String, _ expected: String) {
        #expect(redactor.redact(text).text == expected)
    }

    @Test func aCityAloneIsNotAnAddress() {
        let text = "我家住在贵阳，喜欢去黔灵山公园"
        #expect(redactor.redact(text).text == text)
    }

    @Test func namesBecomeRolePlaceholdersAndComeBackInTheReply() {
        // given
        let names = [
            NameToRedact(name: "王小明", role: .classmate),
            NameToRedact(name: "李华", role: .classmate),
            NameToRedact(name: "张老师", role: .teacher),
            NameToRedact(name: "陈一一", role: .student, aliases: ["一一"]),
        ]
        let text = "我是陈一一。王小明和李华吵架了，王小明哭了，张老师让我们写一写。一一该怎么办？"

        // when
        let r = redactor.redact(text, names: names)
        let reply = r.restore("[同学A]和【同学B】可能都很难过。[本人]可以先听听[同学A]怎么说，再请[老师A]帮忙。电话是[电话]。")

        // then
        #expect(r.text == "我是[本人]。[同学A]和[同学B]吵架了，[同学A]哭了，[老师A]让我们写一写。[本人]该怎么办？")
        #expect(reply == "王小明和李华可能都很难过。陈一一可以先听听王小明怎么说，再请张老师帮忙。电话是[电话]。")
    }

    @Test func aLongerNameWinsOverAShorterOneInsideIt() {
        let names = [NameToRedact(name: "王小", role: .classmate), NameToRedact(name: "王小明", role: .classmate)]
        let r = redactor.redact("王小明和王小", names: names)
        #expect(r.text == "[同学B]和[同学A]")
    }

    @Test func restoreNeverPutsBackAnIDOrPhoneNumber() {
        // given
        let r = redactor.redact("王小明的电话13812345678", names: [NameToRedact(name: "王小明", role: .classmate)])

        // when
        let reply = r.restore("[同学A]的[电话]不要告诉别人")

        // then
        #expect(reply == "王小明的[电话]不要告诉别人")
    }

    @Test func descriptionsAndMirrorsNeverShowTheRawValues() {
        // given
        let name = NameToRedact(name: "王小明", role: .classmate)
        let r = redactor.redact("王小明 13812345678 520102201003151236", names: [name])

        // when
        var dumped = ""
        dump(r, to: &dumped)
        dump(name, to: &dumped)
        let shown = [r.description, r.debugDescription, "\(r)", String(reflecting: r), name.description,
                     String(reflecting: name), dumped] + r.findings.map(\.description) + r.decisions.map(\.description)

        // then
        for s in shown {
            #expect(!s.contains("王小明"))
            #expect(!s.contains("13812345678"))
            #expect(!s.contains("520102201003151236"))
        }
        #expect(r.decisions.map(\.ruleID) == ["pii.name", "pii.phone", "pii.idNumber"])
        #expect(r.decisions.allSatisfy { $0.stage == .pii && $0.category == .personalData })
    }

    /// A conversation's earlier messages are redacted once; the same text with other names (another
    /// class, a name added or reordered) is redacted afresh, never served from the cache.
    @Test func theCacheServesOnlyTheSameTextWithTheSameNames() {
        let cache = RedactionCache(capacity: 3)
        let cached = PIIRedactor(cache: cache)
        let plain = PIIRedactor()
        let text = "我和王小明、李华一起做实验，电话13812345678"
        let classA = [NameToRedact(name: "王小明", role: .classmate), NameToRedact(name: "李华", role: .classmate)]
        let classB = [NameToRedact(name: "李华", role: .classmate), NameToRedact(name: "王小明", role: .classmate)]
        let first = cached.redact(text, names: classA)
        #expect(cache.count == 1)
        #expect(cached.redact(text, names: classA) == first)
        #expect(cache.count == 1)
        // other names, other order, other text: redacted afresh, as without a cache
        #expect(cached.redact(text, names: classB) == plain.redact(text, names: classB))
        #expect(cached.redact(text, names: classB).text != first.text)
        #expect(cached.redact(text, names: [classA[0]]) == plain.redact(text, names: [classA[0]]))
        #expect(cached.redact(text, names: [classA[0]]).text.contains("李华"))
        // full: it starts again, and still answers right
        #expect(cache.count <= 3)
        #expect(cached.redact(text + "。", names: classA) == plain.redact(text + "。", names: classA))
        #expect(cache.count <= 3)
    }
}
