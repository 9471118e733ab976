import Hummingbird

/// The request context: Hummingbird's basics, with Graph-sized uploads (1 MiB).
public struct SwitchboardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// What a path is to Graph, once a middleware has read it (``graphTarget(of:)``).
    private var graphTargetRead: (path: String, target: GraphTarget)?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// What `path` (this request's) is to Graph, read once per request: the inspector's
    /// recorder and the Graph handler both ask. Read again if the path is another.
    mutating func graphTarget(of path: String) -> GraphTarget {
        if let graphTargetRead, graphTargetRead.path == path { return graphTargetRead.target }
        let target = GraphTarget(path: path)
        graphTargetRead = (path, target)
        return target
    }
}

/// What a request's path is to Graph.
enum GraphTarget: Sendable {
    /// Not under a Graph version root (`/v1.0`, `/beta`).
    case elsewhere
    /// Under a version root: the resource it names, nil when it names none.
    case graph(GraphPath?)

    init(path: String) {
        self = GraphPath.isGraphRoot(path) ? .graph(GraphPath.parse(path)) : .elsewhere
    }
}
