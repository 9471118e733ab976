import GraphModel
import SwitchboardTesting
import Testing

@Suite struct JSONLimitsTests {
    let limits = JSONLimits()

    @Test(arguments: SeedFixtures.all)
    func everySeedBodyIsWithinTheLimits(_ fixture: SeedFixtures.Fixture) {
        #expect(limits.violation(in: Array(fixture.json.utf8)) == nil)
    }

    @Test func nestingBeyondTheLimitIsNamed() {
        let deep = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)
        #expect(limits.violation(in: Array(deep.utf8)) == "The request body nests deeper than 32 levels at a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.")
        let fine = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(limits.violation(in: Array(fine.utf8)) == nil)
        #expect(limits.violation(in: Array((String(repeating: "[", count: 100_000)).utf8)) != nil)
    }

    @Test func longArraysAreNamedWhateverTheirElements() {
        let small = JSONLimits(maxArrayLength: 3)
        for elements in [#"1,2,3"#, #""a","b","c""#, #"{},[],{}"#, #"true, false ,null"#, #"-1.5e3,0,"x""#] {
            #expect(small.violation(in: Array(#"{"targets":[\#(elements)]}"#.utf8)) == nil, "\(elements)")
            #expect(small.violation(in: Array(#"{"targets":[\#(elements),7]}"#.utf8)) == "targets has more than 3 elements.", "\(elements)")
        }
        #expect(small.violation(in: Array(#"{"a":{"b":[[1],[1,2,3,4]]}}"#.utf8)) == "a.b[1] has more than 3 elements.")
    }

    @Test func longStringsAreNamedWithTheirPath() {
        let small = JSONLimits(maxStringLength: 12)
        let body = #"{"targets":[{"identity":{"user":{"id":"ok","displayName":"far too long here"}}}]}"#
        #expect(small.violation(in: Array(body.utf8)) == "targets[0].identity.user.displayName is longer than 12 bytes.")
        #expect(small.violation(in: Array(#"["ok","much too long here"]"#.utf8)) == "[1] is longer than 12 bytes.")
        // Escaped quotes do not end a string early, nor start a new one.
        #expect(small.violation(in: Array(#"{"a":"\"\"","b":"c"}"#.utf8)) == nil)
        #expect(small.violation(in: Array(#"{"a":"\"\"\"\"\"\"\""}"#.utf8)) == "a is longer than 12 bytes.")
        #expect(small.violation(in: Array(#"{"a-very-long-name":1}"#.utf8)) == "A property name in the request body is longer than 12 bytes.")
    }

    @Test func malformedBodiesAreLeftToTheDecoder() {
        for text in ["", "{", "\"", "[\"", "}}}]]]", #"{"a":"#, "\u{1}"] {
            #expect(limits.violation(in: Array(text.utf8)) == nil, "\(text)")
        }
    }
}
