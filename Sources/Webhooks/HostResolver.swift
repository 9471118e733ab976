import NetworkPolicy
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into the addresses a connection to it could reach.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async throws -> [IPAddress]
}

/// The system's resolver (`getaddrinfo`), run off the cooperative pool.
public struct SystemHostResolver: HostResolver {
    public init() {}

    /// The host did not resolve.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func addresses(of host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #else
            hints.ai_socktype = SOCK_STREAM
            #endif
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0 else { throw Failure(description: "\(host) does not resolve: \(String(cString: gai_strerror(status)))") }
            defer { freeaddrinfo(list) }
            var found: [IPAddress] = []
            var next = list
            while let info = next {
                if info.pointee.ai_family == AF_INET, let raw = info.pointee.ai_addr {
                    var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    found.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) })!)
                } else if info.pointee.ai_family == AF_INET6, let raw = info.pointee.ai_addr {
                    var address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    found.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) })!)
                }
                next = info.pointee.ai_next
            }
            return found
        }
    }
}
