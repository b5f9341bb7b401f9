import Foundation
import Persistence
import QianxueCore
import ZIPFoundation

/// The item bank as a QTI 3.0 content package: `imsmanifest.xml` and one `items/<id>.xml` per item.
/// What QTI has no place for — competency, bands, the authors' difficulty, review, local setting and
/// sources, rationale, IRT parameters — travels in each resource's metadata under the
/// `https://qianxue.dev/xsd/qti-item-v1` namespace, so that an export imports back unchanged.
public enum QTIPackage {
    public static let extensionNamespace = "https://qianxue.dev/xsd/qti-item-v1"
    static let manifestNamespace = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"

    /// Every file of the package, by path.
    public static func files(of items: [AssessmentItem]) -> [String: Data] {
        var files: [String: Data] = [:]
        for item in items { files["items/\(item.id).xml"] = Data(QTIItemXML.xml(item).utf8) }
        files["imsmanifest.xml"] = Data(manifest(items).utf8)
        return files
    }

    /// The package as a zip archive.
    public static func zip(of items: [AssessmentItem]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, data) in files(of: items).sorted(by: { $0.key < $1.key }) {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let out = archive.data else { throw AppError(.internal, "the zip archive could not be written") }
        return out
    }

    /// Writes the package's files under `folder` (created if missing).
    public static func write(_ items: [AssessmentItem], to folder: URL) throws {
        for (path, data) in files(of: items) {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }

    static func manifest(_ items: [AssessmentItem]) -> String {
        let e = QTIItemXML.e
        var x = """
        <?xml version="1.0" encoding="UTF-8"?>
        <manifest xmlns="\(manifestNamespace)" xmlns:qx="\(extensionNamespace)" identifier="qianxue-ai-literacy-item-bank">
          <metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata>
          <organizations/>
          <resources>

        """
        for item in items {
            x += "    <resource identifier=\"\(e(item.id))\" type=\"imsqti_item_xmlv3p0\" href=\"items/\(e(item.id)).xml\">\n      <metadata>\n"
            var attributes = "competency=\"\(item.competency.code)\" bands=\"\(item.bands.map(\.rawValue).joined(separator: " "))\""
            attributes += " difficulty=\"\(item.difficulty)\" status=\"\(item.status.rawValue)\""
            if let r = item.reviewer { attributes += " reviewer=\"\(e(r))\"" }
            if let d = item.reviewedOn { attributes += " reviewed-on=\"\(e(d))\"" }
            if !item.context.isEmpty { attributes += " context=\"\(e(item.context.joined(separator: " ")))\"" }
            if !item.sources.isEmpty { attributes += " sources=\"\(e(item.sources.joined(separator: " ")))\"" }
            x += "        <qx:item \(attributes)>\n"
            if let rationale = item.rationale { x += "          <qx:rationale>\(e(rationale))</qx:rationale>\n" }
            if let irt = item.irt { x += "          <qx:irt a=\"\(irt.a)\" b=\"\(irt.b)\" calibrated-on=\"\(e(irt.calibratedOn))\" n=\"\(irt.n)\"/>\n" }
            x += "        </qx:item>\n      </metadata>\n      <file href=\"items/\(e(item.id)).xml\"/>\n    </resource>\n"
        }
        return x + "  </resources>\n</manifest>\n"
    }
}

extension AssessmentService {
    /// The whole bank as a zipped QTI 3.0 package, keys included: platform admins only, audited.
    public func qtiPackage(for p: Principal, requestID: String?) async throws -> Data {
        try p.require(.admin, to: "export the item bank")
        let zip = try QTIPackage.zip(of: items.bank.items)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "assessment.items.export", targetType: "item-bank",
                                          targetID: "qti", purpose: "QTI 3.0 export", requestID: requestID, detail: "\(items.bank.items.count) items"))
        return zip
    }
}
