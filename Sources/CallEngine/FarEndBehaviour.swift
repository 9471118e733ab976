/// How a simulated far end (Teams user, phone number) responds when called.
///
/// The world chooses a behaviour when a call is placed; the engine enacts it with timers,
/// so it is persisted with the call and replayed identically after a restart.
public enum FarEndBehaviour: Codable, Sendable, Hashable {
    /// Rings for `ringFor`, then answers.
    case answer(ringFor: Duration)
    /// Nobody answers; the call ends when the ringing timeout passes (408/10057).
    case noAnswer
    /// The target has no endpoints (unknown user or number): the call ends at once (480/10037).
    case noEndpoints
}
