import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UUID {
    /// A random (version 4) UUID, from the system's cryptographic randomness drawn 4 KB at a
    /// time. `UUID()` here opens, reads and closes `/dev/urandom` for every id (1.4 % of a
    /// create's server time under perf, several ids a request).
    public static func random() -> UUID {
        UUID(uuid: randomPool.withLock { $0.next() })
    }
}

private let randomPool = Mutex(RandomPool())

/// System randomness, fetched in blocks and handed out 16 bytes at a time, each byte once.
private struct RandomPool {
    private var bytes = [UInt8](repeating: 0, count: 4096)
    private var used = 4096
    #if !canImport(Darwin)
    /// Opened once, for the life of the process.
    private static let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif

    mutating func next() -> uuid_t {
        if used + 16 > bytes.count { refill() }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[used..<used + 16]))
            }
        }
        used += 16
        uuid.6 = (uuid.6 & 0x0F) | 0x40  // version 4
        uuid.8 = (uuid.8 & 0x3F) | 0x80  // RFC 4122 variant
        return uuid
    }

    private mutating func refill() {
        bytes.withUnsafeMutableBytes { buffer in
            #if canImport(Darwin)
            arc4random_buf(buffer.baseAddress!, buffer.count)
            #else
            var filled = 0
            while filled < buffer.count, Self.urandom >= 0 {
                let count = read(Self.urandom, buffer.baseAddress! + filled, buffer.count - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            if filled < buffer.count {
                // No /dev/urandom to read: the standard library's generator, 8 bytes a call.
                var generator = SystemRandomNumberGenerator()
                for index in filled..<buffer.count { buffer[index] = UInt8.random(in: .min ... .max, using: &generator) }
            }
            #endif
        }
        used = 0
    }
}
