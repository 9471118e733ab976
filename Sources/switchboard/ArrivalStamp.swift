import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Stamps each request the bench's receiver reads with when it arrived: on the event loop,
/// as the request's head is decoded, before the request waits for a task to handle it. The
/// bench process also sends the load; the latencies it reports are the server's, not the
/// time the bench took to get round to a notification that had already arrived.
final class ArrivalStamp: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// `<nanoseconds since ``reference``> <wall clock, microseconds since 1970>`.
    static let header = HTTPField.Name("Bench-Arrived")!
    static let reference = ContinuousClock.now

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        let since = Self.reference.duration(to: .now).components
        let nanoseconds = since.seconds * 1_000_000_000 + since.attoseconds / 1_000_000_000
        head.headerFields[Self.header] = "\(nanoseconds) \(Int64(Date().timeIntervalSince1970 * 1_000_000))"
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// When a request stamped `value` arrived, on both clocks; `nil` if it was not stamped.
    static func arrival(_ value: String?) -> (instant: ContinuousClock.Instant, wall: Date)? {
        guard let parts = value?.split(separator: " "), parts.count == 2,
              let nanoseconds = Int64(parts[0]), let microseconds = Int64(parts[1]) else { return nil }
        return (reference.advanced(by: .nanoseconds(nanoseconds)), Date(timeIntervalSince1970: Double(microseconds) / 1_000_000))
    }
}
