import CallEngine
import GraphModel

/// The simulated far end: tenants, applications, users, phone numbers, application
/// instances and meetings, and how each behaves when called.
public struct World: Sendable {
    public var tenants: [WorldTenant]
    public var applications: [WorldApplication]
    public var users: [WorldUser]
    public var phoneNumbers: [WorldPhoneNumber]
    public var applicationInstances: [WorldApplicationInstance]
    public var meetings: [WorldMeeting]
    /// Prompt media the world holds: a prompt URI and the local WAV file it plays.
    public var media: [WorldMedia] = []
    /// How long a simulated user rings before answering, unless the user says otherwise.
    public var defaultRingTime: Duration
    /// Faults injected on purpose (none by default).
    public var faults = FaultPlan()

    public init(
        tenants: [WorldTenant] = [], applications: [WorldApplication] = [], users: [WorldUser] = [],
        phoneNumbers: [WorldPhoneNumber] = [], applicationInstances: [WorldApplicationInstance] = [],
        meetings: [WorldMeeting] = [], defaultRingTime: Duration = .seconds(1)
    ) {
        self.tenants = tenants
        self.applications = applications
        self.users = users
        self.phoneNumbers = phoneNumbers
        self.applicationInstances = applicationInstances
        self.meetings = meetings
        self.defaultRingTime = defaultRingTime
    }

    /// The tenant with this id (ids compare case-insensitively, as GUIDs do).
    public func tenant(id: String) -> WorldTenant? {
        tenants.first { $0.id.lowercased() == id.lowercased() }
    }

    /// The application with this client id.
    public func application(id: String) -> WorldApplication? {
        applications.first { $0.id.lowercased() == id.lowercased() }
    }

    /// The user with this object id.
    public func user(id: String) -> WorldUser? {
        users.first { $0.id.lowercased() == id.lowercased() }
    }

    /// The phone number, compared digits-only: the world's own, else one of the
    /// ``magicNumbers`` (which every world has).
    public func phoneNumber(_ number: String) -> WorldPhoneNumber? {
        let digits = number.filter(\.isNumber)
        return phoneNumbers.first { $0.number.filter(\.isNumber) == digits }
            ?? Self.magicNumbers.first { $0.number.filter(\.isNumber) == digits }
    }

    /// Test numbers that behave the same in every world, as test numbers do in telephony
    /// APIs: listed in the README.
    public static let magicNumbers: [WorldPhoneNumber] = [
        WorldPhoneNumber(number: "+12065550101", behaviour: .answer(ringFor: .zero)),
        WorldPhoneNumber(number: "+12065550102", behaviour: .busy),
        WorldPhoneNumber(number: "+12065550103", behaviour: .noAnswer),
        WorldPhoneNumber(number: "+12065550104", behaviour: .decline(ringFor: .seconds(1))),
        WorldPhoneNumber(number: "+12065550105", behaviour: .unreachable),
        WorldPhoneNumber(number: "+12065550106", behaviour: .answer(ringFor: .zero, then: [FarEndEvent(after: .seconds(10), .hangUp)])),
        WorldPhoneNumber(number: "+12065550107", behaviour: .answer(ringFor: .zero, then: [
            FarEndEvent(after: .seconds(2), .pressKeys([.tone1, .tone2, .tone3, .tone4, .pound])),
        ])),
    ]

    /// The application instance with this phone number (digits compared).
    public func applicationInstance(phoneNumber: String) -> WorldApplicationInstance? {
        let digits = phoneNumber.filter(\.isNumber)
        guard !digits.isEmpty else { return nil }
        return applicationInstances.first { $0.phoneNumber?.filter(\.isNumber) == digits }
    }

    /// The application instance with this object id.
    public func applicationInstance(id: String) -> WorldApplicationInstance? {
        applicationInstances.first { $0.id.lowercased() == id.lowercased() }
    }

    /// The meeting the control API names: by its id or its chat thread.
    public func meeting(named name: String) -> WorldMeeting? {
        meetings.first { $0.id == name || $0.threadId == name }
    }

    /// The meeting with this chat thread.
    public func meeting(threadId: String) -> WorldMeeting? {
        meetings.first { $0.threadId == threadId }
    }

    /// The meeting with this join meeting id (digits compared, spaces ignored).
    public func meeting(joinMeetingId: String) -> WorldMeeting? {
        let digits = joinMeetingId.filter { !$0.isWhitespace }
        return meetings.first { $0.joinMeetingId?.filter { !$0.isWhitespace } == digits }
    }

    /// The meeting this join token opens.
    public func meeting(token: String) -> WorldMeeting? {
        meetings.first { $0.token == token }
    }

    /// How the far end named by `target` behaves when called, and who it is.
    public func resolve(_ target: IdentitySet) -> FarEnd {
        if let userId = target.user?.id {
            guard let user = user(id: userId) else {
                return FarEnd(identity: target, behaviour: .noEndpoints)
            }
            var identity = target
            if identity.user?.displayName == nil { identity.user?.displayName = user.displayName }
            return FarEnd(identity: identity, behaviour: user.behaviour ?? .answer(ringFor: defaultRingTime))
        }
        if let number = target.phone?.id {
            guard let phone = phoneNumber(number) else {
                return FarEnd(identity: target, behaviour: .noEndpoints)
            }
            return FarEnd(identity: target, behaviour: phone.behaviour ?? .answer(ringFor: defaultRingTime))
        }
        return FarEnd(identity: target, behaviour: .noEndpoints)
    }

