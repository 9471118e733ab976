import GraphModel

/// What the shell must do after the engine handled an input. Effects are data; the runtime
/// commits the new state and the notifications together, then arms or disarms timers.
public enum CallEffect: Sendable, Hashable {
    /// Deliver `notification` to the call's callback URI.
    case notify(CommsNotification)
    /// Arm a timer.
    case schedule(CallTimer)
    /// Disarm the timer of this kind.
    case cancel(CallTimer.Kind)
    /// The call has ended: remove it from the store once its notifications are committed.
    case remove
}

/// Why the engine refused an input; mapped to a Graph error in one place by the server.
public enum CallEngineError: Error, Sendable, Hashable {
    /// The call has ended (Graph answers 404 for actions on an ended call).
    case callEnded
    /// The action does not apply to the call in its current state.
    case invalidState(action: String, state: CallState)
}
