#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address, from a literal as a URL's host gives it (dotted IPv4, or IPv6 without
/// brackets) or from a resolver, and what kind of address it is.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    public let bytes: [UInt8]

    /// An address from its 4 or 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// An address from its literal; other spellings (`127.1`, `0x7f.0.0.1`, `2130706433`,
    /// leading zeros) are not addresses here.
    public init?(_ text: String) {
        var v6 = in6_addr()
        if let v4 = Self.dottedQuad(text.utf8) {
            bytes = v4
        } else if text.utf8.contains(UInt8(ascii: ":")), inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    /// The four bytes of a dotted quad: four decimal numbers up to 255, each without a leading
    /// zero, read in one pass over the bytes (every notification's callback is checked).
    private static func dottedQuad(_ text: String.UTF8View) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4)
        var value = 0, digits = 0, leadingZero = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if leadingZero { return nil }
                if digits == 0, byte == UInt8(ascii: "0") { leadingZero = true }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return nil }
            case UInt8(ascii: "."):
                guard digits > 0, bytes.count < 3 else { return nil }
                bytes.append(UInt8(value))
                (value, digits, leadingZero) = (0, 0, false)
            default:
                return nil
            }
        }
        guard digits > 0, bytes.count == 3 else { return nil }
        bytes.append(UInt8(value))
        return bytes
    }

    public var isLoopback: Bool {
        bytes.count == 4 ? bytes[0] == 127 : bytes == Array(repeating: 0, count: 15) + [1]
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for; itself otherwise.
    public var unmapped: IPAddress {
        guard bytes.count == 16, bytes.prefix(10).allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return self }
        return IPAddress(bytes: Array(bytes.suffix(4)))!
    }

    /// The usual text form (`10.0.0.1`, `fe80::1`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reachable on the public internet: not private, loopback, link-local (cloud metadata
    /// lives there), shared, multicast, reserved, unspecified, nor an IPv4-mapped or
    /// translated form that could hide one.
    public var isPublic: Bool {
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

/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fd00::/8`; a bare address is a
/// block of one).
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length), parts[1].allSatisfy(\.isNumber) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
    }

    /// Whether `candidate` (or the IPv4 address it maps) is in the block.
    public func contains(_ candidate: IPAddress) -> Bool {
        let candidate = address.bytes.count == 4 ? candidate.unmapped : candidate
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address.bytes, candidate.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if mine & mask != theirs & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
