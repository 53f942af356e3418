/// The goal a petition shows: the organizer's goal until it is reached, then the next
/// milestone above the count, so that a successful petition always has somewhere to go.
public enum Goal {
    public static func displayed(count: Int, organizerGoal: Int) -> Int {
        guard count >= organizerGoal else { return organizerGoal }
        var magnitude = 1
        while true {
            for step in [1, 2, 5] where step * magnitude > count && step * magnitude > organizerGoal {
                return step * magnitude
            }
            magnitude *= 10
        }
    }

    /// Progress toward the displayed goal, 0 to 100.
    public static func percent(count: Int, goal: Int) -> Int {
        guard goal > 0 else { return 100 }
        return min(100, count * 100 / goal)
    }
}
