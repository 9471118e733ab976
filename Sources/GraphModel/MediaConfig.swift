/// `microsoft.graph.mediaInfo`. The 2019 beta spelled `uri` as `url`; both are read.
public struct MediaInfo: GraphObject {
    public var uri: String?
    public var resourceId: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(uri: String, resourceId: String? = nil) {
        self.uri = uri
        self.resourceId = resourceId
    }

    public var odataTypeName: String? { "#microsoft.graph.mediaInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        uri = try r.read("uri", alias: "url")
        resourceId = try r.read("resourceId")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(resourceId, "resourceId")
        try w.write(uri, "uri")
    }
}

/// `microsoft.graph.mediaConfig`: app-hosted or service-hosted media.
public struct MediaConfig: GraphObject {
    public enum Kind: String, Sendable, Hashable {
        case appHostedMediaConfig, serviceHostedMediaConfig
    }

    public var kind: Kind
    /// appHostedMediaConfig: the media stack's configuration blob.
    public var blob: String?
    /// serviceHostedMediaConfig: media to fetch ahead of prompts.
    public var preFetchMedia: [MediaInfo]?
    /// Beta: `removeFromDefaultAudioGroup`.
    public var removeFromDefaultAudioGroup: Bool?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind, blob: String? = nil, preFetchMedia: [MediaInfo]? = nil) {
        self.kind = kind
        self.blob = blob
        self.preFetchMedia = preFetchMedia
    }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        guard let type = r.odataType else {
            throw invalidValue(r, odataTypeKey, "mediaConfig needs an @odata.type: appHostedMediaConfig or serviceHostedMediaConfig.")
        }
        guard let kind = Kind(rawValue: type.graphTypeName) else {
            throw invalidValue(r, odataTypeKey, "'\(type)' is not a mediaConfig type.")
        }
        self.kind = kind
        switch kind {
        case .appHostedMediaConfig: blob = try r.read("blob")
        case .serviceHostedMediaConfig: preFetchMedia = try r.read("preFetchMedia")
        }
        removeFromDefaultAudioGroup = try r.read("removeFromDefaultAudioGroup")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(blob, "blob")
        try w.write(preFetchMedia, "preFetchMedia")
        try w.writeBeta(removeFromDefaultAudioGroup, "removeFromDefaultAudioGroup")
    }
}

/// `microsoft.graph.prompt`; the only concrete type is `mediaPrompt`.
public struct Prompt: GraphObject {
    public var mediaInfo: MediaInfo?
    /// Beta: `loop`.
    public var loop: Bool?
    public var additionalData: [String: JSONValue] = [:]

    public init(mediaInfo: MediaInfo) { self.mediaInfo = mediaInfo }

    public var odataTypeName: String? { "#microsoft.graph.mediaPrompt" }

    public init(reading r: inout GraphObjectReader) throws {
        if let type = r.odataType, type.graphTypeName != "mediaPrompt" {
            throw invalidValue(r, odataTypeKey, "'\(type)' is not a prompt type.")
        }
        mediaInfo = try r.read("mediaInfo")
        loop = try r.read("loop")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(mediaInfo, "mediaInfo")
        try w.writeBeta(loop, "loop")
    }
}
