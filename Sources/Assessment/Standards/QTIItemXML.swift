import Foundation
import QianxueCore

/// One item as a QTI 3.0 `qti-assessment-item`: single and multiple choice as a choice interaction,
/// ordering as an order interaction, both with the key as `qti-correct-response` and the standard
/// match-correct response processing; a constructed item as an extended-text interaction with its
/// rubric in a scorer's `qti-rubric-block` (the teacher scores it). For exchange between item banks,
/// never for students: it holds the key.
enum QTIItemXML {
    static let namespace = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
    static let schemaLocation = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
    static let matchCorrect = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"

    static func xml(_ item: AssessmentItem) -> String {
        var x = """
        <?xml version="1.0" encoding="UTF-8"?>
        <qti-assessment-item xmlns="\(namespace)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="\(schemaLocation)"
            identifier="\(e(item.id))" title="\(e(item.id))" adaptive="false" time-dependent="false" xml:lang="zh-CN">

        """
        let cardinality = item.type.qtiCardinality
        switch item.key {
        case .choice(let k):
            x += declaration(cardinality, base: "identifier", values: [k])
        case .choices(let ks):
            x += declaration(cardinality, base: "identifier", values: ks.sorted())
        case .order(let ks):
            x += declaration(cardinality, base: "identifier", values: ks)
        case .rubric:
            x += "  <qti-response-declaration identifier=\"RESPONSE\" cardinality=\"single\" base-type=\"string\"/>\n"
        }
        x += "  <qti-outcome-declaration identifier=\"SCORE\" cardinality=\"single\" base-type=\"float\"/>\n"
        x += "  <qti-item-body>\n"
        switch item.key {
        case .choice, .choices:
            let max = item.type == .single ? 1 : item.options.count
            x += "    <qti-choice-interaction response-identifier=\"RESPONSE\" shuffle=\"false\" max-choices=\"\(max)\">\n"
            x += "      <qti-prompt>\(e(item.stem))</qti-prompt>\n"
            for o in item.options { x += "      <qti-simple-choice identifier=\"\(e(o.id))\">\(e(o.text))</qti-simple-choice>\n" }
            x += "    </qti-choice-interaction>\n"
        case .order:
            x += "    <qti-order-interaction response-identifier=\"RESPONSE\" shuffle=\"false\">\n"
            x += "      <qti-prompt>\(e(item.stem))</qti-prompt>\n"
            for o in item.options { x += "      <qti-simple-choice identifier=\"\(e(o.id))\">\(e(o.text))</qti-simple-choice>\n" }
            x += "    </qti-order-interaction>\n"
        case .rubric(let r):
            x += "    <qti-rubric-block use=\"scoring\" view=\"scorer\" data-max-points=\"\(r.maxPoints)\" data-correct-at=\"\(r.correctAt)\">\n"
            for l in r.levels { x += "      <p data-points=\"\(l.points)\">\(e(l.descriptor))</p>\n" }
            if let exemplar = r.exemplar { x += "      <p data-exemplar=\"true\">\(e(exemplar))</p>\n" }
            x += "    </qti-rubric-block>\n"
            x += "    <qti-extended-text-interaction response-identifier=\"RESPONSE\">\n"
            x += "      <qti-prompt>\(e(item.stem))</qti-prompt>\n"
            x += "    </qti-extended-text-interaction>\n"
        }
        x += "  </qti-item-body>\n"
        if item.type != .constructed { x += "  <qti-response-processing template=\"\(matchCorrect)\"/>\n" }
        return x + "</qti-assessment-item>\n"
    }

    private static func declaration(_ cardinality: String, base: String, values: [String]) -> String {
        "  <qti-response-declaration identifier=\"RESPONSE\" cardinality=\"\(cardinality)\" base-type=\"\(base)\">\n    <qti-correct-response>\n"
            + values.map { "      <qti-value>\(e($0))</qti-value>\n" }.joined() + "    </qti-correct-response>\n  </qti-response-declaration>\n"
    }

    /// Text made safe for XML content and attribute values.
    static func e(_ s: String) -> String { s.markupEscaped }
}
