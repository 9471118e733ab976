import Hummingbird

/// The request context: Hummingbird's basics, with Graph-sized uploads (1 MiB).
public struct SwitchboardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}
