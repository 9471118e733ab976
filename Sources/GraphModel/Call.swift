/// `microsoft.graph.call` (entity, OpenType).
public struct Call: GraphObject {
    public var id: String?
    public var callbackUri: String?
    public var callChainId: String?
    @Indirect public var callOptions: CallOptions?
    public var callRoutes: [CallRoute]?
    @Indirect public var chatInfo: ChatInfo?
    public var direction: CallDirection?
    @Indirect public var incomingContext: IncomingContext?
    public var mediaConfig: MediaConfig?
    public var mediaState: CallMediaState?
    @Indirect public var meetingInfo: MeetingInfo?
    public var myParticipantId: String?
    public var requestedModalities: [Modality]?
    public var resultInfo: ResultInfo?
    @Indirect public var source: ParticipantInfo?
    public var state: CallState?
    public var subject: String?
    public var targets: [InvitationParticipantInfo]?
    public var tenantId: String?
    @Indirect public var toneInfo: ToneInfo?
    @Indirect public var transcription: CallTranscriptionInfo?
    // Beta-only properties.
    public var activeModalities: [Modality]?
    @Indirect public var answeredBy: ParticipantInfo?
    public var meetingCapability: JSONValue?
    public var ringingTimeoutInSeconds: Int?
    public var routingPolicies: [RoutingPolicy]?
    public var terminationReason: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}

    public var odataTypeName: String? { "#microsoft.graph.call" }

    public init(reading r: inout GraphObjectReader) throws {
        if let type = r.odataType, type.graphTypeName != "call" {
            throw invalidValue(r, odataTypeKey, "'\(type)' is not a call.")
        }
        id = try r.read("id")
        callbackUri = try r.read("callbackUri", alias: "callback")
        callChainId = try r.read("callChainId")
        callOptions = try r.read("callOptions")
        callRoutes = try r.read("callRoutes")
        chatInfo = try r.read("chatInfo")
        direction = try r.read("direction")
        incomingContext = try r.read("incomingContext")
        mediaConfig = try r.read("mediaConfig")
        mediaState = try r.read("mediaState")
        meetingInfo = try r.read("meetingInfo")
        myParticipantId = try r.read("myParticipantId")
        requestedModalities = try r.read("requestedModalities")
        resultInfo = try r.read("resultInfo")
        source = try r.read("source")
        state = try r.read("state")
        subject = try r.read("subject")
        targets = try r.read("targets")
        tenantId = try r.read("tenantId")
        toneInfo = try r.read("toneInfo")
        transcription = try r.read("transcription")
        activeModalities = try r.read("activeModalities")
        answeredBy = try r.read("answeredBy")
        meetingCapability = try r.read("meetingCapability")
        ringingTimeoutInSeconds = try r.read("ringingTimeoutInSeconds")
        routingPolicies = try r.read("routingPolicies")
        terminationReason = try r.read("terminationReason")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.write(callbackUri, "callbackUri")
        try w.write(callChainId, "callChainId")
        try w.write(callOptions, "callOptions")
        try w.write(callRoutes, "callRoutes")
        try w.write(chatInfo, "chatInfo")
        try w.write(direction, "direction")
        try w.write(incomingContext, "incomingContext")
        try w.write(mediaConfig, "mediaConfig")
        try w.write(mediaState, "mediaState")
        try w.write(meetingInfo, "meetingInfo")
        try w.write(myParticipantId, "myParticipantId")
        try w.write(requestedModalities, "requestedModalities")
        try w.write(resultInfo, "resultInfo")
        try w.write(source, "source")
        try w.write(state, "state")
        try w.write(subject, "subject")
        try w.write(targets, "targets")
        try w.write(tenantId, "tenantId")
        try w.write(toneInfo, "toneInfo")
        try w.write(transcription, "transcription")
        try w.writeBeta(activeModalities, "activeModalities")
        try w.writeBeta(answeredBy, "answeredBy")
        try w.writeBeta(meetingCapability, "meetingCapability")
        try w.writeBeta(ringingTimeoutInSeconds, "ringingTimeoutInSeconds")
        try w.writeBeta(routingPolicies, "routingPolicies")
        try w.writeBeta(terminationReason, "terminationReason")
    }
}
