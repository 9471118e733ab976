import Foundation
import GraphModel

/// The seed documents' JSON bodies (extracted by `scripts/extract-seed-fixtures.py`).
public enum SeedFixtures {
    public struct Fixture: CustomStringConvertible, Sendable {
        /// The file name, such as `seed002-01-request.json`.
        public var name: String
        /// Where in the seed documents it stands (`002_….txt:67`).
        public var source: String
        /// The HTTP start line before it (`POST https://…`, `HTTP/1.1 201 Created`).
        public var http: String
        /// The body as printed.
        public var text: String
        public var description: String { "\(name) (\(source))" }

        /// The body with the trailing-comma typos removed.
        public var json: String { SeedFixtures.removingTrailingCommas(text) }
    }

    /// Fixtures whose JSON has trailing commas (a typo of the translated documents): the
    /// only repair the golden tests make before decoding.
    public static let trailingCommaTypos: Set<String> = [
        "seed002-02-response.json", "seed002-09-response.json", "seed002-11-response.json", "seed002-13-response.json",
        "seed002-14-request.json", "seed002-15-response.json", "seed002-21-response.json", "seed002-23-response.json",
        "seed002-25-response.json", "seed002-26-request.json", "seed002-27-response.json", "seed002-28-request.json",
        "seed002-29-response.json",
    ]

    public static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("seeds")
    }

    /// The fixture with this file name.
    public static func named(_ name: String) -> Fixture? { all.first { $0.name == name } }

    public static let all: [Fixture] = {
        let index = (try? String(contentsOf: directory.appendingPathComponent("index.tsv"), encoding: .utf8)) ?? ""
        return index.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 3, let text = try? String(contentsOf: directory.appendingPathComponent(columns[0]), encoding: .utf8) else { return nil }
            return Fixture(name: columns[0], source: columns[1], http: columns[2], text: text)
        }
    }()

    /// Removes trailing commas before `}` or `]` outside strings.
    public static func removingTrailingCommas(_ text: String) -> String {
        var output: [Character] = []
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "}" || character == "]" {
                if let comma = output.lastIndex(where: { !$0.isWhitespace }), output[comma] == "," { output.remove(at: comma) }
            }
            output.append(character)
        }
        return String(output)
    }
}
