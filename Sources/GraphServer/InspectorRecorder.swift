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
        var context = context
        let path = request.uri.path
        let source: InspectorLog.Exchange.Source
        var callId: String?
        if case .graph(let graphPath?) = context.graphTarget(of: path) {
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
        let status = Int(response.status.code)
        let method = request.method.rawValue
        let target = request.uri.description
        let original = response.body
        // A create names its call in the answer's `Location`.
        guard let callId = callId ?? ((200..<300).contains(status) ? response.headers[.location].flatMap(GraphPath.callId(inLocation:)) : nil) else {
            return response
        }
        let record: @Sendable (String) -> Void = { [log, requestBody] body in
            log.record(InspectorLog.Exchange(
                at: at, source: source, method: method, path: target, status: status,
                durationMilliseconds: started.duration(to: .now).milliseconds, request: requestBody, response: body.isEmpty ? nil : body
            ), callId: callId)
        }
        if let length = original.contentLength, length <= InspectorLog.maxBody {
            // Small and of known length (every Graph answer): read it here and send it as one
            // buffer, so the server writes head, body and end together rather than part by part.
            let collected = Captured(limit: nil)
            try await original.write(CapturingWriter(parent: nil, captured: collected))
            let (body, trailers) = collected.result
            record(String(buffer: body))
            switch (body.readableBytes, trailers) {
            case (0, nil): response.body = ResponseBody()
            case (_, nil): response.body = ResponseBody(byteBuffer: body)
            case (_, let trailers?):
                response.body = ResponseBody(contentLength: length) { writer in
                    try await writer.write(body)
                    try await writer.finish(trailers)
                }
            }
            return response
        }
        let captured = Captured(limit: InspectorLog.maxBody)
        response.body = ResponseBody(contentLength: original.contentLength) { writer in
            try await original.write(CapturingWriter(parent: writer, captured: captured))
            record(String(buffer: captured.result.body))
        }
        return response
    }
}

/// A response body as written — all of it, or its first `limit` bytes — and its trailing
/// headers.
private final class Captured: Sendable {
    private let limit: Int?
    private let state = Mutex<(body: ByteBuffer, trailers: HTTPFields?)>((ByteBuffer(), nil))

    init(limit: Int?) { self.limit = limit }

    func keep(_ part: ByteBuffer) {
        state.withLock { state in
            let room = limit.map { $0 - state.body.readableBytes } ?? part.readableBytes
            guard room > 0, let slice = part.getSlice(at: part.readerIndex, length: min(part.readableBytes, room)) else { return }
            // A single part (the usual answer) is kept as it is, not copied.
            if state.body.readableBytes == 0 { state.body = slice } else { state.body.writeImmutableBuffer(slice) }
        }
    }

    func finish(_ trailers: HTTPFields?) { state.withLock { $0.trailers = trailers } }

    var result: (body: ByteBuffer, trailers: HTTPFields?) { state.withLock { $0 } }
}

/// Keeps a copy of what a body writes, and passes it on to the connection when there is one.
private struct CapturingWriter: ResponseBodyWriter {
    var parent: (any ResponseBodyWriter)?
    let captured: Captured

    mutating func write(_ buffer: ByteBuffer) async throws {
        captured.keep(buffer)
        try await parent?.write(buffer)
    }

    mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for buffer in buffers { try await write(buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        captured.finish(trailingHeaders)
        if let parent { try await parent.finish(trailingHeaders) }
    }
}
