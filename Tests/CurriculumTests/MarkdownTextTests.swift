import Testing
@testable import Curriculum

@Suite struct MarkdownTextTests {
    func plain(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: MarkdownText.plain(s).compactMap(Unicode.Scalar.init))
        return out
    }

    @Test func markupIsRemovedAndWordsStay() {
        let md = """
        ## 导入
        > 引用里的**重点**
        - 列表项，见[上一课](lesson:jr-a)
        12. 第十二步用 `print`
        | 列 | 值 |
        |---|:--|
        | 甲 | 1 |
        ```
        代码
        ```
        """
        #expect(plain(md) == "引用里的重点 列表项，见上一课 第十二步用 print   列   值     甲   1   代码")
    }
}
