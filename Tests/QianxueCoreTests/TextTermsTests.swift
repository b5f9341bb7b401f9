import QianxueCore
import Testing

@Suite struct TextTermsTests {
    @Test func chineseRunsBecomeBigrams() {
        #expect(TextTerms.terms("侗族大歌") == ["侗族", "族大", "大歌"])
        #expect(TextTerms.terms("遵义会议，四渡赤水") == ["遵义", "义会", "会议", "四渡", "渡赤", "赤水"])
    }

    @Test func latinWordsAreLowercasedAndMixedTextSplits() {
        #expect(TextTerms.terms("Image Classification 图像分类 AI") == ["image", "classification", "图像", "像分", "分类", "ai"])
        #expect(TextTerms.terms("苗") == ["苗"])
        #expect(TextTerms.terms("  …！ ") == [])
    }
}
