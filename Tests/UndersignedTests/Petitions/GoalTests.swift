import Testing

@testable import Undersigned

@Suite("Goals")
struct GoalTests {
    @Test(
        "the goal rises to the next milestone once reached",
        arguments: [
            (0, 10_000, 10_000), (9_999, 10_000, 10_000), (10_000, 10_000, 20_000), (19_999, 10_000, 20_000),
            (20_000, 10_000, 50_000), (50_001, 10_000, 100_000), (1_234_567, 10_000, 2_000_000), (7, 5, 10),
        ])
    func displayed(count: Int, goal: Int, expected: Int) {
        #expect(Goal.displayed(count: count, organizerGoal: goal) == expected)
    }

    @Test("progress is a whole percentage, never above 100")
    func percent() {
        #expect(Goal.percent(count: 0, goal: 100) == 0)
        #expect(Goal.percent(count: 50, goal: 100) == 50)
        #expect(Goal.percent(count: 150, goal: 100) == 100)
        #expect(Goal.percent(count: 1, goal: 0) == 100)
    }

    @Test("counts are grouped by thousands")
    func grouping() {
        #expect(Numbers.grouped(0) == "0")
        #expect(Numbers.grouped(999) == "999")
        #expect(Numbers.grouped(1000) == "1,000")
        #expect(Numbers.grouped(12_345_678) == "12,345,678")
    }
}
