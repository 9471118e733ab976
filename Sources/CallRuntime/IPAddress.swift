#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address literal, as a URL's host gives it (dotted IPv4, or IPv6 without brackets),
/// and what kind of address it is.
struct IPAddress: Hashable {
    /// 4 bytes (IPv4) or 16 (IPv6).
    let bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if text.split(separator: ".", omittingEmptySubsequences: false).count == 4,
           text.split(separator: ".").allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && !($0.count > 1 && $0.first == "0") }),
           inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if text.contains(":"), inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    var isLoopback: Bool {
        bytes.count == 4 ? bytes[0] == 127 : bytes == Array(repeating: 0, count: 15) + [1]
    }

    /// Reachable on the public internet: not private, loopback, link-local (cloud metadata
    /// lives there), shared, multicast, reserved, unspecified, nor an IPv4-mapped or
    /// translated form that could hide one.
    var isPublic: Bool {
        if bytes.count == 4 {
            let (a, b) = (bytes[0], bytes[1])
            switch a {
            case 0, 10, 127: return false
            case 100 where (64...127).contains(b): return false
            case 169 where b == 254: return false
            case 172 where (16...31).contains(b): return false
            case 192 where b == 168 || (b == 0 && bytes[2] == 0) || (b == 0 && bytes[2] == 2): return false
            case 198 where b == 18 || b == 19 || (b == 51 && bytes[2] == 100): return false
            case 203 where b == 0 && bytes[2] == 113: return false
            case 224...255: return false
            default: return true
            }
        }
        let zeros = bytes.prefix(10).allSatisfy { $0 == 0 }
        if zeros { return false }                                   // ::, ::1, ::a.b.c.d, ::ffff:a.b.c.d
        if bytes[0] & 0xFE == 0xFC { return false }                 // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false } // fe80::/10 link-local
        if bytes[0] == 0xFF { return false }                        // multicast
        if bytes.prefix(4) == [0x00, 0x64, 0xFF, 0x9B] { return false } // 64:ff9b::/96 NAT64
        if bytes.prefix(4) == [0x20, 0x01, 0x0D, 0xB8] { return false } // documentation
        if bytes.prefix(2) == [0x20, 0x02] { return false }         // 6to4 (embeds IPv4)
        return true
    }
}
