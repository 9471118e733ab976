import Foundation
import GraphModel
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Keeps each request about a call, and its answer, for the inspector's timeline: Graph's
/// API (the bot) and the control API's far-end and incoming-call routes. Outermost, so it
/// sees the answer sent, errors rendered. Bodies are kept when they declare a length within
/// ``InspectorLog/maxBody`` (nothing is read that the handlers would not read); headers are
/// not kept, so no token is.
struct InspectorRecorder: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let log: InspectorLog
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let graphPath = GraphPath.isGraphRoot(path) ? GraphPath.parse(path) : nil
        let source: InspectorLog.Exchange.Source
        var callId: String?
        if let graphPath {
            source = .bot
            callId = graphPath.callId
        } else if path.hasPrefix("/_switchboard/calls/"), path.hasSuffix("/far-end") {
            source = .control
            callId = path.split(separator: "/").dropFirst(2).first.map(String.init)
        } else if path == "/_switchboard/incoming-calls" {
            source = .control
        } else {
            return try await next(request, context)
        }
        var request = request
        var requestBody: String?
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > 0, length <= InspectorLog.maxBody {
            requestBody = String(buffer: try await request.collectBody(upTo: length))
        }
        let at = clock.now()
        let started = ContinuousClock.now
        var response = try await next(request, context)
        let captured = Captured()
        let status = Int(response.status.code)
        let method = request.method.rawValue
        let target = request.uri.description
        let original = response.body
        response.body = ResponseBody(contentLength: original.contentLength) { [log, callId, requestBody] writer in
            try await original.write(CapturingWriter(parent: writer, captured: captured))
            let body = captured.text
            // A create names its call in the answer.
            guard let id = callId ?? ((200..<300).contains(status) ? Self.createdId(body) : nil) else { return }
            log.record(InspectorLog.Exchange(
                at: at, source: source, method: method, path: target, status: status,
                durationMilliseconds: started.duration(to: .now).milliseconds, request: requestBody, response: body.isEmpty ? nil : body
            ), callId: id)
        }
        return response
    }

    /// The `id` of the call an answer describes: the first `"id"` property, since Switchboard
    /// writes an entity's id first (after `@odata` annotations) and its answers compactly.
    /// Found by a scan, not by decoding the whole answer, as this runs for every create.
    static func createdId(_ body: String) -> String? {
        let bytes = body.utf8
        guard let key = bytes.firstRange(of: #""id":""#.utf8),
              let end = bytes[key.upperBound...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(body[key.upperBound..<end])
    }
}

/// The first ``InspectorLog/maxBody`` bytes of a response, as written.
private final class Captured: Sendable {
    private let buffer = Mutex(ByteBuffer())

    func keep(_ part: ByteBuffer) {
        buffer.withLock { kept in
            let room = InspectorLog.maxBody - kept.readableBytes
            guard room > 0, let slice = part.getSlice(at: part.readerIndex, length: min(part.readableBytes, room)) else { return }
            kept.writeImmutableBuffer(slice)
        }
    }

    var text: String { buffer.withLock { String(buffer: $0) } }
}

/// Writes through to the connection, keeping a copy for the inspector.
private struct CapturingWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let captured: Captured

    mutating func write(_ buffer: ByteBuffer) async throws {
        captured.keep(buffer)
        try await parent.write(buffer)
    }

    mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for buffer in buffers { try await write(buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.finish(trailingHeaders)
    }
}