    /// A resolved far end.
    public struct FarEnd: Sendable, Hashable {
        public var identity: IdentitySet
        public var behaviour: FarEndBehaviour
    }
}

/// An Entra ID tenant.
public struct WorldTenant: Sendable, Hashable {
    public var id: String
    public var displayName: String
    /// The applications the tenant lets remove participants from calls (Teams'
    /// `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds`); nil: every one.
    public var allowRemoveParticipantAppIds: [String]?

    public init(id: String, displayName: String, allowRemoveParticipantAppIds: [String]? = nil) {
        self.id = id
        self.displayName = displayName
        self.allowRemoveParticipantAppIds = allowRemoveParticipantAppIds
    }

    /// Whether `appId` may remove participants in this tenant's calls.
    public func allowsRemovingParticipants(by appId: String) -> Bool {
        allowRemoveParticipantAppIds?.contains { $0.lowercased() == appId.lowercased() } ?? true
    }
}

/// A registered calling bot: its client credentials and granted application permissions.
public struct WorldApplication: Sendable, Hashable {
    public var id: String
    public var tenantId: String
    public var displayName: String
    public var clientSecret: String
    public var permissions: [String]
    /// The bot's "Webhook (for calling)": where its incoming calls are announced.
    public var callingWebhook: String?
    /// Tenants that consented to the application besides its own (its calls may be in them).
    public var consentedTenants: [String]

    public init(
        id: String, tenantId: String, displayName: String, clientSecret: String, permissions: [String],
        callingWebhook: String? = nil, consentedTenants: [String] = []
    ) {
        self.callingWebhook = callingWebhook
        self.consentedTenants = consentedTenants
        self.id = id
        self.tenantId = tenantId
        self.displayName = displayName
        self.clientSecret = clientSecret
        self.permissions = permissions
    }
}

extension WorldApplication {
    /// Whether the application may act in `tenantId`: its own tenant, or one that consented.
    public func isConsented(in tenantId: String) -> Bool {
        tenantId.lowercased() == self.tenantId.lowercased() || consentedTenants.contains { $0.lowercased() == tenantId.lowercased() }
    }
}

/// A Teams user.
public struct WorldUser: Sendable, Hashable {
    public var id: String
    public var tenantId: String
    public var displayName: String
    /// `nil`: ring for the world's default ring time, then answer.
    public var behaviour: FarEndBehaviour?

    public init(id: String, tenantId: String, displayName: String, behaviour: FarEndBehaviour? = nil) {
        self.id = id
        self.tenantId = tenantId
        self.displayName = displayName
        self.behaviour = behaviour
    }
}

/// A PSTN number (E.164).
public struct WorldPhoneNumber: Sendable, Hashable {
    public var number: String
    public var behaviour: FarEndBehaviour?

    public init(number: String, behaviour: FarEndBehaviour? = nil) {
        self.number = number
        self.behaviour = behaviour
    }
}

/// An application instance (resource account) bound to an application, optionally with a number.
public struct WorldApplicationInstance: Sendable, Hashable {
    public var id: String
    public var applicationId: String
    public var tenantId: String
    public var displayName: String
    public var phoneNumber: String?

    public init(id: String, applicationId: String, tenantId: String, displayName: String, phoneNumber: String?) {
        self.id = id
        self.applicationId = applicationId
        self.tenantId = tenantId
        self.displayName = displayName
        self.phoneNumber = phoneNumber
    }
}

/// A scheduled Teams meeting.
public struct WorldMeeting: Sendable, Hashable {
    /// The meeting's name in the control API (the chat thread unless the world says otherwise).
    public var id: String
    /// The meeting's chat thread (`chatInfo.threadId`).
    public var threadId: String
    public var organizerId: String
    public var tenantId: String
    public var joinMeetingId: String?
    public var passcode: String?
    /// The join token a `tokenMeetingInfo` carries for this meeting.
    public var token: String?
    /// The users (ids) in the meeting when a bot joins, in roster order.
    public var attendees: [String]
    /// The attendee who shares content, if anyone does.
    public var sharerId: String?
    /// What attendees (by user id) do once a bot has joined, counted from its join.
    public var timelines: [String: [FarEndEvent]]
    /// Attendees (by user id) who are not there when the first bot joins, and join this
    /// long after it.
    public var joinsAfter: [String: Duration] = [:]

    public init(
        threadId: String, organizerId: String, tenantId: String, joinMeetingId: String? = nil, passcode: String? = nil,
        token: String? = nil, attendees: [String] = [], sharerId: String? = nil, timelines: [String: [FarEndEvent]] = [:]
    ) {
        self.id = threadId
        self.timelines = timelines
        self.threadId = threadId
        self.organizerId = organizerId
        self.tenantId = tenantId
        self.joinMeetingId = joinMeetingId
        self.passcode = passcode
        self.token = token
        self.attendees = attendees
        self.sharerId = sharerId
    }
}

/// A prompt's media: when a bot plays `uri`, Switchboard reads the length of `file` (a WAV).
public struct WorldMedia: Sendable, Hashable {
    public var uri: String
    public var file: String

    public init(uri: String, file: String) {
        self.uri = uri
        self.file = file
    }
}
