/// Graph's error body: `{"error":{"code","message","innerError":{...}}}`.
public struct GraphErrorBody: Codable, Sendable, Hashable {
    public struct InnerError: Codable, Sendable, Hashable {
        public var date: String
        public var requestId: String
        public var clientRequestId: String?

        public init(date: String, requestId: String, clientRequestId: String?) {
            self.date = date
            self.requestId = requestId
            self.clientRequestId = clientRequestId
        }

        enum CodingKeys: String, CodingKey {
            case date
            case requestId = "request-id"
            case clientRequestId = "client-request-id"
        }
    }

    public struct Detail: Codable, Sendable, Hashable {
        public var code: String
        public var message: String
        public var innerError: InnerError?

        public init(code: String, message: String, innerError: InnerError?) {
            self.code = code
            self.message = message
            self.innerError = innerError
        }
    }

    public var error: Detail

    public init(code: String, message: String, innerError: InnerError?) {
        error = Detail(code: code, message: message, innerError: innerError)
    }
}
