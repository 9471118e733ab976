import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers requests the HTTP parser refuses (a NUL in the path or a header, a bad
/// `Content-Length` or chunk size, headers too large, an unknown method) with a Graph error
/// body, `Content-Type: application/json` and the status that fits, then closes the
/// connection — instead of the server's bare 400. It sits after the HTTP codec.
final class GraphHTTPErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let clock: any WallClock

    init(clock: any WallClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let graphError = Self.graphError(parserError)
        let body = GraphErrorMiddleware<SwitchboardRequestContext>.body(graphError, requestId: UUID.random().lowercasedString, clientRequestId: nil, now: clock.now())
        var fields: HTTPFields = [.contentType: "application/json", .connection: "close", .contentLength: String(body.count)]
        if graphError.status == .methodNotAllowed { fields[.allow] = "GET, POST, PATCH, DELETE" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: graphError.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    /// The Graph error for what the parser refused.
    static func graphError(_ error: HTTPParserError) -> GraphError {
        switch error {
        case .headerOverflow:
            GraphError(.requestHeaderFieldsTooLarge, code: "RequestHeaderFieldsTooLarge", message: "The request's headers are larger than 80 KiB.")
        case .invalidMethod:
            GraphError(.methodNotAllowed, code: "BadRequest", message: "The request's HTTP method is not one Graph serves.")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            GraphError(.badRequest, code: "BadRequest", message: "The request's URL is malformed (control characters or invalid characters).")
        case .invalidContentLength, .unexpectedContentLength:
            GraphError(.badRequest, code: "BadRequest", message: "The request's Content-Length is malformed.")
        case .invalidChunkSize:
            GraphError(.badRequest, code: "BadRequest", message: "The request's chunked body is malformed.")
        case .invalidHeaderToken, .invalidCharactersUsed:
            GraphError(.badRequest, code: "BadRequest", message: "The request's headers are malformed (invalid characters).")
        default:
            GraphError(.badRequest, code: "BadRequest", message: "The request is not well-formed HTTP/1.1.")
        }
    }
}
