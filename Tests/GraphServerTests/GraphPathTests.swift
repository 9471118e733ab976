@testable import GraphServer
import Testing

@Suite struct GraphPathTests {
    @Test func theVersionRootIsTheFirstSegmentInAnyCase() {
        for path in ["/v1.0/communications/calls", "/V1.0/Communications/Calls", "//beta/app/calls", "/BeTa", "/v1.0/", "v1.0/x"] {
            #expect(GraphPath.isGraphRoot(path), "\(path)")
        }
        for path in ["/v1/communications/calls", "/v1.00/communications/calls", "/betas/app/calls", "/_switchboard/health", "/", "", "/x/v1.0", "/vé.0/"] {
            #expect(!GraphPath.isGraphRoot(path), "\(path)")
        }
    }

    @Test func segmentsArePercentDecodedAndMatchedInAnyCase() {
        #expect(GraphPath.parse("/v1.0/communications/calls")?.resource == .calls)
        #expect(GraphPath.parse("/BETA/App/Calls/abc/Participants/p%2D1")?.resource == .participant("abc", participantId: "p-1"))
        #expect(GraphPath.parse("/v1.0/communications/calls/abc/microsoft.graph.KEEPALIVE")?.resource == .callAction("abc", action: "keepAlive"))
        #expect(GraphPath.parse("/v1.0/communications/call") == nil)
    }

    @Test func aCallsLocationGivesItsIdBack() {
        let location = GraphPath.callLocation(base: "http://127.0.0.1:8080/beta", id: "2d1a0c00-3f1f-4c1e-9f1b-9b6b0e1f6e6d")
        #expect(location == "http://127.0.0.1:8080/beta/communications/calls/2d1a0c00-3f1f-4c1e-9f1b-9b6b0e1f6e6d")
        #expect(GraphPath.callId(inLocation: location) == "2d1a0c00-3f1f-4c1e-9f1b-9b6b0e1f6e6d")
        for other in ["http://h/v1.0/communications/calls/", "http://h/v1.0/communications/calls/c/operations/o", "http://h/v1.0/app/calls/c", "c"] {
            #expect(GraphPath.callId(inLocation: other) == nil, "\(other)")
        }
    }
}
