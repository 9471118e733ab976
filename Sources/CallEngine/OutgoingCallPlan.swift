import GraphModel

/// Everything the engine needs to place an outgoing call: the validated request with its
/// server-assigned values filled in, and the far end the world resolved.
public struct OutgoingCallPlan: Sendable, Hashable {
    /// The call as Graph will show it: id, callChainId, myParticipantId, source, tenantId set.
    public var call: Call
    public var appId: String
    public var tenantId: String
    /// The profile notifications are written with (the API version the call was created on).
    public var profile: GraphWireProfile
    /// The callee's participant as it will appear once it answers.
    public var farEndParticipant: Participant
    public var farEndBehaviour: FarEndBehaviour

    public init(call: Call, appId: String, tenantId: String, profile: GraphWireProfile, farEndParticipant: Participant, farEndBehaviour: FarEndBehaviour) {
        self.call = call
        self.appId = appId
        self.tenantId = tenantId
        self.profile = profile
        self.farEndParticipant = farEndParticipant
        self.farEndBehaviour = farEndBehaviour
    }
}
