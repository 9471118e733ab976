/// The route a Graph path takes, with its ids left out, for metrics: a small fixed set of
/// labels whatever the ids (an action's name is kept only when it is one of Graph's).
extension GraphPath {
    /// The route label of a Graph path that names no resource of the calls API.
    static let unmatched = "/{version}/(unmatched)"

    var template: String {
        func action(_ name: String) -> String { Self.actions.contains(name) ? name : "{action}" }
        let calls = "/\(versionSegment)/communications/calls"
        return switch resource {
        case .calls: calls
        case .callsAction(let name): "\(calls)/\(action(name))"
        case .call: "\(calls)/{id}"
        case .callAction(_, let name): "\(calls)/{id}/\(action(name))"
        case .participants: "\(calls)/{id}/participants"
        case .participantsAction(_, let name): "\(calls)/{id}/participants/\(action(name))"
        case .participant: "\(calls)/{id}/participants/{participantId}"
        case .participantAction(_, _, let name): "\(calls)/{id}/participants/{participantId}/\(action(name))"
        case .operations: "\(calls)/{id}/operations"
        case .operation: "\(calls)/{id}/operations/{operationId}"
        case .callCollection(_, let name): "\(calls)/{id}/\(name)"
        case .callCollectionItem(_, let name, _): "\(calls)/{id}/\(name)/{itemId}"
        }
    }

    /// The call a path is about, if it names one.
    var callId: String? {
        switch resource {
        case .calls, .callsAction: nil
        case .call(let id), .callAction(let id, _), .participants(let id), .participantsAction(let id, _), .participant(let id, _),
             .participantAction(let id, _, _), .operations(let id), .operation(let id, _), .callCollection(let id, _),
             .callCollectionItem(let id, _, _): id
        }
    }
}
