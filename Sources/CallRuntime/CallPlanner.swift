import CallEngine
import GraphModel
import World

/// Turns a create-call request into an ``OutgoingCallPlan``: validates it the way Graph
/// does, fills in what the service assigns, and asks the world who answers. Pure apart
/// from the id generator it is given.
struct CallPlanner {
    let world: World
    let newId: @Sendable () -> String

    func plan(_ request: Call, caller: CallerApp, profile: GraphWireProfile) throws(CallRuntimeError) -> OutgoingCallPlan {
        guard let callbackUri = request.callbackUri, !callbackUri.isEmpty else {
            throw .invalidRequest("The call is missing its callbackUri.")
        }
        try CallbackURIPolicy.check(callbackUri)
        if let tenantId = request.tenantId, tenantId.lowercased() != caller.tenantId.lowercased() {
            throw .forbidden(code: "7505", message: "Request authorization tenant mismatch.")
        }
        let targets = request.targets ?? []
        if targets.isEmpty && request.meetingInfo == nil {
            throw .invalidRequest("A call needs either targets or meetingInfo.")
        }
        if request.meetingInfo != nil || request.chatInfo != nil {
            throw .notSupportedYet("Joining meetings is not supported by Switchboard yet.")
        }
        if targets.count > 1 {
            throw .notSupportedYet("Group calls are not supported by Switchboard yet.")
        }
        guard let target = targets[0].identity else {
            throw .invalidRequest("Each target needs an identity.")
        }
        if let seconds = request.ringingTimeoutInSeconds, !(1...115).contains(seconds) {
            throw .invalidRequest("ringingTimeoutInSeconds must be between 1 and 115.")
        }
        if request.mediaConfig?.kind == .appHostedMediaConfig, !caller.holds(any: ["Calls.AccessMedia.All"]) {
            throw .forbidden(code: "7504", message: "Insufficient enterprise tenant permissions, cannot access this API.")
        }
        guard caller.holds(any: ["Calls.Initiate.All", "Calls.InitiateGroupCall.All"]) else {
            throw .forbidden(code: "7504", message: "Insufficient enterprise tenant permissions, cannot access this API.")
        }

        var source = request.source ?? ParticipantInfo(identity: nil)
        var identity = source.identity ?? IdentitySet()
        identity.application = Identity(id: caller.appId, displayName: caller.displayName)
        if target.phone != nil {
            guard let instanceId = identity.applicationInstance?.id,
                  let instance = world.applicationInstance(id: instanceId),
                  instance.applicationId.lowercased() == caller.appId.lowercased()
            else {
                throw .invalidRequest("Calls to phone numbers need source.identity.applicationInstance: an application instance of the calling application.")
            }
            if identity.applicationInstance?.displayName == nil { identity.applicationInstance?.displayName = instance.displayName }
            identity.application = nil
        }
        source.identity = identity

        var call = request
        call.id = newId()
        call.callChainId = newId()
        call.myParticipantId = newId()
        call.source = source
        call.tenantId = caller.tenantId
        call.state = .establishing
        call.direction = .outgoing
        call.resultInfo = nil
        call.toneInfo = nil
        call.callRoutes = nil
        call.mediaState = nil
        call.transcription = nil
        call.answeredBy = nil
        call.terminationReason = nil
        call.activeModalities = nil

        let farEnd = world.resolve(target)
        let farEndParticipant = Participant(
            id: newId(),
            info: ParticipantInfo(identity: farEnd.identity, languageId: "en-US", region: "westus"),
            mediaStreams: CallMachine.mediaStreams(for: request.requestedModalities)
        )
        return OutgoingCallPlan(
            call: call, appId: caller.appId, tenantId: caller.tenantId, profile: profile,
            farEndParticipant: farEndParticipant, farEndBehaviour: farEnd.behaviour
        )
    }
}

/// Which callback URIs Switchboard will POST to: HTTPS anywhere (as Graph requires), and
/// plain HTTP only to this machine's loopback addresses, so bots can be tested locally
/// without certificates. Nothing else: a callback can never be aimed at another host in
/// clear text.
public enum CallbackURIPolicy {
    static func check(_ uri: String) throws(CallRuntimeError) {
        let lower = uri.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            throw .invalidRequest("callbackUri must be an absolute https URL.")
        }
        let rest = lower.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        let host: String
        if hostPort.hasPrefix("[") {
            host = String(hostPort.prefix { $0 != "]" }.dropFirst())
        } else {
            host = String(hostPort.prefix { $0 != ":" })
        }
        guard !host.isEmpty, uri.count <= 2048 else {
            throw .invalidRequest("callbackUri must be an absolute https URL.")
        }
        if scheme == "http" && !isLoopback(host) {
            throw .invalidRequest("callbackUri must use https (plain http is allowed only to loopback addresses).")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
