import Testing

@testable import Undersigned

@Suite("Lookups of a log's stored subtrees")
struct LogNodeLookupTests {
    @Test("positions far apart are looked up apart; near ones together, a hundred at most")
    func clusters() {
        // The first subtree of a level and the last, as a proof wants them.
        #expect(SQLStore.clusters(of: [1, 15_624]) == [[1], [15_624]])
        #expect(SQLStore.clusters(of: [3, 67, 132]) == [[3, 67], [132]])
        let dense = SQLStore.clusters(of: Array(0..<250))
        #expect(dense.map(\.count) == [100, 100, 50])
        #expect(dense.joined().elementsEqual(0..<250))
        #expect(SQLStore.clusters(of: []).isEmpty)
        #expect(SQLStore.clusters(of: [Int64.min, Int64.max]) == [[Int64.min], [Int64.max]])
    }
}
