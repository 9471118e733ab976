import Foundation
import GraphModel
import Hummingbird

/// Reads a JSON request body of at most `limit` bytes, the one way every JSON route does:
/// `nil` when the body is empty; a body past ``JSONLimits`` is a 400 naming the property;
/// a body the decoder cannot read is a 400 saying `unreadable` when given (else the
/// decoder's error, which ``GraphError`` maps to a 400 naming the property).
func readJSONBody<T: Decodable>(_ type: T.Type, from request: Request, limit: Int, unreadable: String? = nil) async throws -> T? {
    let buffer = try await request.body.collect(upTo: limit)
    guard buffer.readableBytes > 0 else { return nil }
    if let violation = JSONLimits().violation(in: buffer.readableBytesView) { throw GraphError.badRequest(violation) }
    do {
        return try buffer.withUnsafeReadableBytes { try GraphJSONDecoder().decode(T.self, from: $0) }
    } catch {
        guard let unreadable else { throw error }
        throw GraphError.badRequest(unreadable)
    }
}
