import Testing
@testable import KDTensor

@Suite struct ShapeTests {
    @Test func broadcastFollowsNumPy() {
        #expect(Shape.broadcast([3, 1, 5], [4, 1]) == [3, 4, 5])
        #expect(Shape.broadcast([2, 3], [3]) == [2, 3])
        #expect(Shape.broadcast([2, 3], [2]) == nil)
    }

    @Test func stridesAreRowMajor() {
        #expect(Shape([2, 3, 4]).strides == [12, 4, 1])
    }
}
