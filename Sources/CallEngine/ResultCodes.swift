import GraphModel

/// The `resultInfo` values the engine reports, from Graph's published code tables.
public enum ResultCodes {
    /// The bot hung up (DELETE): Graph's *Delete call* example.
    public static let conversationEnded = ResultInfo(code: 200, subcode: 5001, message: "The conversation has ended.")
    /// The far end hung up a peer-to-peer call.
    public static let peerEndedCall = ResultInfo(code: 200, subcode: 4521, message: "The other participant ended the call.")
    /// Everyone but the bot left a group call.
    public static let allOthersLeft = ResultInfo(code: 200, subcode: 5002, message: "All other participants left the call.")
    /// Nobody the bot invited joined its group call.
    public static let nobodyJoined = ResultInfo(code: 200, subcode: 5013, message: "Nobody else joined the group call.")
    /// No callee endpoints were found (unknown user or number).
    public static let noCalleeEndpoints = ResultInfo(code: 480, subcode: 10037, message: "Call failed: no callee endpoints found.")
    /// The callee cannot be reached (Graph's table: 480/10076).
    public static let unreachable = ResultInfo(code: 480, subcode: 10076, message: "Call failed: the callee is unreachable.")
    /// The callee is busy. Graph publishes no code for it: Switchboard reports SIP's 486
    /// (Busy Here), the way Graph's codes follow SIP's (480, 408).
    public static let busy = ResultInfo(code: 486, subcode: 0, message: "Call failed: the callee is busy.")
    /// The callee declined. Graph publishes no code for it: SIP's 603 (Decline).
    public static let declined = ResultInfo(code: 603, subcode: 0, message: "Call failed: the callee declined the call.")
    /// The bot refused an incoming call as `forbidden`: SIP's 403.
    public static let forbidden = ResultInfo(code: 403, subcode: 0, message: "Call failed: the callee refused the call (forbidden).")
    /// The bot neither answered, rejected nor redirected an incoming call within 15 s.
    public static let notAnsweredInTime = ResultInfo(code: 408, subcode: 10057, message: "Call failed: the application did not answer the incoming call in time.")
    /// Nobody answered before the ringing timeout.
    public static let noAnswer = ResultInfo(code: 408, subcode: 10057, message: "Call failed: no signalling from callee endpoints.")
    /// The bot sent no keepAlive for 45 minutes.
    public static let keepAliveTimeout = ResultInfo(code: 408, subcode: 8537, message: "Keep Alive timeout: the inactive call was cleaned up.")
    /// A blind transfer completed (Graph's example uses code 0).
    public static let transferCompleted = ResultInfo(code: 0, subcode: 7015, message: "GracefulTransferCompleted")
    /// A blind transfer failed; the call is established again.
    public static let transferFailed = ResultInfo(code: 500, subcode: 7000, message: "Transfer failed: the transfer target did not accept the call.")
    /// A consultative transfer failed; the call is established again.
    public static let consultativeTransferFailed = ResultInfo(code: 500, subcode: 7700, message: "Consultative transfer failed: the transfer target did not accept the call.")
    /// The call's peer was invited into another call with `replacesCallId`: the bot ended
    /// this one (Graph's table: 200/7000, ended by the bot).
    public static let replaced = ResultInfo(code: 200, subcode: 7000, message: "The call was replaced: its participant moved to another call.")
    /// A media or control operation completed.
    public static let actionCompleted = ResultInfo(code: 200, subcode: 0, message: "Action completed successfully.")
    /// A recording ran to its maximum duration.
    public static let maxRecordDurationReached = ResultInfo(code: 200, subcode: 8515, message: "Action completed, max record duration reached.")
    /// A recording ended on a stop tone. Graph's code for it is not published; Switchboard
    /// reports the generic completion with a message that says why.
    public static let stopToneDetected = ResultInfo(code: 200, subcode: 0, message: "Action completed, stop tone detected.")
    /// An operation was cancelled by cancelMediaProcessing (or a barge-in).
    public static let operationCancelled = ResultInfo(code: 400, subcode: 8508, message: "Action failed, the operation was cancelled.")
}
