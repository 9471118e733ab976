import CallRuntime
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import SwitchboardTesting
import Testing
import World

/// How long a prompt plays: its WAV's length where Switchboard can read it.
@Suite(.timeLimit(.minutes(1))) struct PromptMediaTests {
    @Test func wavFilesAreWrittenAndMeasured() {
        let wav = WAV.silence(.milliseconds(1500))
        #expect(wav.count == 44 + 24_000 * 2)
        #expect(WAV.duration(of: wav) == .milliseconds(1500))
        #expect(WAV.duration(of: Array("not a wav at all".utf8)) == nil)
        #expect(WAV.duration(of: Array(wav.prefix(20))) == nil)
    }

    @Test func promptsLastAsLongAsTheirMediaWhereItCanBeRead() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(WAV.silence(.seconds(7))).write(to: file)
        let fetched = Mutex<[String]>([])
        let durations = WAVPromptDurations(files: ["https://cdn.contoso.com/welcome.wav": file.path]) { url in
            fetched.withLock { $0.append(url) }
            return url.hasSuffix("/ok.wav") ? WAV.silence(.milliseconds(2500)) : Array("<html>".utf8)
        }
        #expect(await durations.duration(of: "https://cdn.contoso.com/welcome.wav") == .seconds(7))
        #expect(await durations.duration(of: "http://127.0.0.1:9000/ok.wav") == .milliseconds(2500))
        #expect(await durations.duration(of: "http://localhost:9000/page") == FixedPromptDurations.defaultDuration)
        // Media on other hosts is never fetched.
        #expect(await durations.duration(of: "https://cdn.contoso.com/other.wav") == FixedPromptDurations.defaultDuration)
        #expect(fetched.withLock { $0 } == ["http://127.0.0.1:9000/ok.wav", "http://localhost:9000/page"])
    }

    @Test func aPromptFromTheWorldCompletesWhenItsFileEnds() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(WAV.silence(.seconds(10))).write(to: file)
        var world = World.builtIn()
        world.media = [WorldMedia(uri: "https://cdn.contoso.com/long.wav", file: file.path)]
        try await TestHarness.run(world: world) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                let body = ##"{"prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/long.wav"}}]}"##
                let played = try await client.send(.post, "/v1.0/communications/calls/\(id)/playPrompt", token: token, body: body)
                let operation = try #require(try played.json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(9))
                // Not yet: the prompt lasts ten seconds, not the default three.
                let running = try await client.send(.get, "/v1.0/communications/calls/\(id)/operations/\(operation)", token: token)
                #expect(try running.json["status"] == .string("running"))
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(3)
                guard case .single(.operation(let done))? = try harness.webhooks.accepted[2].notifications.value.first?.resourceData else {
                    Issue.record("no operation notification")
                    return
                }
                #expect(done.status == .completed)
            }
        }
    }
}
