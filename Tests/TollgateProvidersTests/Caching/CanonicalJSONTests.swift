import Testing
import TollgateCore

@testable import TollgateProviders

/// The canonical form against random documents written in many equivalent ways, and against Foundation's parser.
@Suite struct CanonicalJSONTests {
    static func canonical(_ text: String) throws -> [UInt8] {
        CanonicalJSON.text(of: try JSONDocument(parsing: Array(text.utf8)).root)
    }

    @Test(arguments: 0..<40)
    func everyWritingOfADocumentHasOneCanonicalText(seed: UInt64) throws {
        var generator = JSONGenerator(random: SplitMix64(seed: seed))
        var random = SplitMix64(seed: seed ^ 0x5EED)
        var first = JSONStyle(random: SplitMix64(seed: seed &+ 1))
        var second = JSONStyle(random: SplitMix64(seed: seed &+ 2))
        for _ in 0..<25 {
            let value = generator.value()
            let canonical = try Self.canonical(first.write(value))
            let rewritten = second.write(reordered(value, &random))
            #expect(try Self.canonical(rewritten) == canonical)
            // Canonical text is valid JSON and canonical already.
            #expect(try Self.canonical(String(decoding: canonical, as: UTF8.self)) == canonical)
        }
    }

    @Test func objectsAreSortedAndStringsEscapedOneWay() throws {
        let text = String(decoding: try Self.canonical(#"{"b":"x\u0022y\n","a":[1.50,{"d":true,"c":null}],"\u00e9":"\u00E9"}"#), as: UTF8.self)
        #expect(text == #"{"a":[15e-1,{"c":null,"d":true}],"b":"x\"y\u000a","é":"é"}"#)
    }
}

/// Reorders the members of every object whose keys are distinct (with a repeated key the order is meaning).
private func reordered(_ value: GeneratedJSON, _ random: inout SplitMix64) -> GeneratedJSON {
    if case .array(let items) = value {
        var inner: [GeneratedJSON] = []
        for item in items { inner.append(reordered(item, &random)) }
        return .array(inner)
    }
    guard case .object(let members) = value else { return value }
    var keys: [String] = []
    var values: [GeneratedJSON] = []
    for (key, member) in members {
        keys.append(key)
        values.append(reordered(member, &random))
    }
    var order = Array(keys.indices)
    if Set(keys).count == keys.count {
        for index in order.indices.reversed() where index > 0 { order.swapAt(index, Int(random.next() % UInt64(index + 1))) }
    }
    return .object(order.map { (keys[$0], values[$0]) })
}
