import Testing
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationJSONStyleTests {
    @Test func spacedMatchesPythonJSONDumps() {
        // Given: compact JSON with nesting, empty containers and non-ASCII text (é, 😀, DEL).
        let compact = "{\"a\":[1,2,{\"b\":\"x, y: z\"}],\"c\":\"\u{e9}\u{1F600}\u{7F}\",\"d\":{},\"e\":[],\"f\":null,\"g\":true}"
        // When
        let spaced = SimulationJSONStyle.spaced.apply(to: compact)
        // Then: byte for byte what Python's json.dumps(json.loads(compact)) prints.
        let python = "{\"a\": [1, 2, {\"b\": \"x, y: z\"}], \"c\": \"\\u00e9\\ud83d\\ude00\\u007f\", \"d\": {}, \"e\": [], \"f\": null, \"g\": true}"
        #expect(spaced == python)
        #expect(spaced.utf8.allSatisfy { $0 < 0x80 })
    }

    @Test func stringContentsAndEscapesAreUntouched() {
        let compact = "{\"q\":\"say \\\"hi\\\", ok: \\\\ / done\",\"n\":\"line\\nbreak\\u0001\"}"
        let spaced = SimulationJSONStyle.spaced.apply(to: compact)
        #expect(spaced == "{\"q\": \"say \\\"hi\\\", ok: \\\\ / done\", \"n\": \"line\\nbreak\\u0001\"}")
    }

    @Test func existingWhitespaceIsNormalisedAndCompactIsTheIdentity() {
        let text = "{\"type\": \"ping\" ,\n \"a\" :[ 1 ,2 ]}"
        #expect(SimulationJSONStyle.spaced.apply(to: text) == "{\"type\": \"ping\", \"a\": [1, 2]}")
        #expect(SimulationJSONStyle.compact.apply(to: text) == text)
        #expect(SimulationJSONStyle.spaced.apply(to: "") == "")
    }

    @Test func eventsRestyleOnlyTheirJSONDataLines() {
        let event = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":4}}\n\n"
        #expect(
            SimulationJSONStyle.spaced.apply(to: event)
                == "event: message_delta\ndata: {\"type\": \"message_delta\", \"usage\": {\"output_tokens\": 4}}\n\n"
        )
        #expect(SimulationJSONStyle.spaced.apply(to: "data: [DONE]\n\n") == "data: [DONE]\n\n")
        let two = "data: {\"a\":1}\n\ndata: {\"b\":[2,3]}\n\n"
        #expect(SimulationJSONStyle.spaced.apply(to: two) == "data: {\"a\": 1}\n\ndata: {\"b\": [2, 3]}\n\n")
    }

    @Test func aTruncatedDocumentIsRestyledAsFarAsItGoes() {
        #expect(SimulationJSONStyle.spaced.apply(to: "{\"a\":1,\"b\":\"x,") == "{\"a\": 1, \"b\": \"x,")
    }

    @Test func namesParseCaseInsensitively() {
        #expect(SimulationJSONStyle(name: "spaced") == .spaced)
        #expect(SimulationJSONStyle(name: " Compact ") == .compact)
        #expect(SimulationJSONStyle(name: "SPACED") == .spaced)
        #expect(SimulationJSONStyle(name: "pretty") == nil)
        #expect(SimulationJSONStyle(name: "spa ced") == nil)
    }
}
