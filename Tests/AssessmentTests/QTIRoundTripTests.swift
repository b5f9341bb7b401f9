import Foundation
import QianxueCore
import Testing
import TestSupport
@testable import Assessment

/// The item bank exported as a QTI 3.0 package and imported back into the bank's file format.
@Suite struct QTIRoundTripTests {
    @Test func theShippedBankSurvivesExportAndImportUnchanged() throws {
        // given the shipped bank written as a package
        let bank = ShippedItemBank.bank
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let package = root.appendingPathComponent("qti")
        try QTIPackage.write(bank.items, to: package)

        // when it is imported and written as an item file beside the shipped sources
        let (imported, problems) = QTIImport.items(in: package)
        #expect(problems == [])
        let folder = root.appendingPathComponent("Curriculum/assessment")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.curriculum.appendingPathComponent("sources.yaml"),
                                         to: root.appendingPathComponent("Curriculum/sources.yaml"))
        try ItemYAML.yaml(imported).write(to: folder.appendingPathComponent("imported.yaml"), atomically: true, encoding: .utf8)
        let reloaded = ItemBankLoader.load(from: folder)

        // then the lint passes and every item is the same, key and rubric included
        #expect(reloaded.diagnostics.map(\.description) == [])
        #expect(reloaded.bank.items.count == bank.items.count)
        for (a, b) in zip(bank.items, reloaded.bank.items) {
            #expect(a.id == b.id && a.stem == b.stem && a.options == b.options && a.key == b.key, "\(a.id)")
            #expect(a.competency == b.competency && a.bands == b.bands && a.difficulty == b.difficulty, "\(a.id)")
            #expect(a.context == b.context && a.sources == b.sources && a.status == b.status && a.reviewer == b.reviewer
                    && a.reviewedOn == b.reviewedOn && a.rationale == b.rationale && a.irt == b.irt, "\(a.id)")
        }
    }

    @Test func itemFilesUseTheQTIInteractionsAndTheManifestListsThem() throws {
        let files = QTIPackage.files(of: ShippedItemBank.bank.items)
        let manifest = String(decoding: try #require(files["imsmanifest.xml"]), as: UTF8.self)
        #expect(manifest.contains("http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"))
        #expect(manifest.components(separatedBy: "type=\"imsqti_item_xmlv3p0\"").count == ShippedItemBank.bank.items.count + 1)
        for item in ShippedItemBank.bank.items.prefix(40) {
            let xml = String(decoding: try #require(files["items/\(item.id).xml"]), as: UTF8.self)
            #expect(xml.contains("<\(item.type.qtiInteraction) "), "\(item.id)")
            #expect(xml.contains("cardinality=\"\(item.type.qtiCardinality)\""), "\(item.id)")
            #expect(item.type == .constructed ? xml.contains("view=\"scorer\"") : xml.contains("<qti-correct-response>"), "\(item.id)")
        }
        let zip = try QTIPackage.zip(of: ShippedItemBank.bank.items)
        #expect(zip.prefix(2) == Data("PK".utf8))
    }

    @Test func aPackageWithoutTheBanksMetadataIsRefusedItemByItem() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: root) }
        let item = try #require(ShippedItemBank.bank.items.first)
        try QTIPackage.write([item], to: root)
        let manifest = root.appendingPathComponent("imsmanifest.xml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let stripped = text.replacingOccurrences(of: #"<qx:item [^>]*>[\s\S]*?</qx:item>"#, with: "", options: .regularExpression)
        try stripped.write(to: manifest, atomically: true, encoding: .utf8)
        let (items, problems) = QTIImport.items(in: root)
        #expect(items.isEmpty)
        #expect(problems.map(\.description) == ["items/\(item.id).xml: no qx:item metadata: competency, bands and difficulty are needed for the bank"])
    }
}
