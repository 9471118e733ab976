import GraphModel

/// A Graph calls URL, parsed the way Graph reads it: `/v1.0` or `/beta` roots, the
/// `/communications/calls`, legacy `/app/calls` and `/applications/{id}/calls` forms,
/// actions by bare or namespace-qualified name, fixed segments case-insensitive (ids are
/// case-sensitive and kept as given).
struct GraphPath: Sendable, Hashable {
    enum Resource: Sendable, Hashable {
        case calls
        case callsAction(String)
        case call(String)
        case callAction(String, action: String)
        case participants(String)
        case participantsAction(String, action: String)
        case participant(String, participantId: String)
        case participantAction(String, participantId: String, action: String)
        case operations(String)
        case operation(String, operationId: String)
        case callCollection(String, name: String)
        case callCollectionItem(String, name: String, itemId: String)

        /// Which entry of the route table serves this resource.
        var route: Route {
            switch self {
            case .calls: .calls
            case .callsAction: .callsAction
            case .call: .call
            case .callAction: .callAction
            case .participants: .participants
            case .participantsAction: .participantsAction
            case .participant: .participant
            case .participantAction: .participantAction
            case .operations: .operations
            case .operation: .operation
            case .callCollection(_, let name): name == "audioRoutingGroups" ? .audioRoutingGroups : .contentSharingSessions
            case .callCollectionItem(_, let name, _): name == "audioRoutingGroups" ? .audioRoutingGroup : .contentSharingSession
            }
        }
    }

    /// The kinds of resource, as the route table names them.
    enum Route: Sendable, Hashable {
        case calls, callsAction, call, callAction
        case participants, participantsAction, participant, participantAction
        case operations, operation
        case audioRoutingGroups, audioRoutingGroup, contentSharingSessions, contentSharingSession
    }

    var profile: GraphWireProfile
    var resource: Resource

    /// `v1.0` or `beta`, as Graph spells it in URLs.
    var versionSegment: String { Self.versionSegment(profile) }

    /// The URL segment of the version a profile writes.
    static func versionSegment(_ profile: GraphWireProfile) -> String { profile == .beta ? "beta" : "v1.0" }

    /// A call's resource under `base` (the server's URL and version segment): the `Location`
    /// of a created call, which the inspector reads the call's id back from.
    static func callLocation(base: String, id: String) -> String { base + callsSegments + "/" + id }

    /// The call a ``callLocation(base:id:)`` names: its last segment, read in the bytes.
    static func callId(inLocation location: String) -> String? {
        let bytes = location.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")),
              bytes[..<slash].reversed().starts(with: callsSegments.utf8.reversed()) else { return nil }
        let id = bytes[bytes.index(after: slash)...]
        return id.isEmpty ? nil : String(Substring(id))
    }

    private static let callsSegments = "/communications/calls"

    /// The navigation collections of a call other than participants and operations.
    static let callCollections = ["audioRoutingGroups", "contentSharingSessions"]

    /// Whether the path is under a Graph version root (`/v1.0`, `/beta`).
    static func isGraphRoot(_ path: String) -> Bool {
        // The first segment, read in the bytes: every request asks.
        let bytes = path.utf8
        guard let start = bytes.firstIndex(where: { $0 != UInt8(ascii: "/") }) else { return false }
        let first = bytes[start...].prefix { $0 != UInt8(ascii: "/") }
        return equalsIgnoringASCIICase(first, "v1.0") || equalsIgnoringASCIICase(first, "beta")
    }

    /// Whether `bytes` spell `word` (lower-case ASCII) in any case.
    private static func equalsIgnoringASCIICase(_ bytes: Substring.UTF8View, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, letter in
                byte == letter || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == letter)
            }
        }
    }

    static func parse(_ path: String) -> GraphPath? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding() }
        guard let root = segments.first?.lowercased(), root == "v1.0" || root == "beta" else { return nil }
        segments.removeFirst()
        // The collection prefix.
        let lowered = segments.map { $0.lowercased() }
        if lowered.starts(with: ["communications", "calls"]) || lowered.starts(with: ["app", "calls"]) {
            segments.removeFirst(2)
        } else if lowered.count >= 3, lowered[0] == "applications", lowered[2] == "calls" {
            segments.removeFirst(3)
        } else {
            return nil
        }
        guard let resource = parseCalls(segments) else { return nil }
        return GraphPath(profile: root == "beta" ? .beta : .v1, resource: resource)
    }

    private static func parseCalls(_ s: [String]) -> Resource? {
        func is_(_ segment: String, _ name: String) -> Bool { segment.lowercased() == name.lowercased() }
        switch s.count {
        case 0:
            return .calls
        case 1:
            if let action = action(s[0]), action == "logTeleconferenceDeviceQuality" { return .callsAction(action) }
            return .call(s[0])
        case 2:
            if is_(s[1], "participants") { return .participants(s[0]) }
            if is_(s[1], "operations") { return .operations(s[0]) }
            if let name = callCollections.first(where: { is_(s[1], $0) }) { return .callCollection(s[0], name: name) }
            return .callAction(s[0], action: action(s[1]) ?? s[1])
        case 3:
            if is_(s[1], "participants") {
                if let action = action(s[2]), ["invite", "configureMixer", "muteAll"].contains(action) {
                    return .participantsAction(s[0], action: action)
                }
                return .participant(s[0], participantId: s[2])
            }
            if is_(s[1], "operations") { return .operation(s[0], operationId: s[2]) }
            if let name = callCollections.first(where: { is_(s[1], $0) }) { return .callCollectionItem(s[0], name: name, itemId: s[2]) }
            return nil
        case 4:
            guard is_(s[1], "participants") else { return nil }
            return .participantAction(s[0], participantId: s[2], action: action(s[3]) ?? s[3])
        default:
            return nil
        }
    }

    /// Every action of the calls API, canonically spelled.
    static let actions = [
        "answer", "reject", "redirect", "transfer", "keepAlive", "mute", "unmute", "playPrompt", "recordResponse",
        "record", "cancelMediaProcessing", "subscribeToTone", "sendDtmfTones", "updateRecordingStatus",
        "changeScreenSharingRole", "addLargeGalleryView", "logTeleconferenceDeviceQuality", "invite",
        "startHoldMusic", "stopHoldMusic", "configureMixer", "muteAll", "startRecording", "stopRecording",
    ]

    /// The canonical action name for a segment (`keepalive`, `microsoft.graph.keepAlive` → `keepAlive`).
    static func action(_ segment: String) -> String? {
        var name = segment.lowercased()
        if name.hasPrefix("microsoft.graph.") { name.removeFirst("microsoft.graph.".count) }
        return actions.first { $0.lowercased() == name }
    }
}

extension String {
    /// Decodes `%XX` escapes; malformed escapes are kept as written.
    func removingPercentEncoding() -> String {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
