import Foundation
import GraphModel
import SwitchboardTesting
import Testing

/// Every JSON body of the seed documents decodes into the model and re-encodes to
/// equivalent JSON. "Equivalent" allows exactly the normalisations the model makes on
/// purpose (see `docs/differences-from-graph.md`), applied by ``normalise(_:)``.
@Suite struct GoldenWireTests {
    @Test func everySeedBodyWasExtracted() {
        // 9 bodies in seed 000, 29 in seed 002, 19 in seed 003.
        #expect(SeedFixtures.all.count == 57)
    }

    @Test func trailingCommaTyposAreRecorded() throws {
        for fixture in SeedFixtures.all {
            let hasTypo = SeedFixtures.removingTrailingCommas(fixture.text) != fixture.text
            #expect(hasTypo == SeedFixtures.trailingCommaTypos.contains(fixture.name), "\(fixture.name)")
        }
    }

    /// Foundation's decoder tolerates the seeds' trailing commas, so a bot that sends a
    /// body exactly as the documents print it is understood, as Graph understands it.
    @Test func bodiesWithTheTyposStillDecode() throws {
        for fixture in SeedFixtures.all where SeedFixtures.trailingCommaTypos.contains(fixture.name) {
            #expect(throws: Never.self, "\(fixture.name)") {
                try JSONDecoder().decode(JSONValue.self, from: Data(fixture.text.utf8))
            }
        }
    }

    @Test(arguments: SeedFixtures.all)
    func seedBodyRoundTrips(_ fixture: SeedFixtures.Fixture) throws {
        let data = Data(SeedFixtures.removingTrailingCommas(fixture.text).utf8)
        let input = try JSONDecoder().decode(JSONValue.self, from: data)
        let output = try roundTrip(data, as: Self.modelType(for: fixture, input))
        #expect(normalise(output, like: input) == normalise(input, like: input))
    }

    /// Which model type a seed body is.
    static func modelType(for fixture: SeedFixtures.Fixture, _ json: JSONValue) -> any GraphObject.Type {
        if json["value"] != nil { return CommsNotifications.self }
        if fixture.http.contains("/participants/invite") { return InviteParticipantsRequest.self }
        if fixture.http.hasSuffix("/answer") { return AnswerRequest.self }
        if json["status"] != nil { return CommsOperation.self }
        return Call.self
    }

    private func roundTrip(_ data: Data, as type: any GraphObject.Type) throws -> JSONValue {
        func go<T: GraphObject>(_ type: T.Type) throws -> JSONValue {
            let value = try JSONDecoder().decode(T.self, from: data)
            let encoder = JSONEncoder()
            encoder.userInfo[.graphWireProfile] = GraphWireProfile.beta
            return try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
        }
        return try go(type)
    }
}

/// Applies the documented normalisations to `value`, using `input` (the seed body) to know
/// which `@odata.type` annotations the input carried.
func normalise(_ value: JSONValue, like input: JSONValue?) -> JSONValue {
    switch value {
    case .object(let object):
        var result: [String: JSONValue] = [:]
        for (key, child) in object {
            // 1. A null property is the same as an absent one (the model omits nulls).
            if child == .null { continue }
            // 2. The encoder writes @odata.type on every typed object; only compare where the input had one.
            if key == "@odata.type", input?[key] == nil { continue }
            var name = key
            // 3. Legacy spellings are read and written in their current form.
            switch key {
            case "url": name = "uri"
            case "callback": name = "callbackUri"
            case "acceptModalities": name = "acceptedModalities"
            default: break
            }
            result[name] = normalise(child, like: input?[key] ?? input?[name])
        }
        // 4. An identitySet carrying communications identities is a communicationsIdentitySet.
        if result["@odata.type"] == .string("#microsoft.graph.communicationsIdentitySet") {
            result["@odata.type"] = .string("#microsoft.graph.identitySet")
        }
        // 5. A target the document typed participantInfo (seed003-06) is an invitationParticipantInfo.
        if result["@odata.type"] == .string("#microsoft.graph.invitationParticipantInfo"),
           input?["@odata.type"] == .string("#microsoft.graph.participantInfo") {
            result["@odata.type"] = .string("#microsoft.graph.participantInfo")
        }
        // 6. Operation status is written in camelCase (metadata: PascalCase).
        if case .string(let status)? = result["status"], let first = status.first {
            result["status"] = .string(first.lowercased() + status.dropFirst())
        }
        return .object(result)
    case .array(let values):
        let inputs: [JSONValue]? = if case .array(let list)? = input { list } else { nil }
        return .array(values.enumerated().map { index, element in
            normalise(element, like: inputs.flatMap { index < $0.count ? $0[index] : nil })
        })
    default:
        return value
    }
}
