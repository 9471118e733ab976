import GraphModel

/// The media operations of one call (playPrompt, recordResponse): first in, first out, one
/// running at a time, cancellable. A value: the call machine feeds it and arms one timer for
/// the running item.
public struct MediaQueue: Codable, Sendable, Hashable {
    /// One queued or running operation.
    public struct Item: Codable, Sendable, Hashable {
        public var operationId: String
        /// How long it runs once started (prompts, beep and recording).
        public var duration: Duration
        /// `recordResponse` only: what the recording will hold.
        public var recording: RecordingPlan?

        public init(operationId: String, duration: Duration, recording: RecordingPlan? = nil) {
            self.operationId = operationId
            self.duration = duration
            self.recording = recording
        }
    }

    /// What a change to the queue means for the call.
    public enum Output: Sendable, Hashable {
        /// `item` starts now and runs for its duration.
        case started(Item)
        /// `item` ran to its end.
        case finished(Item)
        /// `item` was cancelled, running or queued.
        case cancelled(Item)
    }

    public private(set) var running: Item?
    public private(set) var queued: [Item] = []

    public init() {}

    /// Whether nothing runs and nothing waits.
    public var isIdle: Bool { running == nil && queued.isEmpty }

    /// Queues `item`; with `bargeIn`, what runs and waits is cancelled first.
    public mutating func enqueue(_ item: Item, bargeIn: Bool = false) -> [Output] {
        var outputs = bargeIn ? cancelAll() : []
        queued.append(item)
        outputs += startNext()
        return outputs
    }

    /// The running item with this id came to its end (as `ending` says it ended, when it
    /// ended early); the next one starts.
    public mutating func finish(_ operationId: String, as ending: Item? = nil) -> [Output] {
        guard let item = running, item.operationId == operationId else { return [] }
        running = nil
        return [.finished(ending ?? item)] + startNext()
    }

    /// Cancels the running item and everything queued, in queue order.
    public mutating func cancelAll() -> [Output] {
        let cancelled = (running.map { [$0] } ?? []) + queued
        running = nil
        queued = []
        return cancelled.map { .cancelled($0) }
    }

    private mutating func startNext() -> [Output] {
        guard running == nil, !queued.isEmpty else { return [] }
        let next = queued.removeFirst()
        running = next
        return [.started(next)]
    }
}

/// What a `recordResponse` will record, decided when it is accepted.
public struct RecordingPlan: Codable, Sendable, Hashable {
    /// How long the far end speaks into the recording.
    public var recordedFor: Duration
    /// The token a bot fetches the recording with.
    public var accessToken: String
    /// Where the recording is served.
    public var location: String
    /// Why the recording stopped, as the completion reports it.
    public var result: ResultInfo
    /// Keys that end the recording when the far end presses them.
    public var stopTones: [Tone]
    /// How the completion names why it stopped (beta `completionReason`).
    public var completionReason: String

    public init(recordedFor: Duration, accessToken: String, location: String, result: ResultInfo,
                stopTones: [Tone] = [], completionReason: String = "maxRecordDurationReached") {
        self.recordedFor = recordedFor
        self.accessToken = accessToken
        self.location = location
        self.result = result
        self.stopTones = stopTones
        self.completionReason = completionReason
    }
}
