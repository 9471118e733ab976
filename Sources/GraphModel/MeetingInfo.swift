/// `microsoft.graph.meetingInfo`: organizer, join-meeting-id or token meeting info.
public struct MeetingInfo: GraphObject {
    public enum Kind: String, Sendable, Hashable {
        case organizerMeetingInfo, joinMeetingIdMeetingInfo, tokenMeetingInfo
    }

    public var kind: Kind
    /// organizerMeetingInfo.
    @Indirect public var organizer: IdentitySet?
    /// joinMeetingIdMeetingInfo.
    public var joinMeetingId: String?
    /// joinMeetingIdMeetingInfo.
    public var passcode: String?
    /// tokenMeetingInfo.
    public var token: String?
    /// Beta: `allowConversationWithoutHost`.
    public var allowConversationWithoutHost: Bool?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind) { self.kind = kind }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        guard let type = r.odataType else {
            throw invalidValue(r, odataTypeKey, "meetingInfo needs an @odata.type: organizerMeetingInfo, joinMeetingIdMeetingInfo or tokenMeetingInfo.")
        }
        guard let kind = Kind(rawValue: type.graphTypeName) else {
            throw invalidValue(r, odataTypeKey, "'\(type)' is not a meetingInfo type.")
        }
        self.kind = kind
        switch kind {
        case .organizerMeetingInfo:
            organizer = try r.read("organizer")
        case .joinMeetingIdMeetingInfo:
            joinMeetingId = try r.read("joinMeetingId")
            passcode = try r.read("passcode")
        case .tokenMeetingInfo:
            token = try r.read("token")
        }
        allowConversationWithoutHost = try r.read("allowConversationWithoutHost")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(organizer, "organizer")
        try w.write(joinMeetingId, "joinMeetingId")
        try w.write(passcode, "passcode")
        try w.write(token, "token")
        try w.writeBeta(allowConversationWithoutHost, "allowConversationWithoutHost")
    }
}

/// `microsoft.graph.chatInfo`.
public struct ChatInfo: GraphObject {
    public var threadId: String?
    public var messageId: String?
    public var replyChainMessageId: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(threadId: String?, messageId: String?, replyChainMessageId: String? = nil) {
        self.threadId = threadId
        self.messageId = messageId
        self.replyChainMessageId = replyChainMessageId
    }

    public var odataTypeName: String? { "#microsoft.graph.chatInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        threadId = try r.read("threadId")
        messageId = try r.read("messageId")
        replyChainMessageId = try r.read("replyChainMessageId")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(messageId, "messageId")
        try w.write(replyChainMessageId, "replyChainMessageId")
        try w.write(threadId, "threadId")
    }
}

/// `microsoft.graph.callOptions`: `outgoingCallOptions` (create) or `incomingCallOptions` (answer).
public struct CallOptions: GraphObject {
    public enum Kind: String, Sendable, Hashable {
        case outgoingCallOptions, incomingCallOptions
    }

    public var kind: Kind
    public var hideBotAfterEscalation: Bool?
    public var isContentSharingNotificationEnabled: Bool?
    public var isDeltaRosterEnabled: Bool?
    public var isInteractiveRosterEnabled: Bool?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind) { self.kind = kind }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    /// Reads callOptions; without `@odata.type` the kind is taken from where it stands.
    public init(reading r: inout GraphObjectReader) throws {
        if let type = r.odataType {
            guard let kind = Kind(rawValue: type.graphTypeName) else {
                throw invalidValue(r, odataTypeKey, "'\(type)' is not a callOptions type.")
            }
            self.kind = kind
        } else {
            kind = .outgoingCallOptions
        }
        hideBotAfterEscalation = try r.read("hideBotAfterEscalation")
        isContentSharingNotificationEnabled = try r.read("isContentSharingNotificationEnabled")
        isDeltaRosterEnabled = try r.read("isDeltaRosterEnabled")
        isInteractiveRosterEnabled = try r.read("isInteractiveRosterEnabled")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(hideBotAfterEscalation, "hideBotAfterEscalation")
        try w.write(isContentSharingNotificationEnabled, "isContentSharingNotificationEnabled")
        try w.write(isDeltaRosterEnabled, "isDeltaRosterEnabled")
        try w.write(isInteractiveRosterEnabled, "isInteractiveRosterEnabled")
    }
}
