/// A kind of personal data the redactor replaces, with its placeholder.
public enum PIIKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 居民身份证号码 (GB 11643, check digit verified).
    case idNumber
    /// Mobile and landline numbers.
    case phone
    case email
    /// Bank card numbers (Luhn verified).
    case bankCard
    /// A QQ number, when it is labelled as one.
    case qq
    /// A WeChat id, when it is labelled as one.
    case wechat
    /// A home address, when it is recognisable as one.
    case address
    /// A name the caller asked to redact (classmate, teacher, the student).
    case name

    /// The placeholder for every kind but `name`, whose placeholder depends on the role.
    public var placeholder: String {
        switch self {
        case .idNumber: "[身份证号]"
        case .phone: "[电话]"
        case .email: "[邮箱]"
        case .bankCard: "[银行卡号]"
        case .qq: "[QQ号]"
        case .wechat: "[微信号]"
        case .address: "[住址]"
        case .name: "[姓名]"
        }
    }

    /// How serious the disclosure is, for the decision log.
    public var severity: SafetySeverity {
        switch self {
        case .idNumber, .bankCard: .high
        case .phone, .address, .email: .medium
        case .qq, .wechat, .name: .low
        }
    }

    public var ruleID: String { "pii.\(rawValue)" }

    public var description: String { rawValue }

    /// When two detections overlap and are as long as each other, the more specific one wins.
    var specificity: Int {
        switch self {
        case .idNumber: 8
        case .bankCard: 7
        case .qq: 6
        case .wechat: 5
        case .email: 4
        case .phone: 3
        case .name: 2
        case .address: 1
        }
    }
}

/// One piece of personal data that was replaced: its kind and the placeholder put in its place —
/// never the value.
public struct PIIFinding: Sendable, Hashable, Codable, CustomStringConvertible {
    public let kind: PIIKind
    public let placeholder: String

    public init(kind: PIIKind, placeholder: String) {
        self.kind = kind
        self.placeholder = placeholder
    }

    public var description: String { "\(kind) → \(placeholder)" }
}
