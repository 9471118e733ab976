import GraphModel

/// The `resultInfo` values the engine reports, from Graph's published code table.
public enum ResultCodes {
    /// The bot hung up (DELETE): Graph's *Delete call* example.
    public static let conversationEnded = ResultInfo(code: 200, subcode: 5001, message: "The conversation has ended.")
    /// The far end hung up a peer-to-peer call.
    public static let peerEndedCall = ResultInfo(code: 200, subcode: 4521, message: "The other participant ended the call.")
    /// No callee endpoints were found (unknown user or number).
    public static let noCalleeEndpoints = ResultInfo(code: 480, subcode: 10037, message: "Call failed: no callee endpoints found.")
    /// Nobody answered before the ringing timeout.
    public static let noAnswer = ResultInfo(code: 408, subcode: 10057, message: "Call failed: no signalling from callee endpoints.")
    /// The bot sent no keepAlive for 45 minutes.
    public static let keepAliveTimeout = ResultInfo(code: 408, subcode: 8537, message: "Keep Alive timeout: the inactive call was cleaned up.")
}
