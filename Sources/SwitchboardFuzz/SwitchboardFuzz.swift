import Foundation
import SwitchboardTesting

/// The libFuzzer target for the request decoding of every route: `scripts/fuzz` builds it
/// with coverage instrumentation, AddressSanitizer and libFuzzer (`-D FUZZING`) and runs it
/// for a bounded time. A fuzz input is a route (its first byte, modulo the routes) and a
/// body (the rest); any 5xx, crash or hang is a finding.
///
/// `SwitchboardFuzz --seed-corpus DIR` writes the seed documents' requests into DIR as
/// inputs, so the corpus grows from Graph's own examples. Built without `FUZZING` (as
/// `swift build` does) it only says how to run it.
@main
struct SwitchboardFuzz {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count == 3, arguments[1] == "--seed-corpus" {
            exit(seedCorpus(into: arguments[2]))
        }
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        print("SwitchboardFuzz was built without libFuzzer: run scripts/fuzz [seconds].")
        exit(2)
        #endif
    }

    /// One input per seed request, an empty object and an example per route.
    static func seedCorpus(into directory: String) -> Int32 {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var written = 0
            func write(_ route: Int, _ body: [UInt8], _ name: String) throws {
                try Data([UInt8(route)] + body).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
                written += 1
            }
            for fixture in SeedFixtures.all where fixture.name.hasSuffix("-request.json") {
                guard let route = FuzzRoute.index(forSeedRequestLine: fixture.http) else { continue }
                try write(route, Array(fixture.json.utf8), "seed-\(fixture.name)")
            }
            for (route, definition) in FuzzRoute.all.enumerated() {
                try write(route, Array("{}".utf8), "route-\(route)-empty-object")
                if let example = FuzzRoute.examples[definition.path] { try write(route, Array(example.utf8), "route-\(route)-example") }
            }
            print("\(written) corpus inputs in \(directory)")
            return 0
        } catch {
            FileHandle.standardError.write(Data("could not write the corpus: \(error)\n".utf8))
            return 1
        }
    }
}

/// One fuzz input: never a 5xx.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let route = FuzzRoute.all[Int(data[0]) % FuzzRoute.all.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let status = FuzzDriver.shared.status(route: route, body: body)
    if status >= 500 {
        FileHandle.standardError.write(Data("\(route.method) \(route.path) answered \(status)\n".utf8))
        abort()
    }
    return 0
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
