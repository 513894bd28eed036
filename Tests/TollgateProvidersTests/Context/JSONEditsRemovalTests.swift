import Testing

@testable import TollgateProviders

/// Removing array elements takes each element with one separator and leaves every other byte as written.
@Suite struct JSONEditsRemovalTests {
    static func removing(_ indices: Set<Int>, from text: String) throws -> String {
        let document = try JSONDocument(parsing: Array(text.utf8))
        var edits = JSONEdits(document)
        edits.remove(elements: indices, from: try #require(document.root["a"]))
        return String(decoding: edits.applied(), as: UTF8.self)
    }

    @Test(arguments: [
        ([1], #"{"a": [ 1 ,  2 , 3 ] }"#, #"{"a": [ 1 , 3 ] }"#),
        ([0], #"{"a": [ 1 ,  2 , 3 ] }"#, #"{"a": [ 2 , 3 ] }"#),
        ([2], #"{"a": [ 1 ,  2 , 3 ] }"#, #"{"a": [ 1 ,  2 ] }"#),
        ([0, 1], #"{"a": [ 1 ,  2 , 3 ] }"#, #"{"a": [ 3 ] }"#),
        ([0, 2], #"{"a": [ 1 ,  2 , 3 ] }"#, #"{"a": [ 2 ] }"#),
        ([1, 3], #"{"a":[1,{"x":[2]},3,"4",5]}"#, #"{"a":[1,3,5]}"#),
        ([0, 1, 2], #"{"a": [ 1 ,  2 , 3 ] }"#, #"{"a": [  ] }"#),
        ([7], #"{"a": [ 1 ]}"#, #"{"a": [ 1 ]}"#),
    ])
    func removesElementsWithTheirSeparators(indices: [Int], text: String, expected: String) throws {
        #expect(try Self.removing(Set(indices), from: text) == expected)
    }
}
