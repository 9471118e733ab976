import GraphModel

/// What the shell must do after the engine handled an input. Effects are data; the runtime
/// commits the new state and the notifications together, then arms timers and answers the
/// request.
public enum CallEffect: Sendable, Hashable {
    /// Deliver `notification` to the call's callback URI.
    case notify(CommsNotification)
    /// Arm a timer.
    case schedule(CallTimer)
    /// Disarm a timer.
    case cancel(CallTimer.Name)
    /// What the request that caused this input answers with.
    case reply(CallReply)
    /// Something another call must hear: committed with this change, applied to that call
    /// afterwards (in order, and again after a restart until it was).
    case signal(callId: String, CallSignal)
    /// A recording is complete: serve it at its location to whoever has its token.
    case recordingReady(operationId: String, RecordingPlan)
    /// The call has ended: remove it from the store once its notifications are committed.
    case remove
}

/// What one call tells another.
public enum CallSignal: Codable, Sendable, Hashable {
    /// The call's peer moved into call `byCallId` (an invitation with `replacesCallId`): this
    /// call ends.
    case replaced(byCallId: String)
    /// This call was the consultation leg of a transfer completed in `inCallId`: it ends.
    case transferCompleted(inCallId: String)
    /// The roster of a meeting this call is in changed in another call in it (`fromCallId`):
    /// participants joined or changed, participants left, or that call ended (its bot left).
    case meetingRoster(fromCallId: String, upserted: [Participant], left: [String], ended: Bool)
}

/// The body of a successful action response.
public enum CallReply: Sendable, Hashable {
    /// An operation object, with its `Location` under `operations/`.
    case operation(CommsOperation)
    /// An audio routing group.
    case audioRoutingGroup(AudioRoutingGroup)
}

/// Why the engine refused an input; mapped to a Graph error in one place by the server.
public enum CallEngineError: Error, Sendable, Hashable {
    /// The call has ended (Graph answers 404 for actions on an ended call).
    case callEnded
    /// The action does not apply to the call in its current state.
    case invalidState(action: String, state: CallState)
    /// Graph does not support the action in this kind of call (P2P, group, meeting, media).
    case notSupportedInCall(action: String, reason: String)
    /// No participant with this id in the call.
    case participantNotFound(String)
    /// No audio routing group with this id in the call.
    case audioRoutingGroupNotFound(String)
    /// An audio routing group with this id exists already.
    case audioRoutingGroupExists(String)
    /// A far end was told to pick up or refuse, but nobody rings in the call.
    case notRinging(action: String)
    /// The request breaks one of Graph's rules for this call (limits, one held participant, …).
    case rejected(String)
}
